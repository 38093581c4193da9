"""The snapshot log: hash-chained, one entry per round; rewrites and forks are detected."""

import json

import pytest

from por import history
from por.cli import main
from por.errors import InputError, VerificationError


def make_root(round_id, root_hash="ab" * 32):
    return {"format": "por-root", "version": 1, "mode": "plain", "round": round_id, "hash": "sha256",
            "tokens": [{"symbol": "BTC", "decimals": 8}], "root": root_hash, "leaf_count": 4, "depth": 2,
            "totals": {"BTC": "1"}}


def build(path, rounds):
    for i, r in enumerate(rounds):
        history.append(path, make_root(r, f"{i:02x}" * 32))
    return path


def test_entries_chain_from_genesis_and_the_log_verifies(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1", "r2", "r3"])
    result = history.verify_log(log)
    assert result.ok and [e["seq"] for e in result.entries] == [0, 1, 2]
    assert result.entries[0]["prev"] == history.GENESIS
    assert result.entries[2]["prev"] == result.entries[1]["entry_hash"]


def test_appending_the_same_root_again_is_a_no_op(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1"])
    before = log.read_bytes()
    history.append(log, make_root("r1", "00" * 32))
    assert log.read_bytes() == before


def test_a_second_root_for_a_logged_round_is_refused(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1"])
    with pytest.raises(VerificationError, match="already logged"):
        history.append(log, make_root("r1", "ff" * 32))


def test_an_altered_entry_is_detected(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1", "r2"])
    log.write_text(log.read_text().replace("00" * 32, "ee" * 32, 1))
    result = history.verify_log(log)
    assert not result.ok and any("altered" in d for d in result.detail)


def test_a_removed_entry_is_detected(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1", "r2", "r3"])
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert not history.verify_log(log).ok


def test_a_consistently_rewritten_history_is_a_fork_detected_against_a_kept_copy(tmp_path):
    kept = build(tmp_path / "kept.jsonl", ["r1", "r2"])
    published = build(tmp_path / "published.jsonl", ["r1"])
    history.append(published, make_root("r2", "99" * 32))  # a different r2 root, chain recomputed
    history.append(published, make_root("r3"))
    assert history.verify_log(published).ok  # internally consistent...
    result = history.verify_log(published, against=kept)
    assert not result.ok and "forks" in result.detail[0] and "entry 1" in result.detail[0]


def test_a_log_that_extends_a_kept_copy_is_not_a_fork(tmp_path):
    kept = build(tmp_path / "kept.jsonl", ["r1", "r2"])
    published = build(tmp_path / "published.jsonl", ["r1", "r2", "r3"])
    assert history.verify_log(published, against=kept).ok


def test_a_user_finds_the_root_they_were_shown(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1", "r2"])
    assert history.find_root(log, make_root("r2", "01" * 32))["seq"] == 1
    assert history.find_root(log, make_root("r2", "77" * 32)) is None


def test_a_malformed_line_is_bad_input_naming_the_row(tmp_path):
    log = build(tmp_path / "log.jsonl", ["r1"])
    log.write_text(log.read_text() + "not json\n")
    with pytest.raises(InputError) as error:
        history.verify_log(log)
    assert error.value.row == 2


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr()


def test_cli_log_append_and_verify_with_root_and_fork(tmp_path, capsys):
    log, shown = tmp_path / "log.jsonl", tmp_path / "root.json"
    shown.write_text(json.dumps(make_root("r1")))
    code, out = run(["log", "append", str(shown), "--log", str(log)], capsys)
    assert code == 0 and "entry 0" in out.out
    code, out = run(["log", "verify", str(log), "--root", str(shown)], capsys)
    assert code == 0 and "your root is entry 0" in out.out
    other = tmp_path / "other.json"
    other.write_text(json.dumps(make_root("r1", "cd" * 32)))
    code, out = run(["log", "verify", str(log), "--root", str(other), "--json"], capsys)
    assert code == 1 and json.loads(out.out)["root_entry"] is None
    code, out = run(["log", "append", str(other), "--log", str(log)], capsys)
    assert code == 1 and "already logged" in out.err
    forked = tmp_path / "forked.jsonl"
    history.append(forked, make_root("r1", "cd" * 32))
    code, _ = run(["log", "verify", str(forked), "--against", str(log)], capsys)
    assert code == 1


def test_log_entry_matches_the_spec_test_vector():
    root = {"format": "por-root", "version": 1, "mode": "plain", "round": "r1", "hash": "sha256",
            "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "00" * 32, "leaf_count": 4, "depth": 2,
            "totals": {"BTC": "1"}}
    entry = history.make_entry(root, 0, history.GENESIS)
    assert entry["snapshot_sha256"] == "405b5bd93739b8ef45b8b112a851ae6e923de21a123b4dc6bc3a522ac02f32e4"
    assert entry["entry_hash"] == "bbb0bf36c3579907e383b8ee2b5873789a805508aed3360c02eda73692a11037"
