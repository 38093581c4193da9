"""Operator workflows as typed at the command line: rounding recorded and replayed by the audit, the 2^64 bound
with its fix, snapshot directories wherever a root is expected, blank lines, and the help of `log verify`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli import cli
from por.snapshot import read_root

# bob's BTC has 9 decimals (BTC has 8); ETH is exported at 18 decimals and published at 9
ROUNDING_CSV = ("user_id,BTC,ETH\nalice,1.123456789,0.000000000000000001\nbob,2,30.123456789123456789\n"
                "carol,3,1\n")
VECTORS = Path(__file__).resolve().parent / "vectors"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def csv_file(tmp_path: Path, text: str, name: str = "users.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def secret_of(snapshot: Path) -> Path:
    return snapshot / "operator" / "master-secret.hex"


# --- item 1: rounding recorded in root.json and replayed by the audit -------------------------------------------


@pytest.mark.parametrize("mode", ["plain", "private"])
def test_audit_replays_a_build_made_with_rounding_up(tmp_path: Path, mode: str) -> None:
    data = csv_file(tmp_path, ROUNDING_CSV)
    snap = tmp_path / "snap"
    ok("build", data, "--out", snap, "--mode", mode, "--decimals", "ETH=9", "--rounding", "up", "--round", "R")
    assert read_root(snap)["rounding"] == "up" and read_root(snap)["version"] == (2 if mode == "plain" else 3)
    result = ok("audit", data, "--root", snap / "public" / "root.json", "--secret", secret_of(snap), "--json")
    assert json.loads(result.output)["ok"] is True


def test_audit_replays_rounding_up_on_a_directory_of_partition_files(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    lines = ROUNDING_CSV.splitlines(keepends=True)
    (parts / "a.csv").write_text(lines[0] + "".join(lines[1:3]))
    (parts / "b.csv").write_text(lines[0] + lines[3])
    snap = tmp_path / "snap"
    ok("build", parts, "--out", snap, "--decimals", "ETH=9", "--rounding", "up", "--workers", "2", "--round", "R")
    assert read_root(snap)["rounding"] == "up"
    ok("audit", parts, "--root", snap, "--secret", secret_of(snap))


def test_build_reports_how_many_amounts_were_rounded_and_by_how_much(tmp_path: Path) -> None:
    data = csv_file(tmp_path, ROUNDING_CSV)
    args = ("build", data, "--decimals", "ETH=9", "--rounding", "up", "--round", "R")
    text = ok(*args, "--out", tmp_path / "a").output
    flat = " ".join(text.split())
    assert "BTC: 1 amount rounded up, +0.000000001 BTC (0.1 base units) in total" in flat
    # 0.000000000000000001 gains 0.999999999 base units, 30.123456789123456789 gains 0.876543211
    assert "ETH: 2 amounts rounded up, +0.00000000187654321 ETH (1.87654321 base units) in total" in flat
    summary = json.loads(ok(*args, "--out", tmp_path / "b", "--json").output)
    assert summary["rounding"] == "up" and summary["root"] == read_root(tmp_path / "b")
    assert summary["rounded"] == {
        "BTC": {"amounts": 1, "added_base_units": "0.1", "added": "0.000000001"},
        "ETH": {"amounts": 2, "added_base_units": "1.87654321", "added": "0.00000000187654321"},
    }


def test_exact_build_says_nothing_was_rounded(tmp_path: Path) -> None:
    data = csv_file(tmp_path, "user_id,BTC\nalice,1.5\n")
    summary = json.loads(ok("build", data, "--out", tmp_path / "s", "--json").output)
    assert summary["rounding"] == "exact"
    assert summary["rounded"] == {"BTC": {"amounts": 0, "added_base_units": "0", "added": "0"}}
    assert "rounded" not in ok("build", data, "--out", tmp_path / "t").output


def test_audit_of_an_exact_root_names_the_recorded_rounding_not_a_missing_option(tmp_path: Path) -> None:
    exact = csv_file(tmp_path, "user_id,BTC\nalice,1.5\nbob,2\n")
    snap = tmp_path / "snap"
    ok("build", exact, "--out", snap, "--round", "R")
    changed = csv_file(tmp_path, "user_id,BTC\nalice,1.500000001\nbob,2\n", "changed.csv")
    result = invoke("audit", changed, "--root", snap, "--secret", secret_of(snap))
    assert result.exit_code == 2
    assert "row 2, field 'BTC'" in result.output and "root.json records exact amounts" in result.output
    assert "--rounding" not in result.output


def test_version_1_root_is_audited_as_exact(tmp_path: Path) -> None:
    secret = tmp_path / "secret.hex"
    shutil.copy(VECTORS / "plain-v1" / "master-secret.hex", secret)
    secret.chmod(0o600)
    ok("audit", VECTORS / "plain-v1" / "input.csv", "--root", VECTORS / "plain-v1" / "root.json", "--secret", secret)


@pytest.mark.parametrize("change, version", [({"rounding": None}, 2), ({"rounding": "down"}, 2),
                                             ({"rounding": "exact"}, 1)])
def test_root_with_a_missing_or_unknown_rounding_is_unreadable(tmp_path: Path, change: dict, version: int) -> None:
    root = json.loads((VECTORS / "plain-v2" / "root.json").read_text())
    root.update(version=version, **change)
    if root["rounding"] is None:
        del root["rounding"]
    path = tmp_path / "root.json"
    path.write_text(json.dumps(root))
    result = invoke("verify", VECTORS / "plain-v2" / "proof-alice.json", "--root", path)
    assert result.exit_code == 2 and "field 'rounding'" in result.output


# --- item 5: the 2^64 bound names its fix ------------------------------------------------------------------------


def test_balance_at_18_decimals_over_2_pow_64_names_the_decimals_that_fit_and_the_advice_works(tmp_path) -> None:
    data = csv_file(tmp_path, "user_id,BTC,ETH\nalice,1,30.5\nbob,2,0.000000000000000001\n")
    result = invoke("build", data, "--out", tmp_path / "s", "--decimals", "ETH=18")
    assert result.exit_code == 2
    assert "row 2, field 'ETH': amount '30.5' is 2^64 base units or more with 18 decimals" in result.output
    assert "at most 17 decimals fit" in result.output and "--decimals ETH=17 --rounding up" in result.output
    ok("build", data, "--out", tmp_path / "s", "--decimals", "ETH=17", "--rounding", "up")


def test_total_over_2_pow_64_names_the_decimals_that_fit_and_the_advice_works(tmp_path: Path) -> None:
    data = csv_file(tmp_path, "user_id,ETH\nalice,10.5\nbob,10.000000000000000001\n")
    result = invoke("build", data, "--out", tmp_path / "s", "--decimals", "18")
    assert result.exit_code == 2 and "field 'ETH': the total of token 'ETH' is" in result.output
    advice = re.search(r"--decimals ETH=(\d+) --rounding up", result.output)
    assert advice and advice.group(1) == "17"
    ok("build", data, "--out", tmp_path / "s", "--decimals", "ETH=17", "--rounding", "up")


def test_total_over_all_partition_files_names_the_fix(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "a.csv").write_text("user_id,ETH\nalice,10\n")
    (parts / "b.csv").write_text("user_id,ETH\nbob,10\n")
    result = invoke("build", parts, "--out", tmp_path / "s", "--decimals", "18", "--workers", "1")
    assert result.exit_code == 2
    assert "the total of token 'ETH' over all files is 20000000000000000000 base units" in result.output
    assert "--decimals ETH=17 --rounding up" in result.output


def test_summa_integers_over_2_pow_64_say_to_export_a_larger_unit(tmp_path: Path) -> None:
    data = csv_file(tmp_path, f"username,balance_ETH_ETH\nalice,{2**64}\n")
    result = invoke("build", data, "--out", tmp_path / "s", "--decimals", "ETH_ETH=18")
    assert result.exit_code == 2
    assert "are base units: export ETH_ETH with at most 17 decimals (divide by 10^1, rounding up)" in " ".join(result.output.split())


def test_library_build_checks_totals_with_the_same_advice(tmp_path: Path, secret_file: Path) -> None:
    import numpy as np
    import pyarrow as pa

    from por.amounts import MAX_BALANCE, Token
    from por.errors import InputError
    from por.plain.build import build_plain

    amounts = np.array([[MAX_BALANCE - 1], [1]], dtype=np.uint64)
    with pytest.raises(InputError, match=r"the total of token 'ETH' .* at most 8 decimals fit: .*--decimals ETH=8"):
        build_plain([Token("ETH", 9)], pa.array(["a", "b"]), amounts, tmp_path / "s", secret_path=secret_file)


# --- item 15: snapshot directories, blank lines, `log verify --help` ---------------------------------------------


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    data = csv_file(tmp_path, "user_id,BTC,ETH\nalice,1,2\nbob,3,4\n")
    ok("build", data, "--out", tmp_path / "snap", "--round", "2024-06-30")
    return tmp_path / "snap"


def test_every_command_that_takes_a_root_accepts_the_snapshot_directory(snapshot: Path, tmp_path: Path) -> None:
    key = tmp_path / "op.key"
    ok("keygen", "--out", key)
    ok("sign", snapshot, "--key", key)
    assert len(json.loads((snapshot / "public" / "root.json").read_text())["signatures"]) == 1
    assert not (snapshot / "root.json").exists()
    ok("verify-root", snapshot, "--signers", f"{key}.pub")
    log = tmp_path / "log.jsonl"
    ok("log", "append", snapshot, "--log", log)
    ok("log", "verify", log, "--root", snapshot)
    reserves = Path(__file__).resolve().parents[1] / "examples" / "reserves" / "reserves.csv"
    result = invoke("solvency", snapshot, "--reserves", reserves, "--json")
    assert result.exit_code in (0, 1) and json.loads(result.output)["round"] == "2024-06-30"
    ok("audit", tmp_path / "users.csv", "--root", snapshot, "--secret", secret_of(snapshot))


def test_trailing_blank_line_is_reported_as_a_blank_line_at_the_end(tmp_path: Path) -> None:
    body = "user_id,BTC,ETH\n" + "".join(f"u{i},1,2\n" for i in range(1000))
    result = invoke("build", csv_file(tmp_path, body + "\n"), "--out", tmp_path / "s")
    assert result.exit_code == 2
    assert "row 1002: is a blank line at the end of the file; remove it" in " ".join(result.output.split())
    assert "user id" not in result.output and not (tmp_path / "s").exists()


def test_log_verify_help_shows_log_as_optional_with_its_default() -> None:
    result = ok("log", "verify", "--help")
    assert "log verify [OPTIONS] [LOG]\n" in result.output
    assert "por-roots.jsonl" in result.output
