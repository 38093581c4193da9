"""The int-based hash-to-curve of the pure backend must equal py_ecc's reference hash_to_G1 point for point."""

from __future__ import annotations

import hashlib

import pytest
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.optimized_bls12_381 import eq

from circuits import generators
from circuits.backend_pure import _point
from circuits.g1_ints import FIELD_MODULUS
from circuits.hash_to_curve import _A, _B, _swu, hash_to_g1


@pytest.mark.parametrize("msg", [b"", b"abc", b"pedersen/H", b"bulletproofs/G/\x00\x00\x00\x07", bytes(200)])
def test_int_hash_to_curve_equals_py_ecc_reference(msg: bytes) -> None:
    assert eq(_point(hash_to_g1(msg, generators.DST)), hash_to_G1(msg, generators.DST, hashlib.sha256))


def test_swu_handles_the_exceptional_zero_input() -> None:
    # t = 0 makes the SWU denominator zero (RFC 9380 §6.6.2 exceptional case); the output must still be on E'.
    x, y, z = _swu(0)
    q = FIELD_MODULUS
    assert z and (y * y * z - (x**3 + _A * x * z * z + _B * z**3)) % q == 0
