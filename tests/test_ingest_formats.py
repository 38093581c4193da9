"""The four input formats, format detection and --format override, BOM and CRLF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from por.amounts import Token
from por.errors import InputError
from por.ingest import detect_format, load_balances, parse_decimals
from tests.shared_vectors import VECTORS, needs_vectors

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "inputs"


def write(tmp_path: Path, text: str | bytes, name: str = "users.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_native_csv_amounts_become_exact_base_units(tmp_path):
    path = write(tmp_path, "user_id,BTC,USDT\nalice,1.5,0.000001\nbob,0,20\n")
    balances = load_balances(path, decimals=parse_decimals(["USDT=6"]))
    assert balances.tokens == [Token("BTC", 8), Token("USDT", 6)]
    assert balances.user_ids.to_pylist() == ["alice", "bob"]
    assert balances.amounts.dtype == np.uint64 and balances.amounts.flags.c_contiguous
    assert balances.amounts.tolist() == [[150_000_000, 1], [0, 20_000_000]]
    assert balances.totals() == [150_000_000, 20_000_001]
    assert balances.source == str(path)


def test_bom_and_crlf_are_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfuser_id,BTC\r\nalice,1.5\r\nbob,2\r\n")
    balances = load_balances(path)
    assert balances.user_ids.to_pylist() == ["alice", "bob"]
    assert balances.amounts[:, 0].tolist() == [150_000_000, 200_000_000]


def test_file_without_final_newline_is_accepted(tmp_path):
    assert load_balances(write(tmp_path, "user_id,BTC\nalice,1")).amounts.tolist() == [[100_000_000]]


def test_quoted_user_id_keeps_commas_and_spaces(tmp_path):
    balances = load_balances(write(tmp_path, 'user_id,BTC\n"smith, j ",1\n smith,2\n'))
    assert balances.user_ids.to_pylist() == ["smith, j ", " smith"]


def test_user_ids_are_not_normalised(tmp_path):
    balances = load_balances(write(tmp_path, "user_id,BTC\nAlice,1\nalice,2\nalice ,3\n"))
    assert len(balances) == 3


def test_summa_csv_keeps_token_chain_symbols_and_base_units(tmp_path):
    path = write(tmp_path, "username,balance_ETH_ETH,balance_USDT_ETH\nu1,11888,0\nu2,0,18446744073709551615\n")
    balances = load_balances(path)
    assert balances.tokens == [Token("ETH_ETH", 0), Token("USDT_ETH", 0)]
    assert balances.amounts.tolist() == [[11888, 0], [0, 2**64 - 1]]


def test_summa_decimals_option_records_decimals_without_scaling(tmp_path):
    path = write(tmp_path, "username,balance_ETH_ETH\nu1,1000\n")
    balances = load_balances(path, decimals=parse_decimals(["ETH_ETH=18"]))
    assert balances.tokens == [Token("ETH_ETH", 18)]
    assert balances.amounts.tolist() == [[1000]]


def test_summa_fractional_amount_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"row 2, field 'balance_ETH_ETH': amount '1.5' has more than 0 decimal"):
        load_balances(write(tmp_path, "username,balance_ETH_ETH\nu1,1.5\n"))


def test_summa_unknown_column_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"row 1, field 'ETH': unknown column header"):
        load_balances(write(tmp_path, "username,ETH\nu1,1\n"))


def test_dapol_csv_is_one_liability_token(tmp_path):
    balances = load_balances(write(tmp_path, "id,liability\njohn@example.com,893267\njane@example.com,0\n"))
    assert balances.tokens == [Token("LIABILITY", 0)]
    assert balances.amounts.tolist() == [[893267], [0]]


def test_dapol_extra_column_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"row 1, field 'note': a dapol file has exactly the columns id,liability"):
        load_balances(write(tmp_path, "id,liability,note\na,1,x\n"))


def test_jsonl_token_set_is_union_in_order_of_first_appearance(tmp_path):
    lines = [
        '{"user_id": "alice", "balances": {"ETH": "2"}}',
        '{"user_id": "bob", "balances": {"BTC": "1.5", "ETH": "0.1"}}',
        '{"user_id": "carol", "balances": {}}',
    ]
    balances = load_balances(write(tmp_path, "\n".join(lines) + "\n", "users.jsonl"))
    assert [t.symbol for t in balances.tokens] == ["ETH", "BTC"]
    assert balances.amounts.tolist() == [[200_000_000, 0], [10_000_000, 150_000_000], [0, 0]]


def test_jsonl_token_first_seen_in_a_later_chunk_is_zero_before(tmp_path, monkeypatch):
    import por.ingest.jsonl_source as jsonl_source

    monkeypatch.setattr(jsonl_source, "CHUNK_LINES", 2)
    lines = [f'{{"user_id": "u{i}", "balances": {{"A": "{i}"}}}}' for i in range(5)]
    lines.append('{"user_id": "late", "balances": {"B": "7"}}')
    balances = load_balances(write(tmp_path, "\n".join(lines), "users.jsonl"))
    assert balances.amounts[:, 1].tolist() == [0, 0, 0, 0, 0, 700_000_000]
    assert balances.amounts[:, 0].tolist() == [i * 100_000_000 for i in range(5)] + [0]


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        ('{"user_id": "a", "balances": {"BTC": 1.5}}', "balances.BTC", "must be a JSON string"),
        ('{"user_id": "a", "balances": {"BTC": "-1"}}', "balances.BTC", "is negative"),
        ('{"user_id": "a", "balances": {"BTC": "1e3"}}', "balances.BTC", "scientific notation"),
        ('{"user_id": "a", "balances": {"BTC": "\\uff11"}}', "balances.BTC", "not a plain decimal"),
        ('{"user_id": "a", "balances": {"BTC": "1.123456789"}}', "balances.BTC", "more than 8 decimal places"),
        ('{"user_id": "a", "balances": {"BTC": "1", "BTC": "2"}}', "BTC", "key appears twice"),
        ('{"user_id": "a", "balances": {"bad sym": "1"}}', "balances", "is not valid"),
        ('{"user_id": "a", "balances": {}, "note": 1}', "note", "unknown key"),
        ('{"balances": {}}', "user_id", "missing key"),
        ('{"user_id": 7, "balances": {}}', "user_id", "must be a JSON string"),
        ('{"user_id": "", "balances": {}}', "user_id", "user id is empty"),
        ('{"user_id": "\\ud800", "balances": {}}', "user_id", "lone surrogate"),
        ('{"user_id": "a", "balances": []}', "balances", "must be a JSON object"),
        ('["a", {}]', None, "must be a JSON object"),
        ('{"user_id": "a", "balances": {', None, "is not valid JSON"),
        ('{"user_id": "b", "balances": {"BTC": "1"}}', "user_id", "duplicate user id 'b' (first seen on row 1)"),
    ],
)
def test_jsonl_bad_line_names_line_and_key(tmp_path, line, field, reason):
    text = '{"user_id": "b", "balances": {"BTC": "1"}}\n' + line + "\n"
    with pytest.raises(InputError) as caught:
        load_balances(write(tmp_path, text, "users.jsonl"))
    assert (caught.value.row, caught.value.field) == (2, field)
    assert reason in str(caught.value)


def test_jsonl_blank_line_is_refused(tmp_path):
    text = '{"user_id": "a", "balances": {"BTC": "1"}}\n\n{"user_id": "b", "balances": {"BTC": "1"}}\n'
    with pytest.raises(InputError, match="row 2: is a blank line; remove it"):
        load_balances(write(tmp_path, text, "users.jsonl"))


def test_jsonl_trailing_blank_line_is_refused_as_a_blank_line_at_the_end(tmp_path):
    text = '{"user_id": "a", "balances": {"BTC": "1"}}\n\n'
    with pytest.raises(InputError, match="row 2: is a blank line at the end of the file; remove it"):
        load_balances(write(tmp_path, text, "users.jsonl"))


def test_jsonl_with_bom_and_crlf_is_accepted(tmp_path):
    text = b'\xef\xbb\xbf{"user_id": "a", "balances": {"BTC": "1"}}\r\n{"user_id": "b", "balances": {}}\r\n'
    balances = load_balances(write(tmp_path, text, "users.jsonl"))
    assert balances.amounts.tolist() == [[100_000_000], [0]]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("user_id,BTC\na,1\n", "csv"),
        ("username,balance_ETH_ETH\na,1\n", "summa"),
        ("id,liability\na,1\n", "dapol"),
        ('{"user_id": "a", "balances": {}}\n', "jsonl"),
        ('\ufeff  {"user_id": "a", "balances": {}}\n', "jsonl"),
    ],
)
def test_format_is_detected_from_the_header(tmp_path, text, fmt):
    assert detect_format(write(tmp_path, text, "input.txt")) == fmt


def test_format_option_overrides_detection(tmp_path):
    path = write(tmp_path, "user_id,BTC\na,1\n")
    with pytest.raises(InputError, match="the first column of a Summa file must be 'username'"):
        load_balances(path, fmt="summa")
    assert load_balances(path, fmt="csv").amounts.tolist() == [[100_000_000]]


@pytest.mark.parametrize(
    ("name", "tokens", "users", "totals"),
    [  # the test vectors of docs/SPEC.md §2.6
        ("native.csv", [("BTC", 8), ("ETH", 8), ("USDT", 6)], 4, [2100150000001, 1589159265, 1000250750001]),
        ("native.jsonl", [("BTC", 8), ("ETH", 8), ("USDT", 6)], 4, [2100150000001, 1589159265, 1000250750001]),
        ("summa.csv", [("ETH_ETH", 0), ("USDT_ETH", 0)], 8, [272414, 332971]),
        ("dapol.csv", [("LIABILITY", 0)], 8, [4107937]),
    ],
)
def test_example_inputs_load_with_spec_totals(name, tokens, users, totals):
    spec = parse_decimals(["USDT=6"]) if name.startswith("native") else None
    balances = load_balances(EXAMPLES / name, decimals=spec)
    assert [(t.symbol, t.decimals) for t in balances.tokens] == tokens
    assert len(balances) == users
    assert balances.totals() == totals


@needs_vectors
def test_summa_vectors_load_with_published_totals():
    assert load_balances(VECTORS / "summa/master/entry_16.csv").totals() == [556862, 556862]
    assert load_balances(VECTORS / "summa/master/entry_13.csv").totals() == [385969, 459661]
    assert load_balances(VECTORS / "summa/v2/entry_16_no_overflow.csv").totals() == [2**64 - 1, 2**64 - 1]


@needs_vectors
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("master/entry_16_overflow.csv", "row 2, field 'balance_ETH_ETH': amount '5192296858534827628530496329220096' is 2^64"),
        ("master/entry_16_bigints.csv", "row 2, field 'balance_ETH_ETH': amount '18446744073709551616'"),
        ("v2/entry_16_overflow.csv", "row 2, field 'balance_ETH_ETH'"),
        ("v2/entry_16_overflow_2.csv", "field 'ETH_ETH': the total of token 'ETH_ETH'"),
    ],
)
def test_summa_overflow_vectors_are_refused(name, reason):
    with pytest.raises(InputError) as caught:
        load_balances(VECTORS / "summa" / name)
    assert reason in str(caught.value)


@needs_vectors
def test_dapol_example_entities_load():
    balances = load_balances(VECTORS / "dapol/examples/entities_example.csv")
    assert len(balances) == 100
    assert balances.totals() == [53896881]
