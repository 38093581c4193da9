"""``load_balances``: any supported input file -> validated ``Balances`` (or one InputError sentence)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from por.amounts import Token
from por.errors import InputError
from por.ingest.balances import Balances, Rounded
from por.ingest.csv_source import FIRST_DATA_ROW, read_columns
from por.ingest.decimals import DEFAULT_DECIMALS, DecimalsSpec
from por.ingest.header import check_format_name, detect_format, header_cells
from por.ingest.jsonl_source import read_jsonl
from por.ingest.layouts import layout_for
from por.ingest.userids import BadUserId, check_unique

MAX_USERS = 2**32 - 1  # keeps the exact 32-bit-halves totals exact


def load_balances(
    path: str | Path,
    *,
    fmt: str | None = None,
    decimals: DecimalsSpec | None = None,
    round_up: bool = False,
) -> Balances:
    """Read, validate and convert ``path``. ``fmt`` overrides detection; ``round_up`` allows rounding up excess digits."""
    source = str(path)
    spec = decimals or DecimalsSpec()
    fmt = check_format_name(fmt) if fmt is not None else detect_format(path)
    if fmt == "jsonl":
        balances, first_row = _load_jsonl(path, spec, round_up), 1
    else:
        balances, first_row = _load_csv(path, fmt, spec, round_up), FIRST_DATA_ROW
    if len(balances) == 0:
        raise InputError("has no users (only a header)" if fmt != "jsonl" else "has no users", path=source)
    if len(balances) > MAX_USERS:
        raise InputError(f"has {len(balances)} users; at most {MAX_USERS} are supported", path=source)
    try:
        check_unique(balances.user_ids)
    except BadUserId as bad:
        raise InputError(
            f"{bad.reason} (first seen on row {first_row + bad.first_index})",
            path=source,
            row=first_row + bad.index,
            field="user_id" if fmt in ("csv", "jsonl") else ("username" if fmt == "summa" else "id"),
        ) from None
    balances.check_totals()
    return balances


def _load_csv(path: str | Path, fmt: str, spec: DecimalsSpec, round_up: bool) -> Balances:
    layout = layout_for(fmt, header_cells(path), path)
    spec.check_symbols(layout.symbols, str(path))
    tokens = [Token(s, spec.for_token(s, layout.default_decimals)) for s in layout.symbols]
    ids, blocks, rounded = read_columns(path, layout, tokens, round_up=round_up)
    balances = _assemble(tokens, ids, blocks, path, dict(zip(layout.symbols, rounded, strict=True)))
    balances.scaled = not layout.base_units
    return balances


def _load_jsonl(path: str | Path, spec: DecimalsSpec, round_up: bool) -> Balances:
    decimals_for: Callable[[str], int] = lambda symbol: spec.for_token(symbol, DEFAULT_DECIMALS)  # noqa: E731
    columns = read_jsonl(path, decimals_for, round_up=round_up)
    if columns.ids and not columns.symbols:
        raise InputError("no user has any token balance, so there is no token", path=path)
    spec.check_symbols(columns.symbols, str(path))
    tokens = [Token(s, decimals_for(s)) for s in columns.symbols]
    width = len(tokens)
    blocks = [np.pad(b, ((0, 0), (0, width - b.shape[1]))) if b.shape[1] < width else b for b in columns.blocks]
    return _assemble(tokens, columns.ids, blocks, path, columns.rounded)


def _assemble(tokens: list[Token], ids: list[pa.Array], blocks: list[np.ndarray], path: str | Path,
              rounded: dict[str, Rounded]) -> Balances:
    user_ids = pa.concat_arrays(ids) if ids else pa.array([], type=pa.large_string())
    changed = {symbol: tally for symbol, tally in rounded.items() if tally.count}
    return Balances(tokens, user_ids, _stack(blocks, len(tokens)), str(path), rounded=changed)


def _stack(blocks: list[np.ndarray], width: int) -> np.ndarray:
    """Concatenate while freeing each block once copied, so peak memory is one matrix, not two."""
    amounts = np.empty((sum(b.shape[0] for b in blocks), width), dtype=np.uint64)
    row = 0
    blocks.reverse()
    while blocks:
        block = blocks.pop()
        amounts[row : row + block.shape[0]] = block
        row += block.shape[0]
        del block
    return amounts
