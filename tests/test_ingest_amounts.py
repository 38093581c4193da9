"""Exact amount conversion: bounds, rounding up, totals, and the vectorised path agreeing with parse_amount."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from por.amounts import MAX_BALANCE, AmountError, parse_amount
from por.errors import InputError
from por.ingest import load_balances, parse_decimals
from por.ingest.balances import Rounded
from por.ingest.convert import BadAmount, to_base_units

TOP = MAX_BALANCE - 1


def write(tmp_path: Path, text: str, name: str = "users.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_largest_balance_2_pow_64_minus_1_is_accepted(tmp_path):
    balances = load_balances(write(tmp_path, f"user_id,T\nalice,{TOP}\n"), decimals=parse_decimals(["0"]))
    assert balances.amounts[0, 0] == np.uint64(TOP)
    assert balances.totals() == [TOP]


def test_balance_of_2_pow_64_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"row 2, field 'T': amount '18446744073709551616' is 2\^64 base units or more"):
        load_balances(write(tmp_path, f"user_id,T\nalice,{MAX_BALANCE}\n"), decimals=parse_decimals(["0"]))


def test_scaled_balance_at_the_boundary(tmp_path):
    text = "user_id,BTC\nalice,184467440737.09551615\n"
    assert load_balances(write(tmp_path, text)).amounts[0, 0] == np.uint64(TOP)
    with pytest.raises(InputError, match="2\\^64 base units or more"):
        load_balances(write(tmp_path, "user_id,BTC\nalice,184467440737.09551616\n"))


def test_total_of_2_pow_64_is_refused_naming_the_token(tmp_path):
    text = f"user_id,A,B\nalice,1,{TOP}\nbob,0,1\n"
    with pytest.raises(InputError) as caught:
        load_balances(write(tmp_path, text), decimals=parse_decimals(["0"]))
    assert caught.value.field == "B"
    assert "the total of token 'B' is 18446744073709551616 base units" in str(caught.value)


def test_total_just_below_2_pow_64_is_accepted(tmp_path):
    text = f"user_id,B\nalice,{TOP - 5}\nbob,5\n"
    assert load_balances(write(tmp_path, text), decimals=parse_decimals(["0"])).totals() == [TOP]


def test_excess_decimals_are_refused_without_round_up(tmp_path):
    with pytest.raises(InputError, match=r"row 3, field 'BTC': amount '0.123456789' has more than 8 decimal places"):
        load_balances(write(tmp_path, "user_id,BTC\nalice,1\nbob,0.123456789\n"))


def test_round_up_rounds_liabilities_up_never_down(tmp_path):
    text = "user_id,BTC\nalice,0.123456781\nbob,0.000000001\ncarol,2.50000000000\ndave,7\n"
    balances = load_balances(write(tmp_path, text), round_up=True)
    assert balances.amounts[:, 0].tolist() == [12_345_679, 1, 250_000_000, 700_000_000]


def test_trailing_zeros_beyond_decimals_need_no_rounding(tmp_path):
    balances = load_balances(write(tmp_path, "user_id,BTC\nalice,1.1000000000000\nbob,100\n"))
    assert balances.amounts[:, 0].tolist() == [110_000_000, 10_000_000_000]


def test_round_up_past_2_pow_64_is_refused(tmp_path):
    with pytest.raises(InputError, match="2\\^64 base units or more"):
        load_balances(write(tmp_path, f"user_id,T\nalice,{TOP}.1\n"), decimals=parse_decimals(["0"]), round_up=True)


def test_values_with_many_leading_zeros_are_exact(tmp_path):
    balances = load_balances(write(tmp_path, "user_id,BTC\nalice," + "0" * 60 + "1.5\n"))
    assert balances.amounts[0, 0] == np.uint64(150_000_000)


def test_per_token_decimals_override_the_blanket_value(tmp_path):
    balances = load_balances(write(tmp_path, "user_id,A,B\nx,1,1\n"), decimals=parse_decimals(["2", "B=18"]))
    assert [t.decimals for t in balances.tokens] == [2, 18]
    assert balances.amounts.tolist() == [[100, 10**18]]


def _reference(text: str, decimals: int, round_up: bool) -> int | None:
    try:
        return parse_amount(text, decimals, round_up=round_up)
    except AmountError:
        return None


amount_texts = st.one_of(
    st.from_regex(r"\A[0-9]{1,22}(\.[0-9]{1,22})?\Z"),
    st.from_regex(r"\A0{90,110}[0-9]{1,3}\.[0-9]{1,3}\Z"),  # around the 100-character bound
    st.from_regex(r"\A[0-9+\-.eE ]{0,8}\Z"),
    st.integers(0, 2**65).map(str),
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(amount_texts, min_size=1, max_size=8), decimals=st.integers(0, 18), round_up=st.booleans())
def test_vectorised_conversion_agrees_with_parse_amount(texts, decimals, round_up):
    expected = [_reference(t, decimals, round_up) for t in texts]
    array = pa.array(texts, type=pa.large_string())
    if None in expected:
        with pytest.raises(BadAmount) as caught:
            to_base_units(array, decimals, round_up=round_up)
        assert caught.value.index == expected.index(None)
    else:
        assert to_base_units(array, decimals, round_up=round_up).tolist() == expected


def _rounding_added(texts: list[str], decimals: int) -> tuple[int, Fraction]:
    """The reference: how many amounts rounding up changed, and Σ (rounded − exact) in base units."""
    count, added = 0, Fraction(0)
    for text in texts:
        exact = Fraction(text) * 10**decimals
        if exact.denominator != 1:
            count += 1
            added += parse_amount(text, decimals, round_up=True) - exact
    return count, added


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.from_regex(r"\A[0-9]{1,12}(\.[0-9]{1,45})?\Z"), min_size=1, max_size=8),
       decimals=st.integers(0, 18))
def test_rounding_tally_is_exact_on_both_paths(texts, decimals):
    assume(all(_reference(t, decimals, True) is not None for t in texts))  # below 2^64 base units
    expected = _rounding_added(texts, decimals)
    fast = Rounded()
    to_base_units(pa.array(texts, type=pa.large_string()), decimals, round_up=True, rounded=fast)
    reference = Rounded()
    to_base_units(pa.array(texts + ["0" * 50 + "1"], type=pa.large_string()), decimals, round_up=True,
                  rounded=reference)  # 50 leading zeros: the fast path declines, parse_amount converts
    assert (fast.count, fast.added) == (reference.count, reference.added) == expected


def test_rounding_tally_is_summed_over_blocks_and_files(tmp_path):
    rows = "".join(f"u{i},0.000000001\n" for i in range(5))
    balances = load_balances(write(tmp_path, "user_id,BTC,ETH\n" + rows.replace("\n", ",1\n")), round_up=True)
    assert balances.rounded["BTC"] == Rounded(5, Fraction(45, 10))
    assert "ETH" not in balances.rounded
    jsonl = "".join(f'{{"user_id": "u{i}", "balances": {{"BTC": "0.000000001"}}}}\n' for i in range(3))
    assert load_balances(write(tmp_path, jsonl, "u.jsonl"), round_up=True).rounded["BTC"].count == 3


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 5 * 10**7), st.integers(0, 10**8 - 1)), min_size=1, max_size=20),
    decimals=st.integers(8, 10),  # keeps 20 rows' total below 2^64
)
def test_random_decimal_amounts_round_trip_exactly(tmp_path_factory, rows, decimals):
    texts = [f"{whole}.{fraction:08d}" for whole, fraction in rows]
    lines = "".join(f"u{i},{text}\n" for i, text in enumerate(texts))
    path = tmp_path_factory.mktemp("amounts") / "users.csv"
    path.write_text("user_id,X\n" + lines)
    balances = load_balances(path, decimals=parse_decimals([str(decimals)]))
    expected = [(whole * 10**8 + fraction) * 10 ** (decimals - 8) for whole, fraction in rows]
    assert balances.amounts[:, 0].tolist() == expected
    assert balances.totals() == [sum(expected)]


def test_totals_are_exact_across_chunks(monkeypatch):
    import por.ingest.balances as balances_module

    monkeypatch.setattr(balances_module, "_ROWS_PER_CHUNK", 3)
    amounts = np.array([[2**63], [2**63 - 1], [5], [2**40], [0], [7], [1]], dtype=np.uint64)
    assert balances_module.exact_column_sums(amounts) == [sum(int(a) for a in amounts[:, 0])]
    assert balances_module.exact_column_sums(np.zeros((0, 2), dtype=np.uint64)) == [0, 0]
