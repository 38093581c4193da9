"""Which number of decimal places each token uses, from the repeated ``--decimals`` option.

``--decimals 6`` sets every token; ``--decimals BTC=8`` one token (it wins over the blanket value). A value that
is not given falls back to the input format's default: 8 for native CSV / JSONL (decimal amounts) and 0 for Summa
and dapol (integers that already are base units).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from por.amounts import MAX_DECIMALS, valid_symbol
from por.errors import InputError

DEFAULT_DECIMALS = 8

_COUNT = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class DecimalsSpec:
    default: int | None = None  # blanket value from ``--decimals N``; None = the format's default
    per_token: dict[str, int] = field(default_factory=dict)  # ``--decimals SYM=N``
    strict: bool = True  # a per-token value for a token the file lacks is an error (off for audits: they compare)

    def for_token(self, symbol: str, format_default: int) -> int:
        if symbol in self.per_token:
            return self.per_token[symbol]
        return self.default if self.default is not None else format_default

    def check_symbols(self, symbols: list[str], source: str) -> None:
        """A per-token value for a token the file does not have is almost surely a typo: refuse it."""
        if not self.strict:
            return
        unknown = [s for s in self.per_token if s not in set(symbols)]
        if unknown:
            raise InputError(
                f"--decimals names token {unknown[0]!r}, which is not in the file (tokens: {', '.join(symbols)})",
                path=source,
            )


def _count(text: str, spec: str) -> int:
    if not _COUNT.fullmatch(text) or int(text) > MAX_DECIMALS:
        raise InputError(f"--decimals {spec!r}: the number of decimals must be an integer from 0 to {MAX_DECIMALS}")
    return int(text)


def parse_decimals(specs: list[str]) -> DecimalsSpec:
    """Parse the ``--decimals`` values (``"8"`` or ``"BTC=8"``); a repeated token or blanket value is an error."""
    default: int | None = None
    per_token: dict[str, int] = {}
    for spec in specs:
        symbol, sep, count = spec.partition("=")
        if not sep:
            if default is not None:
                raise InputError(f"--decimals {spec!r}: a value for every token was already given")
            default = _count(spec, spec)
            continue
        if not valid_symbol(symbol):
            raise InputError(f"--decimals {spec!r}: {symbol!r} is not a valid token symbol")
        if symbol in per_token:
            raise InputError(f"--decimals {spec!r}: token {symbol!r} was already given")
        per_token[symbol] = _count(count, spec)
    return DecimalsSpec(default, per_token)
