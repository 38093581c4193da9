"""Plain-mode figures: build (CSV -> root.json) wall time and peak RSS, prove-all, verify one proof.

``plain_prove_all_1m_s`` / ``_rss_mb`` run ``por prove --all`` on every core; the peak RSS is that of the largest
process (each worker holds about one unit of users, so it does not grow with N). With ``POR_BENCH_BASELINE=DIR``
(a source tree, e.g. ``git archive main | tar -x -C DIR``) the same snapshot is also proved by that tree's por,
alternating, as ``plain_prove_all_1m_baseline_s`` / ``_baseline_rss_mb``: before and after side by side under the
same load. The snapshot is then built by the baseline, so that both versions can read it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import run_timed, secret_file, synthetic_csv

NAMES = [
    "plain_build_1m_10t_s",
    "plain_build_1m_10t_rss_mb",
    "plain_build_10m_10t_s",
    "plain_build_10m_10t_rss_mb",
    "plain_prove_all_1m_baseline_s",
    "plain_prove_all_1m_baseline_rss_mb",
    "plain_prove_all_1m_s",
    "plain_prove_all_1m_rss_mb",
    "plain_verify_us",
]
PROVE_ALL = {"plain_prove_all_1m_s", "plain_prove_all_1m_rss_mb", "plain_prove_all_1m_baseline_s",
             "plain_prove_all_1m_baseline_rss_mb"}


def _baseline() -> Path | None:
    source = os.environ.get("POR_BENCH_BASELINE")
    return Path(source) if source else None


def _build(users: int, out: Path, source: Path | None = None) -> tuple[float, float]:
    csv = synthetic_csv(users, 10)
    return run_timed(["build", str(csv), "--out", str(out), "--round", "bench", "--secret", str(secret_file())],
                     source)


def _prove_all(snapshot: Path, out: Path, source: Path | None = None) -> tuple[float, float]:
    try:
        return run_timed(["prove", str(snapshot), "--all", "--out", str(out), "--secret", str(secret_file())], source)
    finally:
        out.unlink(missing_ok=True)  # gigabytes


def run(names: set[str], quick: bool):
    small = 20_000 if quick else 1_000_000
    big = 100_000 if quick else 10_000_000
    baseline = _baseline()
    with tempfile.TemporaryDirectory(prefix="por-bench-") as tmp:
        out = Path(tmp) / "snap"
        if names & {"plain_build_1m_10t_s", "plain_build_1m_10t_rss_mb", "plain_verify_us"} | PROVE_ALL:
            source = baseline if names & PROVE_ALL else None
            wall, rss = _build(small, out, source)
            if source is None:  # a baseline's build is not this tree's figure
                yield "plain_build_1m_10t_s", wall, "s"
                yield "plain_build_1m_10t_rss_mb", rss, "MB"
            if baseline is not None and names & {"plain_prove_all_1m_baseline_s", "plain_prove_all_1m_baseline_rss_mb"}:
                wall, rss = _prove_all(out, Path(tmp) / "all.jsonl", baseline)
                yield "plain_prove_all_1m_baseline_s", wall, "s"
                yield "plain_prove_all_1m_baseline_rss_mb", rss, "MB"
            if names & {"plain_prove_all_1m_s", "plain_prove_all_1m_rss_mb"}:
                wall, rss = _prove_all(out, Path(tmp) / "all.jsonl")
                yield "plain_prove_all_1m_s", wall, "s"
                yield "plain_prove_all_1m_rss_mb", rss, "MB"
            if "plain_verify_us" in names:
                yield "plain_verify_us", _verify_us(out), "us"
        if names & {"plain_build_10m_10t_s", "plain_build_10m_10t_rss_mb"}:
            shutil.rmtree(out, ignore_errors=True)
            wall, rss = _build(big, out)
            yield "plain_build_10m_10t_s", wall, "s"
            yield "plain_build_10m_10t_rss_mb", rss, "MB"


def _verify_us(snapshot_dir: Path) -> float:
    from por.plain.prove import prove_user
    from por.plain.verify import verify_plain
    from por.snapshot import read_root
    from por.snapshot_store import Snapshot

    snapshot = Snapshot(snapshot_dir, secret_path=secret_file())
    root = read_root(snapshot_dir)
    user = snapshot.users.column("user_id")[123].as_py()
    proof = json.loads(json.dumps(prove_user(snapshot, user)))
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        assert verify_plain(proof, root, user_id=user).valid
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6
