"""Plain-mode inclusion proofs: building them from a snapshot, one or all (JSON, docs/SPEC.md §7).

A proof carries the user's id, salt and balances, the leaf index (its bits say left/right at each height) and the
sibling (hash, sums) at every height. Sibling sums are base-unit integers as decimal strings (exact in every JSON
reader); the user's own balances are token units as decimal strings, as the user knows them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from por import jsontext as jt
from por.amounts import format_amount
from por.files import atomic_open
from por.ingest.write import decimal_strings
from por.kdf import BatchPRF
from por.plain.tree import level_offset, stored_tree
from por.snapshot_store import Snapshot

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
    tree = stored_tree(snapshot)
    _, sums = tree.leaf(slot)
    siblings = [{"hash": h.hex(), "sums": [str(s) for s in ss]} for h, ss in tree.siblings(slot)]
    return {**_header(snapshot), "user": _user_part(snapshot, user_id, slot, sums), "leaf_index": slot,
            "siblings": siblings}


def _fragments(hashes: np.ndarray, sums: np.ndarray) -> pa.Array:
    """JSON text of {"hash", "sums"} for every node of one stored array (computed once, shared by all proofs)."""
    parts: list = [jt.literal('{"hash":"'), jt.hex_rows(np.asarray(hashes)), jt.literal('","sums":["')]
    for token in range(sums.shape[1]):
        if token:
            parts.append(jt.literal('","'))
        parts.append(jt.integers(np.asarray(sums[:, token])))
    parts.append(jt.literal('"]}'))
    return jt.concat(*parts)


def _path_text(fragments: pa.Array, capacity: int, positions: np.ndarray) -> list[pa.Array]:
    """For each height, the sibling fragment of every position (positions within a subtree of ``capacity``)."""
    out = []
    for height in range(capacity.bit_length() - 1):
        out.append(fragments.take(pa.array(level_offset(capacity, height) + ((positions >> height) ^ 1))))
    return out


def write_all_proofs(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None,
                     chunk: int = 1 << 15) -> int:
    """Write every user's proof as one JSON object per line (users in slot order); returns the number written.

    Vectorised: each node's JSON fragment is rendered once, then proofs are assembled column-wise with Arrow string
    kernels, ``chunk`` users at a time. Byte-identical to ``json.dumps(prove_user(...), separators=(",", ":"))``.
    """
    tree = stored_tree(snapshot)
    shape = tree.shape
    header = json.dumps(_header(snapshot), separators=(",", ":"))[:-1] + ',"user":{"id":'
    part_cap = 1 << shape.part_depth
    top_fragments = _fragments(*tree.top)
    order = np.argsort(snapshot.users.column("slot").to_numpy(), kind="stable")
    ids = snapshot.users.column("user_id").take(pa.array(order)).combine_chunks()
    slots = snapshot.users.column("slot").to_numpy()[order]
    salt_of = BatchPRF(snapshot.prk, "leaf-salt")
    written = 0
    with atomic_open(out_path, "wb", durable=False) as out:  # gigabytes, regenerable: no fsync
        for part in range(shape.partitions):
            lo, hi = np.searchsorted(slots, [part * part_cap, (part + 1) * part_cap])
            if lo == hi:
                continue
            hashes, sums = tree.parts[part]
            fragments = _fragments(hashes, sums)
            top_path = [jt.literal(f[0].as_py()) for f in _path_text(top_fragments, shape.partitions, np.array([part]))]
            for start in range(lo, hi, chunk):
                stop = min(start + chunk, hi)
                chunk_slots = slots[start:stop]
                local = chunk_slots - part * part_cap
                salts = np.frombuffer(b"".join(map(salt_of, chunk_slots.tolist())), np.uint8).reshape(-1, 32)
                leaf_sums = np.asarray(sums[local])
                balances: list = []
                for column, token in enumerate(snapshot.tokens):
                    balances += [jt.literal(("{" if column == 0 else ",") + json.dumps(token.symbol) + ':"'),
                                 decimal_strings(leaf_sums[:, column], token.decimals), jt.literal('"')]
                path = _path_text(fragments, part_cap, local) + top_path
                siblings = pc.binary_join_element_wise(*path, jt.literal(","))
                rows = jt.concat(jt.literal(header), jt.json_strings(ids.slice(start, stop - start)),
                                 jt.literal(',"salt":"'), jt.hex_rows(salts), jt.literal('","balances":'), *balances,
                                 jt.literal('}},"leaf_index":'), jt.integers(chunk_slots), jt.literal(',"siblings":['),
                                 siblings, jt.literal("]}\n"))
                jt.write_rows(out, rows)
                written += stop - start
                if progress is not None:
                    progress(stop - start)
    return written
