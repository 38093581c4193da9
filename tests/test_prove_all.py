"""`por prove --all` in plain mode: every core, memory bounded by a unit of users, output byte-identical to one
process writing json.dumps(prove_user(...)) per line, in slot order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli import cli
from por.plain import prove
from por.plain.build import build_plain
from por.plain.prove import prove_user, write_all_proofs
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def four_partitions(tmp_path: Path, secret_file: Path) -> Snapshot:
    tokens, ids, amounts = synthetic_balances(300, seed=11)
    build_plain(tokens, ids, amounts, tmp_path / "snap", secret_path=secret_file, round_id="R", workers=4)
    return Snapshot(tmp_path / "snap", secret_path=secret_file)


def expected_lines(snapshot: Snapshot) -> list[str]:
    order = sorted(snapshot.users.to_pylist(), key=lambda row: row["slot"])
    return [json.dumps(prove_user(snapshot, row["user_id"]), separators=(",", ":"), ensure_ascii=False)
            for row in order]


def test_cli_prove_all_on_every_core_equals_one_process_byte_for_byte(four_partitions: Snapshot, tmp_path: Path,
                                                                      monkeypatch) -> None:
    monkeypatch.setattr(prove, "CHUNK_USERS", 7)  # 43 units, several per partition, some across partitions
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    secret = four_partitions.secret_path
    assert invoke("prove", four_partitions.dir, "--all", "--out", one, "--workers", "1", "--secret", secret).exit_code == 0
    result = invoke("prove", four_partitions.dir, "--all", "--out", many, "--workers", "3", "--secret", secret)
    assert result.exit_code == 0, result.output
    assert one.read_bytes() == many.read_bytes()
    assert many.read_text().splitlines() == expected_lines(four_partitions)
    assert "300 proofs written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.jsonl", "one.jsonl", "secret.hex", "snap"]


def test_units_are_bounded_by_the_chunk_not_by_the_user_count(four_partitions: Snapshot) -> None:
    writer = prove._AllProofs(four_partitions, chunk=16)
    assert max(u.stop - u.start for u in writer.units) == 16
    assert sum(u.stop - u.start for u in writer.units) == 300


def test_prove_all_of_a_scale_out_snapshot_reads_each_partitions_user_file(tmp_path: Path, secret_file: Path) -> None:
    from por.plain.partitioned import build_partitioned
    from por.scale.engine import LocalEngine

    parts = tmp_path / "parts"
    parts.mkdir()
    rows = [f"u{i},{i % 7}.5,{i}\n" for i in range(120)]
    (parts / "a.csv").write_text("user_id,BTC,ETH\n" + "".join(rows[:50]))
    (parts / "b.csv").write_text("user_id,BTC,ETH\n" + "".join(rows[50:]))
    build_partitioned(parts, tmp_path / "snap", engine=LocalEngine(2), secret_path=secret_file, round_id="R",
                      partition_bits_override=3)
    snapshot = Snapshot(tmp_path / "snap", secret_path=secret_file)
    assert len(snapshot.user_files) == 8
    assert write_all_proofs(snapshot, tmp_path / "all.jsonl", workers=2, chunk=5) == 120
    assert (tmp_path / "all.jsonl").read_text().splitlines() == expected_lines(snapshot)


def test_a_user_index_out_of_slot_order_is_refused_and_nothing_is_written(four_partitions: Snapshot,
                                                                         tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.feather as feather

    from por.errors import InputError

    index = four_partitions.operator / "users.arrow"
    table = feather.read_table(index)
    swapped = table.take(pa.array([1, 0, *range(2, len(table))]))
    feather.write_feather(swapped, index, compression="uncompressed")
    with pytest.raises(InputError, match="not in slot order"):
        write_all_proofs(Snapshot(four_partitions.dir, secret_path=four_partitions.secret_path),
                         tmp_path / "all.jsonl", workers=2, chunk=8)
    assert not (tmp_path / "all.jsonl").exists()


def test_ctrl_c_during_prove_all_leaves_no_output_and_prints_one_line(four_partitions: Snapshot,
                                                                      tmp_path: Path) -> None:
    """A worker sends SIGINT to the whole process group (as a terminal's Ctrl-C does) once it is busy: the parent
    reports one line and exits 130; no worker prints a traceback; no output or temporary file is left."""
    import subprocess
    import sys
    import textwrap

    out = tmp_path / "out"
    out.mkdir()
    script = textwrap.dedent(f"""
        import os, signal, time
        import por.plain.prove as prove
        real = prove._AllProofs.text
        def interrupted(self, unit):
            if os.getpid() != PARENT:
                os.killpg(os.getpgid(0), signal.SIGINT)
                time.sleep(30)
            return real(self, unit)
        PARENT = os.getpid()
        prove._AllProofs.text = interrupted
        prove.CHUNK_USERS = 16
        from por.cli import main
        main(["prove", {str(four_partitions.dir)!r}, "--all", "--out", {str(out / "all.jsonl")!r}, "--workers", "2",
              "--secret", {str(four_partitions.secret_path)!r}])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          start_new_session=True)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "error: interrupted: nothing was written or published."
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
