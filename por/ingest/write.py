"""Write ``Balances`` as native CSV (``user_id,<SYM>,...``, shortest exact decimals) that loads back identically."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from por.files import atomic_open
from por.ingest.balances import Balances


def write_native_csv(path: str | Path, balances: Balances) -> None:
    """Atomic write; ids are quoted only when CSV needs it, amounts are exact (no floats, no exponent)."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(["user_id", *(t.symbol for t in balances.tokens)])
    columns = {"user_id": balances.user_ids}
    for index, token in enumerate(balances.tokens):
        columns[token.symbol] = decimal_strings(balances.amounts[:, index], token.decimals)
    table = pa.table(list(columns.values()), names=[f"c{i}" for i in range(len(columns))])
    with atomic_open(path, "wb") as handle:
        handle.write(header.getvalue().encode("utf-8"))
        pacsv.write_csv(
            table, handle, write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed")
        )


def decimal_strings(units: np.ndarray, decimals: int) -> pa.Array:
    """uint64 base units -> shortest exact decimal strings (``1.5``, ``0``, ``12``), vectorised."""
    whole_text = pa.array(units // np.uint64(10**decimals)).cast(pa.large_string())
    if decimals == 0:
        return whole_text
    fraction = pa.array(units % np.uint64(10**decimals)).cast(pa.large_string())
    fraction = pc.utf8_rtrim(pc.utf8_lpad(fraction, width=decimals, padding="0"), characters="0")
    joined = pc.binary_join_element_wise(whole_text, fraction, pa.scalar(".", pa.large_string()))
    return pc.if_else(pc.equal(pc.binary_length(fraction), 0), whole_text, joined)
