"""The range-proof batch check's shortcuts: vectorised challenge products, closed-form δ, and proof points that
are parsed without a subgroup test (sound because a torsion component cannot help; see docs/SPEC.md §12.5.1)."""

from __future__ import annotations

import secrets

import pytest
from py_ecc.bls.point_compression import compress_G1
from py_ecc.fields import optimized_bls12_381_FQ as FQ

from circuits import g1_ints, innerproduct, rangeproof
from circuits.group import available_backends, get_backend
from circuits.rangeproof import RangeProof, prove_range, shape, shape_v1, verify_range, verify_range_batch
from circuits.scalars import ORDER, powers

CTX = b"batch check"


def torsion_point() -> bytes:
    """A compressed curve point of small order (in E(F_q) but outside the prime-order subgroup, not O)."""
    q = g1_ints.FIELD_MODULUS
    x = 1
    while True:
        rhs = (x**3 + 4) % q
        y = pow(rhs, (q + 1) // 4, q)
        if y * y % q == rhs:
            t = g1_ints.mul((x, y, 1), ORDER)
            if not g1_ints.is_zero(t):
                return compress_G1((FQ(t[0]), FQ(t[1]), FQ(t[2]))).to_bytes(48, "big")
        x += 1


def test_doubling_builds_the_reference_challenge_product_vector() -> None:
    us = [secrets.randbelow(ORDER - 1) + 1 for _ in range(5)]
    inv = [pow(u, -1, ORDER) for u in us]
    s_first = s_last = 1
    for u, v in zip(us, inv, strict=True):
        s_first, s_last = s_first * v % ORDER, s_last * u % ORDER
    scalars = innerproduct.VerificationScalars([u * u % ORDER for u in us], [v * v % ORDER for v in inv],
                                               s_first, s_last)
    reference = scalars.s()
    assert rangeproof._doubling(s_first, scalars.u_sq[::-1]) == reference
    assert reference[-1] == s_last and all(a * b % ORDER == 1 for a, b in zip(reference, reference[::-1],
                                                                                strict=True))


@pytest.mark.parametrize("y, z", [(3, 5), (1, 7), (9, 1), (ORDER - 1, 2)])
def test_delta_closed_form_equals_the_direct_sums(y: int, z: int) -> None:
    y_minus_1_inv = pow(y - 1, -1, ORDER) if y != 1 else 1
    for fixed in (shape_v1(8, 3), shape([5, 64, 3])):
        N = fixed.n
        z_pow = powers(z, len(fixed.widths) + 3)
        direct = ((z - z * z) * sum(powers(y, N))
                  - sum(z_pow[3 + j] * ((1 << w) - 1) for j, w in enumerate(fixed.widths))) % ORDER
        assert rangeproof._delta(y, z, fixed, y_minus_1_inv) == direct


@pytest.mark.parametrize("name", list(available_backends()))
def test_proof_point_with_a_torsion_component_is_rejected(name: str) -> None:
    be = get_backend(name)
    proof, commitments = prove_range([77], [5], 8, CTX, backend=be)
    torsion = be.decompress(torsion_point(), subgroup_check=False)
    data = proof.to_bytes()
    for offset in (0, 48 * 3, 4 * 48 + 3 * 32):  # A, T2 and the first L
        point = be.decompress(data[offset:offset + 48])
        forged = data[:offset] + be.compress(be.add(point, torsion)) + data[offset + 48:]
        with pytest.raises(ValueError):
            RangeProof.from_bytes(forged, shape(8, 1), be)
        parsed = RangeProof.from_bytes(forged, shape(8, 1), be, subgroup_check=False)
        assert not verify_range(parsed, commitments, 8, CTX, be)
    assert verify_range(RangeProof.from_bytes(data, shape(8, 1), be, subgroup_check=False), commitments, 8, CTX, be)


def test_batch_of_equal_and_mixed_lengths_rejects_any_single_bad_proof() -> None:
    items = []
    for bits, m in [(64, 10), (64, 10), (64, 10), (16, 2)]:
        values = [secrets.randbelow(1 << bits) for _ in range(m)]
        proof, commitments = prove_range(values, [secrets.randbelow(ORDER) for _ in range(m)], bits, CTX)
        items.append((proof, commitments, bits, CTX))
    assert verify_range_batch(items)
    for i in range(len(items)):
        proof, commitments, bits, _ = items[i]
        assert not verify_range_batch(items[:i] + [(proof, commitments, bits, b"moved")] + items[i + 1:])
