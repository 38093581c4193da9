"""Plain Merkle sum tree over numpy arrays: built as independent subtrees (partitions) joined at the top.

Storage (operator-only, in the snapshot's ``operator/`` folder): for a tree of depth d cut into P = 2**k partitions,
partition p is the subtree over slots [p·2**(d−k), (p+1)·2**(d−k)) stored as ``part-<p>.hashes.npy`` (n, 32) uint8 and
``part-<p>.sums.npy`` (n, T) uint64, every level concatenated bottom-up (level h starts at 2c − 2(c >> h) for a
subtree of capacity c); ``top.*.npy`` hold the top k levels the same way with the partition roots as its leaves.
The root does not depend on P: a one-process and a P-way build give identical bytes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from por import layout
from por.files import atomic_open
from por.hashing import HASH_BYTES, TAG_USER, hash_rows
from por.kdf import BatchPRF
from por.plain.hashing import leaf_records, node_records
from por.scale.engine import fork_pool
from por.snapshot_store import Snapshot, stored_array
from por.user_ids import UserColumn


def level_offset(capacity: int, height: int) -> int:
    return 2 * capacity - 2 * (capacity >> height)


@dataclass(frozen=True)
class TreeShape:
    depth: int
    tokens: int
    partition_bits: int  # P = 2**partition_bits

    @property
    def capacity(self) -> int:
        return 1 << self.depth

    @property
    def part_depth(self) -> int:
        return self.depth - self.partition_bits

    @property
    def partitions(self) -> int:
        return 1 << self.partition_bits


def partition_blocks(shape: TreeShape, part: int) -> tuple[int, int]:
    """The layout blocks [b0, b1) that overlap partition ``part``."""
    cap = 1 << shape.part_depth
    block = min(shape.capacity, layout.BLOCK)
    lo = part * cap
    return lo // block, -(-(lo + cap) // block)


def partition_mask(prk: bytes, shape: TreeShape, part: int, block_pads: np.ndarray,
                   users_before: int) -> tuple[np.ndarray, int]:
    """(real-slot mask over the partition, global index of its first user) from the padding counts of its own blocks.

    ``block_pads`` = padding counts of blocks [b0, b1) and ``users_before`` = real slots before block b0: all a worker
    needs, so the layout of one partition never requires the rest of the tree.
    """
    cap = 1 << shape.part_depth
    block = min(shape.capacity, layout.BLOCK)
    b0, b1 = partition_blocks(shape, part)
    counts = np.zeros(b1, dtype=np.int64)
    counts[b0:b1] = block_pads
    mask_full = layout.real_mask(prk, shape.depth, counts, b0, b1)
    start = part * cap - b0 * block
    return mask_full[start : start + cap], users_before + int(mask_full[:start].sum())


def users_before_block(pad_counts: np.ndarray, block_index: int, block: int) -> int:
    return block_index * block - int(pad_counts[:block_index].sum())


BLOCK_LEAVES = 1 << 14
"""Leaves hashed together: a partition is built block by block, so a worker's memory stays ~BLOCK_LEAVES rows."""


class LevelFile:
    """A ``.npy`` array of shape (rows, width) filled at row offsets with pwrite, then renamed into place.

    Rows go straight to the page cache, never into a whole-array buffer; a killed or retried worker leaves only its
    private temporary file, never a partial ``.npy``.
    """

    def __init__(self, path: Path, rows: int, width: int, dtype: type) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.row_bytes = width * np.dtype(dtype).itemsize
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": (rows, width)}
        with open(self.tmp, "wb") as handle:
            np.lib.format.write_array_header_1_0(handle, header)
            self.data_offset = handle.tell()
        self.fd = os.open(self.tmp, os.O_RDWR)
        os.ftruncate(self.fd, self.data_offset + rows * self.row_bytes)

    def write(self, row: int, values: np.ndarray) -> None:
        os.pwrite(self.fd, np.ascontiguousarray(values).tobytes(), self.data_offset + row * self.row_bytes)

    def __enter__(self) -> LevelFile:
        return self

    def __exit__(self, exc_type, *_) -> None:
        os.close(self.fd)
        if exc_type is None:
            os.chmod(self.tmp, 0o600)
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _leaf_block(prk: bytes, first_slot: int, mask: np.ndarray, users: UserColumn, first_user: int,
                amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes and sums of the leaves of slots [first_slot, first_slot + len(mask)); ``amounts`` = their users'."""
    salt_of = BatchPRF(prk, "leaf-salt")
    padding_user = BatchPRF(prk, "padding-user")
    data, offs = users.data, users.offsets[first_user : first_user + len(amounts) + 1].tolist()
    tag_user, sha256 = TAG_USER, hashlib.sha256
    out = []
    append = out.append
    j = 0
    for slot, real in zip(range(first_slot, first_slot + len(mask)), mask.tolist(), strict=True):
        if real:
            append(sha256(tag_user + salt_of(slot) + data[offs[j] : offs[j + 1]]).digest())
            j += 1
        else:
            append(padding_user(slot))
    user_hashes = np.frombuffer(b"".join(out), dtype=np.uint8).reshape(len(mask), HASH_BYTES)
    sums = np.zeros((len(mask), amounts.shape[1]), dtype=np.uint64)
    sums[mask] = amounts
    return hash_rows(leaf_records(user_hashes, sums)), sums


def _climb(hashes: np.ndarray, sums: np.ndarray, height: int, first: int, capacity: int,
           files: tuple[LevelFile, LevelFile]) -> tuple[np.ndarray, np.ndarray]:
    """Store the nodes (``first``.. at ``height``) and every level above them up to one node; return that node."""
    while True:
        row = level_offset(capacity, height) + first
        files[0].write(row, hashes)
        files[1].write(row, sums)
        if len(hashes) == 1:
            return hashes, sums
        height += 1
        hashes = hash_rows(node_records(height, hashes, sums))
        sums = sums[0::2] + sums[1::2]  # no overflow: every total < 2**64 is checked at input
        first >>= 1


def _reduce_levels(leaf_hashes: np.ndarray, leaf_sums: np.ndarray, base_height: int) -> tuple[np.ndarray, np.ndarray]:
    """All levels above the given ones, concatenated bottom-up with the leaves first (small trees: the top)."""
    cap, tokens = leaf_sums.shape
    hashes = np.empty((2 * cap - 1, HASH_BYTES), dtype=np.uint8)
    sums = np.empty((2 * cap - 1, tokens), dtype=np.uint64)
    hashes[:cap], sums[:cap] = leaf_hashes, leaf_sums
    height = 0
    while (cap >> height) > 1:
        lo, mid = level_offset(cap, height), level_offset(cap, height + 1)
        hi = level_offset(cap, height + 2) if (cap >> (height + 1)) > 1 else mid + 1
        level_sums = sums[lo:mid]
        hashes[mid:hi] = hash_rows(node_records(base_height + height + 1, hashes[lo:mid], level_sums))
        np.add(level_sums[0::2], level_sums[1::2], out=sums[mid:hi])
        height += 1
    return hashes, sums


def save_array(path: Path, array: np.ndarray) -> None:
    """np.save to a temporary sibling, then rename: a retried or killed worker never leaves a partial file."""
    with atomic_open(path, "wb", file_mode=0o600, durable=False) as handle:
        np.save(handle, array)


def build_partition_rows(prk: bytes, shape: TreeShape, part: int, mask: np.ndarray, users: UserColumn,
                         amounts: np.ndarray, out_dir: Path) -> tuple[bytes, np.ndarray]:
    """Build and store one partition's subtree from exactly its users (in order); return its root hash and sums.

    Leaves are hashed BLOCK_LEAVES at a time and each block's subtree is climbed at once; the block roots are then
    climbed to the partition root. Memory stays bounded whatever the partition's size.
    """
    if len(users) != int(mask.sum()) or amounts.shape[0] != len(users):
        raise ValueError(f"partition {part}: {len(users)} users given for {int(mask.sum())} real slots")
    cap = 1 << shape.part_depth
    block = min(cap, BLOCK_LEAVES)
    rows = 2 * cap - 1
    with (LevelFile(out_dir / f"part-{part}.hashes.npy", rows, HASH_BYTES, np.uint8) as hashes_file,
          LevelFile(out_dir / f"part-{part}.sums.npy", rows, shape.tokens, np.uint64) as sums_file):
        files = (hashes_file, sums_file)
        tops_h, tops_s, first_user = [], [], 0
        for start in range(0, cap, block):
            block_mask = mask[start : start + block]
            n_real = int(block_mask.sum())
            leaf_h, leaf_s = _leaf_block(prk, part * cap + start, block_mask, users, first_user,
                                         amounts[first_user : first_user + n_real])
            first_user += n_real
            top_h, top_s = _climb(leaf_h, leaf_s, 0, start, cap, files)
            tops_h.append(top_h)
            tops_s.append(top_s)
        root_h, root_s = _climb(np.concatenate(tops_h), np.concatenate(tops_s), block.bit_length() - 1, 0, cap, files)
    return bytes(root_h[0]), root_s[0].copy()


def build_partition(prk: bytes, shape: TreeShape, part: int, pad_counts: np.ndarray, users: UserColumn,
                    amounts: np.ndarray, out_dir: Path) -> tuple[bytes, np.ndarray]:
    """Build and store one partition's subtree from the whole input; return its root hash and sums."""
    b0, b1 = partition_blocks(shape, part)
    block = min(shape.capacity, layout.BLOCK)
    mask, first = partition_mask(prk, shape, part, pad_counts[b0:b1], users_before_block(pad_counts, b0, block))
    n_real = int(mask.sum())
    return build_partition_rows(prk, shape, part, mask, users.slice(first, first + n_real),
                                amounts[first : first + n_real], out_dir)


def join_partitions(shape: TreeShape, roots: list[tuple[bytes, np.ndarray]], out_dir: Path) -> tuple[bytes, list[int]]:
    """Hash the top levels over the partition roots; return the top node's hash and the per-token totals."""
    leaf_hashes = np.frombuffer(b"".join(r[0] for r in roots), dtype=np.uint8).reshape(len(roots), HASH_BYTES)
    leaf_sums = np.stack([r[1] for r in roots]).astype(np.uint64)
    hashes, sums = _reduce_levels(leaf_hashes, leaf_sums, shape.part_depth)
    save_array(out_dir / "top.hashes.npy", hashes)
    save_array(out_dir / "top.sums.npy", sums)
    return bytes(hashes[-1]), [int(x) for x in sums[-1]]


def partition_bits_for(depth: int, workers: int) -> int:
    return min(max(workers - 1, 0).bit_length(), depth - 1)


# Forked workers inherit the arguments (copy-on-write) instead of pickling per-user data.
_FORK_ARGS: tuple | None = None


def _fork_worker(part: int) -> tuple[bytes, np.ndarray]:
    assert _FORK_ARGS is not None
    return build_partition(*_FORK_ARGS[:2], part, *_FORK_ARGS[2:])


def build_tree(prk: bytes, depth: int, users: UserColumn, amounts: np.ndarray, out_dir: Path,
               *, workers: int | None = None, partition_bits: int | None = None) -> tuple[TreeShape, bytes, list[int]]:
    """Build the whole tree into ``out_dir``; return (shape, top node hash, totals)."""
    workers = workers or os.cpu_count() or 1
    bits = partition_bits if partition_bits is not None else partition_bits_for(depth, workers)
    shape = TreeShape(depth, amounts.shape[1], bits)
    pad_counts = layout.padding_per_block(prk, depth, len(users))
    if workers == 1 or shape.partitions == 1:
        roots = [build_partition(prk, shape, p, pad_counts, users, amounts, out_dir) for p in range(shape.partitions)]
    else:
        global _FORK_ARGS
        _FORK_ARGS = (prk, shape, pad_counts, users, amounts, out_dir)
        try:
            with fork_pool(min(workers, shape.partitions)) as pool:
                roots = pool.map(_fork_worker, range(shape.partitions))
        finally:
            _FORK_ARGS = None
    top, totals = join_partitions(shape, roots, out_dir)
    return shape, top, totals


def load_levels(directory: Path, name: str, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The (hashes, sums) level arrays ``<name>.{hashes,sums}.npy`` (a partition or the top), memory-mapped: pages are
    read when touched and released when the arrays are dropped. Each must hold ``rows`` rows."""
    return (stored_array(directory / f"{name}.hashes.npy", rows), stored_array(directory / f"{name}.sums.npy", rows))


class StoredTree:
    """Read access to a stored tree (memory-mapped): node lookups for proofs."""

    def __init__(self, directory: Path, shape: TreeShape) -> None:
        self.shape = shape
        part_rows, top_rows = 2 * (1 << shape.part_depth) - 1, 2 * shape.partitions - 1
        self.parts = [load_levels(directory, f"part-{p}", part_rows) for p in range(shape.partitions)]
        self.top = load_levels(directory, "top", top_rows)

    def siblings(self, slot: int) -> list[tuple[bytes, list[int]]]:
        """(hash, sums) of the sibling at every height 0..depth−1 on the path of ``slot``."""
        out = []
        part_cap = 1 << self.shape.part_depth
        part, index = divmod(slot, part_cap)
        for hashes, sums, cap, idx in ((*self.parts[part], part_cap, index), (*self.top, self.shape.partitions, part)):
            height = 0
            while (cap >> height) > 1:
                node = level_offset(cap, height) + ((idx >> height) ^ 1)
                out.append((bytes(hashes[node]), [int(x) for x in sums[node]]))
                height += 1
        return out

    def leaf(self, slot: int) -> tuple[bytes, list[int]]:
        part, index = divmod(slot, 1 << self.shape.part_depth)
        hashes, sums = self.parts[part]
        return bytes(hashes[index]), [int(x) for x in sums[index]]


def stored_tree(snapshot: Snapshot) -> StoredTree:
    """The plain tree stored in a snapshot's operator/ directory (shape from its tree.json)."""
    meta = snapshot.meta
    return StoredTree(snapshot.operator, TreeShape(meta["depth"], meta["tokens"], meta["partition_bits"]))
