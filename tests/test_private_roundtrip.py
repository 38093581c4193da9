"""Private mode end to end through the library and the CLI: build, prove, verify (fast and pure), prove --all,
open-totals, audit, solvency."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from por.amounts import Token
from por.cli import cli
from por.errors import VerificationError
from por.private import container, rangeproofs
from por.private.build import build_private
from por.private.prove import private_user_proof, prove_private_all
from por.private.solvency import prove_solvency_file, verify_solvency_file
from por.private.totals import check_opened_totals, read_opened_totals, write_opened_totals
from por.private.tree import stored_tree
from por.private.verify import verify_private
from por.snapshot_store import Snapshot

TOKENS = [Token("BTC", 8), Token("ETH", 6)]
AMOUNTS = np.array([[5, 0], [7, 3_000_000], [0, 11], [2**40, 1]], dtype=np.uint64)
IDS = ["alice", "bob", "carol", "dave"]


def build(tmp_path: Path, secret_file: Path, name: str = "snap", round_id: str = "R1", pad_to: int = 16) -> Snapshot:
    build_private(TOKENS, pa.array(IDS, pa.large_string()), AMOUNTS, tmp_path / name, secret_path=secret_file,
                  round_id=round_id, pad_to=pad_to, workers=1)
    return Snapshot(tmp_path / name, secret_path=secret_file)


@pytest.fixture
def snapshot(tmp_path: Path, secret_file: Path) -> Snapshot:
    return build(tmp_path, secret_file)


def test_root_publishes_commitments_but_no_totals_or_user_count(snapshot: Snapshot) -> None:
    root = snapshot.root
    assert root["mode"] == "private" and "totals" not in root
    assert set(root["commitments"]) == {"BTC", "ETH"} and all(len(c) == 96 for c in root["commitments"].values())
    assert root["leaf_count"] == 16 and len(IDS) != 16
    assert root["version"] == 3 and root["arity"] == 4 and root["depth"] == 2
    assert [t["range_bits"] for t in root["tokens"]] == [64, 64]


def test_user_proof_verifies_with_fast_and_pure_backends(snapshot: Snapshot) -> None:
    proof = private_user_proof(snapshot, "bob")
    fast = verify_private(proof, snapshot.root, user_id="bob", backend="fast")
    assert fast.valid, fast.failures
    assert fast.balances == {"BTC": "0.00000007", "ETH": "3"}
    pure = verify_private(proof, snapshot.root, user_id="bob", backend="pure")
    assert pure.valid, pure.failures


def test_group_proofs_are_cached_and_made_once(snapshot: Snapshot) -> None:
    private_user_proof(snapshot, "alice")
    cache = rangeproofs.cache_for(stored_tree(snapshot), [64, 64])
    first = cache.get(1, 0)  # the group of alice's leaf and its three siblings
    assert first is not None and cache.get(2, 0) is not None
    private_user_proof(snapshot, "bob")  # bob shares both groups
    assert cache.get(1, 0) == first  # not re-proved


def test_prove_all_writes_one_valid_proof_per_user(snapshot: Snapshot, tmp_path: Path) -> None:
    ticks = []
    count = prove_private_all(snapshot, tmp_path / "all.jsonl", progress=ticks.append)
    assert count == len(IDS) and sum(ticks) == len(IDS)
    entries = list(container.split_bundle((tmp_path / "all.jsonl").read_bytes()))
    for user, (_, entry) in zip(IDS, entries, strict=True):
        verdict = verify_private(entry, snapshot.root, user_id=user)
        assert verdict.valid, verdict.failures


def test_opened_totals_are_secret_and_open_the_root_commitments(snapshot: Snapshot, tmp_path: Path) -> None:
    out = tmp_path / "totals.json"
    write_opened_totals(snapshot, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    opened = read_opened_totals(out, snapshot.root)
    assert opened["BTC"][0] == 12 + 2**40 and opened["ETH"][0] == 3_000_012
    assert all(c.ok for c in check_opened_totals(snapshot.root, opened))
    lying = {**opened, "BTC": (opened["BTC"][0] - 1, opened["BTC"][1])}
    assert [c.ok for c in check_opened_totals(snapshot.root, lying)] == [False, True]


def test_solvency_proof_verifies_only_for_sufficient_matching_reserves(snapshot: Snapshot, tmp_path: Path) -> None:
    reserves = {"BTC": 12 + 2**40, "ETH": 5_000_000}
    prove_solvency_file(snapshot, reserves, tmp_path / "solv.json")
    results = verify_solvency_file(snapshot.root, reserves, tmp_path / "solv.json")
    assert [r.solvent for r in results] == [True, True]
    other = verify_solvency_file(snapshot.root, {**reserves, "ETH": 4_000_000}, tmp_path / "solv.json")
    assert [r.solvent for r in other] == [True, False]


def test_insolvency_is_a_failure_naming_the_token_and_the_shortfall_and_writes_nothing(snapshot: Snapshot,
                                                                                       tmp_path: Path) -> None:
    with pytest.raises(VerificationError, match=r"BTC by 0\.00000012 \(reserves 10995\.11627776\)") as error:
        prove_solvency_file(snapshot, {"BTC": 2**40, "ETH": 5_000_000}, tmp_path / "solv.json",
                            reserves_source="reserves.csv")
    assert str(error.value).startswith("reserves.csv: ") and error.value.exit_code == 1
    assert not (tmp_path / "solv.json").exists()


def test_cli_build_prove_verify_audit_solvency(tmp_path: Path, secret_file: Path) -> None:
    data = tmp_path / "balances.csv"
    data.write_text("user_id,BTC,ETH\nalice,1.5,0\nbob,0.25,2\ncarol,0,0.000001\n")
    runner = CliRunner()
    snap = tmp_path / "snap"
    result = runner.invoke(cli, ["build", str(data), "--out", str(snap), "--mode", "private", "--capacity", "8",
                                 "--secret", str(secret_file), "--round", "R9", "--workers", "1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["prove", str(snap), "--user", "bob", "--secret", str(secret_file),
                                 "--out", str(tmp_path / "bob.json")])
    assert result.exit_code == 0, result.output
    verify = ["verify", str(tmp_path / "bob.json"), "--root", str(snap / "public" / "root.json"), "--user", "bob"]
    assert runner.invoke(cli, verify).exit_code == 0
    assert runner.invoke(cli, [*verify[:-1], "alice"]).exit_code == 1
    audit = runner.invoke(cli, ["audit", str(data), "--root", str(snap / "public" / "root.json"), "--secret", str(secret_file)])
    assert audit.exit_code == 0, audit.output
    tampered = tmp_path / "tampered.csv"
    tampered.write_text("user_id,BTC,ETH\nalice,1.5,0\nbob,0.24,2\ncarol,0,0.000001\n")
    assert runner.invoke(cli, ["audit", str(tampered), "--root", str(snap / "public" / "root.json"),
                               "--secret", str(secret_file)]).exit_code == 1
    reserves = tmp_path / "reserves.json"
    reserves.write_text('{"BTC": "2", "ETH": "2.5"}')
    result = runner.invoke(cli, ["prove-solvency", str(snap), "--reserves", str(reserves), "--out",
                                 str(tmp_path / "solv.json"), "--secret", str(secret_file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["open-totals", str(snap), "--out", str(tmp_path / "t.json"), "--secret",
                                 str(secret_file)])
    assert result.exit_code == 0, result.output
    opened = json.loads((tmp_path / "t.json").read_text())
    assert opened["totals"]["BTC"]["total"] == "1.75" and opened["totals"]["ETH"]["total"] == "2.000001"


def test_parallel_build_gives_the_same_root_as_one_process(tmp_path: Path, secret_file: Path) -> None:
    amounts = np.arange(80, dtype=np.uint64).reshape(40, 2)
    ids = pa.array([f"u{i}" for i in range(40)], pa.large_string())
    roots = []
    for workers in (1, 2):
        result = build_private(TOKENS, ids, amounts, tmp_path / f"w{workers}", secret_path=secret_file,
                               round_id="R1", pad_to=128, workers=workers)
        roots.append(result.root)
    assert roots[0] == roots[1]
