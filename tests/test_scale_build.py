"""Partitioned builds on the local process pool: byte-identical to the one-process build, and every bad input refused."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from por.amounts import Token
from por.cli import cli
from por.errors import InputError
from por.ingest import DecimalsSpec, write_native_csv
from por.ingest.balances import Balances
from por.plain.audit import audit_plain
from por.plain.build import build_plain
from por.plain.partition_task import PartitionTask
from por.plain.partitioned import build_partitioned
from por.plain.prove import prove_user, write_all_proofs
from por.scale.engine import EngineError, LocalEngine
from por.scale.idhash import id_buckets, id_hashes
from por.scale.inputs import input_files
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances

SECRET_HEX = "8f4b1c2d3e5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
ROUND = "2026-11-R1"


def write_secret_file(directory: Path) -> Path:
    path = directory / "secret.hex"
    path.write_text(SECRET_HEX + "\n")
    path.chmod(0o600)
    return path


def split_input(directory: Path, users: int, cuts: list[int], seed: int = 5) -> tuple[list[Token], pa.Array, np.ndarray]:
    """Write users [cuts[i], cuts[i+1]) to directory/part-<i>.csv; return the whole input."""
    tokens, ids, amounts = synthetic_balances(users, seed=seed)
    directory.mkdir(parents=True)
    bounds = [0, *cuts, users]
    for number, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        write_native_csv(directory / f"part-{number:03d}.csv", Balances(tokens, ids.slice(lo, hi - lo), amounts[lo:hi], ""))
    return tokens, ids, amounts


def decimals_of(tokens: list[Token]) -> DecimalsSpec:
    return DecimalsSpec(per_token={t.symbol: t.decimals for t in tokens})


def assert_same_snapshot(expected: Path, actual: Path, secret: Path, ids: pa.Array) -> None:
    """Same root.json bytes, same single proofs and the same bytes for every user's proof."""
    assert (actual / "public" / "root.json").read_bytes() == (expected / "public" / "root.json").read_bytes()
    one, two = Snapshot(expected, secret_path=secret), Snapshot(actual, secret_path=secret)
    for index in (0, len(ids) // 2, len(ids) - 1):
        user = ids[index].as_py()
        assert prove_user(two, user) == prove_user(one, user)
    write_all_proofs(one, expected.parent / f"{expected.name}.jsonl")
    write_all_proofs(two, actual.parent / f"{actual.name}.jsonl")
    assert (actual.parent / f"{actual.name}.jsonl").read_bytes() == (expected.parent / f"{expected.name}.jsonl").read_bytes()


@pytest.mark.parametrize("partition_bits", [0, 3, 6])
def test_directory_build_is_byte_identical_to_single_process_build(tmp_path: Path, partition_bits: int) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 3000, [1, 700, 701, 2222])  # partitions cross file edges
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, workers=1)
    build_partitioned(tmp_path / "in", tmp_path / "many", engine=LocalEngine(2), decimals=decimals_of(tokens),
                      secret_path=secret, round_id=ROUND, partition_bits_override=partition_bits)
    assert_same_snapshot(tmp_path / "one", tmp_path / "many", secret, ids)
    leftovers = [p.name for p in (tmp_path / "many").rglob("*") if p.name.startswith(".")]
    assert leftovers == []  # no staging, work or temporary files are published


def test_padded_build_with_blocks_spanning_partitions_matches(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 900, [300, 600])
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, pad_to=1 << 17, workers=1)
    build_partitioned(tmp_path / "in", tmp_path / "many", engine=LocalEngine(2), decimals=decimals_of(tokens),
                      secret_path=secret, round_id=ROUND, pad_to=1 << 17, partition_bits_override=4)
    assert (tmp_path / "many" / "public" / "root.json").read_bytes() == (tmp_path / "one" / "public" / "root.json").read_bytes()
    snapshot = Snapshot(tmp_path / "many", secret_path=secret)
    assert prove_user(snapshot, ids[899].as_py()) == prove_user(Snapshot(tmp_path / "one", secret_path=secret),
                                                                 ids[899].as_py())


def test_audit_of_a_partitioned_snapshot_passes_with_the_concatenated_export(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 500, [250])
    write_native_csv(tmp_path / "all.csv", Balances(tokens, ids, amounts, ""))
    build_partitioned(tmp_path / "in", tmp_path / "snap", engine=LocalEngine(1), decimals=decimals_of(tokens),
                      secret_path=secret, round_id=ROUND, partition_bits_override=2)
    report = audit_plain(tmp_path / "all.csv", tmp_path / "snap" / "public" / "root.json", secret, workers=1)
    assert report.ok


def test_cli_builds_a_directory_and_proves_from_it(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 400, [100, 200])
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, workers=1)
    args = ["build", str(tmp_path / "in"), "--out", str(tmp_path / "cli"), "--round", ROUND, "--secret", str(secret),
            "--workers", "2", *[f"--decimals={t.symbol}={t.decimals}" for t in tokens]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "public" / "root.json").read_bytes() == (tmp_path / "one" / "public" / "root.json").read_bytes()
    proved = CliRunner().invoke(cli, ["prove", str(tmp_path / "cli"), "--user", ids[123].as_py(), "--secret", str(secret)])
    assert proved.exit_code == 0 and f'"leaf_index": {Snapshot(tmp_path / "one", secret_path=secret).slot_of(ids[123].as_py())}' in proved.output


def test_duplicate_id_across_files_names_both_files_and_rows(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = synthetic_balances(60, seed=2)
    ids = pa.array([*ids.to_pylist()[:45], ids[3].as_py(), *ids.to_pylist()[46:]], type=pa.large_string())
    (tmp_path / "in").mkdir()
    write_native_csv(tmp_path / "in" / "a.csv", Balances(tokens, ids.slice(0, 30), amounts[:30], ""))
    write_native_csv(tmp_path / "in" / "b.csv", Balances(tokens, ids.slice(30), amounts[30:], ""))
    with pytest.raises(InputError) as error:
        build_partitioned(tmp_path / "in", tmp_path / "out", engine=LocalEngine(2), decimals=decimals_of(tokens),
                          secret_path=secret, round_id=ROUND)
    message = str(error.value)
    assert "b.csv, row 17, field 'user_id': duplicate user id" in message  # 16th user of b.csv, header = row 1
    assert f"first seen in {tmp_path / 'in' / 'a.csv'} row 5" in message
    assert not (tmp_path / "out").exists()  # nothing half-written, not even the directory
    assert not list(tmp_path.glob(".out.staging-*"))


def test_cli_exits_2_with_one_sentence_on_a_duplicate_across_files(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "1.csv").write_text("user_id,BTC\nalice,1\nbob,2\n")
    (tmp_path / "in" / "2.csv").write_text("user_id,BTC\ncarol,1\nalice,3\n")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 2
    assert "2.csv, row 3, field 'user_id': duplicate user id 'alice'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out" / "public" / "root.json").exists()


def test_bad_amount_in_one_partition_file_names_that_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "1.csv").write_text("user_id,BTC\nalice,1\n")
    (tmp_path / "in" / "2.csv").write_text("user_id,BTC\nbob,1\ncarol,-2\n")
    with pytest.raises(InputError, match=r"2\.csv, row 3, field 'BTC'"):
        build_partitioned(tmp_path / "in", tmp_path / "out", engine=LocalEngine(2), round_id=ROUND)


def test_files_with_different_tokens_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "1.csv").write_text("user_id,BTC,ETH\nalice,1,2\n")
    (tmp_path / "in" / "2.csv").write_text("user_id,ETH,BTC\nbob,1,2\n")
    with pytest.raises(InputError, match=r"2\.csv: has tokens .* all partition files need the same tokens"):
        build_partitioned(tmp_path / "in", tmp_path / "out", engine=LocalEngine(1), round_id=ROUND)


def test_totals_reaching_2_64_over_all_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    half = 2**63
    (tmp_path / "in" / "1.csv").write_text(f"id,liability\nalice,{half}\n")
    (tmp_path / "in" / "2.csv").write_text(f"id,liability\nbob,{half - 1}\ncarol,1\n")
    with pytest.raises(InputError, match=r"field 'LIABILITY': the total of token 'LIABILITY' over all files .* 2\^64"):
        build_partitioned(tmp_path / "in", tmp_path / "out", engine=LocalEngine(1), round_id=ROUND)


def test_empty_input_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".hidden.csv").write_text("user_id,BTC\nalice,1\n")
    with pytest.raises(InputError, match="no input files"):
        build_partitioned(tmp_path / "in", tmp_path / "out", engine=LocalEngine(1), round_id=ROUND)


def test_input_files_are_taken_in_sorted_name_order_without_hidden_files(tmp_path: Path) -> None:
    for name in ("b.csv", "a10.csv", "a2.csv", ".tmp.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in input_files(tmp_path)] == ["a10.csv", "a2.csv", "b.csv"]


def test_id_hash_depends_only_on_the_id_bytes() -> None:
    ids = pa.array(["a", "b", "ab", "ba", "ü", "user-000000001", "x" * 1024], type=pa.large_string())
    whole = id_hashes(ids)
    assert len(set(whole.tolist())) == len(ids)
    assert np.array_equal(id_hashes(ids.slice(2, 4)), whole[2:6])  # same id, same hash, wherever it sits
    assert np.array_equal(id_hashes(pa.array(["ba", "a"])), whole[[3, 0]])
    buckets = id_buckets(pa.array([f"user-{i}" for i in range(40_000)]), 4)
    assert buckets.min() == 0 and buckets.max() == 15 and np.bincount(buckets).min() > 2000  # spread evenly


def kill_first_run_of(fn, part: int, marker: Path):
    """Wrap a task so that the first execution of partition ``part`` leaves a partial temp file and kills its process."""

    def task(item):
        if isinstance(item, PartitionTask) and item.part == part and not marker.exists():
            marker.write_text("killed")
            Path(item.out_dir, f".part-{part}.hashes.npy.partial.tmp").write_bytes(b"\x93NUMPY half")
            os._exit(17)
        return fn(item)

    return task


class KillingEngine:
    """Runs tasks on ``inner`` but kills the worker of one partition task the first time it runs."""

    def __init__(self, inner, part: int, marker: Path) -> None:
        self.inner, self.part, self.marker = inner, part, marker

    @property
    def workers(self) -> int:
        return self.inner.workers

    def map(self, fn, items):
        return self.inner.map(kill_first_run_of(fn, self.part, self.marker), items)

    def close(self) -> None:
        self.inner.close()


def test_local_engine_reruns_the_tasks_of_a_dead_worker(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 1200, [400, 800])
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, workers=1)
    engine = KillingEngine(LocalEngine(2), part=3, marker=tmp_path / "killed")
    build_partitioned(tmp_path / "in", tmp_path / "many", engine=engine, decimals=decimals_of(tokens),
                      secret_path=secret, round_id=ROUND, partition_bits_override=3)
    assert (tmp_path / "killed").exists()
    assert_same_snapshot(tmp_path / "one", tmp_path / "many", secret, ids)
    assert not list((tmp_path / "many").rglob("*.tmp"))


def test_local_engine_gives_up_when_a_task_always_kills_its_worker() -> None:
    def always_dies(item: int) -> int:
        if item == 2:
            os._exit(3)
        return item

    with pytest.raises(EngineError, match="kept dying"):
        LocalEngine(2, retries=1).map(always_dies, [0, 1, 2, 3])
    assert LocalEngine(2).map(lambda x: x * x, list(range(7))) == [0, 1, 4, 9, 16, 25, 36]


def test_id_hash_matches_the_spec_vectors() -> None:
    expected = [17508005127702757215, 8777055843625058441, 14426668954780592525, 1692382774910644236]
    assert id_hashes(pa.array(["a", "b", "ab", "ba"])).tolist() == expected


def test_partitions_without_any_user_are_built_and_proved(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 3, [1])  # 3 users in 2**17 slots, 64 partitions
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, pad_to=1 << 17, workers=1)
    build_partitioned(tmp_path / "in", tmp_path / "many", engine=LocalEngine(2), decimals=decimals_of(tokens),
                      secret_path=secret, round_id=ROUND, pad_to=1 << 17, partition_bits_override=6)
    assert_same_snapshot(tmp_path / "one", tmp_path / "many", secret, ids)
