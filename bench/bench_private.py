"""Private-mode figures: user-proof verification (fast and pure backends) and proof size at capacity 2^20 with
10 tokens (a sparse tree: what matters is the path length 20 and T = 10; the proof is the binary container as
written to disk), node range-proving throughput on all cores, a full snapshot (build + every node proof + every
user proof) at 1,000 users × 5 tokens (a few minutes), and the full 100k-user × 5-token snapshot.

``private_snapshot_100k_5t_s`` takes HOURS (≈ 2·N·T = 10^6 range-proved values at ~35 values/s on 2 cores ≈ 8 h):
it runs only when its name is given on the command line (``python bench/run.py private_snapshot_100k_5t_s``),
never as part of "all figures"."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from circuits import generators, pedersen  # noqa: E402
from por.amounts import Token  # noqa: E402
from por.private.build import build_private  # noqa: E402
from por.private.prove import prove_all_nodes, prove_private_all, write_private_user_proof  # noqa: E402
from por.private.verify import verify_private  # noqa: E402
from por.secretfile import generate_secret, write_secret  # noqa: E402
from por.snapshot_store import Snapshot  # noqa: E402

NAMES = ["private_verify_ms", "private_verify_pure_s", "private_proof_kb", "private_values_per_s",
         "private_snapshot_1k_5t_s", "private_snapshot_100k_5t_s"]
HOURS_LONG = "private_snapshot_100k_5t_s"
PATH_FIGURES = {"private_verify_ms", "private_verify_pure_s", "private_proof_kb"}


def _snapshot(tmp: Path, users: int, tokens: int, capacity: int, name: str) -> Snapshot:
    secret = tmp / f"{name}.secret"
    if not secret.exists():
        write_secret(secret, generate_secret())
    rng = np.random.default_rng(1)
    amounts = rng.integers(0, 10**12, size=(users, tokens), dtype=np.uint64)
    ids = pa.array([f"user-{i}" for i in range(users)], pa.large_string())
    build_private([Token(f"T{t}", 8) for t in range(tokens)], ids, amounts, tmp / name, secret_path=secret,
                  round_id="bench", pad_to=capacity, workers=os.cpu_count())
    return Snapshot(tmp / name, secret_path=secret)


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="por-bench-private-") as tmp_dir:
        tmp = Path(tmp_dir)
        if names & PATH_FIGURES:
            tokens, capacity = (2, 1 << 8) if quick else (10, 1 << 20)
            snapshot = _snapshot(tmp, 3, tokens, capacity, "path")
            path = tmp / "proof.porp"
            write_private_user_proof(snapshot, "user-1", path)  # makes the 20 node proofs (cached; not timed)
            if "private_proof_kb" in names:
                yield "private_proof_kb", path.stat().st_size / 1000, "kB (binary container v2)"
            document = path.read_bytes()
            if "private_verify_ms" in names:
                verify_private(document, snapshot.root, user_id="user-1", backend="fast")  # warm generator caches
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    verdict = verify_private(document, snapshot.root, user_id="user-1", backend="fast")
                    times.append(time.perf_counter() - start)
                    assert verdict.valid
                yield "private_verify_ms", float(np.median(times)) * 1000, "ms"
            if "private_verify_pure_s" in names:
                generators.clear_cache()  # cold: every repeat derives the generators again
                pedersen.clear_tables()
                start = time.perf_counter()
                verdict = verify_private(document, snapshot.root, user_id="user-1", backend="pure")
                assert verdict.valid
                yield "private_verify_pure_s", time.perf_counter() - start, "s (cold, includes generator setup)"
        if "private_values_per_s" in names:
            users, tokens = (8, 2) if quick else (64, 5)
            snapshot = _snapshot(tmp, users, tokens, 0, "throughput")
            start = time.perf_counter()
            nodes = prove_all_nodes(snapshot)
            yield "private_values_per_s", nodes * tokens / (time.perf_counter() - start), "values/s (all cores)"
        if "private_snapshot_1k_5t_s" in names:
            yield "private_snapshot_1k_5t_s", _full_snapshot(tmp, 100 if quick else 1000, "full-1k"), "s"
        if HOURS_LONG in names and HOURS_LONG in sys.argv[1:]:
            users = 2000 if quick else 100_000
            yield HOURS_LONG, _full_snapshot(tmp, users, "full-100k"), f"s ({users} users × 5 tokens)"


def _full_snapshot(tmp: Path, users: int, name: str) -> float:
    """Seconds to build a users × 5-token snapshot and write every user's proof (all node proofs made)."""
    start = time.perf_counter()
    snapshot = _snapshot(tmp, users, 5, 0, name)
    prove_private_all(snapshot, tmp / f"{name}.porb")
    return time.perf_counter() - start
