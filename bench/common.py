"""Shared bench helpers: cached synthetic inputs and timing a command in a fresh process (wall time, peak RSS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("POR_BENCH_CACHE", Path(__file__).resolve().parents[1] / ".bench"))
SECRET_HEX = "5e1f0c2b3a4d69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1aa"


def synthetic_csv(users: int, token_count: int) -> Path:
    """A cached native CSV of ``users`` × ``token_count`` heavy-tailed balances."""
    from por.amounts import Token
    from por.ingest import write_native_csv
    from por.ingest.balances import Balances
    from por.synthetic import synthetic_balances

    path = CACHE / f"users-{users}-{token_count}t.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tokens = [Token(f"TOK{i}", 8) for i in range(token_count)]
        chunk = 1_000_000
        parts = []
        for start in range(0, users, chunk):
            n = min(chunk, users - start)
            toks, ids, amounts = synthetic_balances(n, tokens, seed=start)
            import pyarrow as pa

            ids = pa.array([f"user-{i:09d}" for i in range(start, start + n)])
            part = path.with_suffix(f".part{start}")
            write_native_csv(part, Balances(tokens=toks, user_ids=ids, amounts=amounts, source=str(part)))
            parts.append(part)
        with open(path.with_suffix(".tmp"), "wb") as out:
            for i, part in enumerate(parts):
                with open(part, "rb") as handle:
                    if i:
                        handle.readline()  # header only once
                    while block := handle.read(1 << 24):
                        out.write(block)
                part.unlink()
        path.with_suffix(".tmp").rename(path)
    return path


def secret_file() -> Path:
    path = CACHE / "secret.hex"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(SECRET_HEX)
    path.chmod(0o600)
    return path


_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run_timed(args: list[str], source: Path | None = None) -> tuple[float, float]:
    """Run ``python -m por ARGS`` under a fresh wrapper process; (wall seconds, peak RSS in MB of the largest of
    that command's processes). The wrapper keeps earlier runs out of the peak. ``source``: run the por package of
    another source tree instead (e.g. ``git archive main`` unpacked), for before/after figures in one run."""
    env = None if source is None else {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "por", *args], check=True,
                          capture_output=True, text=True, env=env)
    wall, peak_kb = done.stdout.split()
    return float(wall), int(peak_kb) / 1024
