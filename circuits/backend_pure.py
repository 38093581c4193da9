"""The "pure" G1 backend on ``py_ecc`` (optimized_bls12_381): slow but dependency-free Python.

Points are py_ecc homogeneous projective triples. Scalar and multi-scalar multiplication (Pippenger's method) and
the subgroup check run on bare ints (``circuits.g1_ints``), ~5x faster than py_ecc's field objects.
"""

from __future__ import annotations

from py_ecc.bls.point_compression import compress_G1, decompress_G1
from py_ecc.fields import optimized_bls12_381_FQ as FQ
from py_ecc.optimized_bls12_381 import G1, Z1, add, eq, is_inf, neg

from circuits import g1_ints
from circuits.curve import POINT_BYTES
from circuits.hash_to_curve import hash_to_g1
from circuits.pippenger import pippenger
from circuits.scalars import ORDER

Point = tuple


def _ints(p: Point) -> g1_ints.IntPoint:
    # py_ecc's identity is (1, 1, 0), which is not a projective point of the curve: the complete formulas of
    # g1_ints need (0, 1, 0) and turn (1, 1, 0) into garbage.
    return (p[0].n, p[1].n, p[2].n) if p[2].n else g1_ints.ZERO


def _point(p: g1_ints.IntPoint) -> Point:
    return (FQ(p[0]), FQ(p[1]), FQ(p[2])) if p[2] else Z1


class PureBackend:
    name = "pure"

    def identity(self) -> Point:
        return Z1

    def generator(self) -> Point:
        return G1

    def add(self, p: Point, q: Point) -> Point:
        return add(p, q)

    def sub(self, p: Point, q: Point) -> Point:
        return add(p, neg(q))

    def neg(self, p: Point) -> Point:
        return neg(p)

    def mul(self, p: Point, k: int) -> Point:
        return _point(g1_ints.mul(_ints(p), k % ORDER))

    def msm(self, points: list[Point], scalars: list[int]) -> Point:
        if len(points) != len(scalars):
            raise ValueError("msm needs as many scalars as points")
        ints = [_ints(p) for p in points]
        return _point(pippenger(ints, [k % ORDER for k in scalars], g1_ints.add, g1_ints.double, g1_ints.ZERO))

    def sum(self, points: list[Point]) -> Point:
        acc = Z1
        for p in points:
            acc = add(acc, p)
        return acc

    def eq(self, p: Point, q: Point) -> bool:
        return eq(p, q)

    def is_identity(self, p: Point) -> bool:
        return is_inf(p)

    def compress(self, p: Point) -> bytes:
        return compress_G1(p).to_bytes(POINT_BYTES, "big")

    def decompress(self, data: bytes, *, allow_identity: bool = False, subgroup_check: bool = True) -> Point:
        data = bytes(data)
        if len(data) != POINT_BYTES:
            raise ValueError(f"a compressed G1 point is {POINT_BYTES} bytes, got {len(data)}")
        try:
            p = decompress_G1(int.from_bytes(data, "big"))  # checks flags, x < q and that y exists (on the curve)
        except Exception as exc:  # py_ecc raises ValueError today; keep the contract if that changes
            raise ValueError(f"not a valid G1 point: {exc}") from None
        if self.compress(p) != data:
            raise ValueError("non-canonical G1 point encoding")
        if is_inf(p):
            if not allow_identity:
                raise ValueError("the identity point is not allowed here")
            return p
        if subgroup_check and not g1_ints.in_subgroup(_ints(p)):
            raise ValueError("point is not in the prime-order subgroup")
        return p

    def hash_to_curve(self, msg: bytes, dst: bytes) -> Point:
        return _point(hash_to_g1(msg, dst))  # py_ecc's hash_to_G1 on bare ints, ~5x faster
