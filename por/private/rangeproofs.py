"""Group range proofs: one aggregated Bulletproof per internal node over the K·T commitments of its children,
made once and cached with the snapshot (operator/rangeproofs/), because a node's children are siblings on the path
of every user below it.

Value j·T + t of the proof of node (h, i) is token t of child (h − 1, K·i + j), proved in [0, 2^(b_t)) with the
token's published width b_t; the proof's context is ``hashing.group_context(root, h, i)``, so it is valid for
exactly one node of exactly one published root: moving it to another node or replaying it in another round fails.

Cache: ``h<height>.bin`` holds fixed-size records (the proof size of the statement) at offset index·size; an
all-zero record is "not made yet" (a real proof starts with a compressed point, whose first byte has the 0x80 flag
set). Writers take an exclusive ``fcntl`` lock, so concurrent ``por prove`` runs never interleave records.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from circuits.rangeproof import RangeProof, Shape, prove_range, shape
from por.private.hashing import group_context
from por.private.tree import StoredTree, TreeShape
from por.scale.engine import fork_pool

CACHE_DIR = "rangeproofs"


def group_shape(widths: list[int], arity: int) -> Shape:
    """The statement of one node's proof: its K children's T values, child by child, each with its token width."""
    return shape(list(widths) * arity)


def prove_group(stored: StoredTree, widths: list[int], root: bytes, height: int, index: int) -> bytes:
    children = stored.children(height, index)
    values = [v for child in children for v in child.sums]
    blindings = [r for child in children for r in child.blindings]
    proof, _ = prove_range(values, blindings, list(widths) * stored.shape.arity, group_context(root, height, index))
    return proof.to_bytes()


def parse_group_proof(data: bytes, statement: Shape, backend: str) -> RangeProof:
    """Proof points are checked to be canonical non-identity curve points but not subgroup members: the batch
    check is sound without it (docs/SPEC.md §12.5.1). Child commitments are always fully checked by the caller."""
    return RangeProof.from_bytes(data, statement, backend, subgroup_check=False)


def needed_groups(shape: TreeShape) -> list[tuple[int, int]]:
    """Every real internal node (h ≥ 1): the proofs some user's path needs."""
    return [(h, i) for h in range(1, shape.depth + 1) for i in range(shape.real(h))]


def path_groups(shape: TreeShape, slot: int) -> list[tuple[int, int]]:
    """The nodes whose children's proof one user's path needs: the parents of the path, heights 1..depth."""
    return [(h + 1, parent) for h, (_, parent) in enumerate(shape.path(slot))]


class ProofCache:
    def __init__(self, operator_dir: Path, size: int) -> None:
        self.dir = operator_dir / CACHE_DIR
        self.size = size

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
                        fd = os.open(self._path(height), os.O_RDWR | os.O_CREAT, 0o600)
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


def cache_for(stored: StoredTree, widths: list[int]) -> ProofCache:
    return ProofCache(stored.dir, group_shape(widths, stored.shape.arity).proof_bytes)


_FORK_ARGS: tuple | None = None


def _fork_prove(node_id: tuple[int, int]) -> tuple[int, int, bytes]:
    assert _FORK_ARGS is not None
    stored, widths, root = _FORK_ARGS
    h, i = node_id
    return h, i, prove_group(stored, widths, root, h, i)


def warm_up(widths: list[int], arity: int) -> None:
    """Derive the generators and fixed-base tables once in the parent, so forked workers inherit them."""
    from circuits import generators, pedersen

    size = group_shape(widths, arity).n
    generators.G_vec(size)
    generators.H_vec(size)
    pedersen.commit(0, 1)


def ensure_proofs(stored: StoredTree, widths: list[int], root: bytes, nodes: list[tuple[int, int]], *,
                  workers: int = 1, progress: Callable[[int], None] | None = None) -> int:
    """Make and cache the proofs of ``nodes`` that are not cached yet; returns how many were made."""
    cache = cache_for(stored, widths)
    todo = cache.missing(nodes)
    if not todo:
        return 0
    if workers <= 1 or len(todo) == 1:
        for h, i in todo:
            cache.put_many([(h, i, prove_group(stored, widths, root, h, i))])
            if progress:
                progress(1)
        return len(todo)
    warm_up(widths, stored.shape.arity)
    global _FORK_ARGS
    _FORK_ARGS = (stored, widths, root)
    batch: list[tuple[int, int, bytes]] = []
    try:
        with fork_pool(workers) as pool:
            for record in pool.imap_unordered(_fork_prove, todo, chunksize=2):
                batch.append(record)
                if progress:
                    progress(1)
                if len(batch) >= 64:
                    cache.put_many(batch)
                    batch = []
    finally:
        _FORK_ARGS = None
        if batch:
            cache.put_many(batch)
    return len(todo)
