"""What ``por verify`` decides, as a user types it: a file with no proof is never valid, --user needs a verdict for
that user, options a format cannot honour are refused, and every verdict leads with one plain sentence."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli import cli
from por.formats import _merkle_common as mc
from por.formats import bitmex, verify_files
from por.formats.base import VerifyOptions
from por.private import container
from por.verdict import Tally, Verdict

CSV = "user_id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,0\ncarol,42,1000.123456789\n"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("verdicts")
    (tmp / "users.csv").write_text(CSV)
    assert invoke("build", tmp / "users.csv", "--out", tmp / "snap", "--decimals", "BTC=8", "--decimals", "ETH=9",
                  "--round", "R1").exit_code == 0
    assert invoke("prove", tmp / "snap", "--user", "alice", "--out", tmp / "alice.json").exit_code == 0
    assert invoke("prove", tmp / "snap", "--all", "--out", tmp / "all.jsonl").exit_code == 0
    for name in ("operator", "auditor"):
        assert invoke("keygen", "--out", tmp / name, "--label", name).exit_code == 0
    return tmp


def root_of(snap: Path) -> Path:
    return snap / "snap" / "public" / "root.json"


# ------------------------------------------------------------------------------ a file with no proof (issue 12)


@pytest.mark.parametrize("content,sentence", [
    (b"", "is empty"),
    (b"   \n\t\n", "holds only blank lines"),
    (b"\n\n\n", "holds only blank lines"),
])
@pytest.mark.parametrize("extra", [(), ("--user", "alice"), ("--format", "por")])
def test_an_empty_or_blank_file_is_bad_input_never_valid(snap: Path, tmp_path: Path, content: bytes, sentence: str,
                                                          extra: tuple[str, ...]) -> None:
    path = tmp_path / "proofs.jsonl"
    path.write_bytes(content)
    result = invoke("verify", path, "--root", root_of(snap), *extra)
    assert result.exit_code == 2 and f"{path}: {sentence}" in result.output, result.output


@pytest.mark.parametrize("extra", [(), ("--format", "por")])
def test_a_directory_is_named_as_a_directory(snap: Path, tmp_path: Path, extra: tuple[str, ...]) -> None:
    result = invoke("verify", tmp_path, "--root", root_of(snap), *extra)
    assert result.exit_code == 2 and f"{tmp_path}: is a directory" in result.output, result.output


def test_a_bundle_with_its_header_and_no_entry_fails(snap: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.porb"
    empty.write_bytes(container.bundle_header())
    result = invoke("verify", empty, "--root", root_of(snap))
    assert result.exit_code == 1 and "INVALID" in result.output and "This file holds no proof" in result.output
    mine = invoke("verify", empty, "--root", root_of(snap), "--user", "alice", "--json")
    [verdict] = json.loads(mine.output)
    assert mine.exit_code == 1 and verdict["valid"] is False
    assert verdict["headline"] == "There is no proof for user 'alice' in this file."


def test_with_user_a_bundle_without_that_users_proof_fails_naming_the_user(snap: Path) -> None:
    result = invoke("verify", snap / "all.jsonl", "--root", root_of(snap), "--user", "dave")
    assert result.exit_code == 1
    assert "There is no proof for user 'dave' in this file." in result.output


def test_a_user_id_with_undecodable_command_line_bytes_is_a_usage_error(snap: Path) -> None:
    result = invoke("verify", snap / "all.jsonl", "--root", root_of(snap), "--user", "a\udcff")
    assert result.exit_code == 2 and "is not valid UTF-8 text" in result.output and "Traceback" not in result.output


def test_a_run_without_verdicts_or_checks_is_never_valid(snap: Path, tmp_path: Path) -> None:
    assert not Tally().valid and not Verdict(format="x", source="y").valid
    empty = tmp_path / "empty.porb"
    empty.write_bytes(container.bundle_header())
    [verdict] = verify_files([empty], VerifyOptions(root=root_of(snap)))
    assert not verdict.valid


def _bitmex_tree(path: Path) -> Path:
    leaves = [(bitmex.leaf_hash(5, bytes(32), i), 5) for i in range(4)]
    levels = [leaves]
    while len(levels[0]) > 1:
        below = levels[0]
        levels.insert(0, [bitmex.parent(below[i], below[i + 1]) for i in range(0, len(below), 2)])
    path.write_text("\n".join(["block_height:7"] + [f"{d.hex()},{v}" for level in levels for d, v in level]) + "\n")
    return path


def test_with_user_a_foreign_verdict_that_nothing_tied_to_the_user_fails(tmp_path: Path) -> None:
    tree = _bitmex_tree(tmp_path / "proof.csv")
    assert invoke("verify", tree).exit_code == 0  # an auditor's view: the tree alone is consistent
    result = invoke("verify", tree, "--user", "42", "--option", f"nonce={'11' * 32}")
    assert result.exit_code == 1
    assert "Nothing in this proof was checked against user '42'" in result.output


# ------------------------------------------------------------- --root / --signers bind only por proofs (issue 12)


def forged_okx_proof(path: Path, nonce: str) -> Path:
    """A self-consistent OKX v1 proof anyone can invent: it says nothing about por's root."""
    mine = {"BTC": "1", "ETH": "0", "USDT": "0"}
    theirs = {"BTC": "2", "ETH": "0", "USDT": "0"}
    leaf = mc.sha256_hex(nonce + mc.okx_json(mine))
    sibling = mc.sha256_hex("someone" + mc.okx_json(theirs))
    total = {t: Decimal(mine[t]) + Decimal(theirs[t]) for t in mine}
    root = mc.okx_parent_hash(leaf, sibling, total, 2)
    path.write_text(json.dumps({
        "self": {"nonce": nonce, "hash": leaf, "balances": mine, "type": 1},
        "path": [{"hash": sibling, "balances": theirs, "type": 2, "height": 1},
                 {"hash": root, "balances": {t: str(v) for t, v in total.items()}, "type": 3, "height": 2}]}))
    return path


def test_root_and_signers_are_refused_for_another_exchanges_proof(snap: Path, tmp_path: Path) -> None:
    forged = forged_okx_proof(tmp_path / "okx.json", "alice")
    assert invoke("verify", forged, "--user", "alice").exit_code == 0  # consistent in its own terms
    result = invoke("verify", forged, "--root", root_of(snap), "--user", "alice", "--signers",
                    snap / "operator.pub", "--signers", snap / "auditor.pub", "--threshold", "2")
    assert result.exit_code == 2 and "VALID" not in result.output
    assert "--root, --signers and --threshold apply only to por's own proofs; this is another exchange's proof " \
           "(OKX Merkle proof v1)" in result.output
    assert len(result.output.strip().splitlines()) == 1
    for extra in (("--root", root_of(snap)), ("--signers", snap / "operator.pub"), ("--backend", "pure")):
        assert invoke("verify", forged, *extra).exit_code == 2


def test_a_por_proof_needs_the_root(snap: Path) -> None:
    result = invoke("verify", snap / "alice.json", "--user", "alice")
    assert result.exit_code == 2 and "pass --root ROOT.json" in result.output


def test_an_option_the_format_does_not_use_is_refused(snap: Path, tmp_path: Path) -> None:
    forged = forged_okx_proof(tmp_path / "okx.json", "alice")
    typo = invoke("verify", forged, "--option", "rooot=ab")
    assert typo.exit_code == 2 and "--option rooot" in typo.output and "VALID" not in typo.output
    native = invoke("verify", snap / "alice.json", "--root", root_of(snap), "--option", "root=ab")
    assert native.exit_code == 2 and "the por format takes no --option" in native.output


def test_backend_on_a_plain_proof_is_said_to_be_ignored(snap: Path) -> None:
    result = invoke("verify", snap / "alice.json", "--root", root_of(snap), "--backend", "pure")
    assert result.exit_code == 0 and "--backend chooses the group arithmetic of private-mode proofs" in result.output


# ----------------------------------------------------------------------------- signers and threshold (issue 13)


@pytest.fixture
def signed_root(snap: Path, tmp_path: Path) -> Path:
    root = tmp_path / "root.json"
    root.write_text(root_of(snap).read_text())
    for name in ("operator", "auditor"):
        assert invoke("sign", root, "--key", snap / name).exit_code == 0
    return root


@pytest.mark.parametrize("spelling", [["--signers", "operator.pub", "auditor.pub"],
                                      ["--signers", "operator.pub", "--signers", "auditor.pub"]])
def test_signers_after_one_flag_or_repeated(snap: Path, signed_root: Path, spelling: list[str]) -> None:
    keys = [snap / arg if arg.endswith(".pub") else arg for arg in spelling]
    verified = invoke("verify", snap / "alice.json", "--root", signed_root, "--user", "alice", *keys,
                      "--threshold", "2", "--json")
    assert verified.exit_code == 0, verified.output
    [verdict] = json.loads(verified.output)
    assert "2 valid signer(s) of 2 required (operator, auditor)" in verdict["info"]["signatures"]
    root_only = invoke("verify-root", signed_root, *keys)
    assert root_only.exit_code == 0 and "2 of 2 signers" in root_only.output, root_only.output


def test_threshold_without_signers_is_a_usage_error(snap: Path) -> None:
    result = invoke("verify", snap / "alice.json", "--root", root_of(snap), "--threshold", "2")
    assert result.exit_code == 2 and "--threshold needs --signers" in result.output


def test_the_verdict_says_when_signatures_were_not_checked(snap: Path, signed_root: Path) -> None:
    unsigned = invoke("verify", snap / "alice.json", "--root", root_of(snap), "--user", "alice")
    assert unsigned.exit_code == 0 and "root.json carries no signatures" in unsigned.output
    unchecked = invoke("verify", snap / "alice.json", "--root", signed_root, "--user", "alice")
    assert unchecked.exit_code == 0 and "the root's signatures were not checked: pass --signers" in unchecked.output


# ------------------------------------------------------------------------------------ verdict wording (issue 13)


def test_a_wrong_user_verdict_leads_with_whose_proof_it_is(snap: Path) -> None:
    result = invoke("verify", snap / "alice.json", "--root", root_of(snap), "--user", "bob")
    first = result.output.splitlines()[0]
    assert result.exit_code == 1
    assert first == f"INVALID {snap / 'alice.json'}: This proof is not for user 'bob': it is the proof of user 'alice'."


def test_a_tampered_balance_leads_with_a_plain_sentence_and_hashes_below(snap: Path, tmp_path: Path) -> None:
    proof = json.loads((snap / "alice.json").read_text())
    proof["user"]["balances"]["BTC"] = "2.5"
    (tmp_path / "p.json").write_text(json.dumps(proof))
    result = invoke("verify", tmp_path / "p.json", "--root", root_of(snap), "--user", "alice")
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0].endswith(": Your balances in this proof do not lead to the published root.")
    assert not any(len(word) == 64 for word in lines[0].split())
    assert any("FAILED root hash" in line and len(line.split()[-1]) == 64 for line in lines[1:])


def test_a_foreign_wrong_user_verdict_says_so_first(tmp_path: Path) -> None:
    forged = forged_okx_proof(tmp_path / "okx.json", "alice")
    result = invoke("verify", forged, "--user", "bob")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(": This proof is not for user 'bob': it is someone else's proof.")


def test_a_foreign_tampered_balance_leads_with_a_plain_sentence(tmp_path: Path) -> None:
    forged = json.loads(forged_okx_proof(tmp_path / "okx.json", "alice").read_text())
    forged["self"]["balances"]["BTC"] = "5"
    (tmp_path / "tampered.json").write_text(json.dumps(forged))
    result = invoke("verify", tmp_path / "tampered.json", "--user", "alice")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(": The balances in this proof do not lead to the root it shows.")
