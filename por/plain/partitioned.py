"""Partitioned plain build (scale-out): input files and tree partitions as tasks on an engine, joined by a small coordinator.

Phases (docs/SPEC.md §11.2): scan (one task per input file: parse, validate, cache columns, bucket ids) →
duplicate check across files (one task per id bucket) → tree partitions (one task per partition) → join the
partition roots and publish. The coordinator holds only per-file summaries, the per-block padding counts and the
partition roots; the result is byte-identical to ``por.plain.build.build_plain`` on the concatenated input.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from por import hashing, layout
from por.amounts import MAX_BALANCE, total_too_large
from por.errors import InputError
from por.ingest import DecimalsSpec
from por.ingest.balances import Rounded
from por.ingest.load import MAX_USERS
from por.kdf import round_key
from por.plain.build import plain_root_document
from por.plain.partition_task import InputSlice, build_partition_task, partition_tasks
from por.plain.tree import TreeShape, join_partitions, partition_bits_for
from por.publish import BuildResult, prepare, publish, staged_snapshot
from por.scale.engine import Engine, ordered_failures
from por.scale.inputs import (
    ID_FIELD,
    BucketTask,
    FileSummary,
    ScanTask,
    bucket_bits_for,
    find_duplicate,
    input_files,
    scan_file,
)

WORK_DIR = ".work"
USERS_LAYOUT = "per-partition"
PARTITION_BYTES = 128 << 20  # target size of one partition's stored levels


def partition_bits(depth: int, tokens: int, workers: int) -> int:
    """Enough partitions for every worker and for ~PARTITION_BYTES of levels each (a task's memory stays bounded)."""
    node_bytes = 2 * (hashing.HASH_BYTES + 8 * tokens)  # ≈ 2 nodes stored per leaf
    leaves = max(PARTITION_BYTES // node_bytes, 1)
    by_size = max(depth - (leaves.bit_length() - 1), 0)
    return min(max(by_size, partition_bits_for(depth, workers)), max(depth - 1, 0))


def _check_summaries(summaries: list[FileSummary], source: Path) -> list[int]:
    """Same format and tokens in every file, and per-token totals below 2**64; returns the totals."""
    first = summaries[0]
    for other in summaries[1:]:
        if other.fmt != first.fmt:
            raise InputError(f"is {other.fmt} but {first.path} is {first.fmt}; all partition files need one format",
                             path=other.path)
        if other.tokens != first.tokens:
            raise InputError(f"has tokens {[t.to_json() for t in other.tokens]} but {first.path} has "
                             f"{[t.to_json() for t in first.tokens]}; all partition files need the same tokens",
                             path=other.path)
    users = sum(s.rows for s in summaries)
    if users > MAX_USERS:
        raise InputError(f"has {users} users; at most {MAX_USERS} are supported", path=source)
    totals = [sum(column) for column in zip(*(s.totals for s in summaries), strict=True)]
    for token, total in zip(first.tokens, totals, strict=True):
        if total >= MAX_BALANCE:
            raise InputError(total_too_large(token.symbol, total, token.decimals, users, scaled=first.scaled,
                                             scope=" over all files"), path=source, field=token.symbol)
    return totals


def _rounding(summaries: list[FileSummary]) -> dict[str, Rounded]:
    """What --rounding up changed, per token, over all files."""
    rounded: dict[str, Rounded] = {}
    for summary in summaries:
        for symbol, tally in summary.rounded.items():
            rounded.setdefault(symbol, Rounded()).add(tally)
    return rounded


def _check_duplicates(engine: Engine, summaries: list[FileSummary]) -> None:
    if len(summaries) < 2:
        return  # load_balances already refused repeats inside a file
    buckets = len(summaries[0].bucket_offsets) - 1
    tasks = [BucketTask(b, [(s.ids, s.bucket_offsets[b], s.bucket_offsets[b + 1]) for s in summaries])
             for b in range(buckets)]
    found = [d for d in engine.map(find_duplicate, tasks) if d is not None]
    if found:
        dup = min(found, key=lambda d: (d.file, d.row))
        later, earlier = summaries[dup.file], summaries[dup.first_file]
        raise InputError(f"duplicate user id {dup.user_id!r} (first seen in {earlier.path} row "
                         f"{earlier.first_row + dup.first_row})", path=later.path, row=later.first_row + dup.row,
                         field=ID_FIELD[later.fmt])


def build_partitioned(input_path: str | Path, out_dir: str | Path, *, engine: Engine, fmt: str | None = None,
                      decimals: DecimalsSpec | None = None, round_up: bool = False,
                      secret_path: str | Path | None = None, round_id: str | None = None, pad_to: int = 0,
                      partition_bits_override: int | None = None, force: bool = False) -> BuildResult:
    """Build the plain tree of a file or a directory of partition files on ``engine``; publish ``out_dir`` atomically.

    Every worker must see ``out_dir`` and the input at the same paths (a shared file system on a real cluster).
    """
    input_path, out_dir = Path(input_path).absolute(), Path(out_dir).absolute()
    prepared = prepare(out_dir, secret_path, round_id, force=force)
    round_id = prepared.round_id
    files = input_files(input_path)
    with staged_snapshot(out_dir) as (stage, operator):
        work = stage / WORK_DIR
        work.mkdir(mode=0o700)
        try:
            bits = bucket_bits_for(sum(f.stat().st_size for f in files))
            scans = engine.map(scan_file, [ScanTask(str(f), i, fmt, decimals or DecimalsSpec(), round_up, str(work),
                                                    bits) for i, f in enumerate(files)])
            ordered_failures(scans)
            totals = _check_summaries(scans, input_path)
            _check_duplicates(engine, scans)
            tokens, users = scans[0].tokens, sum(s.rows for s in scans)
            depth = layout.depth_for(users, pad_to)
            prk = round_key(prepared.secret, prepared.round_id)
            shape = TreeShape(depth, len(tokens), partition_bits_override if partition_bits_override is not None
                              else partition_bits(depth, len(tokens), engine.workers))
            starts = [sum(s.rows for s in scans[:i]) for i in range(len(scans))]
            inputs = [InputSlice(s.columns, start, s.rows) for s, start in zip(scans, starts, strict=True)]
            pad_counts = layout.padding_per_block(prk, depth, users)
            results = engine.map(build_partition_task, partition_tasks(prk, shape, pad_counts, inputs, operator))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if sum(r.users for r in results) != users:
            raise RuntimeError("partition tasks placed a different number of users than the input has")
        top, tree_totals = join_partitions(shape, [(r.root, r.sums) for r in results], operator)
        if tree_totals != totals:
            raise RuntimeError("the tree's totals differ from the input's totals")
        for leftover in operator.glob(".*.tmp"):  # from workers killed mid-write; their tasks ran again
            leftover.unlink()
        meta = {"depth": depth, "tokens": len(tokens), "partition_bits": shape.partition_bits, "users": users,
                "round": round_id, "mode": "plain", "users_layout": USERS_LAYOUT}
        document = publish(stage, meta, plain_root_document(round_id, tokens, depth, top, totals, round_up=round_up),
                           prepared)
    return BuildResult(document, Path(out_dir), prepared.secret_path, prepared.secret_created,
                       rounded=_rounding(scans))
