"""The same partitioned build on a real Dask cluster (LocalCluster, worker processes on loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import distributed
import pytest

from por.errors import InputError
from por.plain.build import build_plain
from por.plain.partitioned import build_partitioned
from por.scale.engine import DaskEngine, open_engine
from por.synthetic import synthetic_balances
from tests.test_scale_build import (
    ROUND,
    KillingEngine,
    assert_same_snapshot,
    decimals_of,
    split_input,
    write_secret_file,
)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=3, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=":0", silence_logs=40) as local:
        yield local


def test_cluster_build_is_byte_identical_to_single_process_build(cluster, tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 2500, [10, 900, 1800])
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, workers=1)
    engine = open_engine(cluster.scheduler_address)
    try:
        assert isinstance(engine, DaskEngine) and engine.workers == 3
        build_partitioned(tmp_path / "in", tmp_path / "dask", engine=engine, decimals=decimals_of(tokens),
                          secret_path=secret, round_id=ROUND, partition_bits_override=4)
    finally:
        engine.close()
    assert_same_snapshot(tmp_path / "one", tmp_path / "dask", secret, ids)


def test_worker_killed_mid_build_is_recovered_without_corrupting_the_output(cluster, tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = split_input(tmp_path / "in", 1500, [500, 1000])
    build_plain(tokens, ids, amounts, tmp_path / "one", secret_path=secret, round_id=ROUND, workers=1)
    engine = KillingEngine(DaskEngine(cluster.scheduler_address), part=2, marker=tmp_path / "killed")
    try:
        build_partitioned(tmp_path / "in", tmp_path / "dask", engine=engine, decimals=decimals_of(tokens),
                          secret_path=secret, round_id=ROUND, partition_bits_override=3)
    finally:
        engine.close()
    assert (tmp_path / "killed").read_text() == "killed"  # the worker really died once
    assert_same_snapshot(tmp_path / "one", tmp_path / "dask", secret, ids)
    assert not list((tmp_path / "dask").rglob("*.tmp"))  # the dead worker's partial file was not taken


def test_bad_input_on_the_cluster_is_one_input_error(cluster, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "1.csv").write_text("user_id,BTC\nalice,1\n")
    (tmp_path / "in" / "2.csv").write_text("user_id,BTC\nbob,x\n")
    engine = DaskEngine(cluster.scheduler_address)
    try:
        with pytest.raises(InputError, match=r"2\.csv, row 2, field 'BTC'"):
            build_partitioned(tmp_path / "in", tmp_path / "out", engine=engine, round_id=ROUND)
    finally:
        engine.close()


def test_scheduler_address_must_be_tcp_or_tls() -> None:
    with pytest.raises(InputError, match="must start with tcp:// or tls://"):
        DaskEngine("http://127.0.0.1:8786")


def test_unreachable_scheduler_is_one_input_error() -> None:
    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskEngine("tcp://127.0.0.1:9", timeout=1)


def test_private_prove_all_on_the_cluster_writes_verifiable_proofs(cluster, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from por.cli import cli
    from por.private.build import build_private

    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = synthetic_balances(5, seed=4)
    build_private(tokens[:2], ids, amounts[:, :2], tmp_path / "snap", secret_path=secret, round_id=ROUND, workers=1)
    runner = CliRunner()
    made = runner.invoke(cli, ["prove", str(tmp_path / "snap"), "--all", "--out", str(tmp_path / "all.bundle"),
                               "--secret", str(secret), "--scheduler", cluster.scheduler_address])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli, ["verify", str(tmp_path / "all.bundle"), "--root", str(tmp_path / "snap" / "public" / "root.json"),
                                  "--json"])
    assert checked.exit_code == 0, checked.output
    assert len(json.loads(checked.output)) == 5
