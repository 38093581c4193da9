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
ROUND_UP_HINT = " (use --rounding up to round liabilities up)"

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


class TooLarge(AmountError):
    """An amount of 2^64 base units or more; keeps what a caller who knows the token needs to word the fix."""

    def __init__(self, text: str, units: int, decimals: int) -> None:
        super().__init__(f"amount {text!r} is 2^64 base units or more with {decimals} decimals; "
                         + bound_advice(units, decimals))
        self.text, self.units = text, units

    def for_token(self, symbol: str, decimals: int, *, scaled: bool = True) -> str:
        """The same sentence naming the token (``scaled=False``: the input's integers already are base units)."""
        return (f"amount {self.text!r} is 2^64 base units or more with {decimals} decimals; "
                + bound_advice(self.units, decimals, symbol, scaled=scaled))


def fitting_decimals(units: int, decimals: int, count: int = 1) -> int | None:
    """The most decimals (fewer than ``decimals``) at which ``count`` amounts that sum to ``units`` base units, each
    rounded up, stay below 2^64 base units in total; None when not even 0 decimals do. Rounding up adds less than
    one new base unit per amount, hence the ``count`` term (exact for one amount, a safe bound for a total)."""
    for places in range(decimals, -1, -1):
        scale = 10 ** (decimals - places)
        if (units + count * (scale - 1)) // scale < MAX_BALANCE:
            return places
    return None


def bound_advice(units: int, decimals: int, symbol: str | None = None, *, count: int = 1,
                 scaled: bool = True) -> str:
    """How to get below 2^64 base units: publish the token with fewer decimals, rounding liabilities up."""
    fits = fitting_decimals(units, decimals, count)
    name = symbol or "SYM"
    if not scaled:  # Summa / dapol: the file's integers are base units, --decimals only records the decimals
        if fits is None:
            return (f"the file's integers are base units: export {symbol or 'the token'} in a larger unit (divide by a "
                    f"power of ten, rounding up) and give its decimals with --decimals {name}=N")
        return (f"the file's integers are base units: export {symbol or 'the token'} with at most {fits} decimals "
                f"(divide by 10^{decimals - fits}, rounding up) and pass --decimals {name}={fits}")
    if fits is None:
        return "no number of decimals makes it fit (the bound is 2^64 − 1 base units)"
    return (f"at most {fits} decimals fit: publish {symbol or 'the token'} with fewer decimals, "
            f"e.g. --decimals {name}={fits} --rounding up")


def total_too_large(symbol: str, total: int, decimals: int, count: int, *, scaled: bool = True,
                    scope: str = "") -> str:
    """The one sentence for a per-token total of 2^64 base units or more (``count`` = the number of users)."""
    return (f"the total of token {symbol!r}{scope} is {total} base units with {decimals} decimals, which is 2^64 or "
            f"more; " + bound_advice(total, decimals, symbol, count=count, scaled=scaled))


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
                raise AmountError(f"amount {text!r} has more than {decimals} decimal places{ROUND_UP_HINT}")
            value = int(whole + frac.ljust(decimals, "0")) + 1
            return _bounded(value, text, decimals)
    return _bounded(int(whole + frac.ljust(decimals, "0")), text, decimals)


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


def _bounded(value: int, text: str, decimals: int) -> int:
    if value >= MAX_BALANCE:
        raise TooLarge(text, value, decimals)
    return value



def format_amount(units: int, decimals: int) -> str:
    """Base units -> shortest exact decimal string (``1.5``, ``0``, ``12``)."""
    if decimals == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals)
    frac_text = str(frac).rjust(decimals, "0").rstrip("0")
    return f"{sign}{whole}.{frac_text}" if frac_text else f"{sign}{whole}"
