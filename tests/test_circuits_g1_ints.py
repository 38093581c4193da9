"""The pure backend's bare-int G1 formulas are complete: doubling, inverses and the identity need no special case."""

from __future__ import annotations

import secrets

from circuits import g1_ints
from circuits.group import get_backend
from circuits.scalars import ORDER


def _affine(p: g1_ints.IntPoint) -> tuple[int, int] | None:
    m = g1_ints.FIELD_MODULUS
    if g1_ints.is_zero(p):
        return None
    z_inv = pow(p[2], -1, m)
    return p[0] * z_inv % m, p[1] * z_inv % m


def _generator() -> g1_ints.IntPoint:
    x, y, z = get_backend("pure").generator()
    return x.n, y.n, z.n


def test_addition_is_complete():
    g = _generator()
    assert _affine(g1_ints.add(g, g)) == _affine(g1_ints.double(g))
    assert g1_ints.is_zero(g1_ints.add(g, g1_ints.neg(g)))
    assert _affine(g1_ints.add(g, g1_ints.ZERO)) == _affine(g)
    assert _affine(g1_ints.add(g1_ints.ZERO, g)) == _affine(g)
    assert g1_ints.is_zero(g1_ints.double(g1_ints.ZERO))


def test_scalar_multiplication_matches_native_backend():
    fast = get_backend("fast")
    k = secrets.randbelow(ORDER)
    expected = fast.compress(fast.mul(fast.generator(), k))
    pure = get_backend("pure")
    assert pure.compress(pure.mul(pure.generator(), k)) == expected
    assert g1_ints.is_zero(g1_ints.mul(_generator(), ORDER))
    assert g1_ints.in_subgroup(_generator())
