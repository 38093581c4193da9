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


def test_a_root_committing_to_negative_totals_is_not_solvent_even_with_zero_reserves(tmp_path: Path) -> None:
    """The hole of a surplus-only statement: commit(−5) with no reserves "proves" a surplus of 5."""
    from circuits import pedersen
    from circuits.group import get_backend
    from circuits.rangeproof import _prove
    from circuits.scalars import ORDER
    from circuits.solvency import solvency_context, solvency_shape
    from por.private.solvency import context
    from por.publish import root_document

    be = get_backend("fast")
    blinding = 12345
    negative = be.compress(pedersen.commit(ORDER - 5, blinding, be)).hex()
    root = root_document("private", "R", [Token("BTC", 8)], 1, bytes(32), version=3, arity=4,
                         token_fields=[{"range_bits": 64}], commitments={"BTC": negative})
    (tmp_path / "root.json").write_text(json.dumps(root))
    forged, _ = _prove(be, solvency_shape(64), [ORDER - 5, 5], [blinding, ORDER - blinding],
                       solvency_context(0, 64, context(root["root"], "BTC")), None)
    import base64

    proof = {"format": "por-solvency-proof", "version": 2, "round": "R", "root": root["root"],
             "proofs": {"BTC": {"reserves": "0", "range_bits": 64, "proof": base64.b64encode(forged.to_bytes()).decode()}}}
    (tmp_path / "solvency.json").write_text(json.dumps(proof))
    (tmp_path / "reserves.json").write_text(json.dumps({"format": "por-reserves", "version": 1, "wallets": []}))
    result = CliRunner().invoke(cli, ["solvency", str(tmp_path / "root.json"), "--reserves",
                                      str(tmp_path / "reserves.json"), "--proof", str(tmp_path / "solvency.json"),
                                      "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["tokens"][0]["verdict"] == "under-reserved"


def test_a_version_1_solvency_proof_no_longer_counts_as_solvent(tmp_path: Path, secret_file: Path) -> None:
    snap = private_snapshot(tmp_path, secret_file)
    old = {"format": "por-solvency-proof", "version": 1, "round": "R",
           "root": json.loads((snap / "public" / "root.json").read_text())["root"], "proofs": {}}
    (tmp_path / "old.json").write_text(json.dumps(old))
    result = CliRunner().invoke(cli, ["solvency", str(snap), "--reserves", str(EXAMPLE), "--proof",
                                      str(tmp_path / "old.json"), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {row["verdict"] for row in report["tokens"]} == {"under-reserved"}
    assert any("version-1 solvency proof" in note for note in report["notes"])


def test_prove_solvency_short_of_reserves_is_insolvency_naming_token_shortfall_and_file(tmp_path: Path,
                                                                                      secret_file: Path) -> None:
    snap = private_snapshot(tmp_path, secret_file)
    reserves = tmp_path / "short.json"
    reserves.write_text('{"BTC": "12", "ETH": "5", "USDT": "1050"}')
    out = tmp_path / "solvency.json"
    result = CliRunner().invoke(cli, ["prove-solvency", str(snap), "--reserves", str(reserves), "--out", str(out),
                                      "--secret", str(secret_file)])
    assert result.exit_code == 1, result.output
    assert str(reserves) in result.output and "BTC by 1 (reserves 12)" in result.output
    assert "ETH by" not in result.output and "USDT by" not in result.output  # covered exactly: not short
    assert not out.exists()


def test_range_widths_from_options_and_from_a_reserves_file(tmp_path: Path, secret_file: Path) -> None:
    data = tmp_path / "balances.csv"
    data.write_text("user_id,BTC,ETH,USDT\nalice,10,5,1000\nbob,3,0,50\n")
    runner = CliRunner()
    base = ["build", str(data), "--mode", "private", "--decimals", "BTC=8", "--decimals", "ETH=9",
            "--decimals", "USDT=6", "--secret", str(secret_file), "--workers", "1"]
    made = runner.invoke(cli, [*base, "--out", str(tmp_path / "a"), "--range-bits", "48", "--range-bits", "USDT=40"])
    assert made.exit_code == 0, made.output
    root = json.loads((tmp_path / "a" / "public" / "root.json").read_text())
    assert [t["range_bits"] for t in root["tokens"]] == [48, 48, 40]
    derived = runner.invoke(cli, [*base, "--out", str(tmp_path / "b"), "--range-bits-from", str(EXAMPLE)])
    assert derived.exit_code == 0, derived.output
    widths = [t["range_bits"] for t in json.loads((tmp_path / "b" / "public" / "root.json").read_text())["tokens"]]
    assert all(w < 64 for w in widths)
    too_narrow = runner.invoke(cli, [*base, "--out", str(tmp_path / "c"), "--range-bits", "BTC=30"])
    assert too_narrow.exit_code == 2 and "the total of BTC needs 31 bits" in too_narrow.output
    assert not (tmp_path / "c").exists()
    plain = runner.invoke(cli, ["build", str(data), "--out", str(tmp_path / "d"), "--range-bits", "48"])
    assert plain.exit_code == 2 and "private mode" in plain.output
