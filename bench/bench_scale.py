"""Scale-out figures: partitioned plain build with 1 vs 2 local workers, private node proofs per worker."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from common import CACHE, run_timed, secret_file, synthetic_csv

NAMES = [
    "plain_build_10m_10t_1w_s",
    "plain_build_10m_10t_2w_s",
    "plain_build_10m_10t_2w_speedup",
    "private_values_per_s_per_worker",
]
PARTITION_FILES = 16


def partitioned_csv(users: int, tokens: int, files: int = PARTITION_FILES) -> Path:
    """The cached synthetic CSV cut into ``files`` partition files of consecutive rows (cached too)."""
    source = synthetic_csv(users, tokens)
    target = CACHE / f"users-{users}-{tokens}t-{files}parts"
    if target.exists():
        return target
    tmp = target.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    per_file = -(-users // files)
    with open(source, "rb") as handle:
        header = handle.readline()
        for number in range(files):
            with open(tmp / f"part-{number:04d}.csv", "wb") as out:
                out.write(header)
                for _ in range(per_file):
                    line = handle.readline()
                    if not line:
                        break
                    out.write(line)
    tmp.rename(target)
    return target


def _plain(users: int, workers: int, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    wall, _ = run_timed(["build", str(partitioned_csv(users, 10)), "--out", str(out), "--round", "bench",
                         "--secret", str(secret_file()), "--workers", str(workers)])
    return wall


def _private_values_per_s_per_worker(tmp: Path, quick: bool, workers: int = 2) -> float:
    """Range-proved values per second per worker when group proofs (K = 4, 4 tokens) run as engine tasks."""
    from por.private.build import build_private
    from por.private.rangeproofs import needed_groups
    from por.private.tasks import prove_groups
    from por.private.tree import stored_tree
    from por.scale.engine import LocalEngine
    from por.snapshot_store import Snapshot
    from por.synthetic import synthetic_balances

    tokens, ids, amounts = synthetic_balances(256, seed=1)
    tokens, amounts = tokens[:4], amounts[:, :4]
    snap = tmp / "private"
    build_private(tokens, ids, amounts, snap, secret_path=secret_file(), round_id="bench", workers=1, force=True)
    groups = needed_groups(stored_tree(Snapshot(snap, secret_path=secret_file())).shape)[: 8 if quick else 48]
    started = time.perf_counter()
    prove_groups(LocalEngine(workers), snap, secret_file(), groups, batch_nodes=4)
    wall = time.perf_counter() - started
    return len(groups) * 4 * len(tokens) / wall / workers


def run(names: set[str], quick: bool):
    users = 200_000 if quick else 10_000_000
    with tempfile.TemporaryDirectory(prefix="por-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        if names & {"plain_build_10m_10t_1w_s", "plain_build_10m_10t_2w_s", "plain_build_10m_10t_2w_speedup"}:
            one = _plain(users, 1, tmp / "snap")
            two = _plain(users, 2, tmp / "snap")
            yield "plain_build_10m_10t_1w_s", one, "s"
            yield "plain_build_10m_10t_2w_s", two, "s"
            yield "plain_build_10m_10t_2w_speedup", one / two, "x"
        if "private_values_per_s_per_worker" in names:
            yield "private_values_per_s_per_worker", _private_values_per_s_per_worker(tmp, quick), "values/s"
