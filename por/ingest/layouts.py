"""What the header of each CSV-family format means: the id column, the token columns and how amounts are written.

- native ``csv``: ``user_id,<SYM>,<SYM>,...``; amounts are decimals, scaled by each token's decimals (default 8).
- ``summa``: ``username,balance_<TOKEN>_<CHAIN>,...``; the token symbol is ``<TOKEN>_<CHAIN>`` (e.g. ``ETH_ETH``);
  amounts are integers already in base units (never scaled; ``--decimals`` only records the token's decimals).
- ``dapol``: exactly ``id,liability``; one token named ``LIABILITY``, integer base units, decimals 0 by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from por.amounts import valid_symbol
from por.errors import InputError
from por.ingest.decimals import DEFAULT_DECIMALS

DAPOL_SYMBOL = "LIABILITY"
_SUMMA_COLUMN = re.compile(r"balance_(.+_.+)")


@dataclass(frozen=True)
class Layout:
    format: str
    id_field: str  # header name of the user id column (always column 1)
    fields: list[str]  # header names of the token columns, in order
    symbols: list[str]  # token symbol of each token column
    default_decimals: int  # decimals when --decimals does not say
    base_units: bool  # amounts are integers already in base units (not scaled by decimals)


def layout_for(fmt: str, cells: list[str], path: str | Path) -> Layout:
    _check_no_duplicates(cells, path)
    if fmt == "csv":
        return _native(cells, path)
    if fmt == "summa":
        return _summa(cells, path)
    if fmt == "dapol":
        return _dapol(cells, path)
    raise InputError(f"format {fmt!r} has no CSV header", path=path)


def _check_no_duplicates(cells: list[str], path: str | Path) -> None:
    seen: dict[str, int] = {}
    for number, name in enumerate(cells, start=1):
        if name in seen:
            raise InputError(f"duplicate column (also column {seen[name]})", path=path, row=1, field=name)
        seen[name] = number


def _expect_first(cells: list[str], name: str, fmt_title: str, path: str | Path) -> None:
    if cells[0] != name:
        raise InputError(
            f"the first column of a {fmt_title} file must be {name!r}", path=path, row=1, field=cells[0]
        )
    if len(cells) < 2:
        raise InputError("the header has no token columns", path=path, row=1)


def _native(cells: list[str], path: str | Path) -> Layout:
    _expect_first(cells, "user_id", "native CSV", path)
    for name in cells[1:]:
        if not valid_symbol(name):
            raise InputError(
                "unknown column header: not a valid token symbol (1-32 of A-Z a-z 0-9 . _ -, starting with a letter or digit)",
                path=path,
                row=1,
                field=name,
            )
    return Layout("csv", "user_id", cells[1:], cells[1:], DEFAULT_DECIMALS, base_units=False)


def _summa(cells: list[str], path: str | Path) -> Layout:
    _expect_first(cells, "username", "Summa", path)
    symbols = []
    for name in cells[1:]:
        match = _SUMMA_COLUMN.fullmatch(name)
        if not match or not valid_symbol(match.group(1)):
            raise InputError(
                "unknown column header: Summa token columns are named balance_<TOKEN>_<CHAIN>",
                path=path,
                row=1,
                field=name,
            )
        symbols.append(match.group(1))
    return Layout("summa", "username", cells[1:], symbols, 0, base_units=True)


def _dapol(cells: list[str], path: str | Path) -> Layout:
    if cells != ["id", "liability"]:
        unexpected = next((c for c, e in zip(cells, ["id", "liability"], strict=False) if c != e), None)
        raise InputError(
            "a dapol file has exactly the columns id,liability",
            path=path,
            row=1,
            field=unexpected if unexpected is not None else (cells[2] if len(cells) > 2 else None),
        )
    return Layout("dapol", "id", ["liability"], [DAPOL_SYMBOL], 0, base_units=True)
