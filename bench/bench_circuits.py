"""Benchmarks for circuits/: Pedersen commitments and Bulletproofs range proofs (64-bit values)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

from circuits import generators, pedersen
from circuits.group import get_backend
from circuits.rangeproof import RangeProof, prove_range, verify_range, verify_range_batch
from circuits.scalars import ORDER

NAMES = [
    "pedersen_commit_us",
    "rangeproof_prove_ms_per_value",
    "rangeproof_prove_ms_m1",
    "rangeproof_verify_ms_m1",
    "rangeproof_verify_ms_per_value",
    "rangeproof_verify_pure_ms",
    "rangeproof_verify_pure_parsed_ms",
    "rangeproof_size_bytes_m16",
]
BITS = 64
_proofs: dict[tuple[str, int, int], list] = {}


def _random_proofs(backend: str, m: int, count: int) -> list:
    """Proofs of random 64-bit values, cached across --repeat runs (making them is not what is measured)."""
    key = (backend, m, count)
    if key not in _proofs:
        made = []
        for i in range(count):
            values = [secrets.randbelow(1 << BITS) for _ in range(m)]
            blindings = [secrets.randbelow(ORDER) for _ in range(m)]
            proof, commitments = prove_range(values, blindings, BITS, b"bench %d" % i, backend=backend)
            made.append((proof, commitments, BITS, b"bench %d" % i))
        _proofs[key] = made
    return _proofs[key]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    fast = get_backend("fast")
    generators.G_vec(BITS * 16, fast), generators.H_vec(BITS * 16, fast)
    pedersen.commit(0, 0, fast)  # build the fixed-base tables outside the timings
    if "pedersen_commit_us" in names:
        count = 2_000 if quick else 20_000
        values = [secrets.randbelow(1 << BITS) for _ in range(count)]
        blindings = [secrets.randbelow(ORDER) for _ in range(count)]
        yield "pedersen_commit_us", _timed(lambda: pedersen.commit_many(values, blindings, fast)) / count * 1e6, "µs"
    if "rangeproof_prove_ms_per_value" in names or "rangeproof_size_bytes_m16" in names:
        m = 16
        values = [secrets.randbelow(1 << BITS) for _ in range(m)]
        blindings = [secrets.randbelow(ORDER) for _ in range(m)]
        holder: list = []
        seconds = _timed(lambda: holder.append(prove_range(values, blindings, BITS, b"bench", backend=fast)))
        if "rangeproof_prove_ms_per_value" in names:
            yield "rangeproof_prove_ms_per_value", seconds / m * 1e3, "ms"
        if "rangeproof_size_bytes_m16" in names:
            yield "rangeproof_size_bytes_m16", len(holder[0][0].to_bytes()), "B"
    if "rangeproof_prove_ms_m1" in names:
        seconds = _timed(lambda: prove_range([secrets.randbelow(1 << BITS)], [secrets.randbelow(ORDER)], BITS, b"b"))
        yield "rangeproof_prove_ms_m1", seconds * 1e3, "ms"
    if "rangeproof_verify_ms_m1" in names:
        proof, commitments, bits, context = _random_proofs("fast", 1, 1)[0]
        yield "rangeproof_verify_ms_m1", _timed(lambda: verify_range(proof, commitments, bits, context)) * 1e3, "ms"
    if "rangeproof_verify_ms_per_value" in names:
        # A batch of 64 proofs with m = 16; distinct proofs are reused 4x (cost does not depend on distinctness).
        distinct = 4 if quick else 16
        items = _random_proofs("fast", 16, distinct) * (64 // distinct)
        seconds = _timed(lambda: verify_range_batch(items, fast))
        yield "rangeproof_verify_ms_per_value", seconds / (len(items) * 16) * 1e3, "ms"
    if "rangeproof_verify_pure_ms" in names or "rangeproof_verify_pure_parsed_ms" in names:
        pure = get_backend("pure")
        proof, commitments, bits, context = _random_proofs("fast", 1, 1)[0]
        data = proof.to_bytes()
        encoded = [fast.compress(c) for c in commitments]
        generators.G_vec(BITS, pure), generators.H_vec(BITS, pure), generators.G(pure), generators.H(pure)
        parsed = RangeProof.from_bytes(data, pure)
        pure_commitments = [pure.decompress(c) for c in encoded]
        if "rangeproof_verify_pure_ms" in names:  # from bytes: parsing (subgroup checks) plus verification
            seconds = _timed(
                lambda: verify_range(
                    RangeProof.from_bytes(data, pure), [pure.decompress(c) for c in encoded], bits, context, pure
                )
            )
            yield "rangeproof_verify_pure_ms", seconds * 1e3, "ms"
        if "rangeproof_verify_pure_parsed_ms" in names:
            seconds = _timed(lambda: verify_range(parsed, pure_commitments, bits, context, pure))
            yield "rangeproof_verify_pure_parsed_ms", seconds * 1e3, "ms"
