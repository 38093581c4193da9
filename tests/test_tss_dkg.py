"""Dealer-free set-up (joint-Feldman DKG) and share refresh, run through files in one directory as the parties would
exchange them: cheaters are named and disqualified, honest parties agree, old and new shares never mix."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from py_ecc.bls import G2ProofOfPossession as bls

from por.cli import cli
from por.errors import InputError, VerificationError
from por.snapshot import canonical_root_bytes
from por.threshold import dkg, dkg_finish
from por.threshold.curve import ORDER
from por.threshold.dkg_files import DKG, Session
from por.threshold.files import read_group_key, read_share
from por.threshold.shares import lagrange_at_zero
from por.threshold.sign import combine, root_message, sign_partial

ROOT = {"format": "por-root", "version": 1, "mode": "plain", "round": "R1", "hash": "sha256",
        "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "cd" * 32, "leaf_count": 4, "depth": 2,
        "totals": {"BTC": "7"}}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _tamper(path: Path, **changes) -> None:
    doc = json.loads(path.read_text())
    doc.update(changes)
    path.write_text(json.dumps(doc))


def _bump(path: Path, field: str = "share") -> None:
    value = json.loads(path.read_text())[field]
    _tamper(path, **{field: ((int(value, 16) + 1) % ORDER).to_bytes(32, "big").hex()})


def _deal_and_check(directory: Path, session: Session, tamper=None) -> dict:
    for i in range(1, session.parties + 1):
        dkg.deal(directory, session, i)
    if tamper:
        tamper(directory)
    return {j: dkg.check(directory, j)[0] for j in range(1, session.parties + 1)}


def _answer_and_finish(directory: Path, session: Session, tamper=None):
    for i in range(1, session.parties + 1):
        dkg.answer(directory, i)
    if tamper:
        tamper(directory)
    return {j: dkg_finish.finish(directory, j)[0] for j in range(1, session.parties + 1)}


@pytest.fixture(scope="module")
def honest(tmp_path_factory) -> tuple[Path, list[str]]:
    """A 2-of-3 DKG run through the CLI in one directory; everything it printed."""
    directory = tmp_path_factory.mktemp("dkg") / "run"
    printed = []
    steps = [["deal", directory, "--session", "op-2026", "--threshold", 2, "--parties", 3, "--index", i] for i in (1, 2, 3)]
    steps += [[step, directory, "--index", i] for step in ("check", "answer", "finish") for i in (1, 2, 3)]
    steps += [["complete", directory, "--out", directory / "group.pub", "--label", "operator"]]
    for step in steps:
        result = invoke("tss", "dkg", *step)
        assert result.exit_code == 0, (step, result.output)
        printed.append(result.output)
    return directory, printed


def test_a_dkg_gives_a_group_key_whose_shares_sign_and_whose_secret_nobody_held(honest):
    directory, _ = honest
    group = read_group_key(directory / "group.pub")
    assert bls.PopVerify(group.key, group.public.proof_of_possession) and group.public.label == "operator"
    shares = [read_share(directory / f"share-{i}.json") for i in (1, 2, 3)]
    assert all(group.share_problem(s) is None for s in shares)
    for pair in ((shares[0], shares[1]), (shares[1], shares[2])):
        result = combine(group, root_message(ROOT), [sign_partial(s, root_message(ROOT)) for s in pair])
        assert result.ok and bls.Verify(group.key, canonical_root_bytes(ROOT), result.signature)
    results = [json.loads((directory / f"result-{i}.json").read_text()) for i in (1, 2, 3)]
    assert len({r["transcript_sha256"] for r in results}) == 1 and results[0]["qualified"] == [1, 2, 3]


def test_dkg_private_files_are_0600_and_never_printed(honest):
    directory, printed = honest
    secret_names = [p.name for p in directory.iterdir()
                    if p.name.startswith(("dealer-secret-", "share-"))]
    assert len(secret_names) == 3 + 6 + 3
    values = []
    for name in secret_names:
        assert stat.S_IMODE(os.stat(directory / name).st_mode) == 0o600, name
        doc = json.loads((directory / name).read_text())
        values += doc.get("coefficients", []) + ([doc["share"]] if "share" in doc else [])
    public = [p for p in directory.iterdir() if p.name.startswith(("commitments-", "complaints-", "answer-", "result-"))]
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o644 for p in public)
    assert not any(v in text for v in values for text in printed)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_cheating_dealer_is_named_at_check_and_disqualified_at_finish(tmp_path):
    session = Session(DKG, "cheat", 2, 3)
    reports = _deal_and_check(tmp_path, session, lambda d: _bump(d / "share-3-for-1.json"))
    assert reports[1].complaints == {3: "sent party 1 a share that fails the Feldman check against its commitments"}
    assert reports[2].ok and reports[3].ok

    def cheat_in_the_answer_too(directory: Path) -> None:
        answer = json.loads((directory / "answer-3.json").read_text())
        wrong = (int(answer["revealed"][0]["share"], 16) + 1) % ORDER
        _tamper(directory / "answer-3.json", revealed=[{"recipient": 1, "share": wrong.to_bytes(32, "big").hex()}])

    outcomes = _answer_and_finish(tmp_path, session, cheat_in_the_answer_too)
    assert all(o.qualified == [1, 2] for o in outcomes.values())
    assert outcomes[1].disqualified == {
        3: "did not answer the complaint of party 1 with a share that passes the check"}
    group, _ = dkg_finish.complete(tmp_path)
    assert all(group.share_problem(read_share(tmp_path / f"share-{i}.json")) is None for i in (1, 2, 3))


def test_an_unanswered_complaint_disqualifies_and_a_false_one_does_not(tmp_path):
    session = Session(DKG, "rule", 2, 4)

    def complaints(directory: Path) -> None:
        _bump(directory / "share-4-for-1.json")  # dealer 4 cheats party 1, then stays silent
        (directory / "share-2-for-3.json").unlink()  # party 3 claims it never got dealer 2's share

    reports = _deal_and_check(tmp_path, session, complaints)
    assert set(reports[1].complaints) == {4} and reports[3].complaints == {2: "sent no share"}
    outcomes = _answer_and_finish(tmp_path, session, lambda d: (d / "answer-4.json").unlink())
    assert outcomes[3].qualified == [1, 2, 3] and set(outcomes[3].disqualified) == {4}
    assert "did not answer the complaint of party 1" in outcomes[3].disqualified[4]
    group, _ = dkg_finish.complete(tmp_path)
    assert group.share_problem(read_share(tmp_path / "share-3.json")) is None  # party 3 used the revealed share


def test_a_dealer_accused_by_t_parties_is_disqualified(tmp_path):
    session = Session(DKG, "many", 2, 4)
    _deal_and_check(tmp_path, session, lambda d: [_bump(d / f"share-4-for-{j}.json") for j in (1, 2)])
    outcomes = _answer_and_finish(tmp_path, session)
    assert outcomes[1].disqualified == {4: "accused by 2 parties (1, 2): t or more"}


def test_a_dealer_copying_another_dealers_commitments_is_disqualified(tmp_path):
    session = Session(DKG, "copy", 2, 3)

    def copy_commitments(directory: Path) -> None:
        copied = json.loads((directory / "commitments-1.json").read_text())
        (directory / "commitments-3.json").write_text(json.dumps({**copied, "dealer": 3}))

    reports = _deal_and_check(tmp_path, session, copy_commitments)
    assert "proof of knowledge of the constant term does not verify" in reports[1].disqualified[3]


def test_files_of_another_run_are_not_mixed_in(tmp_path):
    session = Session(DKG, "run-a", 2, 3)
    other = tmp_path / "other"
    dkg.deal(other, Session(DKG, "run-b", 2, 3), 2)

    def stale(directory: Path) -> None:
        for name in ("commitments-2.json", "share-2-for-1.json"):
            (directory / name).unlink()
            shutil.copy2(other / name, directory / name)

    reports = _deal_and_check(tmp_path, session, stale)
    assert "belongs to another run (session is 'run-b'" in reports[1].disqualified[2]


def test_finish_needs_every_partys_complaints(tmp_path):
    session = Session(DKG, "early", 2, 3)
    _deal_and_check(tmp_path, session)
    (tmp_path / "complaints-2.json").unlink()
    with pytest.raises(InputError, match="every party runs check"):
        dkg_finish.finish(tmp_path, 1)


def test_fewer_than_t_qualified_dealers_fail_the_run(tmp_path):
    session = Session(DKG, "few", 3, 3)
    _deal_and_check(tmp_path, session, lambda d: (d / "commitments-3.json").unlink())
    for i in (1, 2, 3):
        dkg.answer(tmp_path, i)
    with pytest.raises(VerificationError, match="only 2 dealer"):
        dkg_finish.finish(tmp_path, 1)


def test_results_that_disagree_are_refused(honest, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(honest[0], copy)
    _tamper(copy / "result-2.json", transcript_sha256="00" * 32)
    with pytest.raises(VerificationError, match="result-1.json and result-2.json disagree"):
        dkg_finish.complete(copy)


@pytest.fixture(scope="module")
def refreshed(honest, tmp_path_factory) -> tuple[Path, Path]:
    """The honest run's shares refreshed through the CLI: (old directory, refresh directory)."""
    old = honest[0]
    directory = tmp_path_factory.mktemp("refresh") / "run"
    group = old / "group.pub"
    steps = [["deal", directory, "--session", "op-2026-r1", "--refresh", group, "--share", old / f"share-{i}.json"]
             for i in (1, 2, 3)]
    steps += [[step, directory, "--index", i] for step in ("check", "answer") for i in (1, 2, 3)]
    steps += [["finish", directory, "--index", i, "--refresh", group, "--share", old / f"share-{i}.json"]
              for i in (1, 2, 3)]
    steps += [["complete", directory, "--out", directory / "group.pub", "--refresh", group]]
    for step in steps:
        result = invoke("tss", "dkg", *step)
        assert result.exit_code == 0, (step, result.output)
    return old, directory


def test_refresh_keeps_the_group_key_and_gives_shares_that_sign(refreshed):
    old_dir, new_dir = refreshed
    old, new = read_group_key(old_dir / "group.pub"), read_group_key(new_dir / "group.pub")
    assert (new.key, new.public.proof_of_possession, new.public.label, new.epoch) == (
        old.key, old.public.proof_of_possession, old.public.label, 1)
    assert new.commitments[1:] != old.commitments[1:]
    shares = [read_share(new_dir / f"share-{i}.json") for i in (2, 3)]
    result = combine(new, root_message(ROOT), [sign_partial(s, root_message(ROOT)) for s in shares])
    assert result.ok and bls.Verify(new.key, canonical_root_bytes(ROOT), result.signature)
    assert invoke("tss", "check-share", new_dir / "share-1.json", "--group", new_dir / "group.pub").exit_code == 0


def test_old_and_new_shares_cannot_be_mixed(refreshed):
    old_dir, new_dir = refreshed
    new = read_group_key(new_dir / "group.pub")
    old_share, new_share = read_share(old_dir / "share-1.json"), read_share(new_dir / "share-2.json")
    assert "epoch 0" in new.share_problem(old_share)
    message = root_message(ROOT)
    stale, fresh = sign_partial(old_share, message), sign_partial(new_share, message)
    result = combine(new, message, [stale, fresh])
    assert not result.ok and "epoch 0 but the group key is at epoch 1" in result.findings[0]
    disguised = dataclasses.replace(stale, epoch=1, source="disguised.json")
    result = combine(new, message, [disguised, fresh])
    assert not result.ok and result.findings[0] == "disguised.json is not a valid signature by share 1; skipped"
    weights = lagrange_at_zero([1, 2])  # and the secret the two would interpolate is not the group's
    mixed = (weights[1] * old_share.value + weights[2] * new_share.value) % ORDER
    assert bls.SkToPk(mixed) != new.key
