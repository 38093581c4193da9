"""Bundles (``prove --all`` output): with --user only that user's proof is decoded; without it the bundle streams in
constant memory and ends with one summary line, showing at most 20 invalid proofs."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from por.amounts import Token
from por.cli import cli
from por.formats import native, verify_files
from por.formats.base import VerifyOptions
from por.formats.report import INVALID_SHOWN
from por.private import container
from por.private.build import build_private
from por.private.prove import prove_private_all
from por.snapshot_store import Snapshot
from tests.conftest import SECRET_HEX

USERS = 300


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("bundle")
    (tmp / "users.csv").write_text("user_id,BTC\n" + "".join(f"user{i},{i}.25\n" for i in range(USERS)))
    assert invoke("build", tmp / "users.csv", "--out", tmp / "snap", "--round", "R1").exit_code == 0
    assert invoke("prove", tmp / "snap", "--all", "--out", tmp / "all.jsonl").exit_code == 0
    return tmp / "all.jsonl", tmp / "snap" / "public" / "root.json"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch):
    """Every plain proof the native format decodes and verifies, and the most verdicts ever alive at once."""
    verdicts: list[weakref.ref] = []
    seen = {"calls": 0, "most_alive": 0}
    real = native.verify_plain

    def verify_plain(*args, **kwargs):
        seen["calls"] += 1
        if seen["calls"] % 25 == 0:
            gc.collect()
            seen["most_alive"] = max(seen["most_alive"], sum(ref() is not None for ref in verdicts))
        verdict = real(*args, **kwargs)
        verdicts.append(weakref.ref(verdict))
        return verdict

    monkeypatch.setattr(native, "verify_plain", verify_plain)
    return seen


def test_with_user_only_that_users_proof_is_verified(bundle: tuple[Path, Path], counted: dict) -> None:
    proofs, root = bundle
    result = invoke("verify", proofs, "--root", root, "--user", "user123")
    assert result.exit_code == 0 and counted["calls"] == 1
    assert result.output.splitlines()[0] == f"VALID {proofs}:124: This por proof for user 'user123' checks out."


def test_a_bundle_streams_in_constant_memory_to_one_summary_line(bundle: tuple[Path, Path], counted: dict) -> None:
    proofs, root = bundle
    result = invoke("verify", proofs, "--root", root)
    assert result.exit_code == 0 and counted["calls"] == USERS
    assert 0 < counted["most_alive"] <= 10  # never all 300 verdicts at once
    assert "VALID" not in result.output and f"{USERS} valid, 0 invalid" in result.output.splitlines()


def test_the_bundle_is_read_lazily(bundle: tuple[Path, Path]) -> None:
    proofs, root = bundle
    consumed = []
    verdicts = verify_files([proofs], VerifyOptions(root=root, progress=consumed.append))
    assert next(verdicts).valid
    assert 0 < sum(consumed) < proofs.stat().st_size / 100  # one line read, not the file
    verdicts.close()


def test_invalid_proofs_of_a_bundle_are_shown_up_to_a_bound_then_counted(bundle: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    proofs, root = bundle
    lines = proofs.read_text().splitlines()
    tampered = [line.replace('"BTC":"', '"BTC":"1') if i % 10 == 0 else line for i, line in enumerate(lines)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(tampered) + "\n")
    result = invoke("verify", bad, "--root", root)
    headlines = [line for line in result.output.splitlines() if line.startswith("INVALID")]
    assert result.exit_code == 1 and len(headlines) == INVALID_SHOWN
    assert headlines[0].startswith(f"INVALID {bad}:1: ")
    assert f"270 valid, 30 invalid ({30 - INVALID_SHOWN} more invalid proofs not shown)" in result.output


def test_json_of_a_bundle_lists_every_verdict(bundle: tuple[Path, Path]) -> None:
    proofs, root = bundle
    result = invoke("verify", proofs, "--root", root, "--json")
    assert result.exit_code == 0 and len(json.loads(result.output)) == USERS


@pytest.fixture(scope="module")
def private_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("private-bundle")
    secret = tmp / "secret.hex"
    secret.write_text(SECRET_HEX + "\n")
    secret.chmod(0o600)
    ids = ["alice", "bob", "carol", "dave"]
    amounts = np.array([[5], [7], [0], [11]], dtype=np.uint64)
    build_private([Token("BTC", 8)], pa.array(ids, pa.large_string()), amounts, tmp / "snap", secret_path=secret,
                  round_id="R1", pad_to=8, workers=1)
    prove_private_all(Snapshot(tmp / "snap", secret_path=secret), tmp / "all.porb")
    return tmp / "all.porb", tmp / "snap" / "public" / "root.json"


def test_private_bundle_with_user_decodes_only_that_users_proof(private_bundle: tuple[Path, Path],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    proofs, root = private_bundle
    decoded = []
    real = container.decode
    monkeypatch.setattr(container, "decode", lambda data, source="proof": decoded.append(source) or real(data, source))
    result = invoke("verify", proofs, "--root", root, "--user", "carol")
    assert result.exit_code == 0 and decoded == [f"{proofs}#3"], result.output
    missing = invoke("verify", proofs, "--root", root, "--user", "erin")
    assert missing.exit_code == 1 and "There is no proof for user 'erin' in this file." in missing.output


def test_peek_user_id_reads_the_id_without_the_path(private_bundle: tuple[Path, Path]) -> None:
    proofs, _ = private_bundle
    entries = list(container.split_bundle(proofs.read_bytes(), str(proofs)))
    assert [container.peek_user_id(entry) for _, entry in entries] == ["alice", "bob", "carol", "dave"]
    _, first = entries[0]
    import dataclasses

    decoded = container.decode(first)
    without_path = container.encode(dataclasses.replace(decoded, levels=[]))
    assert container.peek_user_id(without_path) == "alice"  # the path is never read


def test_a_private_proof_for_another_user_says_whose_it_is(private_bundle: tuple[Path, Path], tmp_path: Path) -> None:
    proofs, root = private_bundle
    _, alice = next(container.split_bundle(proofs.read_bytes(), str(proofs)))
    (tmp_path / "alice.porp").write_bytes(alice)
    result = invoke("verify", tmp_path / "alice.porp", "--root", root, "--user", "bob")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"INVALID {tmp_path / 'alice.porp'}: This proof is not for user 'bob': "
                                             "it is the proof of user 'alice'.")
