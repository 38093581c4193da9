"""The parsed input: token columns, validated user ids and a uint64 matrix of base units (no per-user objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pyarrow as pa

from por.amounts import MAX_BALANCE, Token, format_amount, total_too_large
from por.errors import InputError

_LOW_32 = np.uint64(0xFFFFFFFF)
_ROWS_PER_CHUNK = 1 << 20


def exact_column_sums(amounts: np.ndarray) -> list[int]:
    """Exact per-column sums as Python ints.

    A uint64 sum would silently wrap; summing the 32-bit halves separately cannot (fewer than 2^32 rows).
    """
    totals = [0] * amounts.shape[1]
    for start in range(0, amounts.shape[0], _ROWS_PER_CHUNK):  # chunks: temporaries stay small
        chunk = amounts[start : start + _ROWS_PER_CHUNK]
        low = (chunk & _LOW_32).sum(axis=0, dtype=np.uint64)
        high = (chunk >> np.uint64(32)).sum(axis=0, dtype=np.uint64)
        for column, (h, lo) in enumerate(zip(high, low, strict=True)):
            totals[column] += (int(h) << 32) + int(lo)
    return totals


@dataclass
class Rounded:
    """What ``--rounding up`` changed in one token's amounts: how many were rounded, and the exact number of base
    units (a fraction: 0.123456781 at 8 decimals gains 0.9 of a base unit) that rounding added in total."""

    count: int = 0
    added: Fraction = Fraction(0)

    def add(self, other: Rounded) -> None:
        self.count += other.count
        self.added += other.added

    def to_json(self, decimals: int) -> dict:
        return {"amounts": self.count, "added_base_units": decimal_text(self.added),
                "added": decimal_text(self.added / 10**decimals)}


def decimal_text(value: Fraction) -> str:
    """The exact decimal spelling of a fraction whose denominator divides a power of ten (``0.9``, ``12``)."""
    places = 0
    while (10**places) % value.denominator:
        places += 1
    return format_amount(value.numerator * (10**places // value.denominator), places)


@dataclass
class Balances:
    tokens: list[Token]  # in column order
    user_ids: pa.Array  # large_string, N entries: non-empty, unique, at most 1024 UTF-8 bytes, no control characters
    amounts: np.ndarray  # uint64, shape (N, T), C-contiguous, base units
    source: str  # file path, for messages
    rounded: dict[str, Rounded] = field(default_factory=dict)  # per token symbol, with --rounding up
    scaled: bool = True  # amounts were scaled by each token's decimals (False: Summa / dapol integers)

    def __len__(self) -> int:
        return int(self.amounts.shape[0])

    def totals(self) -> list[int]:
        """Exact per-token sums (Python ints)."""
        return exact_column_sums(self.amounts)

    def check_totals(self) -> None:
        """Each per-token total must be below 2^64: the private mode range-proves exactly that bound."""
        for token, total in zip(self.tokens, self.totals(), strict=True):
            if total >= MAX_BALANCE:
                raise InputError(total_too_large(token.symbol, total, token.decimals, len(self), scaled=self.scaled),
                                 path=self.source, field=token.symbol)
