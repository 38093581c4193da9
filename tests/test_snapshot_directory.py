"""The snapshot directory: public/ holds exactly what may be published, operator/ (0700) the secret and the state;
an existing snapshot is never replaced silently; an interrupted build leaves nothing behind."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from por.cli import cli

ROWS = "user_id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,0\ncarol,42,1000.1234\n"


def _build(tmp_path: Path, *extra: str):
    data = tmp_path / "users.csv"
    data.write_text(ROWS)
    return CliRunner().invoke(cli, ["build", str(data), "--out", str(tmp_path / "snap"), "--round", "R1", *extra])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_public_holds_only_root_json_and_operator_holds_the_secret_0600(tmp_path: Path) -> None:
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    snap = tmp_path / "snap"
    assert sorted(p.name for p in snap.iterdir()) == ["operator", "public"]
    assert sorted(p.name for p in (snap / "public").iterdir()) == ["root.json"]
    assert _mode(snap / "operator") == 0o700
    secret = snap / "operator" / "master-secret.hex"
    assert _mode(secret) == 0o600
    assert secret.read_text().strip() not in result.output
    assert "public" in result.output and "never" not in result.output.lower() or "operator" in result.output


def test_build_refuses_to_replace_a_signed_snapshot_without_force(tmp_path: Path) -> None:
    assert _build(tmp_path).exit_code == 0
    root_file = tmp_path / "snap" / "public" / "root.json"
    signed = json.loads(root_file.read_text()) | {"signatures": [{"scheme": "bls12381-pop"}]}
    root_file.write_text(json.dumps(signed))
    before = root_file.read_bytes()

    again = _build(tmp_path)
    assert again.exit_code == 2
    assert "already holds a published snapshot" in again.output and "signed 1 time" in again.output
    assert "--force" in again.output and "Traceback" not in again.output
    assert root_file.read_bytes() == before

    forced = _build(tmp_path, "--force", "--round", "R2")
    assert forced.exit_code == 0, forced.output
    assert json.loads(root_file.read_text())["round"] == "R2"


def test_a_forced_rebuild_keeps_the_master_secret(tmp_path: Path) -> None:
    assert _build(tmp_path).exit_code == 0
    secret = (tmp_path / "snap" / "operator" / "master-secret.hex").read_text()
    assert _build(tmp_path, "--force").exit_code == 0
    assert (tmp_path / "snap" / "operator" / "master-secret.hex").read_text() == secret


def test_build_refuses_a_symlinked_operator_directory(tmp_path: Path) -> None:
    (tmp_path / "snap").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "snap" / "operator").symlink_to(tmp_path / "elsewhere")
    result = _build(tmp_path)
    assert result.exit_code == 2 and "symbolic link" in result.output and "Traceback" not in result.output
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_commands_accept_the_snapshot_directory_for_its_root(tmp_path: Path) -> None:
    assert _build(tmp_path).exit_code == 0
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "snap" / "public" / "root.json")])
    assert result.exit_code == 0
    from por.snapshot import read_root

    assert read_root(tmp_path / "snap")["round"] == "R1"


def test_a_snapshot_built_before_the_split_still_reads(tmp_path: Path) -> None:
    """root.json and master-secret.hex at the top of DIR (the layout before public/ and operator/)."""
    assert _build(tmp_path).exit_code == 0
    snap = tmp_path / "snap"
    os.replace(snap / "public" / "root.json", snap / "root.json")
    os.replace(snap / "operator" / "master-secret.hex", snap / "master-secret.hex")
    (snap / "public").rmdir()
    proof = CliRunner().invoke(cli, ["prove", str(snap), "--user", "alice"])
    assert proof.exit_code == 0, proof.output
    assert json.loads(proof.output)["round"] == "R1"


def test_ctrl_c_during_a_build_leaves_nothing_and_prints_one_line(tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it, while the forked workers are busy: one
    line on stderr (no worker traceback), no directory, no staging."""
    data = tmp_path / "users.csv"
    data.write_text(ROWS)
    script = textwrap.dedent(f"""
        import os, signal, time, sys
        import por.plain.tree as tree
        real = tree.build_partition
        def slow(*args, **kwargs):
            if os.getpid() != PARENT:
                time.sleep(30)
            return real(*args, **kwargs)
        PARENT = os.getpid()
        tree.build_partition = slow
        import threading
        real_pool = tree.fork_pool
        def pool_then_ctrl_c(workers):  # Ctrl-C once the workers are busy, however slow the machine
            pool = real_pool(workers)
            threading.Timer(0.5, lambda: os.killpg(os.getpgid(0), signal.SIGINT)).start()
            return pool
        tree.fork_pool = pool_then_ctrl_c
        from por.cli import main
        main(["build", {str(data)!r}, "--out", {str(tmp_path / "snap")!r}, "--workers", "2"])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          start_new_session=True)
    assert done.returncode == 130
    assert done.stderr.strip().splitlines() == ["error: interrupted: nothing was written or published."]
    assert not (tmp_path / "snap").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["users.csv"]
