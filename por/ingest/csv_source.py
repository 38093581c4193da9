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

from por.amounts import Token
from por.errors import InputError
from por.ingest.balances import Rounded
from por.ingest.convert import BadAmount, amount_error, to_base_units
from por.ingest.layouts import Layout
from por.ingest.structure import blank_line_error, locate_structure_error
from por.ingest.userids import BadUserId, check_id_shapes

BLOCK_BYTES = 16 << 20
FIRST_DATA_ROW = 2  # the header is row 1
_IN_FLIGHT = 2  # blocks converted ahead of the reader; bounds memory


def read_columns(
    path: str | Path, layout: Layout, tokens: list[Token], *, round_up: bool
) -> tuple[list[pa.Array], list[np.ndarray], list[Rounded]]:
    """Per block: the user id array and the (rows, tokens) uint64 matrix; and per token what rounding up changed.
    Raises InputError naming row and field."""
    names = [f"c{i}" for i in range(len(layout.fields) + 1)]  # positional: the real header was checked already
    rounded = [Rounded() for _ in tokens]
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
            row = first_row + bad.index
            raise blank_line_error(path, row) or InputError(bad.reason, path=path, row=row,
                                                             field=layout.id_field) from None
        return ids, _amounts(batch, path, first_row, layout, tokens, round_up, rounded)

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
    return ids, blocks, rounded


def _collect(future: Future, ids: list[pa.Array], blocks: list[np.ndarray]) -> None:
    block_ids, block = future.result()
    ids.append(block_ids)
    blocks.append(block)


def _amounts(batch: pa.RecordBatch, path: str | Path, first_row: int, layout: Layout, tokens: list[Token],
             round_up: bool, rounded: list[Rounded]) -> np.ndarray:
    """Convert every token column; on failure report the earliest bad row (leftmost column on a tie)."""
    block = np.empty((batch.num_rows, len(tokens)), dtype=np.uint64)
    worst: tuple[int, int, BadAmount] | None = None
    for column, token in enumerate(tokens):
        places = 0 if layout.base_units else token.decimals
        try:
            block[:, column] = to_base_units(batch.column(column + 1), places, round_up=round_up,
                                             rounded=rounded[column])
        except BadAmount as bad:
            if worst is None or bad.index < worst[0]:
                worst = (bad.index, column, bad)
    if worst is not None:
        index, column, bad = worst
        raise amount_error(bad, tokens[column], path=path, row=first_row + index, field=layout.fields[column],
                           scaled=not layout.base_units)
    return block
