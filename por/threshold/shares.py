"""Shamir shares with Feldman commitments, and Lagrange interpolation at 0, in the scalar field of BLS12-381.

A secret a_0 is the constant term of f(x) = a_0 + a_1·x + … + a_{t-1}·x^{t-1} over Z_r; shareholder i (1 ≤ i ≤ n)
holds f(i). The commitments C_k = a_k·G1 are public: share i is right iff f(i)·G1 = Σ_k i^k·C_k, and that sum is
also the public verification key of share i (docs/SPEC.md §14.5.1). Any t shares give a_0 = Σ λ_i·f(i) with the
Lagrange coefficients at 0, and so, in the exponent, any t partial signatures f(i)·H(m) give the signature a_0·H(m).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from py_ecc.optimized_bls12_381 import G1, Z1, add, eq, multiply

from por.threshold.curve import ORDER, Point

MIN_THRESHOLD = 2
MAX_SHARES = 255
VECTOR_TAG = b"por/v1/tss-vector\x00"

ScalarSource = Callable[[], int]


def random_scalar() -> int:
    """A uniform scalar in [1, r) from the OS's randomness."""
    return secrets.randbelow(ORDER - 1) + 1


def seeded_scalars(seed: bytes) -> ScalarSource:
    """Deterministic scalars for test vectors only: SHA-512(tag ‖ seed ‖ u32(k)) mod r for k = 0, 1, …"""
    def counter() -> Iterator[int]:
        k = 0
        while True:
            yield int.from_bytes(hashlib.sha512(VECTOR_TAG + seed + k.to_bytes(4, "big")).digest(), "big") % ORDER
            k += 1

    stream = counter()
    return lambda: next(stream)


def check_parameters(threshold: int, shares: int) -> None:
    """ValueError unless 2 ≤ t ≤ n ≤ 255: t = 1 would give every holder the whole key."""
    if not (isinstance(threshold, int) and isinstance(shares, int)
            and MIN_THRESHOLD <= threshold <= shares <= MAX_SHARES):
        raise ValueError(f"need {MIN_THRESHOLD} ≤ threshold ≤ shares ≤ {MAX_SHARES}, got {threshold} of {shares}")


@dataclass(frozen=True)
class Polynomial:
    """f(x) = Σ coefficients[k]·x^k mod r; its degree is t − 1 for a threshold of t. repr() hides the secrets."""

    coefficients: tuple[int, ...] = field(repr=False)

    @classmethod
    def random(cls, threshold: int, *, zero_constant: bool = False, draw: ScalarSource = random_scalar) -> Polynomial:
        """A fresh polynomial for a threshold of t; ``zero_constant`` (share refresh) fixes f(0) = 0."""
        constant = 0 if zero_constant else draw()
        return cls((constant, *(draw() for _ in range(threshold - 1))))

    @property
    def threshold(self) -> int:
        return len(self.coefficients)

    def at(self, x: int) -> int:
        value = 0
        for coefficient in reversed(self.coefficients):
            value = (value * x + coefficient) % ORDER
        return value

    def commitments(self) -> list[Point]:
        """C_k = a_k·G1 (the identity for a zero coefficient)."""
        return [multiply(G1, a) if a else Z1 for a in self.coefficients]


def commitment_at(commitments: Sequence[Point], x: int) -> Point:
    """Σ_k x^k·C_k (Horner's rule in G1): the public image f(x)·G1 of the committed polynomial."""
    value = Z1
    for point in reversed(commitments):
        value = add(multiply(value, x), point)
    return value


def share_matches(commitments: Sequence[Point], index: int, share: int) -> bool:
    """Feldman's check: share·G1 = Σ_k index^k·C_k."""
    return 0 < share < ORDER and eq(multiply(G1, share), commitment_at(commitments, index))


def sum_points(columns: Iterable[Sequence[Point]]) -> list[Point]:
    """Element-wise sum of equally long lists of commitments (the commitments of the sum of the polynomials)."""
    total: list[Point] | None = None
    for column in columns:
        total = list(column) if total is None else [add(a, b) for a, b in zip(total, column, strict=True)]
    if total is None:
        raise ValueError("nothing to add")
    return total


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, int]:
    """λ_i = Π_{j≠i} j / (j − i) mod r, so that f(0) = Σ λ_i·f(i) for any polynomial of degree < len(indices)."""
    if len(set(indices)) != len(indices) or not all(0 < i < ORDER for i in indices):
        raise ValueError("indices must be distinct and non-zero")
    coefficients = {}
    for i in indices:
        numerator, denominator = 1, 1
        for j in indices:
            if j != i:
                numerator = numerator * j % ORDER
                denominator = denominator * (j - i) % ORDER
        coefficients[i] = numerator * pow(denominator, -1, ORDER) % ORDER
    return coefficients
