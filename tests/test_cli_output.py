"""What por prints: file content never drives the terminal, values are whole off a terminal, a closed pipe keeps
the verdict's exit code, and with --json errors are JSON too."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from por.cli import cli

POR = Path(sys.executable).with_name("por")  # the console script, as a user runs it
EXAMPLE_RESERVES = Path(__file__).resolve().parents[1] / "examples" / "reserves" / "reserves.json"
FAKE = "\x1b[2K\r\x1b[1A\x1b[38;5;46mVALID\x1b[0m all good \x9b2K\u202e"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("output")
    rows = "".join(f"u{i},{i}.5,0.25\n" for i in range(400))
    (tmp / "users.csv").write_text("user_id,BTC,ETH\n" + rows + "whale,30461.00987654,1000.123456789\n")
    assert invoke("build", tmp / "users.csv", "--out", tmp / "snap", "--decimals", "BTC=8", "--decimals", "ETH=9",
                  "--round", "R1").exit_code == 0
    assert invoke("prove", tmp / "snap", "--all", "--out", tmp / "all.jsonl").exit_code == 0
    assert invoke("prove", tmp / "snap", "--user", "u1", "--out", tmp / "u1.json").exit_code == 0
    return tmp


@pytest.fixture(scope="module")
def hostile(snap: Path) -> tuple[Path, Path]:
    """A proof whose round and user id carry terminal escapes and rich markup (a root with them is refused as
    unreadable: the round-id grammar is enforced when a root is read)."""
    root = json.loads((snap / "snap" / "public" / "root.json").read_text())
    proof = json.loads((snap / "u1.json").read_text())
    proof["round"] = "R1" + FAKE
    proof["user"]["id"] = "[red]u1[/red]" + FAKE
    (snap / "evil-root.json").write_text(json.dumps(root))
    (snap / "evil.json").write_text(json.dumps(proof))
    return snap / "evil.json", snap / "evil-root.json"


# ---------------------------------------------------------------------------- terminal escapes (issue 12)


def _assert_inert(text: str) -> None:
    for raw in ("\x1b[2K", "\x1b[1A", "\x1b[38;5;46m", "\r", "\x9b", "\u202e"):
        assert raw not in text, repr(raw)


def test_escapes_and_markup_in_a_file_are_shown_not_obeyed(hostile: tuple[Path, Path]) -> None:
    proof, root = hostile
    result = invoke("verify", proof, "--root", root)
    assert result.exit_code == 1
    _assert_inert(result.output)
    assert "\x1b" not in result.output
    assert "\\x1b[2K" in result.output and "38;5;46mVALID" in result.output and "\\u202e" in result.output
    assert "[red]u1[/red]" in result.output  # printed literally, not read as rich markup
    lines = result.output.splitlines()
    assert lines[0].startswith("INVALID ") and not any(line.startswith("VALID") for line in lines)


def test_escapes_in_a_file_are_inert_on_a_real_terminal(hostile: tuple[Path, Path]) -> None:
    proof, root = hostile
    leader, follower = pty.openpty()
    done = subprocess.run([POR, "verify", proof, "--root", root], stdout=follower, stderr=subprocess.PIPE,
                          env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}, timeout=120)
    os.close(follower)
    written = b""
    while select.select([leader], [], [], 1)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    text = written.decode()
    assert done.returncode == 1 and "INVALID" in text
    assert "\x1b[1m" in text or "\x1b[31m" in text or "\x1b[1;31m" in text  # rich does style a real terminal
    _assert_inert(text.replace("\r\n", "\n"))


def test_inspect_shows_escapes_as_json_escapes(hostile: tuple[Path, Path]) -> None:
    proof, _ = hostile
    result = invoke("inspect", proof)
    assert result.exit_code == 0
    _assert_inert(result.output)
    assert json.loads(result.output) == json.loads(proof.read_text())


def test_an_error_quoting_a_hostile_name_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / ("proof" + FAKE.replace("/", "") + ".json")
    path.write_text("")
    result = invoke("verify", path)
    assert result.exit_code == 2 and "is empty" in result.output
    _assert_inert(result.output)


# ------------------------------------------------------------------------------ output off a terminal (issue 13)


@pytest.mark.parametrize("fmt", ["", "--json"])
def test_a_closed_pipe_keeps_the_verdicts_exit_code(snap: Path, tmp_path: Path, fmt: str) -> None:
    root = snap / "snap" / "public" / "root.json"
    lines = (snap / "all.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:-1] + [lines[-1].replace('"user":{"id":"whale"', '"user":{"id":"whale2"')]) + "\n")
    for bundle, code in ((snap / "all.jsonl", 0), (bad, 1)):
        command = f"'{POR}' verify '{bundle}' --root '{root}' --details {fmt} | head -1"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300)
        assert done.returncode == code, done.stderr
        assert done.stderr == "" and len(done.stdout.splitlines()) == 1


def test_every_value_is_whole_when_piped(snap: Path) -> None:
    root = json.loads((snap / "snap" / "public" / "root.json").read_text())
    done = subprocess.run([POR, "solvency", snap / "snap" / "public" / "root.json", "--reserves", EXAMPLE_RESERVES],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "60"})
    assert done.returncode == 1, done.stderr  # the example reserves do not cover 30,000 BTC
    assert root["totals"]["BTC"] in done.stdout and "under-reserved" in done.stdout and "…" not in done.stdout


# ------------------------------------------------------------------------------------ --json errors (issue 13)


def _commands_with_json(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands_with_json(command, (*prefix, name))
        elif any("--json" in p.opts for p in command.params if isinstance(p, click.Option)):
            yield (*prefix, name)


@pytest.mark.parametrize("command", list(_commands_with_json(cli)), ids=" ".join)
def test_with_json_a_usage_error_is_a_json_object(command: tuple[str, ...], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*command, str(tmp_path / "missing.json"), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"error": json.loads(result.stdout)["error"], "exit_code": 2}


def test_with_json_bad_input_is_a_json_object_naming_the_file(snap: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "por-proof", "version": 1}')
    result = invoke("verify", bad, "--root", snap / "snap" / "public" / "root.json", "--json")
    error = json.loads(result.stdout)
    assert result.exit_code == 2 and error["exit_code"] == 2 and str(bad) in error["error"]
    plain = invoke("verify", bad, "--root", snap / "snap" / "public" / "root.json")
    assert plain.exit_code == 2 and plain.stdout == "" and plain.stderr.startswith("error: ")


# ----------------------------------------------------------------------------------------- smaller (issue 13)


def test_solvency_refuses_a_zero_knowledge_proof_for_a_plain_root(snap: Path) -> None:
    result = invoke("solvency", snap / "snap" / "public" / "root.json", "--reserves", EXAMPLE_RESERVES,
                    "--proof", snap / "u1.json")
    assert result.exit_code == 2 and "--proof is for private-mode roots" in result.output
