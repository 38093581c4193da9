"""Exact decimal amounts <-> integer base units. Never floats.

An amount is ``[0-9]+(\\.[0-9]+)?`` (no sign, exponent, NaN or infinity). With ``decimals = d`` it becomes
``int(amount * 10**d)``; more fractional digits than ``d`` is an error unless rounding up is allowed (``--rounding up``)
(liabilities are never rounded down).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BALANCE = 2**64  # every balance and every per-token total must be < 2**64 base units
MAX_DECIMALS = 18

_AMOUNT = re.compile(r"^([0-9]+)(?:\.([0-9]+))?$")
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class Token:
    symbol: str
    decimals: int

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "decimals": self.decimals}


def valid_symbol(symbol: str) -> bool:
    return bool(_SYMBOL.match(symbol))


class AmountError(ValueError):
    """Why an amount string was rejected (caller adds file/row/field)."""


def parse_amount(text: str, decimals: int, *, round_up: bool = False) -> int:
    """Decimal string -> base units. Raises AmountError with a plain-words reason."""
    match = _AMOUNT.match(text)
    if not match:
        stripped = text.strip()
        if stripped.startswith("-"):
            raise AmountError(f"amount {text!r} is negative")
        if stripped.lower() in {"nan", "inf", "+inf", "-inf", "infinity"}:
            raise AmountError(f"amount {text!r} is not a number")
        if re.match(r"^[+-]?[0-9.]+[eE][+-]?[0-9]+$", stripped):
            raise AmountError(f"amount {text!r} uses scientific notation; write it out in full")
        if stripped == "":
            raise AmountError("amount is empty")
        raise AmountError(f"amount {text!r} is not a plain decimal number")
    whole, frac = match.group(1), match.group(2) or ""
    if len(frac) > decimals:
        extra = frac[decimals:]
        frac = frac[:decimals]
        if extra.strip("0"):
            if not round_up:
                raise AmountError(
                    f"amount {text!r} has more than {decimals} decimal places (use --rounding up to round liabilities up)"
                )
            value = int(whole + frac.ljust(decimals, "0")) + 1
            return _bounded(value, text)
    return _bounded(int(whole + frac.ljust(decimals, "0")), text)


def _bounded(value: int, text: str) -> int:
    if value >= MAX_BALANCE:
        raise AmountError(f"amount {text!r} is 2^64 base units or more")
    return value


def format_amount(units: int, decimals: int) -> str:
    """Base units -> shortest exact decimal string (``1.5``, ``0``, ``12``)."""
    if decimals == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals)
    frac_text = str(frac).rjust(decimals, "0").rstrip("0")
    return f"{sign}{whole}.{frac_text}" if frac_text else f"{sign}{whole}"
