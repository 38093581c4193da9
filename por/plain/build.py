"""Operator side, plain mode: balances -> Merkle sum tree -> published snapshot directory (por.publish).

operator/ holds, besides the shared tree.json and users.arrow, the tree levels part-*.npy / top-*.npy
(por.plain.tree).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from por import layout
from por.amounts import Token, format_amount
from por.kdf import round_key
from por.plain import hashing
from por.plain.tree import build_tree
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


def build_plain(tokens: list[Token], user_ids: pa.Array, amounts: np.ndarray, out_dir: Path, *,
                secret_path: Path | None = None, round_id: str | None = None, pad_to: int = 0,
                workers: int | None = None, force: bool = False, round_up: bool = False) -> BuildResult:
    """Build the plain sum tree and publish ``out_dir`` atomically; ``round_up`` records that the amounts were
    rounded up to the tokens' decimals (root.json ``rounding``, so that an audit converts the export the same way)."""
    check_totals(tokens, amounts)
    prepared = prepare(out_dir, secret_path, round_id, force=force)
    depth = layout.depth_for(len(user_ids), pad_to)
    round_id = prepared.round_id
    prk = round_key(prepared.secret, round_id)
    users = UserColumn.from_arrow(user_ids)
    with staged_snapshot(out_dir) as (stage, operator):
        shape, top, totals = build_tree(prk, depth, users, amounts, operator, workers=workers)
        write_user_index(operator, user_ids, layout.user_slots(prk, depth, len(users)))
        meta = {"depth": depth, "tokens": amounts.shape[1], "partition_bits": shape.partition_bits,
                "users": len(users), "round": round_id, "mode": "plain"}
        document = publish(stage, meta, plain_root_document(round_id, tokens, depth, top, totals, round_up=round_up),
                           prepared)
    return BuildResult(document, Path(out_dir), prepared.secret_path, prepared.secret_created)


def plain_root_document(round_id: str, tokens: list[Token], depth: int, top: bytes, totals: list[int], *,
                        round_up: bool = False) -> dict:
    root = hashing.root_hash("plain", round_id, depth, tokens, top, totals)
    return root_document("plain", round_id, tokens, depth, root, round_up=round_up,
                         totals={t.symbol: format_amount(v, t.decimals) for t, v in zip(tokens, totals, strict=True)})
