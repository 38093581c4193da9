"""Stream a CSV-family file through Arrow block by block and convert each block straight to uint64 columns.

Every column is read as a string (Arrow never infers, so no value ever passes through a float). Memory is the
uint64 matrix plus the ids plus a few blocks of strings, not the whole text as Python objects. Blocks are
converted on a second thread while Arrow reads the next one (Arrow's kernels release the GIL).
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from por.errors import InputError
from por.ingest.convert import BadAmount, to_base_units
from por.ingest.structure import locate_structure_error
from por.ingest.userids import BadUserId, check_id_shapes

BLOCK_BYTES = 16 << 20
FIRST_DATA_ROW = 2  # the header is row 1
_IN_FLIGHT = 2  # blocks converted ahead of the reader; bounds memory


def read_columns(
    path: str | Path, id_field: str, fields: list[str], decimals: list[int], *, round_up: bool
) -> tuple[list[pa.Array], list[np.ndarray]]:
    """Per block: the user id array and the (rows, tokens) uint64 matrix. Raises InputError naming row and field."""
    names = [f"c{i}" for i in range(len(fields) + 1)]  # positional names: the real header was checked already
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES)
    parse = pacsv.ParseOptions(ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.large_string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )

    def convert_block(batch: pa.RecordBatch, first_row: int) -> tuple[pa.Array, np.ndarray]:
        ids = batch.column(0)
        try:
            check_id_shapes(ids)
        except BadUserId as bad:
            raise InputError(bad.reason, path=path, row=first_row + bad.index, field=id_field) from None
        return ids, _amounts(batch, path, first_row, fields, decimals, round_up)

    ids: list[pa.Array] = []
    blocks: list[np.ndarray] = []
    pending: deque[Future] = deque()
    first_row = FIRST_DATA_ROW
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            for batch in pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert):
                pending.append(pool.submit(convert_block, batch, first_row))
                first_row += batch.num_rows
                while len(pending) >= _IN_FLIGHT:
                    _collect(pending.popleft(), ids, blocks)
        except pa.ArrowInvalid as exc:
            while pending:  # a bad value before the broken row is the first error in the file
                _collect(pending.popleft(), ids, blocks)
            raise locate_structure_error(path, len(names), str(exc)) from None
        while pending:
            _collect(pending.popleft(), ids, blocks)
    return ids, blocks


def _collect(future: Future, ids: list[pa.Array], blocks: list[np.ndarray]) -> None:
    block_ids, block = future.result()
    ids.append(block_ids)
    blocks.append(block)


def _amounts(
    batch: pa.RecordBatch, path: str | Path, first_row: int, fields: list[str], decimals: list[int], round_up: bool
) -> np.ndarray:
    """Convert every token column; on failure report the earliest bad row (leftmost column on a tie)."""
    block = np.empty((batch.num_rows, len(fields)), dtype=np.uint64)
    worst: tuple[int, int, BadAmount] | None = None
    for column, places in enumerate(decimals):
        try:
            block[:, column] = to_base_units(batch.column(column + 1), places, round_up=round_up)
        except BadAmount as bad:
            if worst is None or bad.index < worst[0]:
                worst = (bad.index, column, bad)
    if worst is not None:
        index, column, bad = worst
        raise InputError(bad.reason.args[0], path=path, row=first_row + index, field=fields[column])
    return block
