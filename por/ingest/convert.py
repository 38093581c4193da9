"""Vectorised, exact conversion of a column of decimal strings to uint64 base units.

The fast path never trusts anything it has not checked: every byte must be a digit or ``.``, each value must start
and end with a digit and be at most MAX_AMOUNT_CHARS long, Arrow's decimal parser (128-bit, exact) must accept it at
the token's scale without dropping a non-zero digit, and the high 64 bits must be zero. Anything else falls back to ``por.amounts.parse_amount`` value by
value, which is the reference: it either finds the first bad value (so messages read the same everywhere) or, for
odd but valid spellings the fast path declines (e.g. 40 leading zeros), produces the values itself.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from por.amounts import MAX_AMOUNT_CHARS, MAX_BALANCE, AmountError, parse_amount

_DOT, _SLASH, _ZERO, _NINE = (ord(c) for c in "./09")
_ALL_ONES = np.uint64(MAX_BALANCE - 1)


class BadAmount(Exception):
    """The value at ``index`` (0-based within the column) was rejected for ``reason``."""

    def __init__(self, index: int, reason: AmountError) -> None:
        super().__init__(str(reason))
        self.index = index
        self.reason = reason


def to_base_units(values: pa.Array, decimals: int, *, round_up: bool = False) -> np.ndarray:
    """Decimal strings -> uint64 base units (``value * 10**decimals``), or BadAmount for the first bad value."""
    values = _as_string_array(values)
    if len(values) == 0:
        return np.zeros(0, dtype=np.uint64)
    if _only_plain_digits(values):
        units = _fast(values, decimals, round_up)
        if units is not None:
            return units
    return _reference(values, decimals, round_up)


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


def _fast(values: pa.Array, decimals: int, round_up: bool) -> np.ndarray | None:
    """Exact 128-bit decimal parse at the token's scale; None when the reference path must decide."""
    bump = None
    try:
        parsed = pc.cast(values, pa.decimal128(38, decimals))  # safe cast: refuses to drop a non-zero digit
    except pa.ArrowInvalid:
        if not round_up:
            return None
        try:
            parsed, bump = _rounded_up(values, decimals)
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
    return units


def _rounded_up(values: pa.Array, decimals: int) -> tuple[pa.Array, np.ndarray]:
    """Truncate to ``decimals`` places and flag the values whose dropped digits were not all zero."""
    has_dot = pc.greater_equal(pc.find_substring(values, "."), 0)
    stripped = pc.utf8_rtrim(pc.utf8_rtrim(values, characters="0"), characters=".")
    trimmed = pc.if_else(has_dot, stripped, values)  # trailing zeros of an integer are significant
    dot = pc.find_substring(trimmed, ".").to_numpy(zero_copy_only=False)
    length = pc.binary_length(trimmed).to_numpy(zero_copy_only=False)
    bump = (dot >= 0) & (length - dot - 1 > decimals)
    keep = rf"^([0-9]+\.[0-9]{{{decimals}}})[0-9]+$" if decimals else r"^([0-9]+)\.[0-9]+$"
    truncated = pc.replace_substring_regex(trimmed, pattern=keep, replacement=r"\1")
    return pc.cast(truncated, pa.decimal128(38, decimals)), bump


def _reference(values: pa.Array, decimals: int, round_up: bool) -> np.ndarray:
    units = np.empty(len(values), dtype=np.uint64)
    for index, text in enumerate(values.to_pylist()):
        try:
            units[index] = parse_amount("" if text is None else text, decimals, round_up=round_up)
        except AmountError as reason:
            raise BadAmount(index, reason) from None
    return units
