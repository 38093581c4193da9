"""Curve points outside the prime-order subgroup, built on bare ints (circuits.g1_ints), for the backend tests.

E(F_q) = G_r ⊕ T with #T = h = 3 · 11² · 10177² · 859267² · 52437899²; T has points of order 3 (exactly (0, ±2)),
11, 10177, 859267 and 52437899, each of which a backend must handle exactly when the subgroup check is skipped.
"""

from __future__ import annotations

from functools import cache

from circuits import g1_ints
from circuits.scalars import ORDER

COFACTOR = 0x396C8C005555E1568C00AAAB0000AAAB
TORSION_PRIMES = (3, 11, 10177, 859267, 52437899)
Q = g1_ints.FIELD_MODULUS


def compressed(p: g1_ints.IntPoint) -> bytes:
    """ZCash compressed encoding of a projective int point (sign flag set for the larger y)."""
    if g1_ints.is_zero(p):
        return bytes([0xC0]) + bytes(47)
    z_inv = pow(p[2], -1, Q)
    x, y = p[0] * z_inv % Q, p[1] * z_inv % Q
    return (x | (1 << 383) | (int(y > (Q - 1) // 2) << 381)).to_bytes(48, "big")


def curve_point(x: int) -> g1_ints.IntPoint:
    """The first point of the curve with x-coordinate ≥ x (usually outside the subgroup)."""
    while True:
        rhs = (x**3 + 4) % Q
        y = pow(rhs, (Q + 1) // 4, Q)
        if y * y % Q == rhs:
            return x, y, 1
        x += 1


@cache
def torsion_points() -> dict[str, bytes]:
    """Compressed points of small order: "order3" / "order3-neg" ((0, ±2)), "order<p>" for the other primes of
    the cofactor, "torsion" (a point of T of large composite order) and "mixed" (subgroup point + torsion)."""
    base = curve_point(5)
    torsion = g1_ints.mul(base, ORDER)  # kills the subgroup component
    out = {"order3": compressed((0, 2, 1)), "order3-neg": compressed((0, Q - 2, 1)), "torsion": compressed(torsion)}
    for prime in TORSION_PRIMES[1:]:
        point = g1_ints.mul(torsion, COFACTOR // prime**2)  # order prime or prime²
        if not g1_ints.is_zero(g1_ints.mul(point, prime)):
            point = g1_ints.mul(point, prime)
        assert not g1_ints.is_zero(point) and g1_ints.is_zero(g1_ints.mul(point, prime))
        out[f"order{prime}"] = compressed(point)
    out["mixed"] = compressed(base)
    return out
