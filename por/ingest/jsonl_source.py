"""JSON Lines input: ``{"user_id": "alice", "balances": {"BTC": "1.5", "ETH": "0"}}`` per line.

Amounts must be JSON strings (a JSON number may be read as a float by other tools, so it is refused). A user may
omit a token (= 0). The token set is the union over all lines, in order of first appearance. Lines are parsed with
por's one JSON reader (por.jsonio) in chunks; each chunk's amounts are converted column-wise like CSV, so no
per-user objects outlive a chunk. Row numbers are line numbers (the first line is row 1); a blank line is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from por.amounts import AmountError, Token, parse_amount, valid_symbol
from por.errors import InputError
from por.ingest.balances import Rounded
from por.ingest.convert import BadAmount, amount_error, to_base_units
from por.ingest.header import BOM
from por.ingest.structure import blank_line_reason
from por.ingest.userids import BadUserId, check_id_shapes
from por.jsonio import loads

CHUNK_LINES = 1 << 16
_KEYS = ("user_id", "balances")


@dataclass
class _Chunk:
    first_row: int
    ids: list[str] = field(default_factory=list)
    amounts: dict[str, list[str]] = field(default_factory=dict)  # symbol -> amount text per line ("0" if omitted)


@dataclass
class JsonlColumns:
    symbols: list[str]
    ids: list[pa.Array]
    blocks: list[np.ndarray]  # (rows, len(symbols)) per chunk; tokens first seen later are 0 in earlier chunks
    rounded: dict[str, Rounded] = field(default_factory=dict)  # per symbol, what rounding up changed


def read_jsonl(path: str | Path, decimals_for, *, round_up: bool) -> JsonlColumns:
    """``decimals_for(symbol)`` gives each token's decimals as soon as the token first appears."""
    result = JsonlColumns([], [], [])
    chunk = _Chunk(first_row=1)
    with open(path, "rb") as handle:
        for row, raw in enumerate(handle, start=1):
            if not raw.strip():
                raise InputError(blank_line_reason(handle.read().strip() == b""), path=path, row=row)
            _parse_line(raw.removeprefix(BOM) if row == 1 else raw, row, path, chunk, result.symbols)
            if len(chunk.ids) == CHUNK_LINES:
                _flush(chunk, result, path, decimals_for, round_up)
                chunk = _Chunk(first_row=row + 1)
    _flush(chunk, result, path, decimals_for, round_up)
    return result


def _parse_line(raw: bytes, row: int, path: str | Path, chunk: _Chunk, symbols: list[str]) -> None:
    def fail(message: str, key: str | None = None) -> InputError:
        return InputError(message, path=path, row=row, field=key)

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"is not valid UTF-8 (byte {exc.start + 1} of the line)") from None
    record = loads(text, path=path, row=row, what="line")  # refuses duplicate keys and lone surrogates
    if not isinstance(record, dict):
        raise fail('must be a JSON object like {"user_id": "...", "balances": {...}}')
    for key in record:
        if key not in _KEYS:
            raise fail("unknown key (expected user_id and balances)", key)
    for key in _KEYS:
        if key not in record:
            raise fail("missing key", key)
    user_id, balances = record["user_id"], record["balances"]
    if not isinstance(user_id, str):
        raise fail("user id must be a JSON string", "user_id")
    if not isinstance(balances, dict):
        raise fail('must be a JSON object like {"BTC": "1.5"}', "balances")
    position = len(chunk.ids)
    for symbol, amount in balances.items():
        if symbol not in chunk.amounts and not valid_symbol(symbol):
            raise fail(f"token symbol {symbol!r} is not valid (1-32 of A-Z a-z 0-9 . _ -)", "balances")
        if not isinstance(amount, str):
            raise fail(
                f'amount must be a JSON string such as "1.5", not {json.dumps(amount)} (numbers may be read as floats)',
                f"balances.{symbol}",
            )
        if not amount.isascii():  # cannot be a plain decimal; let the reference parser say why
            try:
                parse_amount(amount, 0)
            except AmountError as reason:
                raise fail(str(reason), f"balances.{symbol}") from None
        if symbol not in chunk.amounts:
            chunk.amounts[symbol] = ["0"] * position
            if symbol not in symbols:
                symbols.append(symbol)
        chunk.amounts[symbol].append(amount)
    chunk.ids.append(user_id)
    if len(balances) != len(chunk.amounts):  # some token omitted on this line: it is 0
        for column in chunk.amounts.values():
            if len(column) == position:
                column.append("0")


def _flush(chunk: _Chunk, result: JsonlColumns, path: str | Path, decimals_for, round_up: bool) -> None:
    if not chunk.ids:
        return
    ids = pa.array(chunk.ids, type=pa.large_string())
    try:
        check_id_shapes(ids)
    except BadUserId as bad:
        raise InputError(bad.reason, path=path, row=chunk.first_row + bad.index, field="user_id") from None
    block = np.zeros((len(chunk.ids), len(result.symbols)), dtype=np.uint64)
    for column, symbol in enumerate(result.symbols):
        if symbol not in chunk.amounts:
            continue
        try:
            block[:, column] = to_base_units(pa.array(chunk.amounts[symbol], type=pa.large_string()),
                                             decimals_for(symbol), round_up=round_up,
                                             rounded=result.rounded.setdefault(symbol, Rounded()))
        except BadAmount as bad:
            raise amount_error(bad, Token(symbol, decimals_for(symbol)), path=path, row=chunk.first_row + bad.index,
                               field=f"balances.{symbol}") from None
    result.ids.append(ids)
    result.blocks.append(block)
