"""Per-token range widths: every committed value of token t, leaf or node, is proved in [0, 2^(b_t)).

A width is public (root.json) and reveals an upper bound on the liabilities: the total is below 2^(b_t). Narrower
widths make every proof smaller and faster (a proof costs per bit), so an operator may set them (``--range-bits
SYM=N``, or N for every token) or derive them from a reserves file — reserves are public anyway, and b_t =
bitlength(reserves of t) fits any solvent total. The default is 64. A width the total does not fit is refused,
with the token named.
"""

from __future__ import annotations

from pathlib import Path

from por.amounts import Token
from por.errors import InputError

DEFAULT_WIDTH = 64
MAX_WIDTH = 64


def parse_range_bits(specs: list[str] | tuple[str, ...], tokens: list[Token]) -> dict[str, int]:
    """``N`` (every token) and ``SYM=N`` (one token; wins over N) -> {symbol: width}."""
    symbols = {t.symbol for t in tokens}
    blanket: int | None = None
    per_token: dict[str, int] = {}
    for spec in specs:
        symbol, sep, text = spec.rpartition("=")
        if not text.isdigit() or not 1 <= int(text) <= MAX_WIDTH or (sep and not symbol):
            raise InputError(f"{spec!r} must be N or SYM=N with N from 1 to {MAX_WIDTH}", field="--range-bits")
        if not sep:
            if blanket is not None:
                raise InputError("a width for every token is given twice", field="--range-bits")
            blanket = int(text)
        elif symbol not in symbols:
            raise InputError(f"token {symbol!r} is not in the balances", field="--range-bits")
        elif symbol in per_token:
            raise InputError(f"the width of {symbol} is given twice", field="--range-bits")
        else:
            per_token[symbol] = int(text)
    return {t.symbol: per_token.get(t.symbol, blanket or DEFAULT_WIDTH) for t in tokens}


def widths_from_reserves(path: Path, tokens: list[Token]) -> dict[str, int]:
    """b_t = bitlength of the verified reserves of t (at least 1): any total the reserves cover fits."""
    from por.private.solvency import reserve_totals

    reserves = reserve_totals(path, tokens)
    return {t.symbol: min(MAX_WIDTH, max(1, reserves.get(t.symbol, 0).bit_length())) for t in tokens}


def resolve_widths(tokens: list[Token], totals: list[int], chosen: dict[str, int] | None,
                   source: str = "--range-bits") -> list[int]:
    """The widths in token order; InputError naming the first token whose total does not fit its width."""
    widths = [(chosen or {}).get(t.symbol, DEFAULT_WIDTH) for t in tokens]
    for token, total, width in zip(tokens, totals, widths, strict=True):
        if total >> width:
            raise InputError(f"the total of {token.symbol} needs {total.bit_length()} bits but its range width is "
                             f"{width}: give {token.symbol}={total.bit_length()} or more", field=source)
    return widths
