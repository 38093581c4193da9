"""The sparse commitment sum tree: building it (optionally over forked workers) and reading it back.

Shape: capacity 2**depth, the N users in slots 0..N−1 (input order; sums are hidden, so position leaks nothing).
At height h the real nodes are i < n_h = ceil(N / 2**h); node (h, i ≥ n_h) is a *padding node*: one node standing
for a whole empty subtree, with hash ``keys.padding_hash`` and commitments commit(0, keys.blinding) — to anyone
without the secret it looks like any real subtree (attack A11). Only the padding node right after the last real
node of a level is ever used (as a sibling); it is derived on demand and never stored.

Storage (operator/, per height h): ``private-h<h>.hashes.npy`` (n_h, 32) uint8, ``.commitments.npy`` (n_h, 48·T)
uint8 (compressed points), ``.sums.npy`` (n_h, T) uint64, ``.blindings.npy`` (n_h, 32·T) uint8 (big-endian).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from circuits import pedersen
from circuits.group import get_backend
from circuits.scalars import ORDER
from por.private import hashing, keys
from por.scale.engine import fork_pool
from por.snapshot_store import Snapshot, stored_array

POINT = hashing.POINT_BYTES
SCALAR = 32


def level_size(users: int, height: int) -> int:
    return -(-users // (1 << height))


@dataclass
class Node:
    """One node as the prover needs it: public hash and commitments, secret sums and blindings."""

    height: int
    index: int
    hash: bytes
    commitments: bytes  # T compressed points
    sums: list[int]
    blindings: list[int]
    padding: bool = False


@dataclass
class Level:
    """Nodes [start, start + len) of one height, as Python lists (points stay live for the next reduction)."""

    hashes: list[bytes]
    points: list[list]  # T backend points per node
    sums: list[list[int]]
    blindings: list[list[int]]


def padding_node(prk: bytes, tokens: int, height: int, index: int) -> Node:
    blinds = keys.blindings(prk, height, index, tokens)
    points = pedersen.commit_many([0] * tokens, blinds, "fast")
    return Node(height, index, keys.padding_hash(prk, height, index), _compress(points), [0] * tokens, blinds, True)


def _compress(points: list) -> bytes:
    return b"".join(p.to_compressed_bytes() for p in points)


def leaf_level(prk: bytes, user_hashes: list[bytes], amounts: np.ndarray, start: int) -> tuple[Level, list[bytes]]:
    """Leaves for users start..start+len(user_hashes)−1: returns the level and each leaf's commitment bytes."""
    tokens = amounts.shape[1]
    hashes, points, sums, blinds, encoded = [], [], [], [], []
    for offset, (uhash, row) in enumerate(zip(user_hashes, amounts.tolist(), strict=True)):
        r = keys.blindings(prk, 0, start + offset, tokens)
        pts = pedersen.commit_many(row, r, "fast")
        data = _compress(pts)
        hashes.append(hashing.leaf_hash(uhash, data))
        points.append(pts)
        sums.append(row)
        blinds.append(r)
        encoded.append(data)
    return Level(hashes, points, sums, blinds), encoded


def reduce_level(prk: bytes, level: Level, height: int, start: int, users: int,
                 encoded: list[bytes]) -> tuple[Level, list[bytes]]:
    """Parents (height + 1) of nodes [start, start + len) at ``height``; ``start`` is even. A missing right child
    is the padding node of that position."""
    backend = get_backend("fast")
    real = level_size(users, height)
    tokens = len(level.sums[0])
    hashes, points, sums, blinds, out_encoded = [], [], [], [], []
    for j in range(0, len(level.hashes), 2):
        if j + 1 < len(level.hashes):
            r_hash, r_pts, r_sums, r_blind, r_enc = (level.hashes[j + 1], level.points[j + 1], level.sums[j + 1],
                                                     level.blindings[j + 1], encoded[j + 1])
        else:
            assert start + j + 1 >= real, "a real right child is missing from the level"
            pad = padding_node(prk, tokens, height, start + j + 1)
            r_hash, r_sums, r_blind, r_enc = pad.hash, pad.sums, pad.blindings, pad.commitments
            r_pts = pedersen.commit_many([0] * tokens, pad.blindings, backend)
        pts = [backend.add(a, b) for a, b in zip(level.points[j], r_pts, strict=True)]
        data = _compress(pts)
        hashes.append(hashing.node_hash(height + 1, level.hashes[j], r_hash, encoded[j], r_enc))
        points.append(pts)
        sums.append([a + b for a, b in zip(level.sums[j], r_sums, strict=True)])
        blinds.append([(a + b) % ORDER for a, b in zip(level.blindings[j], r_blind, strict=True)])
        out_encoded.append(data)
    return Level(hashes, points, sums, blinds), out_encoded


def level_arrays(level: Level, encoded: list[bytes]) -> dict[str, np.ndarray]:
    n, tokens = len(level.hashes), len(level.sums[0])
    return {
        "hashes": np.frombuffer(b"".join(level.hashes), dtype=np.uint8).reshape(n, 32),
        "commitments": np.frombuffer(b"".join(encoded), dtype=np.uint8).reshape(n, POINT * tokens),
        "sums": np.array(level.sums, dtype=np.uint64).reshape(n, tokens),
        "blindings": np.frombuffer(b"".join(r.to_bytes(SCALAR, "big") for row in level.blindings for r in row),
                                   dtype=np.uint8).reshape(n, SCALAR * tokens),
    }


def build_chunk(prk: bytes, user_hashes: list[bytes], amounts: np.ndarray, start: int, users: int,
                levels: int) -> list[dict[str, np.ndarray]]:
    """Leaves [start, start + len) and ``levels`` levels above them, as arrays (start is a multiple of 2**levels)."""
    level, encoded = leaf_level(prk, user_hashes, amounts, start)
    out = [level_arrays(level, encoded)]
    for h in range(levels):
        level, encoded = reduce_level(prk, level, h, start >> h, users, encoded)
        out.append(level_arrays(level, encoded))
    return out


def _points_from(arrays: dict[str, np.ndarray], tokens: int) -> list[list]:
    from py_arkworks_bls12381 import G1Point

    rows = arrays["commitments"]
    return [[G1Point.from_compressed_bytes_unchecked(bytes(row[t * POINT:(t + 1) * POINT])) for t in range(tokens)]
            for row in rows]  # our own freshly made points: no subgroup check needed


def _level_from(arrays: dict[str, np.ndarray], tokens: int) -> tuple[Level, list[bytes]]:
    blind_rows = arrays["blindings"]
    blinds = [[int.from_bytes(bytes(row[t * SCALAR:(t + 1) * SCALAR]), "big") for t in range(tokens)]
              for row in blind_rows]
    level = Level([bytes(h) for h in arrays["hashes"]], _points_from(arrays, tokens),
                  [[int(x) for x in row] for row in arrays["sums"]], blinds)
    return level, [bytes(row) for row in arrays["commitments"]]


_FORK_ARGS: tuple | None = None


def _fork_chunk(bounds: tuple[int, int]) -> list[dict[str, np.ndarray]]:
    assert _FORK_ARGS is not None
    prk, user_hashes, amounts, users, levels = _FORK_ARGS
    lo, hi = bounds
    return build_chunk(prk, user_hashes[lo:hi], amounts[lo:hi], lo, users, levels)


def build_tree(prk: bytes, depth: int, user_hashes: list[bytes], amounts: np.ndarray, out_dir: Path, *,
               workers: int | None = None) -> tuple[bytes, bytes, list[int], list[int]]:
    """Build and store every level; return (top hash, top commitments, totals, root blindings)."""
    users, tokens = amounts.shape
    workers = workers or os.cpu_count() or 1
    chunk_bits = max(0, min(depth, (users // max(1, 4 * workers)).bit_length() - 1))
    chunk = 1 << chunk_bits
    bounds = [(lo, min(users, lo + chunk)) for lo in range(0, users, chunk)]
    if workers > 1 and len(bounds) > 1:
        global _FORK_ARGS
        _FORK_ARGS = (prk, user_hashes, amounts, users, chunk_bits)
        try:
            with fork_pool(workers) as pool:
                parts = pool.map(_fork_chunk, bounds)
        finally:
            _FORK_ARGS = None
    else:
        parts = [build_chunk(prk, user_hashes[lo:hi], amounts[lo:hi], lo, users, chunk_bits) for lo, hi in bounds]
    levels = [{k: np.concatenate([p[h][k] for p in parts]) for k in parts[0][h]} for h in range(chunk_bits + 1)]
    level, encoded = _level_from(levels[-1], tokens)
    for h in range(chunk_bits, depth):
        level, encoded = reduce_level(prk, level, h, 0, users, encoded)
        levels.append(level_arrays(level, encoded))
    for h, arrays in enumerate(levels):
        for kind, array in arrays.items():
            np.save(out_dir / f"private-h{h}.{kind}.npy", array)
    return level.hashes[0], encoded[0], level.sums[0], level.blindings[0]


class StoredTree:
    """Read access to a stored private tree (memory-mapped); padding nodes are derived on demand."""

    def __init__(self, directory: Path, depth: int, tokens: int, users: int, prk: bytes | None) -> None:
        self.dir, self.depth, self.tokens, self.users, self._prk = directory, depth, tokens, users, prk

    @cached_property
    def levels(self) -> list[dict[str, np.ndarray]]:
        kinds = ("hashes", "commitments", "sums", "blindings")
        return [{k: stored_array(self.dir / f"private-h{h}.{k}.npy", level_size(self.users, h)) for k in kinds}
                for h in range(self.depth + 1)]

    def node(self, height: int, index: int) -> Node:
        if index >= level_size(self.users, height):
            if self._prk is None:
                raise ValueError("padding nodes need the master secret")
            return padding_node(self._prk, self.tokens, height, index)
        lv = self.levels[height]
        raw = bytes(lv["blindings"][index])
        blinds = [int.from_bytes(raw[t * SCALAR:(t + 1) * SCALAR], "big") for t in range(self.tokens)]
        return Node(height, index, bytes(lv["hashes"][index]), bytes(lv["commitments"][index]),
                    [int(x) for x in lv["sums"][index]], blinds)

    def siblings(self, slot: int) -> list[tuple[int, int]]:
        """(height, index) of the sibling at every height 0..depth−1 on the path of leaf ``slot``."""
        return [(h, (slot >> h) ^ 1) for h in range(self.depth)]

    def top(self) -> Node:
        return self.node(self.depth, 0)


def stored_tree(snapshot: Snapshot, *, with_secret: bool = True) -> StoredTree:
    meta = snapshot.meta
    return StoredTree(snapshot.operator, meta["depth"], meta["tokens"], meta["users"],
                      snapshot.prk if with_secret else None)
