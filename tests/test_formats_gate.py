"""Gate format: the published user proof reproduces its root with Poseidon, and any altered field fails."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import detect, gate
from por.formats.base import VerifyOptions
from tests.shared_vectors import VECTORS, needs_vectors

GATE = VECTORS / "gate"
USER = GATE / "user_config.json"
UID = "151471e6f7b7e67511800b8e56f6b8e3df52b0d8854f89d94193a0303682a985"


@needs_vectors
def test_vectors_directory_is_present() -> None:
    assert USER.is_file(), f"test vectors missing at {GATE}"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "user_config.json"
    path.write_text(json.dumps(data))
    return path


@needs_vectors
def test_published_user_proof_reproduces_its_root() -> None:
    assert detect([USER]) is gate.FORMAT
    [verdict] = gate.FORMAT.verify([USER], VerifyOptions(user=UID))
    assert verdict.valid, verdict.failures
    assert verdict.root == "2e7e01ad51d5c668e8d581be83fcfe806644b7c834876d540b188816a67778e6"
    assert verdict.info["empty sibling subtrees"] == "28 of 28"


@needs_vectors
def test_companion_files_add_symbol_price_and_batch_root_checks() -> None:
    files = [USER, GATE / "cex_config.json", GATE / "proof.csv"]
    assert detect(files) is gate.FORMAT
    [verdict] = gate.FORMAT.verify(files, VerifyOptions(user=UID))
    assert verdict.valid, verdict.failures
    assert verdict.balances["dbc"] == "297.74"
    assert {"totals", "published root", "dbc total"} <= {c.name for c in verdict.checks}


def test_companion_files_alone_are_not_claimed() -> None:
    assert not gate.FORMAT.sniff([GATE / "cex_config.json"])
    assert not gate.FORMAT.sniff(
        [VECTORS / "binance" / "head" / "src" / "verifier" / "config" / "user_config.json"]
    )


@needs_vectors
def test_another_users_uid_fails() -> None:
    [verdict] = gate.FORMAT.verify([USER], VerifyOptions(user="00" * 32))
    assert [c.name for c in verdict.failures] == ["your id"]


@needs_vectors
def test_root_given_by_option_must_match() -> None:
    [verdict] = gate.FORMAT.verify([USER], VerifyOptions(user=UID, extra={"root": "11" * 32}))
    assert [c.name for c in verdict.failures] == ["published root"]


@needs_vectors
def test_totals_inconsistent_with_prices_fail(tmp_path: Path) -> None:
    data = json.loads(USER.read_text())
    data["TotalAssetEquity"] += 1
    user = _write(tmp_path, data)
    [verdict] = gate.FORMAT.verify([user, GATE / "cex_config.json"], VerifyOptions(user=UID))
    assert "totals" in {c.name for c in verdict.failures}


@needs_vectors
def test_debt_above_equity_fails(tmp_path: Path) -> None:
    data = json.loads(USER.read_text())
    data["TotalAssetDebt"] = data["TotalAssetEquity"] + 1
    [verdict] = gate.FORMAT.verify([_write(tmp_path, data)], VerifyOptions(user=UID))
    assert "equity covers debt" in {c.name for c in verdict.failures}


@needs_vectors
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    what=st.sampled_from(["equity", "asset_equity", "asset_index", "sibling", "index", "uid", "root"]),
    position=st.integers(0, 27),
)
def test_altering_any_balance_hash_or_position_fails(tmp_path: Path, what: str, position: int) -> None:
    data = json.loads(USER.read_text())
    if what == "equity":
        data["TotalAssetEquity"] += position + 1
    elif what == "asset_equity":
        data["AssetDetails"][0]["Equity"] += position + 1
    elif what == "asset_index":
        data["AssetDetails"][0]["Index"] = 111 + position
    elif what == "sibling":
        raw = bytearray(base64.b64decode(data["MerkleProofEncode"][position]))
        raw[31] ^= 1
        data["MerkleProofEncode"][position] = base64.b64encode(bytes(raw)).decode()
    elif what == "index":
        data["Arrangement"] = 1 << position
    elif what == "uid":
        data["UniqueIdentification"] = f"{int(UID, 16) ^ (1 << position):064x}"
    else:
        data["TreeRootHash"] = f"{int(data['TreeRootHash'], 16) ^ (1 << position):064x}"
    [verdict] = gate.FORMAT.verify([_write(tmp_path, data)], VerifyOptions())
    assert not verdict.valid


@needs_vectors
def test_sibling_outside_the_field_is_bad_input(tmp_path: Path) -> None:
    data = json.loads(USER.read_text())
    data["MerkleProofEncode"][3] = base64.b64encode(b"\xff" * 32).decode()
    with pytest.raises(InputError, match=r"MerkleProofEncode\[3\]"):
        gate.FORMAT.verify([_write(tmp_path, data)], VerifyOptions())


@needs_vectors
def test_wrong_number_of_siblings_fails(tmp_path: Path) -> None:
    data = json.loads(USER.read_text())
    data["MerkleProofEncode"].pop()
    [verdict] = gate.FORMAT.verify([_write(tmp_path, data)], VerifyOptions())
    assert [c.name for c in verdict.failures] == ["path"]


def test_gate_hash_chains_long_inputs_in_twelves() -> None:
    short = gate.gate_hash(list(range(12)))
    long = gate.gate_hash(list(range(13)))
    assert short != long and gate.gate_hash(list(range(13))) == long


@needs_vectors
@pytest.mark.parametrize(("uid", "code"), [(UID, 0), ("00" * 32, 1)])
def test_cli_verify_exit_codes(uid: str, code: int) -> None:
    from por.cli import cli

    result = CliRunner().invoke(cli, ["verify", str(USER), "--user", uid, "--json"])
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)[0]["format"] == "gate"
