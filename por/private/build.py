"""Operator side, private mode: balances -> K-ary commitment sum tree -> published snapshot directory.

Same directory layout and staging as plain mode (por.publish): public/root.json (version 3: ``commitments`` per
token instead of totals, the arity, and each token's range width), operator/ (0700: tree.json, users.arrow, the
private-h*.npy levels, and later the cached group range proofs). Building makes commitments and hashes only; range
proofs are made by ``por prove``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from por import layout
from por.amounts import Token
from por.errors import InputError
from por.hashing import user_hash
from por.kdf import BatchPRF, round_key
from por.private import hashing, tree
from por.private.widths import resolve_widths
from por.publish import (
    BuildResult,
    check_totals,
    prepare,
    publish,
    root_document,
    staged_snapshot,
    write_user_index,
)
from por.snapshot import PRIVATE_ROOT_VERSION
from por.user_ids import UserColumn

POINT = hashing.POINT_BYTES
DEFAULT_ARITY = 4
ARITIES = (2, 4, 8, 16)


def user_hashes(prk: bytes, users: UserColumn) -> list[bytes]:
    """Salted id hash of every user (slot = input position), exactly as in plain mode."""
    salt_of = BatchPRF(prk, "leaf-salt")
    return [user_hash(users.get(i), salt_of(i)) for i in range(len(users))]


def commitments_json(tokens: list[Token], encoded: bytes) -> dict[str, str]:
    return {t.symbol: encoded[i * POINT:(i + 1) * POINT].hex() for i, t in enumerate(tokens)}


def depth_for(users: int, pad_to: int, arity: int) -> int:
    """Smallest depth ≥ 1 whose capacity arity^depth holds max(users, pad_to, 2) leaves."""
    need = max(users, pad_to, 2)
    depth = 1
    while arity**depth < need:
        depth += 1
    if arity**depth > 1 << layout.MAX_DEPTH:
        raise InputError(f"a capacity of {arity}^{depth} leaves is more than the 2^{layout.MAX_DEPTH} por supports",
                         field="--pad-to")
    return depth


def build_private(tokens: list[Token], user_ids: pa.Array, amounts: np.ndarray, out_dir: Path, *,
                  secret_path: Path | None = None, round_id: str | None = None, pad_to: int = 0,
                  workers: int | None = None, force: bool = False, range_bits: dict[str, int] | None = None,
                  arity: int = DEFAULT_ARITY, round_up: bool = False) -> BuildResult:
    """Build the private tree and publish ``out_dir`` atomically (root.json last). ``range_bits`` maps symbols to
    their range widths (default 64 each); ``round_up`` records that amounts were rounded up (``--rounding up``)."""
    if len(user_ids) == 0 or amounts.shape[0] != len(user_ids):
        raise InputError("a private snapshot needs at least one user and one balance row per user")
    if arity not in ARITIES:
        raise InputError(f"the arity must be one of {', '.join(map(str, ARITIES))}", field="--arity")
    check_totals(tokens, amounts)
    amounts = np.ascontiguousarray(amounts, dtype=np.uint64)
    widths = resolve_widths(tokens, [int(x) for x in amounts.sum(axis=0, dtype=object)], range_bits)
    prepared = prepare(Path(out_dir), secret_path, round_id, force=force)
    round_id = prepared.round_id
    prk = round_key(prepared.secret, round_id)
    users = UserColumn.from_arrow(user_ids)
    shape = tree.TreeShape(arity, depth_for(len(users), pad_to, arity), len(users), len(tokens))
    with staged_snapshot(out_dir) as (stage, operator):
        top = tree.build_tree(prk, shape, user_hashes(prk, users), amounts, operator, workers=workers)
        write_user_index(operator, user_ids, np.arange(len(users)))
        root = hashing.root_hash(round_id, arity, shape.depth, tokens, widths, top.hash, top.commitments)
        meta = {"depth": shape.depth, "arity": arity, "tokens": len(tokens), "partition_bits": 0,
                "users": len(users), "round": round_id, "mode": "private", "version": PRIVATE_ROOT_VERSION}
        document = root_document("private", round_id, tokens, shape.depth, root, version=PRIVATE_ROOT_VERSION,
                                 arity=arity, token_fields=[{"range_bits": w} for w in widths], round_up=round_up,
                                 commitments=commitments_json(tokens, top.commitments))
        document = publish(stage, meta, document, prepared)
    return BuildResult(document, Path(out_dir), prepared.secret_path, prepared.secret_created)
