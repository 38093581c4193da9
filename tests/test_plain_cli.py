"""The core workflow through the CLI: exit codes 0/1/2, one-sentence errors, nothing half-written, secrets kept."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from circuits import group
from circuits.group import available_backends
from por.cli import cli
from por.demo import run_demo

CSV = "user_id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,0\ncarol,42,1000.123456789\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def built(tmp_path: Path) -> Path:
    data = tmp_path / "users.csv"
    data.write_text(CSV)
    result = invoke("build", data, "--out", tmp_path / "snap", "--decimals", "BTC=8", "--decimals", "ETH=9", "--round", "R1")
    assert result.exit_code == 0, result.output
    return tmp_path / "snap"


def test_build_writes_public_root_and_a_0600_secret_never_printed(built: Path) -> None:
    secret = built / "operator" / "master-secret.hex"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert json.loads((built / "public" / "root.json").read_text())["totals"] == {"BTC": "43.50000001", "ETH": "1000.373456789"}
    result = invoke("prove", built, "--user", "alice")
    assert secret.read_text().strip() not in result.output


def test_prove_verify_roundtrip_exit_codes(built: Path, tmp_path: Path) -> None:
    proof = tmp_path / "alice.json"
    assert invoke("prove", built, "--user", "alice", "--out", proof).exit_code == 0
    ok = invoke("verify", proof, "--root", built / "public" / "root.json", "--user", "alice", "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)[0]["valid"] is True
    wrong_user = invoke("verify", proof, "--root", built / "public" / "root.json", "--user", "bob")
    assert wrong_user.exit_code == 1 and "alice" in wrong_user.output


@pytest.mark.parametrize("backend", available_backends())
def test_verify_takes_every_backend_and_refuses_one_that_cannot_load_here(built: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          backend: str) -> None:
    proof = tmp_path / "alice.json"
    assert invoke("prove", built, "--user", "alice", "--out", proof).exit_code == 0
    args = ("verify", proof, "--root", built / "public" / "root.json", "--backend", backend)
    assert invoke(*args).exit_code == 0
    monkeypatch.setattr(group, "unavailable_reason", lambda name: f"the {name} backend is not available here: gone")
    refused = invoke(*args)
    assert refused.exit_code == 2 and refused.output.strip() == (
        f"error: --backend {backend}: the {backend} backend is not available here: gone.")


def test_prove_all_then_verify_the_jsonl(built: Path, tmp_path: Path) -> None:
    assert invoke("prove", built, "--all", "--out", tmp_path / "all.jsonl").exit_code == 0
    result = invoke("verify", tmp_path / "all.jsonl", "--root", built / "public" / "root.json", "--json")
    assert result.exit_code == 0 and len(json.loads(result.output)) == 3


@pytest.mark.parametrize("content", ["not json", '{"format": "por-proof", "version": 1}', "[1, 2]"])
def test_unreadable_proof_exits_2_with_one_sentence(built: Path, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = invoke("verify", bad, "--root", built / "public" / "root.json", "--format", "por")
    assert result.exit_code == 2 and "Traceback" not in result.output and str(bad) in result.output


def test_truncated_sibling_hash_is_unreadable_input(built: Path, tmp_path: Path) -> None:
    proof = json.loads(invoke("prove", built, "--user", "bob").output)
    proof["siblings"][0]["hash"] = proof["siblings"][0]["hash"][:16]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(proof))
    result = invoke("verify", path, "--root", built / "public" / "root.json")
    assert result.exit_code == 2 and "truncated" in result.output


@pytest.mark.parametrize("content,expected", [
    ("user_id,BTC\nalice,1\nalice,2\n", "row 3, field 'user_id': duplicate user id 'alice'"),
    ("user_id,BTC\nalice,-1\n", "row 2, field 'BTC'"),
    ("user_id,BTC\nalice,1e5\n", "scientific notation"),
    ("", "empty"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, content: str, expected: str) -> None:
    data = tmp_path / "users.csv"
    data.write_text(content)
    result = invoke("build", data, "--out", tmp_path / "out")
    assert result.exit_code == 2 and expected in result.output
    assert not (tmp_path / "out").exists()


def test_too_many_decimals_needs_rounding_up(tmp_path: Path) -> None:
    data = tmp_path / "users.csv"
    data.write_text("user_id,BTC\nalice,0.123456789\n")
    refused = invoke("build", data, "--out", tmp_path / "a")
    assert refused.exit_code == 2 and "--rounding up" in refused.output
    assert invoke("build", data, "--out", tmp_path / "b", "--rounding", "up").exit_code == 0
    assert json.loads((tmp_path / "b" / "public" / "root.json").read_text())["totals"]["BTC"] == "0.12345679"


def test_weak_or_exposed_secret_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "users.csv"
    data.write_text(CSV.replace("ETH", "SOL").replace("1000.123456789", "1"))
    weak = tmp_path / "weak.hex"
    weak.write_text("00" * 8)
    weak.chmod(0o600)
    result = invoke("build", data, "--out", tmp_path / "o", "--secret", weak)
    assert result.exit_code == 2 and "128" in result.output and not (tmp_path / "o").exists()
    exposed = tmp_path / "exposed.hex"
    exposed.write_text("8f4b1c2d3e5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0")
    exposed.chmod(0o644)
    assert invoke("build", data, "--out", tmp_path / "o", "--secret", exposed).exit_code == 2


def test_audit_passes_on_the_data_and_names_the_token_that_differs(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "users.csv"
    args = ["--root", built / "public" / "root.json", "--secret", built / "operator" / "master-secret.hex"]
    assert invoke("audit", data, *args).exit_code == 0
    altered = tmp_path / "altered.csv"
    altered.write_text(CSV.replace("alice,1.5", "alice,1.4"))
    result = invoke("audit", altered, *args, "--json")
    assert result.exit_code == 1 and json.loads(result.output)["first_mismatch"] == "total of BTC differs"
    swapped = tmp_path / "swapped.csv"  # same totals, balances moved between users: found via the leaves
    swapped.write_text(CSV.replace("alice,1.5,0.25", "alice,1.5,0.125").replace("carol,42,1000.123456789",
                                                                                   "carol,42,1000.248456789"))
    result = invoke("audit", swapped, *args, "--json")
    assert result.exit_code == 1 and "alice" in json.loads(result.output)["first_mismatch"]


def test_inspect_pretty_prints_a_root(built: Path) -> None:
    result = invoke("inspect", built / "public" / "root.json")
    assert result.exit_code == 0 and "por-root" in result.output


def test_demo_every_party_sees_the_expected_outcome(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    shown = io.StringIO()
    assert run_demo(tmp_path / "demo", users=400, console=Console(file=shown, width=120))
    assert "AUDIT PASSED" in shown.getvalue() and "INVALID forged-proof.json" in shown.getvalue()
    assert "2-of-3 threshold key" in shown.getvalue()


def test_audit_of_an_export_missing_a_token_says_so(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "btc-only.csv"
    data.write_text("user_id,BTC\nalice,1.5\nbob,0.00000001\ncarol,42\n")
    result = invoke("audit", data, "--root", built / "public" / "root.json", "--secret", built / "operator" / "master-secret.hex")
    assert result.exit_code == 2 and "differ from the published" in result.output


def test_audit_of_a_directory_of_partition_files(built: Path, tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    lines = CSV.splitlines()
    (parts / "a.csv").write_text("\n".join(lines[:3]) + "\n")
    (parts / "b.csv").write_text("\n".join([lines[0], *lines[3:]]) + "\n")
    result = invoke("audit", parts, "--root", built / "public" / "root.json", "--secret", built / "operator" / "master-secret.hex")
    assert result.exit_code == 0, result.output


def test_inspect_shows_the_first_proof_of_a_jsonl_file(built: Path, tmp_path: Path) -> None:
    assert invoke("prove", built, "--all", "--out", tmp_path / "all.jsonl").exit_code == 0
    result = invoke("inspect", tmp_path / "all.jsonl")
    assert result.exit_code == 0 and "por-proof" in result.output and "first of 3 proofs" in result.output


def test_operator_state_from_an_interrupted_publish_is_refused(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "users.csv"  # a rebuild for round R2 replaced operator/ but died before its root.json:
    other = tmp_path / "r2"        # the directory then holds R2's operator state beside R1's root.json
    assert invoke("build", data, "--out", other, "--decimals", "BTC=8", "--decimals", "ETH=9", "--round", "R2",
                  "--secret", built / "operator" / "master-secret.hex").exit_code == 0
    (built / "operator" / "tree.json").write_text((other / "operator" / "tree.json").read_text())
    result = invoke("prove", built, "--user", "alice")
    assert result.exit_code == 2 and "does not belong to this root.json" in result.output


def test_verify_checks_the_roots_signers(built: Path, tmp_path: Path) -> None:
    proof = tmp_path / "alice.json"
    assert invoke("prove", built, "--user", "alice", "--out", proof).exit_code == 0
    for name in ("operator", "stranger"):
        assert invoke("keygen", "--out", tmp_path / name, "--label", name).exit_code == 0
    assert invoke("sign", built / "public" / "root.json", "--key", tmp_path / "operator").exit_code == 0
    base = ["verify", proof, "--root", built / "public" / "root.json", "--user", "alice"]
    assert invoke(*base, "--signers", tmp_path / "operator.pub").exit_code == 0
    unsigned = invoke(*base, "--signers", tmp_path / "stranger.pub")
    assert unsigned.exit_code == 1 and "root signatures" in unsigned.output
