"""write_native_csv produces a file that loads back to identical Balances."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from por.amounts import Token
from por.ingest import Balances, load_balances, parse_decimals, write_native_csv
from por.ingest.write import decimal_strings


def test_native_csv_round_trip_is_exact(tmp_path):
    original = Balances(
        tokens=[Token("BTC", 8), Token("WEI", 18), Token("T0", 0)],
        user_ids=pa.array(["alice", 'quote"d, id', " spaced ", "ünï"], type=pa.large_string()),
        amounts=np.array(
            [[0, 2**64 - 2 - 10**18, 1], [1, 10**18, 0], [150_000_000, 1, 2**63], [2**64 - 150_000_002, 0, 7]], dtype=np.uint64
        ),  # each per-token total is exactly 2^64 - 1
        source="memory",
    )
    path = tmp_path / "out.csv"
    write_native_csv(path, original)
    loaded = load_balances(path, decimals=parse_decimals(["BTC=8", "WEI=18", "T0=0"]))
    assert loaded.tokens == original.tokens
    assert loaded.user_ids.to_pylist() == original.user_ids.to_pylist()
    assert np.array_equal(loaded.amounts, original.amounts)
    assert (path.stat().st_mode & 0o777) == 0o644


def test_decimal_strings_are_shortest_exact_text():
    units = np.array([0, 1, 10, 150_000_000, 2**64 - 1], dtype=np.uint64)
    assert decimal_strings(units, 8).to_pylist() == ["0", "0.00000001", "0.0000001", "1.5", "184467440737.09551615"]
    assert decimal_strings(units, 0).to_pylist() == ["0", "1", "10", "150000000", "18446744073709551615"]


@settings(max_examples=50, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=10),
    decimals=st.integers(0, 18),
)
def test_random_balances_round_trip_through_native_csv(tmp_path_factory, amounts, decimals):
    total_safe = [a // len(amounts) for a in amounts]  # keep the per-token total below 2^64
    original = Balances(
        tokens=[Token("X", decimals)],
        user_ids=pa.array([f"user{i}" for i in range(len(amounts))], type=pa.large_string()),
        amounts=np.array(total_safe, dtype=np.uint64).reshape(-1, 1),
        source="memory",
    )
    path = tmp_path_factory.mktemp("rt") / "users.csv"
    write_native_csv(path, original)
    loaded = load_balances(path, decimals=parse_decimals([str(decimals)]))
    assert loaded.amounts[:, 0].tolist() == total_safe
