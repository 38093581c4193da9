"""What a reserve signature proves, said where it is checked; and signed messages that do not name the snapshot's
round (an old signature replayed against a new snapshot): a warning, or a failure with --require-round."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli import cli
from por.reserves import names_round

RESERVES = Path(__file__).resolve().parents[1] / "examples" / "reserves" / "reserves.csv"  # signed for 2024-06-30


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def flat(text: str) -> str:
    return " ".join(text.split())


def snapshot(tmp_path: Path, round_id: str) -> Path:
    data = tmp_path / "users.csv"
    data.write_text("user_id,BTC,ETH\nalice,1,2\nbob,3,4\n")
    result = invoke("build", data, "--out", tmp_path / round_id, "--round", round_id)
    assert result.exit_code == 0, result.output
    return tmp_path / round_id


@pytest.mark.parametrize("message, named", [
    ("por reserves round 2026-11: this address belongs to X", True),
    ("round (2026-11) of X", True),
    ("2026-11", True),
    ("por reserves round 2024-06-30: this address belongs to X", False),
    ("round 2026-11-30 of X", False),
    ("round 12026-11 of X", False),
    ("round 2026-11b", False),
    ("ROUND 2026-11", True),
    ("round 2026-1", False),
])
def test_names_round_rule(message: str, named: bool) -> None:
    assert names_round(message, "2026-11") is named


def test_reserves_verify_says_a_signature_proves_ownership_not_the_balance(tmp_path: Path) -> None:
    rows = list(csv.reader(RESERVES.open()))
    rows[1][3] = str(float(rows[1][3]) + 10_000)  # the balance raised: the signature still verifies
    raised = tmp_path / "raised.csv"
    with raised.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = invoke("reserves", "verify", raised)
    assert result.exit_code == 0
    text = flat(result.output)
    assert "every signature checked is valid (ownership only: the balances are as the file claims)" in text
    assert "It does not prove the balance: a balance at the stated block height needs chain data" in text
    assert "give --root ROOT.json to check that each names it" in text
    assert "does not prove the balance" in json.loads(invoke("reserves", "verify", raised, "--json").output)[
        "signatures_prove"]


def test_reserves_signed_for_another_round_are_a_warning_or_with_require_round_a_failure(tmp_path: Path) -> None:
    snap = snapshot(tmp_path, "2026-11")
    warned = invoke("reserves", "verify", RESERVES, "--root", snap)
    assert warned.exit_code == 0
    assert ("warning: the signed message of 7 wallets (rows 2, 3, 4, 5, 6, 7, 8) does not name this snapshot's "
            "round '2026-11'") in flat(warned.output)
    failed = invoke("reserves", "verify", RESERVES, "--root", snap / "public" / "root.json", "--require-round")
    assert failed.exit_code == 1 and "FAILED: the signed message of 7 wallets" in flat(failed.output)
    report = json.loads(invoke("reserves", "verify", RESERVES, "--root", snap, "--require-round", "--json").output)
    assert report["ok"] is False and report["round_check"]["rows_not_naming_round"] == [2, 3, 4, 5, 6, 7, 8]


def test_reserves_signed_for_the_snapshots_round_pass_the_round_check(tmp_path: Path) -> None:
    snap = snapshot(tmp_path, "2024-06-30")
    result = invoke("reserves", "verify", RESERVES, "--root", snap, "--require-round")
    assert result.exit_code == 0 and "Every signed message names round '2024-06-30'" in flat(result.output)


def test_require_round_without_a_root_is_a_usage_error() -> None:
    result = invoke("reserves", "verify", RESERVES, "--require-round")
    assert result.exit_code == 2 and "--require-round needs --root" in result.output


def test_solvency_warns_about_another_rounds_signatures_and_fails_with_require_round(tmp_path: Path) -> None:
    snap = snapshot(tmp_path, "2026-11")
    warned = invoke("solvency", snap, "--reserves", RESERVES)
    assert warned.exit_code == 0
    assert "does not name this snapshot's round '2026-11'" in flat(warned.output)
    failed = invoke("solvency", snap, "--reserves", RESERVES, "--require-round")
    assert failed.exit_code == 1 and "NOT ACCEPTED: reserves are signed for another round" in flat(failed.output)
    report = json.loads(invoke("solvency", snap, "--reserves", RESERVES, "--require-round", "--json").output)
    assert report["ok"] is False and report["round_check"]["required"] is True
    same_round = snapshot(tmp_path, "2024-06-30")
    assert invoke("solvency", same_round, "--reserves", RESERVES, "--require-round").exit_code == 0
