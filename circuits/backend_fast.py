"""The "fast" G1 backend on the native ``py_arkworks_bls12381`` wheel.

Binding costs measured here shape this module: ``Scalar(int)`` costs ~6 µs but ``from_le_bytes_mod_order`` ~0.3 µs,
and a multi-scalar multiplication of one or two points is slower than plain multiplications.
"""

from __future__ import annotations

from py_arkworks_bls12381 import G1Point, Scalar

from circuits.curve import POINT_BYTES
from circuits.scalars import ORDER

_from_le = Scalar.from_le_bytes_mod_order


def to_scalar(k: int) -> Scalar:
    return _from_le((k % ORDER).to_bytes(32, "little"))


class FastBackend:
    name = "fast"

    def __init__(self) -> None:
        self._identity = G1Point.identity()

    def identity(self) -> G1Point:
        return self._identity

    def generator(self) -> G1Point:
        return G1Point()

    def add(self, p: G1Point, q: G1Point) -> G1Point:
        return p + q

    def sub(self, p: G1Point, q: G1Point) -> G1Point:
        return p - q

    def neg(self, p: G1Point) -> G1Point:
        return -p

    def mul(self, p: G1Point, k: int) -> G1Point:
        return p * to_scalar(k)

    def msm(self, points: list[G1Point], scalars: list[int]) -> G1Point:
        if len(points) != len(scalars):
            raise ValueError("msm needs as many scalars as points")
        if len(points) <= 2:
            acc = self._identity
            for p, k in zip(points, scalars, strict=True):
                acc = acc + p * to_scalar(k)
            return acc
        return G1Point.multiexp_unchecked(list(points), [_from_le((k % ORDER).to_bytes(32, "little")) for k in scalars])

    def sum(self, points: list[G1Point]) -> G1Point:
        return sum(points, self._identity)

    def eq(self, p: G1Point, q: G1Point) -> bool:
        return p == q

    def is_identity(self, p: G1Point) -> bool:
        return p == self._identity

    def compress(self, p: G1Point) -> bytes:
        return p.to_compressed_bytes()

    def decompress(self, data: bytes, *, allow_identity: bool = False, subgroup_check: bool = True) -> G1Point:
        data = bytes(data)
        if len(data) != POINT_BYTES:
            raise ValueError(f"a compressed G1 point is {POINT_BYTES} bytes, got {len(data)}")
        try:
            if subgroup_check:
                p = G1Point.from_compressed_bytes(data)  # checks on-curve and subgroup membership
            else:
                p = G1Point.from_compressed_bytes_unchecked(data)  # on the curve (y is a square root), ~3.5x faster
        except Exception as exc:  # the binding raises its own exception types
            raise ValueError(f"not a valid G1 point: {exc}") from None
        if p.to_compressed_bytes() != data:
            raise ValueError("non-canonical G1 point encoding")
        if not allow_identity and p == self._identity:
            raise ValueError("the identity point is not allowed here")
        return p

    def hash_to_curve(self, msg: bytes, dst: bytes) -> G1Point:
        return G1Point.hash_to_curve(msg, dst)
