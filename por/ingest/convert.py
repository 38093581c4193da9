"""Vectorised, exact conversion of a column of decimal strings to uint64 base units.

The fast path never trusts anything it has not checked: every byte must be a digit or ``.``, each value must start
and end with a digit and be at most MAX_AMOUNT_CHARS long, Arrow's decimal parser (128-bit, exact) must accept it at
the token's scale without dropping a non-zero digit, and the high 64 bits must be zero. Anything else falls back to ``por.amounts.parse_amount`` value by
value, which is the reference: it either finds the first bad value (so messages read the same everywhere) or, for
odd but valid spellings the fast path declines (e.g. 40 leading zeros), produces the values itself.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from por.amounts import MAX_AMOUNT_CHARS, MAX_BALANCE, AmountError, Token, TooLarge, parse_amount
from por.errors import InputError
from por.ingest.balances import Rounded, exact_column_sums

_DOT, _SLASH, _ZERO, _NINE = (ord(c) for c in "./09")
_ALL_ONES = np.uint64(MAX_BALANCE - 1)


_DIGITS_PER_PIECE = 18  # < 10**18 fits a uint64
_AMOUNT = re.compile(r"([0-9]+)\.([0-9]+)")


class BadAmount(Exception):
    """The value at ``index`` (0-based within the column) was rejected for ``reason``."""

    def __init__(self, index: int, reason: AmountError) -> None:
        super().__init__(str(reason))
        self.index = index
        self.reason = reason


def amount_error(bad: BadAmount, token: Token, *, path, row: int, field: str, scaled: bool = True) -> InputError:
    """The InputError for a bad amount; one of 2^64 or more names the token and the decimals that would fit."""
    reason = bad.reason
    message = reason.for_token(token.symbol, token.decimals, scaled=scaled) if isinstance(reason, TooLarge) else reason
    return InputError(str(message), path=path, row=row, field=field)


def to_base_units(values: pa.Array, decimals: int, *, round_up: bool = False,
                  rounded: Rounded | None = None) -> np.ndarray:
    """Decimal strings -> uint64 base units (``value * 10**decimals``), or BadAmount for the first bad value.

    ``rounded`` (when given) accumulates what rounding up changed in this column.
    """
    values = _as_string_array(values)
    tally = Rounded()
    units = None
    if len(values) == 0:
        units = np.zeros(0, dtype=np.uint64)
    elif _only_plain_digits(values):
        units = _fast(values, decimals, round_up, tally)
    if units is None:
        tally = Rounded()
        units = _reference(values, decimals, round_up, tally)
    if rounded is not None:
        rounded.add(tally)
    return units


def _as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_large_string(values.type):
        return values
    return values.cast(pa.large_string())


def _only_plain_digits(values: pa.Array) -> bool:
    """Every byte in ``[0-9.]``, no empty or over-long value, and each value starts and ends with a digit."""
    if values.null_count:
        return False
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset : values.offset + len(values) + 1]
    start, stop = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[start:stop] if stop > start else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    if data.size == 0 or not lengths.all() or lengths.max() > MAX_AMOUNT_CHARS:
        return False
    if data.min() < _DOT or data.max() > _NINE or (data == _SLASH).any():
        return False
    first = data[offsets[:-1] - start]
    last = data[offsets[1:] - 1 - start]
    return bool(first.min() >= _ZERO and last.min() >= _ZERO)


def _fast(values: pa.Array, decimals: int, round_up: bool, tally: Rounded) -> np.ndarray | None:
    """Exact 128-bit decimal parse at the token's scale; None when the reference path must decide."""
    bump = None
    try:
        parsed = pc.cast(values, pa.decimal128(38, decimals))  # safe cast: refuses to drop a non-zero digit
    except pa.ArrowInvalid:
        if not round_up:
            return None
        try:
            parsed, bump, dropped = _rounded_up(values, decimals)
        except pa.ArrowInvalid:
            return None
    words = np.frombuffer(parsed.buffers()[1], dtype=np.uint64)[2 * parsed.offset : 2 * (parsed.offset + len(parsed))]
    low, high = words[0::2], words[1::2]
    if high.any():
        return None
    units = low.copy()
    if bump is not None:
        if (bump & (units == _ALL_ONES)).any():
            return None
        units += bump.astype(np.uint64)
        tally.count, tally.added = int(bump.sum()), _added_by_rounding(dropped)
    return units


def _added_by_rounding(dropped: pa.Array) -> Fraction:
    """Σ (1 − 0.<dropped digits>) base units over the rounded values, exactly: the digits are right-padded to one
    width and summed in 18-digit pieces as uint64 columns (no per-value Python)."""
    if len(dropped) == 0:
        return Fraction(0)
    width = pc.max(pc.utf8_length(dropped)).as_py()
    padded = pc.utf8_rpad(dropped, width=width, padding="0")
    kept = 0  # Σ of the dropped digits, as integers of `width` digits
    for start in range(0, width, _DIGITS_PER_PIECE):
        stop = min(start + _DIGITS_PER_PIECE, width)
        piece = pc.cast(pc.utf8_slice_codeunits(padded, start, stop), pa.uint64()).to_numpy()
        kept += exact_column_sums(piece.reshape(-1, 1))[0] * 10 ** (width - stop)
    return Fraction(len(dropped) * 10**width - kept, 10**width)


def _rounded_up(values: pa.Array, decimals: int) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """Truncate to ``decimals`` places; flag the values whose dropped digits were not all zero, and return those
    digits (trailing zeros removed) for the values flagged."""
    has_dot = pc.greater_equal(pc.find_substring(values, "."), 0)
    stripped = pc.utf8_rtrim(pc.utf8_rtrim(values, characters="0"), characters=".")
    trimmed = pc.if_else(has_dot, stripped, values)  # trailing zeros of an integer are significant
    dot = pc.find_substring(trimmed, ".").to_numpy(zero_copy_only=False)
    length = pc.binary_length(trimmed).to_numpy(zero_copy_only=False)
    bump = (dot >= 0) & (length - dot - 1 > decimals)
    kept, cut = (rf"[0-9]+\.[0-9]{{{decimals}}}", "") if decimals else ("[0-9]+", r"\.")  # kept digits | dropped
    truncated = pc.replace_substring_regex(trimmed, pattern=rf"^({kept}){cut}[0-9]+$", replacement=r"\1")
    dropped = pc.replace_substring_regex(trimmed.filter(pa.array(bump)), pattern=rf"^{kept}{cut}([0-9]+)$",
                                         replacement=r"\1")
    return pc.cast(truncated, pa.decimal128(38, decimals)), bump, dropped


def _reference(values: pa.Array, decimals: int, round_up: bool, tally: Rounded) -> np.ndarray:
    units = np.empty(len(values), dtype=np.uint64)
    for index, text in enumerate(values.to_pylist()):
        try:
            units[index] = parse_amount("" if text is None else text, decimals, round_up=round_up)
        except AmountError as reason:
            raise BadAmount(index, reason) from None
        if round_up and (match := _AMOUNT.fullmatch(text)) and len(match.group(2)) > decimals:
            exact = Fraction(int(match.group(1) + match.group(2)), 10 ** (len(match.group(2)) - decimals))
            if exact != int(units[index]):
                tally.count += 1
                tally.added += int(units[index]) - exact
    return units
