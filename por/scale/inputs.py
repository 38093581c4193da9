"""Partitioned input: one file or a directory of partition files, parsed by tasks into memory-mappable columns.

A directory's input files are its regular files whose names do not start with ``.``, in sorted (code point) order of
their names; the users' global order is file by file, rows in file order. Every file is parsed and validated by
``load_balances`` in its own task, which writes two Arrow IPC files into the build's work directory:

- ``columns-<i>.arrow``: ``user_id`` (large_string) and ``amounts`` (fixed_size_list<uint64>[T]) in row order, which
  the tree tasks memory-map and slice by row range;
- ``ids-<i>.arrow``: ``user_id`` and ``row`` sorted (stably) by id bucket, with the bucket boundaries returned to
  the coordinator, so that bucket tasks can find ids repeated across files without anyone holding every id.

The task returns only a ``FileSummary`` (rows, tokens, exact per-token totals, bucket boundaries).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from por.amounts import Token
from por.errors import InputError
from por.ingest import DecimalsSpec, detect_format, load_balances
from por.ingest.balances import Rounded
from por.ingest.csv_source import FIRST_DATA_ROW
from por.scale.idhash import id_buckets

BUCKET_BYTES = 32 << 20
MAX_BUCKET_BITS = 12
ID_FIELD = {"csv": "user_id", "jsonl": "user_id", "summa": "username", "dapol": "id"}


def input_files(path: Path) -> list[Path]:
    """The files of a partitioned input, in global order (a single file is its own list)."""
    if not path.is_dir():
        return [path]
    files = sorted((p for p in path.iterdir() if not p.name.startswith(".") and p.is_file()), key=lambda p: p.name)
    if not files:
        raise InputError("the input directory has no input files", path=path)
    return files


def bucket_bits_for(total_bytes: int) -> int:
    """About 32 MiB of input per id bucket (at most 2**12 buckets), so one bucket task stays small."""
    buckets = -(-total_bytes // BUCKET_BYTES)
    return min(max(buckets - 1, 0).bit_length(), MAX_BUCKET_BITS)


@dataclass(frozen=True)
class ScanTask:
    path: str
    index: int
    fmt: str | None
    decimals: DecimalsSpec
    round_up: bool
    work_dir: str
    bucket_bits: int


@dataclass(frozen=True)
class FileSummary:
    path: str
    fmt: str
    rows: int
    tokens: list[Token]
    totals: list[int]
    columns: str  # columns-<i>.arrow
    ids: str  # ids-<i>.arrow
    bucket_offsets: list[int]  # 2**bucket_bits + 1 row boundaries in ids-<i>.arrow
    rounded: dict[str, Rounded]  # per token, what --rounding up changed
    scaled: bool  # amounts were scaled by decimals (False: Summa / dapol base units)

    @property
    def first_row(self) -> int:
        """Row number (as in error messages) of the file's first user."""
        return 1 if self.fmt == "jsonl" else FIRST_DATA_ROW


def write_table(path: Path, table: pa.Table) -> None:
    """Write an uncompressed Arrow IPC file under a temporary name, then rename (tasks may be retried or killed)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        feather.write_feather(table, tmp, compression="uncompressed")
        os.chmod(tmp, 0o600)  # user ids and balances: operator-only data
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def amounts_array(amounts: np.ndarray) -> pa.Array:
    return pa.FixedSizeListArray.from_arrays(pa.array(np.ascontiguousarray(amounts).reshape(-1)), amounts.shape[1])


def scan_file(task: ScanTask) -> FileSummary | InputError:
    """Parse and validate one input file, cache it as columns; bad input is returned (a retry cannot fix it)."""
    try:
        fmt = task.fmt or detect_format(task.path)
        balances = load_balances(task.path, fmt=fmt, decimals=task.decimals, round_up=task.round_up)
    except InputError as error:
        return error
    work = Path(task.work_dir)
    columns = work / f"columns-{task.index}.arrow"
    write_table(columns, pa.table({"user_id": balances.user_ids, "amounts": amounts_array(balances.amounts)}))
    buckets = id_buckets(balances.user_ids, task.bucket_bits)
    order = np.argsort(buckets, kind="stable")
    ids = work / f"ids-{task.index}.arrow"
    write_table(ids, pa.table({"user_id": balances.user_ids.take(pa.array(order)), "row": pa.array(order)}))
    offsets = np.searchsorted(buckets[order], np.arange((1 << task.bucket_bits) + 1), side="left")
    return FileSummary(task.path, fmt, len(balances), balances.tokens, balances.totals(), str(columns), str(ids),
                       offsets.tolist(), balances.rounded, balances.scaled)


@dataclass(frozen=True)
class BucketTask:
    bucket: int
    slices: list[tuple[str, int, int]]  # (ids file, start, stop) of every input file, in input order


@dataclass(frozen=True)
class Duplicate:
    user_id: str
    file: int  # the later occurrence (file index, 0-based row)
    row: int
    first_file: int  # its first occurrence
    first_row: int


def find_duplicate(task: BucketTask) -> Duplicate | None:
    """The earliest (input order) repeated id of one bucket, with its first occurrence; ids repeat only across files."""
    ids, files, rows = [], [], []
    for number, (path, start, stop) in enumerate(task.slices):
        if stop == start:
            continue
        table = feather.read_table(path, memory_map=True).slice(start, stop - start)
        ids.append(table.column("user_id").combine_chunks())
        rows.append(table.column("row").to_numpy())
        files.append(np.full(stop - start, number, dtype=np.int64))
    if len(ids) < 2:
        return None
    column = pa.concat_arrays(ids)
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) == len(column):
        return None
    file_of, row_of = np.concatenate(files), np.concatenate(rows)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    _, first_seen = np.unique(codes, return_index=True)
    repeats = np.flatnonzero(first_seen[codes] != np.arange(len(codes)))
    index = int(repeats[0])  # slices are stable-sorted: the concatenation is in global input order
    first = int(first_seen[codes[index]])
    return Duplicate(column[index].as_py(), int(file_of[index]), int(row_of[index]), int(file_of[first]),
                     int(row_of[first]))
