"""Private-mode figures (v3: K-ary tree, group range proofs, per-token widths).

- ``private_verify_ms`` / ``private_verify_pure_s`` / ``private_proof_kb``: one user's proof at capacity 2^20 with 10
  tokens at 64 bits (a sparse tree: what matters is the path, depth 10 at K = 4), verified with the fast backend
  (median of 5) and cold with the pure one; the ``_k8`` variants are the same at K = 8 (depth 7, capacity 2^21).
- ``private_group_prove_ms``: one group proof (K·T = 20 values of 64 bits) on one core; per value alongside.
- ``private_snapshot_2k_5t_s``: 2,000 users × 5 tokens at capacity 2^20, build + ``prove --all`` (every group proof
  and every user proof), wall time on all cores, 64-bit widths; ``private_user_tokens_per_s`` = N·T / that time;
  ``private_ms_per_value`` = total CPU time (all processes) / (N·T). ``_tight`` variants use each token's width =
  the bit length of its total (what ``--range-bits-from`` gives for reserves equal to the liabilities).
- ``private_snapshot_100k_5t_s`` (and ``_tight``): the same at 100,000 users — about an hour; it runs only when its
  name is given on the command line (``python bench/run.py private_snapshot_100k_5t_s``), never with "all".
"""

from __future__ import annotations

import os
import resource
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
from por.private.prove import prove_private_all, write_private_user_proof  # noqa: E402
from por.private.rangeproofs import prove_group  # noqa: E402
from por.private.tree import stored_tree  # noqa: E402
from por.private.verify import verify_private  # noqa: E402
from por.secretfile import generate_secret, write_secret  # noqa: E402
from por.snapshot_store import Snapshot  # noqa: E402

NAMES = ["private_verify_ms", "private_verify_pure_s", "private_proof_kb", "private_verify_ms_k8",
         "private_proof_kb_k8", "private_group_prove_ms", "private_snapshot_2k_5t_s", "private_user_tokens_per_s",
         "private_ms_per_value", "private_snapshot_2k_5t_tight_s", "private_snapshot_100k_5t_s",
         "private_snapshot_100k_5t_tight_s"]
HOURS_LONG = {"private_snapshot_100k_5t_s", "private_snapshot_100k_5t_tight_s"}
PATH_FIGURES = {"private_verify_ms", "private_verify_pure_s", "private_proof_kb"}
K8_FIGURES = {"private_verify_ms_k8", "private_proof_kb_k8"}
SNAPSHOT_2K = {"private_snapshot_2k_5t_s", "private_user_tokens_per_s", "private_ms_per_value"}


def _snapshot(tmp: Path, users: int, tokens: int, capacity: int, name: str, *, arity: int = 4,
              tight: bool = False) -> Snapshot:
    secret = tmp / f"{name}.secret"
    if not secret.exists():
        write_secret(secret, generate_secret())
    rng = np.random.default_rng(1)
    amounts = rng.integers(0, 10**12, size=(users, tokens), dtype=np.uint64)
    symbols = [Token(f"T{t}", 8) for t in range(tokens)]
    widths = ({t.symbol: max(1, int(total).bit_length()) for t, total in zip(symbols, amounts.sum(axis=0, dtype=object),
                                                                            strict=True)} if tight else None)
    ids = pa.array([f"user-{i}" for i in range(users)], pa.large_string())
    build_private(symbols, ids, amounts, tmp / name, secret_path=secret, round_id="bench", pad_to=capacity,
                  workers=os.cpu_count(), range_bits=widths, arity=arity, force=True)
    return Snapshot(tmp / name, secret_path=secret)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _path_figures(tmp: Path, names: set[str], quick: bool, arity: int, suffix: str) -> Iterator[tuple[str, float, str]]:
    tokens, capacity = (2, 1 << 8) if quick else (10, 1 << 20)
    snapshot = _snapshot(tmp, 3, tokens, capacity, f"path{arity}", arity=arity)
    path = tmp / f"proof{arity}.porp"
    write_private_user_proof(snapshot, "user-1", path)  # makes the path's group proofs (cached; not timed)
    if f"private_proof_kb{suffix}" in names:
        yield f"private_proof_kb{suffix}", path.stat().st_size / 1000, f"kB (binary container v3, K = {arity})"
    document = path.read_bytes()
    if f"private_verify_ms{suffix}" in names:
        verify_private(document, snapshot.root, user_id="user-1", backend="fast")  # warm generator caches
        times = []
        for _ in range(5):
            start = time.perf_counter()
            verdict = verify_private(document, snapshot.root, user_id="user-1", backend="fast")
            times.append(time.perf_counter() - start)
            assert verdict.valid
        yield f"private_verify_ms{suffix}", float(np.median(times)) * 1000, "ms"
    if "private_verify_pure_s" in names and not suffix:
        generators.clear_cache()  # cold: every repeat derives the generators again
        pedersen.clear_tables()
        start = time.perf_counter()
        verdict = verify_private(document, snapshot.root, user_id="user-1", backend="pure")
        assert verdict.valid
        yield "private_verify_pure_s", time.perf_counter() - start, "s (cold, includes generator setup)"


def _group_prove_ms(tmp: Path) -> float:
    snapshot = _snapshot(tmp, 16, 5, 0, "group")
    stored = stored_tree(snapshot)
    root = bytes.fromhex(snapshot.root["root"])
    prove_group(stored, [64] * 5, root, 1, 0)  # warm the generators
    start = time.process_time()
    for index in range(4):
        prove_group(stored, [64] * 5, root, 1, index)
    return (time.process_time() - start) / 4 * 1000


def _full_snapshot(tmp: Path, users: int, name: str, *, tight: bool = False) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to build a users × 5-token snapshot at capacity 2^20 and write every proof."""
    wall, cpu = time.perf_counter(), _cpu()
    snapshot = _snapshot(tmp, users, 5, 1 << 20, name, tight=tight)
    prove_private_all(snapshot, tmp / f"{name}.porb")
    return time.perf_counter() - wall, _cpu() - cpu


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="por-bench-private-") as tmp_dir:
        tmp = Path(tmp_dir)
        if names & PATH_FIGURES:
            yield from _path_figures(tmp, names, quick, 4, "")
        if names & K8_FIGURES:
            yield from _path_figures(tmp, names, quick, 8, "_k8")
        if "private_group_prove_ms" in names:
            ms = _group_prove_ms(tmp)
            yield "private_group_prove_ms", ms, "ms per group of 20 values × 64 bits (one core)"
            yield "private_group_prove_ms_per_value", ms / 20, "ms per value"
        users = 200 if quick else 2000
        if names & SNAPSHOT_2K:
            wall, cpu = _full_snapshot(tmp, users, "full-2k")
            yield "private_snapshot_2k_5t_s", wall, f"s ({users} users × 5 tokens, 64-bit widths)"
            yield "private_user_tokens_per_s", users * 5 / wall, "user-token values/s"
            yield "private_ms_per_value", cpu * 1000 / (users * 5), "CPU ms per user-token value"
        if "private_snapshot_2k_5t_tight_s" in names:
            wall, cpu = _full_snapshot(tmp, users, "full-2k-tight", tight=True)
            yield "private_snapshot_2k_5t_tight_s", wall, f"s ({users} users × 5 tokens, widths = totals' bits)"
            yield "private_ms_per_value_tight", cpu * 1000 / (users * 5), "CPU ms per user-token value"
        for name in sorted(HOURS_LONG & names & set(sys.argv[1:])):
            big = 2000 if quick else 100_000
            wall, cpu = _full_snapshot(tmp, big, name, tight=name.endswith("_tight"))
            yield name, wall, f"s ({big} users × 5 tokens)"
            yield name.replace("_s", "_ms_per_value", 1), cpu * 1000 / (big * 5), "CPU ms per user-token value"
