"""Ingestion figures: ``load_balances`` on a native CSV of N users × 10 tokens (wall time and peak RSS).

Each figure runs in a fresh Python process so the peak RSS belongs to the parse alone; the time excludes
interpreter start-up and imports. The input is generated once (vectorised) and cached under ``.bench/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("POR_BENCH_CACHE", ROOT / ".bench"))
TOKENS = 10
SIZES = {"1m": 1_000_000, "10m": 10_000_000}
NAMES = [f"ingest_{size}_10t_{unit}" for size in SIZES for unit in ("s", "rss_mb")]
QUICK_USERS = 100_000

_MEASURE = """
import json, resource, sys, time
from por.ingest import load_balances
started = time.perf_counter()
balances = load_balances(sys.argv[1])
seconds = time.perf_counter() - started
assert balances.amounts.shape == (int(sys.argv[2]), int(sys.argv[3]))
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def input_csv(users: int, tokens: int = TOKENS) -> Path:
    """A cached native CSV: ids ``user000000001``, amounts with 0-8 decimals and a heavy tail (some zeros)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from por.ingest.write import decimal_strings

    path = CACHE / f"ingest-{users}-{tokens}t.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(users)
    partial = path.with_suffix(".tmp")
    with open(partial, "wb") as out:
        out.write((",".join(["user_id", *(f"TOK{i}" for i in range(tokens))]) + "\n").encode())
        for start in range(0, users, 1_000_000):
            rows = min(1_000_000, users - start)
            ids = pa.array(np.char.add("user", np.char.zfill(np.arange(start, start + rows).astype(str), 9)))
            columns = [ids]
            for _ in range(tokens):
                units = (rng.pareto(1.2, rows) * 1e8).astype(np.uint64) * (rng.random(rows) > 0.2)
                columns.append(decimal_strings(units.astype(np.uint64) % np.uint64(10**16), 8))
            table = pa.table(columns, names=[f"c{i}" for i in range(tokens + 1)])
            pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"))
    partial.rename(path)
    return path


def measure(path: Path, users: int, tokens: int = TOKENS) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(users), str(tokens)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(result.stdout)


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    for size, users in SIZES.items():
        wanted = {f"ingest_{size}_10t_s", f"ingest_{size}_10t_rss_mb"} & names
        if not wanted:
            continue
        users = QUICK_USERS if quick else users
        figures = measure(input_csv(users), users)
        if f"ingest_{size}_10t_s" in wanted:
            yield f"ingest_{size}_10t_s", figures["seconds"], "s"
        if f"ingest_{size}_10t_rss_mb" in wanted:
            yield f"ingest_{size}_10t_rss_mb", figures["rss_mb"], "MB"
