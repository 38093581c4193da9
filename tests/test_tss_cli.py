"""`por tss` through the command line: deal, check-share, sign, combine; the group key verifies like any signer's key.

Exit codes 0/1/2; shares are 0600 and never printed; a failed combine leaves root.json as it was.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli import cli

CSV = "user_id,BTC\nalice,1.5\nbob,2\ncarol,42\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def dealt(tmp_path_factory) -> tuple[Path, str]:
    """A 2-of-3 operator key dealt through the CLI, and everything the command printed."""
    keys = tmp_path_factory.mktemp("tss") / "keys"
    result = invoke("tss", "deal", "--threshold", 2, "--shares", 3, "--out", keys, "--label", "operator")
    assert result.exit_code == 0, result.output
    return keys, result.output


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    data = tmp_path / "users.csv"
    data.write_text(CSV)
    assert invoke("build", data, "--out", tmp_path / "snap", "--round", "R1").exit_code == 0
    return tmp_path / "snap"


def _share_values(keys: Path) -> list[str]:
    return [json.loads((keys / f"share-{i}.json").read_text())["share"] for i in (1, 2, 3)]


def test_deal_writes_0600_shares_a_public_group_key_and_prints_no_share(dealt):
    keys, printed = dealt
    assert sorted(p.name for p in keys.iterdir()) == ["group.pub", "share-1.json", "share-2.json", "share-3.json"]
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    for i in (1, 2, 3):
        assert stat.S_IMODE(os.stat(keys / f"share-{i}.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys / "group.pub").st_mode) == 0o644
    assert not any(value in printed for value in _share_values(keys))
    assert invoke("tss", "deal", "--threshold", 2, "--shares", 3, "--out", keys).exit_code == 2


@pytest.mark.parametrize(("threshold", "shares"), [(1, 3), (4, 3), (2, 300)])
def test_deal_refuses_impossible_thresholds(tmp_path, threshold, shares):
    result = invoke("tss", "deal", "--threshold", threshold, "--shares", shares, "--out", tmp_path / "k")
    assert result.exit_code == 2 and not (tmp_path / "k").exists()


def test_check_share_accepts_each_dealt_share_without_printing_it(dealt):
    keys, _ = dealt
    for i, value in enumerate(_share_values(keys), start=1):
        result = invoke("tss", "check-share", keys / f"share-{i}.json", "--group", keys / "group.pub")
        assert result.exit_code == 0 and f"share {i} of the 2-of-3" in result.output
        assert value not in result.output


def _copy_share(keys: Path, tmp_path: Path, **changes) -> Path:
    doc = json.loads((keys / "share-2.json").read_text())
    doc.update(changes)
    path = tmp_path / "share.json"
    path.write_text(json.dumps(doc))
    path.chmod(0o600)
    return path


def test_a_tampered_share_fails_check_share(dealt, tmp_path):
    keys, _ = dealt
    value = int(json.loads((keys / "share-2.json").read_text())["share"], 16)
    tampered = _copy_share(keys, tmp_path, share=(value ^ 1).to_bytes(32, "big").hex())
    result = invoke("tss", "check-share", tampered, "--group", keys / "group.pub")
    assert result.exit_code == 1 and "Feldman check failed" in result.output
    relabelled = tmp_path / "relabelled.json"
    relabelled.write_text(json.dumps({**json.loads(tampered.read_text()), "share": f"{value:064x}", "index": 3}))
    relabelled.chmod(0o600)
    assert invoke("tss", "check-share", relabelled, "--group", keys / "group.pub").exit_code == 1


def test_a_share_readable_by_others_is_refused(dealt, tmp_path):
    keys, _ = dealt
    loose = _copy_share(keys, tmp_path)
    loose.chmod(0o644)
    result = invoke("tss", "check-share", loose, "--group", keys / "group.pub")
    assert result.exit_code == 2 and "readable by others" in result.output


def test_a_share_of_another_group_fails_check_share(dealt, tmp_path):
    keys, _ = dealt
    assert invoke("tss", "deal", "--threshold", 2, "--shares", 3, "--out", tmp_path / "other").exit_code == 0
    result = invoke("tss", "check-share", keys / "share-1.json", "--group", tmp_path / "other" / "group.pub")
    assert result.exit_code == 1 and "another group key" in result.output


def test_two_of_three_sign_a_snapshot_that_verifies_with_the_group_key_alone(dealt, snapshot, tmp_path):
    keys, _ = dealt
    root = snapshot / "public" / "root.json"
    for i in (1, 3):
        signed = invoke("tss", "sign", root, "--share", keys / f"share-{i}.json", "--out", tmp_path / f"p{i}.json")
        assert signed.exit_code == 0 and _share_values(keys)[i - 1] not in signed.output
    result = invoke("tss", "combine", snapshot, tmp_path / "p1.json", tmp_path / "p3.json", "--group", keys / "group.pub")
    assert result.exit_code == 0, result.output
    signatures = json.loads(root.read_text())["signatures"]
    assert len(signatures) == 1 and signatures[0]["signer"] == "operator"
    assert invoke("verify-root", root, "--signers", keys / "group.pub").exit_code == 0
    proof = tmp_path / "alice.json"
    assert invoke("prove", snapshot, "--user", "alice", "--out", proof).exit_code == 0
    verified = invoke("verify", proof, "--root", root, "--user", "alice", "--signers", keys / "group.pub")
    assert verified.exit_code == 0, verified.output


def test_the_group_key_counts_as_one_signer_beside_an_auditor(dealt, snapshot, tmp_path):
    keys, _ = dealt
    root = snapshot / "public" / "root.json"
    assert invoke("keygen", "--out", tmp_path / "auditor", "--label", "auditor").exit_code == 0
    assert invoke("sign", root, "--key", tmp_path / "auditor").exit_code == 0
    signers = ["--signers", keys / "group.pub", "--signers", tmp_path / "auditor.pub"]
    assert invoke("verify-root", root, *signers, "--threshold", 2).exit_code == 1
    for i in (2, 3):
        assert invoke("tss", "sign", root, "--share", keys / f"share-{i}.json", "--out", tmp_path / f"p{i}.json").exit_code == 0
    assert invoke("tss", "combine", root, tmp_path / "p2.json", tmp_path / "p3.json", "--group",
                  keys / "group.pub").exit_code == 0
    result = invoke("verify-root", root, *signers, "--threshold", 2, "--json")
    assert result.exit_code == 0 and sorted(json.loads(result.output)["valid_signers"]) == ["auditor", "operator"]


def test_one_partial_of_a_two_of_three_is_exit_1_and_leaves_root_json_unchanged(dealt, snapshot, tmp_path):
    keys, _ = dealt
    root = snapshot / "public" / "root.json"
    before = root.read_bytes()
    assert invoke("tss", "sign", root, "--share", keys / "share-1.json", "--out", tmp_path / "p1.json").exit_code == 0
    result = invoke("tss", "combine", root, tmp_path / "p1.json", "--group", keys / "group.pub", "--json")
    assert result.exit_code == 1 and json.loads(result.output)["valid"] == [1]
    assert root.read_bytes() == before


def test_a_bad_partial_is_named_and_a_malformed_one_is_bad_input(dealt, snapshot, tmp_path):
    keys, _ = dealt
    root = snapshot / "public" / "root.json"
    for i in (1, 2, 3):
        assert invoke("tss", "sign", root, "--share", keys / f"share-{i}.json", "--out", tmp_path / f"p{i}.json").exit_code == 0
    doc = json.loads((tmp_path / "p1.json").read_text())
    (tmp_path / "lie.json").write_text(json.dumps({**doc, "index": 2}))
    result = invoke("tss", "combine", root, tmp_path / "lie.json", tmp_path / "p3.json", "--group", keys / "group.pub")
    assert result.exit_code == 1 and f"{tmp_path / 'lie.json'} is not a valid signature by share 2" in result.output
    result = invoke("tss", "combine", root, tmp_path / "lie.json", tmp_path / "p2.json", tmp_path / "p3.json",
                    "--group", keys / "group.pub")
    assert result.exit_code == 0 and "lie.json is not a valid signature" in result.output
    (tmp_path / "broken.json").write_text(json.dumps({**doc, "signature": "zz"}))
    result = invoke("tss", "combine", root, tmp_path / "broken.json", "--group", keys / "group.pub")
    assert result.exit_code == 2 and "'signature'" in result.output


def test_combine_needs_a_group_key_not_a_single_signers_key(dealt, snapshot, tmp_path):
    keys, _ = dealt
    root = snapshot / "public" / "root.json"
    assert invoke("keygen", "--out", tmp_path / "solo").exit_code == 0
    assert invoke("tss", "sign", root, "--share", keys / "share-1.json", "--out", tmp_path / "p1.json").exit_code == 0
    result = invoke("tss", "combine", root, tmp_path / "p1.json", "--group", tmp_path / "solo.pub")
    assert result.exit_code == 2 and "not a threshold group key" in result.output
