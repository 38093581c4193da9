"""The group backends side by side (blst against arkworks): MSM cost per term, range-proof proving and batch
verification, Pedersen commitments; and blst's precomputed base tables against its plain MSM. CPU time of this
process; the contenders alternate within each run so that load on a shared machine hits both alike, and each
``*_ratio`` is the median of per-round ratios (slower / faster: arkworks / blst, plain MSM / base table)."""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable, Iterator

from circuits import generators, pedersen
from circuits.group import available_backends, base_table, get_backend
from circuits.rangeproof import RangeProof, prove_range, verify_range_batch
from circuits.scalars import ORDER

MSM_SIZES = (16, 64, 256, 1024, 4096)
TABLE_SIZES = (16, 1024)
PAIR = ("blst", "fast")
BITS, M = 64, 16
NAMES = (
    [f"msm_us_per_term_{name}_{n}" for n in MSM_SIZES for name in PAIR]
    + [f"msm_ratio_{n}" for n in MSM_SIZES]
    + [f"rangeproof_prove_ms_per_value_{name}" for name in PAIR] + ["rangeproof_prove_ratio"]
    + [f"rangeproof_verify_ms_per_value_{name}" for name in PAIR] + ["rangeproof_verify_ratio"]
    + [f"pedersen_commit_us_{name}" for name in PAIR] + ["pedersen_commit_ratio"]
    + [f"msm_table_us_per_term_blst_{n}" for n in TABLE_SIZES] + [f"msm_table_ratio_{n}" for n in TABLE_SIZES]
)


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _side_by_side(tasks: dict[str, Callable[[], object]], rounds: int) -> tuple[dict[str, float], float]:
    """Median CPU seconds per contender over ``rounds`` alternating rounds, and the median per-round ratio of the
    second contender's time to the first's."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    ratios = []
    for i in range(rounds):
        order = list(tasks) if i % 2 == 0 else list(tasks)[::-1]
        got = {name: _cpu(tasks[name]) for name in order}
        for name, seconds in got.items():
            times[name].append(seconds)
        first, second = tasks
        ratios.append(got[second] / got[first])
    return {name: statistics.median(v) for name, v in times.items()}, statistics.median(ratios)


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    if not set(PAIR) <= set(available_backends()):
        return
    backends = {name: get_backend(name) for name in PAIR}
    rounds = 3 if quick else 7
    for n in MSM_SIZES:
        if not names & {f"msm_ratio_{n}", *(f"msm_us_per_term_{name}_{n}" for name in PAIR)}:
            continue
        scalars = [secrets.randbelow(ORDER) for _ in range(n)]
        repeats = max(1, (256 if quick else 2048) // n)
        tasks = {}
        for name, be in backends.items():
            points = generators.G_vec(n, be)
            be.msm(points, scalars)  # warm: blst converts the generators to affine once
            tasks[name] = lambda be=be, p=points, k=scalars, r=repeats: [be.msm(p, k) for _ in range(r)]
        medians, ratio = _side_by_side(tasks, rounds)
        for name in PAIR:
            yield f"msm_us_per_term_{name}_{n}", medians[name] / repeats / n * 1e6, "µs"
        yield f"msm_ratio_{n}", ratio, "x"
    if names & {"rangeproof_prove_ratio", *(f"rangeproof_prove_ms_per_value_{name}" for name in PAIR)}:
        values = [secrets.randbelow(1 << BITS) for _ in range(M)]
        blindings = [secrets.randbelow(ORDER) for _ in range(M)]
        tasks = {}
        for name, be in backends.items():
            generators.G_vec(BITS * M, be), generators.H_vec(BITS * M, be), pedersen.commit(0, 0, be)
            tasks[name] = lambda be=be: prove_range(values, blindings, BITS, b"bench", backend=be)
        medians, ratio = _side_by_side(tasks, 2 if quick else 5)
        for name in PAIR:
            yield f"rangeproof_prove_ms_per_value_{name}", medians[name] / M * 1e3, "ms"
        yield "rangeproof_prove_ratio", ratio, "x"
    if names & {"rangeproof_verify_ratio", *(f"rangeproof_verify_ms_per_value_{name}" for name in PAIR)}:
        # A batch of 16 proofs (m = 16), 4 distinct ones repeated: the same bytes parsed by each backend.
        made = []
        for i in range(4):
            values = [secrets.randbelow(1 << BITS) for _ in range(M)]
            blindings = [secrets.randbelow(ORDER) for _ in range(M)]
            proof, commitments = prove_range(values, blindings, BITS, b"bench %d" % i, backend=backends[PAIR[0]])
            made.append((proof.to_bytes(), [backends[PAIR[0]].compress(c) for c in commitments], b"bench %d" % i))
        tasks = {}
        for name, be in backends.items():
            items = [(RangeProof.from_bytes(data, be, subgroup_check=False), [be.decompress(c) for c in encoded],
                      BITS, context) for data, encoded, context in made] * 4
            assert verify_range_batch(items, be)
            tasks[name] = lambda be=be, items=items: verify_range_batch(items, be)
        medians, ratio = _side_by_side(tasks, rounds)
        for name in PAIR:
            yield f"rangeproof_verify_ms_per_value_{name}", medians[name] / (16 * M) * 1e3, "ms"
        yield "rangeproof_verify_ratio", ratio, "x"
    if names & {"pedersen_commit_ratio", *(f"pedersen_commit_us_{name}" for name in PAIR)}:
        count = 500 if quick else 5_000
        values = [secrets.randbelow(1 << BITS) for _ in range(count)]
        blindings = [secrets.randbelow(ORDER) for _ in range(count)]
        tasks = {}
        for name, be in backends.items():
            pedersen.commit(0, 0, be)  # fixed-base tables outside the timings
            pedersen.commit_many(values[:50], blindings[:50], be)
            tasks[name] = lambda be=be: pedersen.commit_many(values, blindings, be)
        medians, ratio = _side_by_side(tasks, rounds)
        for name in PAIR:
            yield f"pedersen_commit_us_{name}", medians[name] / count * 1e6, "µs"
        yield "pedersen_commit_ratio", ratio, "x"
    blst = backends[PAIR[0]]
    for n in TABLE_SIZES:
        if not names & {f"msm_table_ratio_{n}", f"msm_table_us_per_term_blst_{n}"}:
            continue
        # Over 1,024 generators: n = 16 with stride 64 is a prover's first re-materialisation (one new generator
        # from every 64th base point), n = 1,024 a contiguous range (the first L, R and S).
        stride = 1024 // n
        points = generators.G_vec(1024, blst)
        table = base_table(blst, points)
        indices = range(stride // 2, 1024, stride)
        chosen = [points[i] for i in indices]
        scalars = [secrets.randbelow(ORDER) for _ in range(n)]
        repeats = max(1, (256 if quick else 2048) // n)
        tasks = {
            "table": lambda t=table, r=repeats, i=indices, k=scalars: [t.msm(i, k) for _ in range(r)],
            "plain": lambda r=repeats, p=chosen, k=scalars: [blst.msm(p, k) for _ in range(r)],
        }
        medians, ratio = _side_by_side(tasks, rounds)
        yield f"msm_table_us_per_term_blst_{n}", medians["table"] / repeats / n * 1e6, "µs"
        yield f"msm_table_ratio_{n}", ratio, "x"
