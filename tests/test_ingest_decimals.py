"""The --decimals option: blanket and per-token values, defaults per format, junk refused."""

from __future__ import annotations

import pytest

from por.errors import InputError
from por.ingest import DEFAULT_DECIMALS, DecimalsSpec, parse_decimals


def test_no_option_uses_the_format_default():
    spec = parse_decimals([])
    assert spec == DecimalsSpec()
    assert spec.for_token("BTC", DEFAULT_DECIMALS) == 8
    assert spec.for_token("ETH_ETH", 0) == 0


def test_blanket_and_per_token_values_combine():
    spec = parse_decimals(["6", "BTC=8", "ETH=18"])
    assert spec.for_token("BTC", 8) == 8
    assert spec.for_token("ETH", 8) == 18
    assert spec.for_token("USDT", 8) == 6


@pytest.mark.parametrize(
    "specs",
    [["x"], ["-1"], ["19"], ["1.5"], ["BTC="], ["BTC=x"], ["=8"], ["bad sym=8"], ["8", "6"], ["BTC=8", "BTC=6"], [" 8"]],
)
def test_junk_decimals_option_is_refused(specs):
    with pytest.raises(InputError, match="--decimals"):
        parse_decimals(specs)


def test_eighteen_decimals_is_the_maximum():
    assert parse_decimals(["18"]).default == 18
