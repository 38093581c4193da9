"""Operator side, private mode: balances -> commitment sum tree -> published snapshot directory.

Same directory layout and staging as plain mode (por.publish): root.json (public; ``commitments`` per token instead
of totals), operator/ (0700: tree.json, users.arrow, the private-h*.npy levels, and later the cached node range
proofs). Building makes commitments and hashes only; range proofs are made lazily by ``por prove``.
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
from por.publish import (
    BuildResult,
    check_totals,
    prepare,
    publish,
    root_document,
    staged_snapshot,
    write_user_index,
)
from por.user_ids import UserColumn

POINT = hashing.POINT_BYTES


def user_hashes(prk: bytes, users: UserColumn) -> list[bytes]:
    """Salted id hash of every user (slot = input position), exactly as in plain mode."""
    salt_of = BatchPRF(prk, "leaf-salt")
    return [user_hash(users.get(i), salt_of(i)) for i in range(len(users))]


def commitments_json(tokens: list[Token], encoded: bytes) -> dict[str, str]:
    return {t.symbol: encoded[i * POINT:(i + 1) * POINT].hex() for i, t in enumerate(tokens)}


def build_private(tokens: list[Token], user_ids: pa.Array, amounts: np.ndarray, out_dir: Path, *,
                  secret_path: Path | None = None, round_id: str | None = None, pad_to: int = 0,
                  workers: int | None = None, force: bool = False, round_up: bool = False) -> BuildResult:
    """Build the private tree and publish ``out_dir`` atomically (root.json last)."""
    if len(user_ids) == 0 or amounts.shape[0] != len(user_ids):
        raise InputError("a private snapshot needs at least one user and one balance row per user")
    check_totals(tokens, amounts)
    prepared = prepare(Path(out_dir), secret_path, round_id, force=force)
    depth = layout.depth_for(len(user_ids), pad_to)
    round_id = prepared.round_id
    prk = round_key(prepared.secret, round_id)
    users = UserColumn.from_arrow(user_ids)
    with staged_snapshot(out_dir) as (stage, operator):
        top, top_commitments, _, _ = tree.build_tree(prk, depth, user_hashes(prk, users),
                                                    np.ascontiguousarray(amounts, dtype=np.uint64), operator,
                                                    workers=workers)
        write_user_index(operator, user_ids, np.arange(len(users)))
        root = hashing.root_hash(round_id, depth, tokens, top, top_commitments)
        document = publish(stage, {"depth": depth, "tokens": len(tokens), "partition_bits": 0, "users": len(users),
                                   "round": round_id, "mode": "private"},
                           root_document("private", round_id, tokens, depth, root, round_up=round_up,
                                         commitments=commitments_json(tokens, top_commitments)), prepared)
    return BuildResult(document, Path(out_dir), prepared.secret_path, prepared.secret_created)
