"""The sparse K-ary commitment sum tree (private mode v3): building it over forked workers and reading it back.

Shape: arity K, depth d, capacity K^d; the N users sit in slots 0..N−1 in input order (sums are hidden, so the
position leaks nothing). At height h the real nodes are i < n_h = ceil(N / K^h). A child (h, i ≥ n_h) of a real
parent is a *padding node*: one node standing for a whole empty subtree, with hash ``keys.padding_hash`` and
commitments commit(0, keys.blinding) — to anyone without the secret it looks like any real subtree (attack A11).
Padding nodes are derived on demand and never stored. A real internal node's commitments (and so its sums and
blindings) are the sums of its K children's.

Storage (operator/, per height h, files 0600): ``private-h<h>.hashes.npy`` (n_h, 32) uint8,
``.commitments.npy`` (n_h, 48·T) uint8 (compressed points), ``.sums.npy`` (n_h, T) uint64, ``.blindings.npy``
(n_h, 32·T) uint8 (big-endian scalars).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from circuits import pedersen
from circuits.group import Backend, get_backend
from circuits.scalars import ORDER
from por.files import atomic_open
from por.private import hashing, keys
from por.scale.engine import fork_pool
from por.snapshot_store import Snapshot, stored_array

POINT = hashing.POINT_BYTES
SCALAR = 32
LEVEL_KINDS = ("hashes", "commitments", "sums", "blindings")


@dataclass(frozen=True)
class TreeShape:
    arity: int
    depth: int
    users: int
    tokens: int

    def real(self, height: int) -> int:
        """n_h: how many nodes of this height stand for at least one user."""
        return -(-self.users // self.arity**height)

    @property
    def capacity(self) -> int:
        return self.arity**self.depth

    def path(self, slot: int) -> list[tuple[int, int]]:
        """(position among its siblings, parent index) of the path node at every height 0..depth−1."""
        out = []
        for _ in range(self.depth):
            slot, position = divmod(slot, self.arity)
            out.append((position, slot))
        return out


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
    """Consecutive nodes of one height, as Python lists (points stay live for the next reduction)."""

    hashes: list[bytes]
    points: list[list]  # T backend points per node
    encoded: list[bytes]  # T compressed points per node
    sums: list[list[int]]
    blindings: list[list[int]]


def _compress(backend: Backend, points: list) -> bytes:
    return b"".join(backend.compress(p) for p in points)


def padding_node(prk: bytes, tokens: int, height: int, index: int, backend: Backend | None = None) -> Node:
    be = backend or get_backend()
    blinds = keys.blindings(prk, height, index, tokens)
    points = pedersen.commit_many([0] * tokens, blinds, be)
    return Node(height, index, keys.padding_hash(prk, height, index), _compress(be, points), [0] * tokens, blinds,
                True)


def leaf_level(prk: bytes, user_hashes: list[bytes], amounts: np.ndarray, start: int, be: Backend) -> Level:
    """Leaves of the users in slots start..start+len(user_hashes)−1."""
    tokens = amounts.shape[1]
    level = Level([], [], [], [], [])
    for offset, (uhash, row) in enumerate(zip(user_hashes, amounts.tolist(), strict=True)):
        blinds = keys.blindings(prk, 0, start + offset, tokens)
        points = pedersen.commit_many(row, blinds, be)
        data = _compress(be, points)
        level.hashes.append(hashing.leaf_hash(uhash, data))
        level.points.append(points)
        level.encoded.append(data)
        level.sums.append(row)
        level.blindings.append(blinds)
    return level


def reduce_level(prk: bytes, shape: TreeShape, level: Level, height: int, start: int, be: Backend) -> Level:
    """The parents (height + 1) of the nodes [start, start + len) at ``height``; ``start`` is a multiple of K.
    Children beyond the last real node of the height are padding nodes."""
    K, real = shape.arity, shape.real(height)
    parents = Level([], [], [], [], [])
    for first in range(0, len(level.hashes), K):
        children = []
        for j in range(first, first + K):
            if j < len(level.hashes):
                children.append((level.hashes[j], level.points[j], level.encoded[j], level.sums[j],
                                 level.blindings[j]))
            else:
                assert start + j >= real, "a real child is missing from the level"
                pad = padding_node(prk, shape.tokens, height, start + j, be)
                children.append((pad.hash, pedersen.commit_many(pad.sums, pad.blindings, be), pad.commitments,
                                 pad.sums, pad.blindings))
        points = [be.sum([child[1][t] for child in children]) for t in range(shape.tokens)]
        encoded = _compress(be, points)
        parents.hashes.append(hashing.node_hash(height + 1, [c[0] for c in children], [c[2] for c in children]))
        parents.points.append(points)
        parents.encoded.append(encoded)
        parents.sums.append([sum(c[3][t] for c in children) for t in range(shape.tokens)])
        parents.blindings.append([sum(c[4][t] for c in children) % ORDER for t in range(shape.tokens)])
    return parents


def level_arrays(level: Level) -> dict[str, np.ndarray]:
    n, tokens = len(level.hashes), len(level.sums[0])
    return {
        "hashes": np.frombuffer(b"".join(level.hashes), dtype=np.uint8).reshape(n, 32),
        "commitments": np.frombuffer(b"".join(level.encoded), dtype=np.uint8).reshape(n, POINT * tokens),
        "sums": np.array(level.sums, dtype=np.uint64).reshape(n, tokens),
        "blindings": np.frombuffer(b"".join(r.to_bytes(SCALAR, "big") for row in level.blindings for r in row),
                                   dtype=np.uint8).reshape(n, SCALAR * tokens),
    }


def _level_from(arrays: dict[str, np.ndarray], tokens: int, be: Backend) -> Level:
    blinds = [[int.from_bytes(bytes(row[t * SCALAR:(t + 1) * SCALAR]), "big") for t in range(tokens)]
              for row in arrays["blindings"]]
    encoded = [bytes(row) for row in arrays["commitments"]]
    points = [[be.decompress(data[t * POINT:(t + 1) * POINT], subgroup_check=False) for t in range(tokens)]
              for data in encoded]  # our own freshly made points
    return Level([bytes(h) for h in arrays["hashes"]], points, encoded,
                 [[int(x) for x in row] for row in arrays["sums"]], blinds)


def build_chunk(prk: bytes, shape: TreeShape, user_hashes: list[bytes], amounts: np.ndarray, start: int,
                levels: int) -> list[dict[str, np.ndarray]]:
    """Leaves [start, start + len) and ``levels`` levels above them (``start`` is a multiple of K^levels)."""
    be = get_backend()
    level = leaf_level(prk, user_hashes, amounts, start, be)
    out = [level_arrays(level)]
    for h in range(levels):
        level = reduce_level(prk, shape, level, h, start // shape.arity**h, be)
        out.append(level_arrays(level))
    return out


_FORK_ARGS: tuple | None = None


def _fork_chunk(bounds: tuple[int, int]) -> list[dict[str, np.ndarray]]:
    assert _FORK_ARGS is not None
    prk, shape, user_hashes, amounts, levels = _FORK_ARGS
    lo, hi = bounds
    return build_chunk(prk, shape, user_hashes[lo:hi], amounts[lo:hi], lo, levels)


def save_level(out_dir: Path, height: int, arrays: dict[str, np.ndarray]) -> None:
    """The arrays of one height, each written 0600 by temporary file and rename."""
    for kind in LEVEL_KINDS:
        with atomic_open(out_dir / f"private-h{height}.{kind}.npy", "wb", file_mode=0o600, durable=False) as handle:
            np.save(handle, arrays[kind])


def build_tree(prk: bytes, shape: TreeShape, user_hashes: list[bytes], amounts: np.ndarray, out_dir: Path, *,
               workers: int | None = None) -> Node:
    """Build and store every level; return the top node (its sums are the totals, its blindings the root's)."""
    users, tokens = amounts.shape
    workers = workers or os.cpu_count() or 1
    chunk_levels = 0
    while chunk_levels < shape.depth and shape.arity ** (chunk_levels + 1) * 4 * workers <= users:
        chunk_levels += 1
    chunk = shape.arity**chunk_levels
    bounds = [(lo, min(users, lo + chunk)) for lo in range(0, users, chunk)]
    if workers > 1 and len(bounds) > 1:
        global _FORK_ARGS
        pedersen.commit(0, 1)  # build the fixed-base tables once, before forking
        _FORK_ARGS = (prk, shape, user_hashes, amounts, chunk_levels)
        try:
            with fork_pool(workers) as pool:
                parts = pool.map(_fork_chunk, bounds)
        finally:
            _FORK_ARGS = None
    else:
        parts = [build_chunk(prk, shape, user_hashes[lo:hi], amounts[lo:hi], lo, chunk_levels) for lo, hi in bounds]
    levels = [{k: np.concatenate([p[h][k] for p in parts]) for k in LEVEL_KINDS} for h in range(chunk_levels + 1)]
    be = get_backend()
    level = _level_from(levels[-1], tokens, be)
    for h in range(chunk_levels, shape.depth):
        level = reduce_level(prk, shape, level, h, 0, be)
        levels.append(level_arrays(level))
    for h, arrays in enumerate(levels):
        save_level(out_dir, h, arrays)
    return Node(shape.depth, 0, level.hashes[0], level.encoded[0], level.sums[0], level.blindings[0])


class StoredTree:
    """Read access to a stored private tree (memory-mapped); padding nodes are derived on demand."""

    def __init__(self, directory: Path, shape: TreeShape, prk: bytes | None) -> None:
        self.dir, self.shape, self._prk = directory, shape, prk

    @cached_property
    def levels(self) -> list[dict[str, np.ndarray]]:
        return [{k: stored_array(self.dir / f"private-h{h}.{k}.npy", self.shape.real(h)) for k in LEVEL_KINDS}
                for h in range(self.shape.depth + 1)]

    def node(self, height: int, index: int) -> Node:
        if index >= self.shape.real(height):
            if self._prk is None:
                raise ValueError("padding nodes need the master secret")
            return padding_node(self._prk, self.shape.tokens, height, index)
        lv = self.levels[height]
        raw = bytes(lv["blindings"][index])
        tokens = self.shape.tokens
        blinds = [int.from_bytes(raw[t * SCALAR:(t + 1) * SCALAR], "big") for t in range(tokens)]
        return Node(height, index, bytes(lv["hashes"][index]), bytes(lv["commitments"][index]),
                    [int(x) for x in lv["sums"][index]], blinds)

    def children(self, height: int, index: int) -> list[Node]:
        """The K children (height − 1) of node (height, index)."""
        K = self.shape.arity
        return [self.node(height - 1, index * K + j) for j in range(K)]

    def top(self) -> Node:
        return self.node(self.shape.depth, 0)


def tree_shape(meta: dict) -> TreeShape:
    """The shape recorded in tree.json (snapshots built before v3 have a binary tree and no "arity")."""
    return TreeShape(meta.get("arity", 2), meta["depth"], meta["users"], meta["tokens"])


def stored_tree(snapshot: Snapshot, *, with_secret: bool = True) -> StoredTree:
    """The private tree stored in a snapshot's operator/ directory (shape from its tree.json)."""
    return StoredTree(snapshot.operator, tree_shape(snapshot.meta), snapshot.prk if with_secret else None)
