"""One tree partition as a task: compute its slot layout, read exactly its users' rows, build and store its subtree.

A partition covers slots [p·2**(d−k), (p+1)·2**(d−k)); its real slots hold a contiguous run of users in global input
order, which may span several input files. The task gets the padding counts of its own layout blocks and the number
of users before them (both from the coordinator's small per-block array), derives its mask and first user, reads the
rows it needs from the memory-mapped ``columns-<i>.arrow`` files, and writes ``part-<p>.{hashes,sums}.npy`` and
``users-<p>.arrow`` (user_id, slot) itself, each by temporary file + rename. It returns only the subtree root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather

from por import layout
from por.plain.tree import (
    TreeShape,
    build_partition_rows,
    partition_blocks,
    partition_mask,
    users_before_block,
)
from por.scale.inputs import write_table
from por.user_ids import UserColumn


@dataclass(frozen=True)
class InputSlice:
    columns: str  # columns-<i>.arrow
    first_user: int  # global index of the file's first row
    rows: int


@dataclass(frozen=True)
class PartitionTask:
    prk: bytes  # the round key: salts and padding are derived from it
    shape: TreeShape
    part: int
    block_pads: np.ndarray  # padding counts of the partition's layout blocks
    users_before: int  # real slots before its first block
    inputs: list[InputSlice]  # the input files that may hold its users
    out_dir: str


@dataclass(frozen=True)
class PartitionResult:
    root: bytes
    sums: np.ndarray  # (T,) uint64
    users: int


def users_file(part: int) -> str:
    return f"users-{part}.arrow"


def partition_tasks(prk: bytes, shape: TreeShape, pad_counts: np.ndarray, inputs: list[InputSlice],
                    out_dir: Path) -> list[PartitionTask]:
    """One task per partition, each given only the input files its user range can touch."""
    block = min(shape.capacity, layout.BLOCK)
    tasks = []
    for part in range(shape.partitions):
        b0, b1 = partition_blocks(shape, part)
        lo, hi = users_before_block(pad_counts, b0, block), users_before_block(pad_counts, b1, block)
        touching = [s for s in inputs if s.first_user < hi and s.first_user + s.rows > lo]
        tasks.append(PartitionTask(prk, shape, part, pad_counts[b0:b1].copy(), lo, touching, str(out_dir)))
    return tasks


def read_rows(inputs: list[InputSlice], start: int, stop: int, tokens: int) -> tuple[pa.Array, np.ndarray]:
    """User ids and amounts of global rows [start, stop), reading only those rows of the files that hold them."""
    ids: list[pa.Array] = []
    amounts: list[np.ndarray] = []
    for piece in inputs:
        lo, hi = max(start, piece.first_user), min(stop, piece.first_user + piece.rows)
        if lo >= hi:
            continue
        table = feather.read_table(piece.columns, memory_map=True).slice(lo - piece.first_user, hi - lo)
        ids.append(table.column("user_id").combine_chunks())
        amounts.append(table.column("amounts").combine_chunks().flatten().to_numpy().reshape(-1, tokens))
    if sum(len(a) for a in ids) != stop - start:
        raise ValueError(f"rows {start}..{stop} are not all in the given input files")
    if not ids:
        return pa.array([], type=pa.large_string()), np.zeros((0, tokens), dtype=np.uint64)
    return pa.concat_arrays(ids), np.concatenate(amounts)


def build_partition_task(task: PartitionTask) -> PartitionResult:
    shape = task.shape
    mask, first = partition_mask(task.prk, shape, task.part, task.block_pads, task.users_before)
    count = int(mask.sum())
    ids, amounts = read_rows(task.inputs, first, first + count, shape.tokens)
    out_dir = Path(task.out_dir)
    root, sums = build_partition_rows(task.prk, shape, task.part, mask, UserColumn.from_arrow(ids), amounts, out_dir)
    slots = task.part * (1 << shape.part_depth) + np.flatnonzero(mask)
    write_table(out_dir / users_file(task.part), pa.table({"user_id": ids, "slot": pa.array(slots, pa.int64())}))
    return PartitionResult(root, sums, count)
