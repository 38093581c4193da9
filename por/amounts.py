"""Exact decimal amounts <-> integer base units. Never floats.

An amount is ``[0-9]+(\\.[0-9]+)?`` of at most 100 characters (no sign, exponent, NaN or infinity). With
``decimals = d`` it becomes ``int(amount * 10**d)``; more fractional digits than ``d`` is an error unless rounding up
is allowed (``--rounding up``) (liabilities are never rounded down). Every decimal text por reads from a file is
converted here, so no conversion ever sees an unbounded string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BALANCE = 2**64  # every balance and every per-token total must be < 2**64 base units
MAX_DECIMALS = 18
MAX_AMOUNT_CHARS = 100  # longest decimal text por converts: checked before int(), whose cost grows with the length

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
_SCIENTIFIC = re.compile(r"[+-]?[0-9.]+[eE][+-]?[0-9]+")
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


@dataclass(frozen=True)
class Token:
    symbol: str
    decimals: int

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "decimals": self.decimals}


def valid_symbol(symbol: str) -> bool:
    return bool(_SYMBOL.fullmatch(symbol))


class AmountError(ValueError):
    """Why an amount string was rejected (caller adds file/row/field)."""


def split_amount(text: object) -> tuple[str, str]:
    """(whole digits, fraction digits) of a plain decimal of at most MAX_AMOUNT_CHARS characters; AmountError
    says in plain words why anything else is not one."""
    if not isinstance(text, str):
        raise AmountError(f"amount must be a string, not {type(text).__name__}")
    if len(text) > MAX_AMOUNT_CHARS:
        raise AmountError(f"amount has {len(text)} characters; at most {MAX_AMOUNT_CHARS} are accepted")
    match = _AMOUNT.fullmatch(text)
    if not match:
        stripped = text.strip()
        if stripped.startswith("-"):
            raise AmountError(f"amount {text!r} is negative")
        if stripped.lower() in {"nan", "inf", "+inf", "-inf", "infinity"}:
            raise AmountError(f"amount {text!r} is not a number")
        if _SCIENTIFIC.fullmatch(stripped):
            raise AmountError(f"amount {text!r} uses scientific notation; write it out in full")
        if stripped == "":
            raise AmountError("amount is empty")
        raise AmountError(f"amount {text!r} is not a plain decimal number")
    return match.group(1), match.group(2) or ""


def parse_amount(text: str, decimals: int, *, round_up: bool = False) -> int:
    """Decimal string -> base units in [0, 2^64). Raises AmountError with a plain-words reason."""
    whole, frac = split_amount(text)
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


def parse_amount_down(text: str, decimals: int) -> int:
    """Decimal string -> base units, extra decimals dropped and no upper bound (reserves: never rounded up, and
    they may exceed any liability bound). Raises AmountError."""
    whole, frac = split_amount(text)
    return int(whole + frac[:decimals].ljust(decimals, "0"))


def parse_integer(text: object, *, signed: bool = False) -> int:
    """A decimal integer of at most MAX_AMOUNT_CHARS ASCII characters (``-`` only when ``signed``); AmountError."""
    if isinstance(text, str) and len(text) <= MAX_AMOUNT_CHARS and text.isascii():
        digits = text[1:] if signed and text.startswith("-") else text
        if digits.isdigit():  # ASCII digits only, at least one
            return int(text)
    shown = repr(text) if isinstance(text, str) and len(text) <= 40 else "the value"
    raise AmountError(f"{shown} is not a{'n' if signed else ' non-negative'} integer of at most {MAX_AMOUNT_CHARS} "
                      "digits")


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
