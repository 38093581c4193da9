"""Reserves files: por CSV/JSON, the real Summa and OKX samples, bad input (exit 2) and `por reserves verify`."""

import json
import shutil
from pathlib import Path

import pytest

from por.cli import main
from por.errors import InputError
from por.reserves import INVALID, UNVERIFIED, VALID, load_reserves, verify_wallets
from tests.shared_vectors import VECTORS, needs_vectors

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CSV = ROOT / "examples" / "reserves" / "reserves.csv"
EXAMPLE_JSON = ROOT / "examples" / "reserves" / "reserves.json"


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr()


def test_example_csv_and_json_hold_the_same_wallets_and_all_verify():
    from_csv, from_json = load_reserves(EXAMPLE_CSV), load_reserves(EXAMPLE_JSON)
    assert [w.address for w in from_csv.wallets] == [w.address for w in from_json.wallets]
    assert {r.status for r in verify_wallets(from_csv)} == {VALID}
    assert len(from_csv.wallets) == 7


@needs_vectors
def test_summa_signatures_sample_loads_without_balances_and_verifies():
    reserves = load_reserves(VECTORS / "summa" / "master" / "signatures.csv")
    assert reserves.kind == "summa-signatures"
    assert [r.status for r in verify_wallets(reserves)] == [VALID, VALID]
    assert all(w.balance is None for w in reserves.wallets)


@needs_vectors
def test_okx_sample_reports_each_address():
    reserves = load_reserves(VECTORS / "okx" / "okx_por_example.csv")
    statuses = {r.wallet.address: r.status for r in verify_wallets(reserves)}
    assert statuses == {
        "0x0cdcdb19a857c2ac24818ca4fdfe38cce071483e": VALID,
        "0x16f01cfc16b0b8c3400fb8e5099b0974fcc9fc12": VALID,
        "0x57e2dcd253527a0f70c6a3de3556f6e6e163f19c": UNVERIFIED,  # contract wallet: owners signed
        "UQB1CKrUWm7qf41Z1GeEE6AgVVj5cH6y6x1aRmWe6q4mj1fn": UNVERIFIED,  # TON
        "0x" + "deadbeef" * 8: UNVERIFIED,  # Aptos
    }
    assert reserves.declared_totals["BTC"] == "449.5140"
    assert reserves.wallets[0].block_height == 20914735


@needs_vectors
def test_okx_contract_wallet_with_a_wrong_owner_signature_fails(tmp_path):
    text = (VECTORS / "okx" / "okx_por_example.csv").read_text()
    tampered = text.replace(",,0x0cdcdb19a857c2ac24818ca4fdfe38cce071483e,", ",,0x0cdcdb19a857c2ac24818ca4fdfe38cce071483f,")
    assert tampered != text
    (tmp_path / "okx.csv").write_text(tampered)
    results = verify_wallets(load_reserves(tmp_path / "okx.csv"))
    assert results[2].status == INVALID


def write_csv(tmp_path, lines):
    path = tmp_path / "reserves.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def example_lines():
    return EXAMPLE_CSV.read_text().splitlines()


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [(3, "-1", "balance"), (3, "1e5", "balance"), (4, "tall", "block_height"), (7, "ecdsa", "scheme"), (0, "", "token")],
)
def test_bad_field_is_named_with_file_row_and_field(tmp_path, column, value, field):
    lines = example_lines()
    cells = lines[2].split(",")
    cells[column] = value
    lines[2] = ",".join(cells)
    path = write_csv(tmp_path, lines)
    with pytest.raises(InputError) as error:
        load_reserves(path)
    assert (error.value.row, error.value.field) == (3, field)
    assert str(path) in str(error.value)


def test_a_wallet_listed_twice_for_a_token_is_refused_so_it_cannot_count_twice(tmp_path):
    lines = example_lines()
    path = write_csv(tmp_path, [*lines, lines[5].replace("0xF613b5cE92379ED35B1424c1237059E0feFeC88e",
                                                          "0xf613b5ce92379ed35b1424c1237059e0fefec88e")])
    with pytest.raises(InputError, match="listed twice") as error:
        load_reserves(path)
    assert error.value.row == 9


def test_wrong_header_and_json_shape_are_bad_input(tmp_path):
    with pytest.raises(InputError, match="header"):
        load_reserves(write_csv(tmp_path, ["token,chain,address", "BTC,BTC,1abc"]))
    doc = json.loads(EXAMPLE_JSON.read_text())
    doc["wallets"][0]["extra"] = 1
    (tmp_path / "r.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="exactly the keys"):
        load_reserves(tmp_path / "r.json")


def test_cli_reserves_verify_exits_0_for_valid_and_1_for_an_altered_signature(tmp_path, capsys):
    code, out = run(["reserves", "verify", str(EXAMPLE_CSV)], capsys)
    assert code == 0 and "7 valid, 0 failed" in out.out
    doc = json.loads(EXAMPLE_JSON.read_text())
    doc["wallets"][4]["message"] += "."
    (tmp_path / "r.json").write_text(json.dumps(doc))
    code, out = run(["reserves", "verify", str(tmp_path / "r.json"), "--json"], capsys)
    report = json.loads(out.out)
    assert code == 1 and report["ok"] is False
    assert [w["status"] for w in report["wallets"]].count("invalid") == 1


def test_cli_reserves_verify_bad_input_is_one_sentence_and_exit_2(tmp_path, capsys):
    shutil.copy(EXAMPLE_CSV, tmp_path / "r.csv")
    (tmp_path / "r.csv").write_text(EXAMPLE_CSV.read_text().replace(",40.5,", ",forty,"))
    code, out = run(["reserves", "verify", str(tmp_path / "r.csv")], capsys)
    assert code == 2
    assert "row 2" in out.err and "'balance'" in out.err and "Traceback" not in out.err
