"""Every kind of bad input is one InputError sentence naming file, row and field (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from por.errors import EXIT_BAD_INPUT, InputError
from por.ingest import load_balances, parse_decimals


def write(tmp_path: Path, text: str | bytes, name: str = "users.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def error_for(path: Path, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        load_balances(path, **kwargs)
    assert caught.value.exit_code == EXIT_BAD_INPUT
    assert str(caught.value).startswith(str(path))
    return caught.value


def test_negative_amount_names_row_and_column(tmp_path):
    path = write(tmp_path, "user_id,BTC,ETH\nalice,1,2\nbob,3,-1.5\n")
    error = error_for(path)
    assert str(error) == f"{path}, row 3, field 'ETH': amount '-1.5' is negative."


def test_duplicate_user_id_names_both_rows(tmp_path):
    path = write(tmp_path, "user_id,BTC\nbob,1\nalice,1\ncarol,2\nalice,3\n")
    error = error_for(path)
    assert str(error) == f"{path}, row 5, field 'user_id': duplicate user id 'alice' (first seen on row 3)."


def test_duplicate_user_id_across_blocks_is_found(tmp_path, monkeypatch):
    import por.ingest.csv_source as csv_source

    monkeypatch.setattr(csv_source, "BLOCK_BYTES", 64)
    rows = "".join(f"user{i},{i}\n" for i in range(50))
    path = write(tmp_path, "user_id,BTC\n" + rows + "user7,1\n")
    error = error_for(path)
    assert (error.row, error.field) == (52, "user_id")
    assert "first seen on row 9" in str(error)


def test_bad_amount_in_a_later_block_names_its_file_row(tmp_path, monkeypatch):
    import por.ingest.csv_source as csv_source

    monkeypatch.setattr(csv_source, "BLOCK_BYTES", 64)
    rows = [f"user{i},{i}" for i in range(40)]
    rows[33] = "user33,1e3"
    path = write(tmp_path, "user_id,BTC\n" + "\n".join(rows) + "\n")
    assert (error_for(path).row, error_for(path).field) == (35, "BTC")


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1e5", "scientific notation"),
        ("1.5E-3", "scientific notation"),
        ("NaN", "is not a number"),
        ("inf", "is not a number"),
        ("-inf", "is negative"),
        ("", "amount is empty"),
        ("1,5", None),  # an extra field: the row has the wrong number of fields
        (" 1", "not a plain decimal"),
        ("1.", "not a plain decimal"),
        (".5", "not a plain decimal"),
        ("1.2.3", "not a plain decimal"),
        ("+1", "not a plain decimal"),
        ("0x10", "not a plain decimal"),
        ("１", "not a plain decimal"),  # full-width digit
    ],
)
def test_malformed_amount_is_refused_with_reason(tmp_path, amount, reason):
    path = write(tmp_path, f"user_id,BTC\nalice,1\nbob,{amount}\n")
    error = error_for(path)
    assert error.row == 3
    if reason is not None:
        assert error.field == "BTC"
        assert reason in str(error)


def test_empty_file_is_refused(tmp_path):
    assert "file is empty" in str(error_for(write(tmp_path, "")))


def test_bom_only_file_is_refused_as_empty(tmp_path):
    assert "file is empty" in str(error_for(write(tmp_path, b"\xef\xbb\xbf\r\n")))


def test_header_only_file_has_no_users(tmp_path):
    assert "has no users" in str(error_for(write(tmp_path, "user_id,BTC\n")))


def test_missing_user_id_column_is_refused(tmp_path):
    error = error_for(write(tmp_path, "name,BTC\nalice,1\n"), fmt="csv")
    assert (error.row, error.field) == (1, "name")
    assert "must be 'user_id'" in str(error)


def test_duplicate_column_is_refused(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC,ETH,BTC\nalice,1,2,3\n"))
    assert (error.row, error.field) == (1, "BTC")
    assert "duplicate column (also column 2)" in str(error)


def test_invalid_token_symbol_header_is_refused(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC,bad symbol\nalice,1,2\n"))
    assert (error.row, error.field) == (1, "bad symbol")
    assert "unknown column header" in str(error)


def test_header_without_token_columns_is_refused(tmp_path):
    assert "no token columns" in str(error_for(write(tmp_path, "user_id\nalice\n")))


def test_empty_user_id_is_refused(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC\nalice,1\n,2\n"))
    assert (error.row, error.field) == (3, "user_id")
    assert "user id is empty" in str(error)


def test_quoted_empty_user_id_is_refused(tmp_path):
    error = error_for(write(tmp_path, 'user_id,BTC\nalice,1\n"",2\n'))
    assert (error.row, error.field) == (3, "user_id")


def test_user_id_over_1024_bytes_is_refused(tmp_path):
    long_id = "é" * 513  # 1026 UTF-8 bytes, 513 characters
    error = error_for(write(tmp_path, f"user_id,BTC\n{long_id},1\n"))
    assert (error.row, error.field) == (2, "user_id")
    assert "1026 UTF-8 bytes" in str(error)


def test_user_id_of_exactly_1024_bytes_is_accepted(tmp_path):
    balances = load_balances(write(tmp_path, f"user_id,BTC\n{'a' * 1024},1\n"))
    assert len(balances.user_ids[0].as_py()) == 1024


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\u0085"])
def test_user_id_with_control_character_is_refused(tmp_path, control):
    error = error_for(write(tmp_path, f"user_id,BTC\nalice,1\nbo{control}b,2\n"))
    assert (error.row, error.field) == (3, "user_id")
    assert "control character" in str(error)


def test_row_with_too_few_fields_names_the_row(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC,ETH\nalice,1,2\nbob,3\ncarol,4,5\n"))
    assert error.row == 3
    assert "has 2 fields but the header has 3" in str(error)


def test_row_with_too_many_fields_names_the_row(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC\r\nalice,1\r\nbob,3,4\r\n"))
    assert error.row == 3
    assert "has 3 fields but the header has 2" in str(error)


def test_blank_line_names_the_row_as_a_blank_line(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC,ETH\nalice,1,2\n\nbob,2,3\n"))
    assert (error.row, error.field) == (3, None)
    assert "row 3: is a blank line; remove it" in str(error)
    assert "user id" not in str(error)


def test_invalid_utf8_in_data_names_the_row(tmp_path):
    error = error_for(write(tmp_path, b"user_id,BTC\nalice,1\nb\xffb,2\n"))
    assert error.row == 3
    assert "not valid UTF-8" in str(error)


def test_invalid_utf8_in_header_names_row_one(tmp_path):
    error = error_for(write(tmp_path, b"user_id,B\xc3TC\nalice,1\n"))
    assert error.row == 1
    assert "not valid UTF-8" in str(error)


def test_missing_file_is_an_input_error(tmp_path):
    assert "file not found" in str(error_for(tmp_path / "nope.csv"))


def test_undetectable_format_asks_for_format_option(tmp_path):
    error = error_for(write(tmp_path, "account,BTC\nalice,1\n"))
    assert "--format" in str(error)
    assert error.row == 1


def test_unknown_format_name_is_refused(tmp_path):
    with pytest.raises(InputError, match="unknown input format 'xml'"):
        load_balances(write(tmp_path, "user_id,BTC\nalice,1\n"), fmt="xml")


def test_decimals_for_absent_token_is_refused(tmp_path):
    path = write(tmp_path, "user_id,BTC\nalice,1\n")
    with pytest.raises(InputError, match="--decimals names token 'BTX'"):
        load_balances(path, decimals=parse_decimals(["BTX=8"]))


def test_first_bad_row_wins_over_later_column(tmp_path):
    path = write(tmp_path, "user_id,BTC,ETH\nalice,1,x\nbob,-1,2\n")
    error = error_for(path)
    assert (error.row, error.field) == (2, "ETH")


def test_nothing_is_written_anywhere_on_bad_input(tmp_path):
    path = write(tmp_path, "user_id,BTC\nalice,-1\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    error_for(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_trailing_blank_line_is_refused_as_a_blank_line_at_the_end(tmp_path):
    for ending in ("\n\n", "\r\n\r\n", "\n\n\n"):
        error = error_for(write(tmp_path, f"user_id,BTC,ETH\r\nalice,1,2\r\nbob,3,4{ending}"))
        assert (error.row, error.field) == (4, None)
        assert "row 4: is a blank line at the end of the file; remove it" in str(error)


def test_empty_id_on_a_line_with_fields_is_still_an_empty_id(tmp_path):
    error = error_for(write(tmp_path, "user_id,BTC,ETH\nalice,1,2\n,,\n"))
    assert (error.row, error.field) == (3, "user_id")
    assert "user id is empty" in str(error)


def test_line_break_inside_quoted_id_is_a_control_character(tmp_path):
    error = error_for(write(tmp_path, 'user_id,BTC\nalice,1\n"bo\nb",2\n'))
    assert (error.row, error.field) == (3, "user_id")
    assert "control character" in str(error)


def test_line_break_inside_quoted_amount_names_the_row(tmp_path):
    error = error_for(write(tmp_path, 'user_id,BTC\nalice,1\nbob,"1\n2"\n'))
    assert (error.row, error.field) == (3, "BTC")
