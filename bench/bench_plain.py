"""Plain-mode figures: build (CSV -> root.json) wall time and peak RSS, prove-all, verify one proof."""

from __future__ import annotations

import json
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
    "plain_prove_all_1m_s",
    "plain_verify_us",
]


def _build(users: int, out: Path) -> tuple[float, float]:
    csv = synthetic_csv(users, 10)
    return run_timed(["build", str(csv), "--out", str(out), "--round", "bench", "--secret", str(secret_file())])


def run(names: set[str], quick: bool):
    small = 20_000 if quick else 1_000_000
    big = 100_000 if quick else 10_000_000
    with tempfile.TemporaryDirectory(prefix="por-bench-") as tmp:
        out = Path(tmp) / "snap"
        if names & {"plain_build_1m_10t_s", "plain_build_1m_10t_rss_mb", "plain_prove_all_1m_s", "plain_verify_us"}:
            wall, rss = _build(small, out)
            yield "plain_build_1m_10t_s", wall, "s"
            yield "plain_build_1m_10t_rss_mb", rss, "MB"
            if "plain_prove_all_1m_s" in names:
                wall, _ = run_timed(["prove", str(out), "--all", "--out", str(Path(tmp) / "all.jsonl"),
                                     "--secret", str(secret_file())])
                yield "plain_prove_all_1m_s", wall, "s"
                (Path(tmp) / "all.jsonl").unlink()
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
