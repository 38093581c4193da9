"""Node range proofs: one aggregated 64-bit Bulletproof per tree node over its T token commitments, made once and
cached with the snapshot (operator/rangeproofs/), because a node is a sibling on the path of many users.

    context(root, height, index) = "por/v1/private-node-range\\0" || root[32] || height u8 || index u64

The context is bound into the proof's transcript (with the node's commitments), so a proof is valid for exactly one
node of exactly one published root: moving it to another node or replaying it in another round fails (A10).

Cache: ``h<height>.bin`` holds fixed-size records (``proof_bytes(T)`` each) at offset index·size; an all-zero
record is "not made yet" (a real proof starts with a compressed point, whose first byte has the 0x80 flag set).
Writers take an exclusive ``fcntl`` lock, so concurrent ``por prove`` runs never interleave records.
"""

from __future__ import annotations

import fcntl
import os
import struct
from collections.abc import Callable, Iterable
from pathlib import Path

from circuits.rangeproof import RangeProof, padded_count, prove_range
from por.private.tree import Node, StoredTree, level_size
from por.scale.engine import fork_pool

TAG_CONTEXT = b"por/v1/private-node-range\x00"
RANGE_BITS = 64
CACHE_DIR = "rangeproofs"


def context(root: bytes, height: int, index: int) -> bytes:
    return TAG_CONTEXT + root + struct.pack(">BQ", height, index)


def proof_bytes(tokens: int) -> int:
    """Wire size of one node proof: 352 + 96·log2(64·M) with M = T rounded up to a power of two."""
    return 352 + 96 * (RANGE_BITS * padded_count(tokens)).bit_length() - 96


def prove_node(node: Node, root: bytes) -> bytes:
    proof, _ = prove_range(node.sums, node.blindings, RANGE_BITS, context(root, node.height, node.index),
                           backend="fast")
    return proof.to_bytes()


def parse_proof(data: bytes, backend: str) -> RangeProof:
    """Proof points are checked to be canonical non-identity curve points but not subgroup members: the batch
    check is sound without it (docs/SPEC.md §12.5.1), and it saves ~40 µs a point. Node commitments,
    which are summed and hashed into the tree, are always fully checked by the caller."""
    return RangeProof.from_bytes(data, backend, subgroup_check=False)


def needed_nodes(users: int, depth: int) -> list[tuple[int, int]]:
    """Every node that is a sibling on some user's path: (h, i) with (h, i ^ 1) real, h < depth."""
    out = []
    for h in range(depth):
        real = level_size(users, h)
        out += [(h, i) for i in range(real + (real & 1)) if (i ^ 1) < real]
    return out


class ProofCache:
    def __init__(self, operator_dir: Path, tokens: int) -> None:
        self.dir = operator_dir / CACHE_DIR
        self.size = proof_bytes(tokens)

    def _path(self, height: int) -> Path:
        return self.dir / f"h{height}.bin"

    def get(self, height: int, index: int) -> bytes | None:
        try:
            with open(self._path(height), "rb") as handle:
                handle.seek(index * self.size)
                data = handle.read(self.size)
        except FileNotFoundError:
            return None
        return data if len(data) == self.size and data[0] else None

    def put_many(self, records: Iterable[tuple[int, int, bytes]]) -> None:
        self.dir.mkdir(mode=0o700, exist_ok=True)
        with open(self.dir / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            handles: dict[int, object] = {}
            try:
                for height, index, data in records:
                    if len(data) != self.size:
                        raise ValueError("range proof of unexpected size")
                    if height not in handles:
                        path = self._path(height)
                        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                        handles[height] = os.fdopen(fd, "r+b")
                    handle = handles[height]
                    handle.seek(index * self.size)
                    handle.write(data)
            finally:
                for handle in handles.values():
                    handle.flush()
                    os.fsync(handle.fileno())
                    handle.close()

    def missing(self, nodes: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(h, i) for h, i in nodes if self.get(h, i) is None]


_FORK_ARGS: tuple | None = None


def _fork_prove(node_id: tuple[int, int]) -> tuple[int, int, bytes]:
    assert _FORK_ARGS is not None
    stored, root = _FORK_ARGS
    h, i = node_id
    return h, i, prove_node(stored.node(h, i), root)


def _warm_up(tokens: int) -> None:
    """Derive the generators and fixed-base tables once in the parent, so forked workers inherit them."""
    from circuits import generators, pedersen

    size = RANGE_BITS * padded_count(tokens)
    generators.G_vec(size, "fast")
    generators.H_vec(size, "fast")
    pedersen.commit(0, 1, "fast")


def ensure_proofs(stored: StoredTree, cache: ProofCache, root: bytes, nodes: list[tuple[int, int]], *,
                  workers: int = 1, progress: Callable[[int], None] | None = None) -> int:
    """Make and cache the proofs of ``nodes`` that are not cached yet; returns how many were made."""
    todo = cache.missing(nodes)
    if not todo:
        return 0
    if workers <= 1 or len(todo) == 1:
        for h, i in todo:
            cache.put_many([(h, i, prove_node(stored.node(h, i), root))])
            if progress:
                progress(1)
        return len(todo)
    _warm_up(stored.tokens)
    global _FORK_ARGS
    _FORK_ARGS = (stored, root)
    batch: list[tuple[int, int, bytes]] = []
    try:
        with fork_pool(workers) as pool:
            for record in pool.imap_unordered(_fork_prove, todo, chunksize=4):
                batch.append(record)
                if progress:
                    progress(1)
                if len(batch) >= 256:
                    cache.put_many(batch)
                    batch = []
    finally:
        _FORK_ARGS = None
        if batch:
            cache.put_many(batch)
    return len(todo)
