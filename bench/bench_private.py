"""Private-mode figures: user-proof verification (fast and pure backends) and proof size at capacity 2^20 with
10 tokens (a sparse tree: what matters is the path length 20 and T = 10), node range-proving throughput on all
cores, and (only when named) a full 100k-user × 5-token snapshot with every proof."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from por.amounts import Token  # noqa: E402
from por.files import write_json  # noqa: E402
from por.private.build import build_private  # noqa: E402
from por.private.prove import prove_all_nodes, prove_private_all, prove_private_user  # noqa: E402
from por.private.verify import verify_private  # noqa: E402
from por.secretfile import generate_secret, write_secret  # noqa: E402
from por.snapshot_store import Snapshot  # noqa: E402

NAMES = ["private_verify_ms", "private_verify_pure_s", "private_proof_kb", "private_values_per_s",
         "private_snapshot_100k_5t_s"]
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
            proof = prove_private_user(snapshot, "user-1")  # makes the 20 node proofs (cached; not timed)
            path = tmp / "proof.json"
            write_json(path, proof)
            if "private_proof_kb" in names:
                yield "private_proof_kb", path.stat().st_size / 1000, "kB"
            document = json.loads(path.read_text())
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
        if "private_snapshot_100k_5t_s" in names:
            users = 2000 if quick else 100_000
            start = time.perf_counter()
            snapshot = _snapshot(tmp, users, 5, 0, "full")
            prove_private_all(snapshot, tmp / "all.jsonl")
            yield "private_snapshot_100k_5t_s", time.perf_counter() - start, f"s ({users} users × 5 tokens)"
