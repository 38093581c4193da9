"""Solvency per token: exact reserves vs liabilities; exit 1 when under-reserved or a signature fails."""

import json
from pathlib import Path

import pytest

from por.cli import main
from por.errors import InputError
from por.reserves import load_reserves
from por.solvency import NO_LIABILITIES, SOLVENT, UNDER_RESERVED, reserve_units, solvency_report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "reserves" / "reserves.json"
# Example reserves: BTC 40.5 + 35.25 + 30 + 0.12345678 = 105.87345678; ETH 1500.75; USDT 2500000.


def make_root(totals, tokens=None, mode="plain"):
    tokens = tokens or [{"symbol": "BTC", "decimals": 8}, {"symbol": "ETH", "decimals": 9}, {"symbol": "USDT", "decimals": 6}]
    root = {"format": "por-root", "version": 1, "mode": mode, "round": "2024-06-30", "hash": "sha256",
            "tokens": tokens, "root": "ab" * 32, "leaf_count": 4, "depth": 2}
    if mode == "plain":
        root["totals"] = totals
    else:
        root["commitments"] = {t["symbol"]: "c0" + "00" * 47 for t in tokens}
    return root


def rows(report):
    return {r.token: r for r in report.rows}


def test_fully_reserved_tokens_are_solvent_with_exact_ratios():
    report = solvency_report(make_root({"BTC": "100", "ETH": "1500.75", "USDT": "2000000"}), load_reserves(EXAMPLE))
    by_token = rows(report)
    assert report.ok
    assert by_token["BTC"].reserves == 10587345678 and by_token["BTC"].ratio == "1.058"
    assert by_token["ETH"].ratio == "1.000" and by_token["ETH"].verdict == SOLVENT
    assert by_token["USDT"].ratio == "1.250"


def test_an_under_reserved_token_fails_the_report_by_one_base_unit():
    report = solvency_report(make_root({"BTC": "105.87345679", "ETH": "1", "USDT": "1"}), load_reserves(EXAMPLE))
    assert rows(report)["BTC"].verdict == UNDER_RESERVED
    assert rows(report)["BTC"].ratio == "0.999"
    assert not report.ok


def test_a_token_in_the_root_without_reserves_is_under_reserved():
    tokens = [{"symbol": "BTC", "decimals": 8}, {"symbol": "DOGE", "decimals": 8}]
    report = solvency_report(make_root({"BTC": "1", "DOGE": "0.00000001"}, tokens), load_reserves(EXAMPLE))
    assert rows(report)["DOGE"].verdict == UNDER_RESERVED and rows(report)["DOGE"].reserves == 0
    assert not report.ok


def test_tokens_only_in_the_reserves_are_listed_with_zero_liabilities():
    report = solvency_report(make_root({"BTC": "1"}, [{"symbol": "BTC", "decimals": 8}]), load_reserves(EXAMPLE))
    assert rows(report)["USDT"].verdict == NO_LIABILITIES and rows(report)["USDT"].liabilities == 0
    assert report.ok
    assert any("USDT" in note for note in report.notes)


def test_a_wallet_with_a_failed_signature_is_not_counted_and_fails_the_report(tmp_path):
    doc = json.loads(EXAMPLE.read_text())
    doc["wallets"][0]["balance"] = "40.6"  # the signature still verifies: balances are not signed...
    doc["wallets"][1]["message"] = "a different message"  # ...but this wallet's signature no longer matches
    (tmp_path / "r.json").write_text(json.dumps(doc))
    report = solvency_report(make_root({"BTC": "1", "ETH": "1", "USDT": "1"}), load_reserves(tmp_path / "r.json"))
    assert rows(report)["BTC"].reserves == reserve_units("40.6", 8) + reserve_units("30.12345678", 8)
    assert rows(report)["BTC"].failed_wallets == 1
    assert not report.ok


def test_reserves_more_precise_than_the_token_round_down():
    assert reserve_units("1.999999999", 8) == 199999999
    assert reserve_units("7", 0) == 7


def test_private_mode_root_is_reported_as_needing_solvency_proofs():
    with pytest.raises(InputError, match="private-mode root.*--proof"):
        solvency_report(make_root({}, mode="private"), load_reserves(EXAMPLE))


def test_reserves_without_balances_cannot_prove_solvency():
    summa = Path(__file__).resolve().parents[2] / "shared" / "vectors" / "summa" / "master" / "signatures.csv"
    with pytest.raises(InputError, match="no balance") as error:
        solvency_report(make_root({"ETH": "1"}, [{"symbol": "ETH", "decimals": 9}]), load_reserves(summa))
    assert error.value.field == "balance"


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr()


def test_cli_solvency_exits_0_when_solvent_and_1_when_under_reserved(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(make_root({"BTC": "100", "ETH": "1500", "USDT": "2500000"})))
    bad.write_text(json.dumps(make_root({"BTC": "100", "ETH": "1500.750000001", "USDT": "2500000"})))
    code, out = run(["solvency", str(good), "--reserves", str(EXAMPLE)], capsys)
    assert code == 0 and "Solvent" in out.out
    code, out = run(["solvency", str(bad), "--reserves", str(EXAMPLE), "--json"], capsys)
    report = json.loads(out.out)
    assert code == 1 and report["ok"] is False
    assert {t["token"]: t["verdict"] for t in report["tokens"]}["ETH"] == UNDER_RESERVED


def test_cli_solvency_private_root_exits_2(tmp_path, capsys):
    (tmp_path / "root.json").write_text(json.dumps(make_root({}, mode="private")))
    code, out = run(["solvency", str(tmp_path / "root.json"), "--reserves", str(EXAMPLE)], capsys)
    assert code == 2 and "zero-knowledge" in out.err
