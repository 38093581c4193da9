"""Plain-mode inclusion proofs: building them from a snapshot, one or all (JSON, docs/SPEC.md §7).

A proof carries the user's id, salt and balances, the leaf index (its bits say left/right at each height) and the
sibling (hash, sums) at every height. Sibling sums are base-unit integers as decimal strings (exact in every JSON
reader); the user's own balances are token units as decimal strings, as the user knows them.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from por import jsontext as jt
from por.amounts import format_amount
from por.errors import InputError
from por.files import atomic_open
from por.ingest.write import decimal_strings
from por.kdf import BatchPRF
from por.plain.tree import TreeShape, level_offset, load_levels, stored_tree
from por.scale.engine import fork_pool
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
    """JSON text of {"hash", "sums"} for each of the given nodes."""
    parts: list = [jt.literal('{"hash":"'), jt.hex_rows(np.asarray(hashes)), jt.literal('","sums":["')]
    for token in range(sums.shape[1]):
        if token:
            parts.append(jt.literal('","'))
        parts.append(jt.integers(np.asarray(sums[:, token])))
    parts.append(jt.literal('"]}'))
    return jt.concat(*parts)


def _sibling_text(hashes: np.ndarray, sums: np.ndarray, capacity: int, positions: np.ndarray) -> list[pa.Array]:
    """For each height of a subtree of ``capacity`` leaves, the JSON fragment of the sibling of every position
    (sorted ascending): each distinct sibling is read from the level arrays and rendered once."""
    out = []
    for height in range(capacity.bit_length() - 1):
        above = positions >> height
        first = np.ones(len(above), dtype=bool)
        first[1:] = above[1:] != above[:-1]
        nodes = level_offset(capacity, height) + (above[first] ^ 1)
        out.append(_fragments(hashes[nodes], sums[nodes]).take(pa.array(np.cumsum(first) - 1)))
    return out


CHUNK_USERS = 1 << 12
"""Users per unit of ``write_all_proofs``: a process holds one unit's text (≈ CHUNK_USERS × depth sibling
fragments), whatever the number of users."""


@dataclass(frozen=True)
class _Unit:
    """One task of ``write_all_proofs``: rows [start, stop) of a record batch of a user index file."""

    index: int
    path: Path
    batch: int
    start: int
    stop: int


class _AllProofs:
    """What every unit needs, prepared once in the parent (forked workers inherit it): the JSON header, the top
    levels of the tree, the salt PRF. Everything per user is read per unit, so memory does not grow with N."""

    def __init__(self, snapshot: Snapshot, chunk: int) -> None:
        meta = snapshot.meta
        self.shape = TreeShape(meta["depth"], meta["tokens"], meta["partition_bits"])
        self.operator = snapshot.operator
        self.tokens = snapshot.tokens
        self.header = json.dumps(_header(snapshot), separators=(",", ":"))[:-1] + ',"user":{"id":'
        self.top = tuple(np.array(level) for level in load_levels(snapshot.operator, "top",
                                                                   2 * self.shape.partitions - 1))
        self.salt_of = BatchPRF(snapshot.prk, "leaf-salt")
        self.units: list[_Unit] = []
        for path, batch, rows in _batches(snapshot.user_files):
            for start in range(0, rows, chunk):
                self.units.append(_Unit(len(self.units), path, batch, start, min(start + chunk, rows)))

    def text(self, unit: _Unit) -> tuple[list[memoryview], int, int, int]:
        """The proofs of one unit's users as JSON lines; and (count, first slot, last slot)."""
        with pa.OSFile(str(unit.path)) as source:  # read, not mapped: only this batch is ever resident
            batch = pa.ipc.open_file(source).get_batch(unit.batch).slice(unit.start, unit.stop - unit.start)
        ids, slots = batch.column("user_id"), batch.column("slot").to_numpy()
        if len(slots) == 0:
            return [], 0, -1, -1
        if (np.diff(slots) <= 0).any():
            raise _not_in_slot_order(unit.path)
        part_cap = 1 << self.shape.part_depth
        parts = slots // part_cap
        text = []
        for part in np.unique(parts).tolist():
            lo, hi = np.searchsorted(parts, [part, part + 1]).tolist()
            levels = load_levels(self.operator, f"part-{part}",  # unmapped again once this unit is done
                                 2 * part_cap - 1)
            text.append(jt.row_text(self._rows(ids.slice(lo, hi - lo), slots[lo:hi], part, levels)))
        return text, len(slots), int(slots[0]), int(slots[-1])

    def _rows(self, ids: pa.Array, slots: np.ndarray, part: int, levels: tuple[np.ndarray, np.ndarray]) -> pa.Array:
        """One JSON line per user, assembled column-wise with Arrow string kernels (no per-user Python objects)."""
        hashes, sums = levels
        local = slots - part * (1 << self.shape.part_depth)
        salts = np.frombuffer(b"".join(map(self.salt_of, slots.tolist())), np.uint8).reshape(-1, 32)
        leaf_sums = np.asarray(sums[local])
        balances: list = []
        for column, token in enumerate(self.tokens):
            balances += [jt.literal(("{" if column == 0 else ",") + json.dumps(token.symbol) + ':"'),
                         decimal_strings(leaf_sums[:, column], token.decimals), jt.literal('"')]
        top_path = [jt.literal(text[0].as_py())
                    for text in _sibling_text(*self.top, self.shape.partitions, np.array([part]))]
        path = _sibling_text(hashes, sums, 1 << self.shape.part_depth, local) + top_path
        siblings = pc.binary_join_element_wise(*path, jt.literal(","))
        return jt.concat(jt.literal(self.header), jt.json_strings(ids), jt.literal(',"salt":"'), jt.hex_rows(salts),
                         jt.literal('","balances":'), *balances, jt.literal('}},"leaf_index":'), jt.integers(slots),
                         jt.literal(',"siblings":['), siblings, jt.literal("]}\n"))


def _batches(files: list[Path]) -> list[tuple[Path, int, int]]:
    """(file, record batch, rows) of the user index, in order; batches are read one at a time, never all at once."""
    out = []
    for path in files:
        with pa.OSFile(str(path)) as source:
            reader = pa.ipc.open_file(source)
            out += [(path, i, reader.get_batch(i).num_rows) for i in range(reader.num_record_batches)]
    return out


def _not_in_slot_order(path: Path) -> InputError:
    return InputError("the user index is not in slot order (a damaged snapshot?); build the snapshot again",
                      path=path)


def write_all_proofs(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None, *,
                     workers: int | None = None, chunk: int | None = None) -> int:
    """Write every user's proof as one JSON object per line (users in slot order); return the number written.

    Each line is byte-identical to ``json.dumps(prove_user(...), separators=(",", ":"))``, whatever ``workers``
    (default: every core). The users are cut into units of ``chunk`` (default CHUNK_USERS); forked workers render units and write each
    straight into the output at its offset, known as soon as every earlier unit's size is (``_OrderedWrites``), so
    no byte is copied twice and every process holds about one unit.
    """
    writer = _AllProofs(snapshot, chunk or CHUNK_USERS)
    workers = max(1, min(workers or os.cpu_count() or 1, len(writer.units)))
    written, last_slot = 0, -1
    with (atomic_open(out_path, "wb", durable=False) as out,  # gigabytes, regenerable: no fsync
          contextlib.closing(_render(writer, workers, out)) as results):
        for unit, (count, first, last) in zip(writer.units, results, strict=True):
            if count and first <= last_slot:
                raise _not_in_slot_order(unit.path)
            last_slot = last if count else last_slot
            written += count
            if progress is not None:
                progress(count)
    return written


def _render(writer: _AllProofs, workers: int, out) -> Iterator[tuple[int, int, int]]:
    """Write every unit to ``out`` in order; yield each unit's (count, first slot, last slot) in order."""
    if workers == 1:
        for unit in writer.units:
            text, *result = writer.text(unit)
            for piece in text:
                out.write(piece)
            yield tuple(result)
        return
    global _WORK
    out.flush()
    _WORK = (writer, _OrderedWrites(out.fileno(), len(writer.units)))
    try:
        with fork_pool(workers) as pool:
            yield from pool.imap(_write_unit, writer.units)
    finally:
        _WORK = None


class _OrderedWrites:
    """Units written by several processes straight into one file, in unit order: unit k's offset is the sum of the
    sizes of units 0..k−1, published in shared memory as each is rendered."""

    def __init__(self, fd: int, units: int) -> None:
        context = multiprocessing.get_context("fork")
        self.fd = fd
        self.offsets = context.RawArray(ctypes.c_int64, units + 1)  # offsets[k] valid once k < known.value
        self.sizes = context.RawArray(ctypes.c_int64, [-1] * units)
        self.known = context.RawValue(ctypes.c_int64, 0)  # units 0..known−1 have a known offset
        self.changed = context.Condition()

    def write(self, index: int, text: list[memoryview]) -> None:
        with self.changed:
            self.sizes[index] = sum(len(piece) for piece in text)
            while self.known.value < len(self.sizes) and self.sizes[self.known.value] >= 0:
                k = self.known.value
                self.offsets[k + 1] = self.offsets[k] + self.sizes[k]
                self.known.value = k + 1
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.known.value > index)
            offset = self.offsets[index]
        for piece in text:
            while piece:
                done = os.pwrite(self.fd, piece, offset)
                piece, offset = piece[done:], offset + done


_WORK: tuple[_AllProofs, _OrderedWrites] | None = None  # set in the parent before forking; workers inherit it


def _write_unit(unit: _Unit) -> tuple[int, int, int]:
    assert _WORK is not None
    writer, writes = _WORK
    text, *result = writer.text(unit)
    writes.write(unit.index, text)
    return tuple(result)
