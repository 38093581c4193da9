"""`por solvency` on a private root: verdicts come from the zero-knowledge solvency proofs, checked against exactly
the reserves whose ownership signatures verified."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
from click.testing import CliRunner

from por.amounts import Token
from por.cli import cli
from por.private.build import build_private

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reserves" / "reserves.csv"
TOKENS = [Token("BTC", 8), Token("ETH", 9), Token("USDT", 6)]


def private_snapshot(tmp_path: Path, secret_file: Path) -> Path:
    amounts = np.array([[10 * 10**8, 5 * 10**9, 1000 * 10**6], [3 * 10**8, 0, 50 * 10**6]], dtype=np.uint64)
    build_private(TOKENS, pa.array(["alice", "bob"], pa.large_string()), amounts, tmp_path / "snap",
                  secret_path=secret_file, round_id="R", pad_to=4, workers=1)
    return tmp_path / "snap"


def test_private_solvency_with_signed_reserves_passes_and_overclaimed_reserves_fail(tmp_path: Path, secret_file: Path) -> None:
    snap = private_snapshot(tmp_path, secret_file)
    runner = CliRunner()
    proof = tmp_path / "solvency.json"
    made = runner.invoke(cli, ["prove-solvency", str(snap), "--reserves", str(EXAMPLE), "--out", str(proof),
                               "--secret", str(secret_file)])
    assert made.exit_code == 0, made.output
    check = ["solvency", str(snap / "public" / "root.json"), "--reserves", str(EXAMPLE), "--proof", str(proof), "--json"]
    result = runner.invoke(cli, check)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {row["token"]: (row["liabilities"], row["verdict"]) for row in report["tokens"]} == {
        "BTC": ("hidden", "solvent"), "ETH": ("hidden", "solvent"), "USDT": ("hidden", "solvent")}

    # a proof made for reserves larger than the signed wallets hold must not pass
    inflated = tmp_path / "inflated.json"
    inflated.write_text('{"BTC": "1000", "ETH": "1500.75", "USDT": "2500000"}')
    overclaim = tmp_path / "overclaim.json"
    assert runner.invoke(cli, ["prove-solvency", str(snap), "--reserves", str(inflated), "--out", str(overclaim),
                               "--secret", str(secret_file)]).exit_code == 0
    result = runner.invoke(cli, [*check[:5], str(overclaim), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["tokens"][0]["verdict"] == "under-reserved"


def test_private_solvency_without_proofs_is_a_usage_error(tmp_path: Path, secret_file: Path) -> None:
    snap = private_snapshot(tmp_path, secret_file)
    result = CliRunner().invoke(cli, ["solvency", str(snap / "public" / "root.json"), "--reserves", str(EXAMPLE)])
    assert result.exit_code == 2 and "--proof" in result.output
