"""Arithmetic on BLS12-381 scalars as plain Python ints modulo the group order.

Python ints are the fastest scalar representation available here (a backend converts them to its own type only
at the multi-scalar multiplication boundary), so every protocol computes with these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
"""r, the prime order of the BLS12-381 G1 subgroup (and of the scalar field)."""

SCALAR_BYTES = 32


def reduce(x: int) -> int:
    """Reduce any integer (negative included) into [0, r)."""
    return x % ORDER


def inverse(x: int) -> int:
    if x % ORDER == 0:
        raise ZeroDivisionError("zero has no inverse modulo the group order")
    return pow(x, -1, ORDER)


def batch_inverse(xs: Sequence[int]) -> list[int]:
    """Montgomery's trick: n inverses for the price of one inversion and 3n multiplications."""
    prefix = [1] * (len(xs) + 1)
    acc = 1
    for i, x in enumerate(xs):
        if x % ORDER == 0:
            raise ZeroDivisionError("zero has no inverse modulo the group order")
        acc = acc * x % ORDER
        prefix[i + 1] = acc
    inv = pow(acc, -1, ORDER)
    out = [0] * len(xs)
    for i in range(len(xs) - 1, -1, -1):
        out[i] = inv * prefix[i] % ORDER
        inv = inv * xs[i] % ORDER
    return out


def powers(x: int, count: int) -> list[int]:
    """[1, x, x^2, ..., x^(count-1)] mod r."""
    out = [1] * count
    acc = 1
    for i in range(1, count):
        acc = acc * x % ORDER
        out[i] = acc
    return out


def inner_product(a: Iterable[int], b: Iterable[int]) -> int:
    # Summing unreduced products and reducing once is exact and faster than reducing every term.
    return sum(x * y for x, y in zip(a, b, strict=True)) % ORDER


def to_bytes(x: int) -> bytes:
    """Canonical 32-byte big-endian encoding of a reduced scalar."""
    return (x % ORDER).to_bytes(SCALAR_BYTES, "big")


def from_bytes(data: bytes) -> int:
    """Parse a canonical scalar; values >= r are rejected so that every scalar has exactly one encoding."""
    if len(data) != SCALAR_BYTES:
        raise ValueError(f"a scalar is {SCALAR_BYTES} bytes, got {len(data)}")
    x = int.from_bytes(data, "big")
    if x >= ORDER:
        raise ValueError("scalar is not reduced modulo the group order")
    return x
