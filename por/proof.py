"""Plain-mode inclusion proofs: building them from a snapshot, one or all (JSON, docs/SPEC.md §Proof).

A proof carries the user's id, salt and balances, the leaf index (its bits say left/right at each height) and the
sibling (hash, sums) at every height. Sibling sums are base-unit integers as decimal strings (exact in every JSON
reader); the user's own balances are token units as decimal strings, as the user knows them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from por.amounts import format_amount
from por.files import atomic_open
from por.snapshot_store import Snapshot
from por.tree import level_offset

PROOF_FORMAT = "por-proof"
PROOF_VERSION = 1


def _header(snapshot: Snapshot) -> dict:
    root = snapshot.root
    return {"format": PROOF_FORMAT, "version": PROOF_VERSION, "mode": root["mode"], "hash": "sha256",
            "round": root["round"], "root": root["root"], "depth": root["depth"], "tokens": root["tokens"]}


def _user_part(snapshot: Snapshot, user_id: str, slot: int, sums: list[int]) -> dict:
    balances = {t.symbol: format_amount(v, t.decimals) for t, v in zip(snapshot.tokens, sums, strict=True)}
    return {"id": user_id, "salt": snapshot.salt(slot).hex(), "balances": balances}


def prove_user(snapshot: Snapshot, user_id: str) -> dict:
    slot = snapshot.slot_of(user_id)
    _, sums = snapshot.tree.leaf(slot)
    siblings = [{"hash": h.hex(), "sums": [str(s) for s in ss]} for h, ss in snapshot.tree.siblings(slot)]
    return {**_header(snapshot), "user": _user_part(snapshot, user_id, slot, sums), "leaf_index": slot,
            "siblings": siblings}


def _fragments(hashes: np.ndarray, sums: np.ndarray) -> list[str]:
    """JSON text of {"hash", "sums"} for every node of one stored array (computed once, shared by all proofs)."""
    hex_rows = hashes.view(f"S{hashes.shape[1]}").ravel()  # raw 32-byte strings
    sum_text = sums.astype(str)
    return ['{"hash":"%s","sums":["%s"]}' % (h.hex(), '","'.join(row))  # noqa: UP031
            for h, row in zip(hex_rows.tolist(), sum_text.tolist(), strict=True)]


def write_all_proofs(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write every user's proof as one JSON object per line; returns the number written."""
    tree, shape = snapshot.tree, snapshot.shape
    header = json.dumps(_header(snapshot), separators=(",", ":"))[:-1]
    top_frag = _fragments(*tree.top)
    part_cap = 1 << shape.part_depth
    users = snapshot.users
    ids, slots = users.column("user_id").to_pylist(), users.column("slot").to_numpy()
    order = np.argsort(slots, kind="stable")  # partition by partition, so one partition's fragments are live
    written = 0
    with atomic_open(out_path, "w") as out:
        current, frag, leaf_sums = -1, None, None
        for i in order.tolist():
            slot = int(slots[i])
            part, idx = divmod(slot, part_cap)
            if part != current:
                current, frag = part, _fragments(*tree.parts[part])
                leaf_sums = tree.parts[part][1]
            path = [frag[level_offset(part_cap, h) + ((idx >> h) ^ 1)] for h in range(shape.part_depth)]
            path += [top_frag[level_offset(shape.partitions, h) + ((part >> h) ^ 1)] for h in range(shape.partition_bits)]
            user = json.dumps(_user_part(snapshot, ids[i], slot, [int(x) for x in leaf_sums[idx]]),
                              separators=(",", ":"), ensure_ascii=False)
            out.write(f'{header},"user":{user},"leaf_index":{slot},"siblings":[{",".join(path)}]}}\n')
            written += 1
            if progress is not None and written % 4096 == 0:
                progress(4096)
        if progress is not None:
            progress(written % 4096)
    return written
