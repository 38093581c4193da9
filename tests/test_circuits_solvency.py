"""Solvency proofs: the committed liabilities are a genuine amount in [0, 2^n) and reserves R cover them."""

from __future__ import annotations

import secrets

import pytest

from circuits import generators, pedersen
from circuits.group import get_backend
from circuits.rangeproof import _prove, prove_range, verify_range
from circuits.scalars import ORDER
from circuits.solvency import (
    SURPLUS_BITS,
    prove_solvency,
    solvency_context,
    solvency_shape,
    surplus_commitment,
    verify_solvency,
)

CTX = b"round 7 / token BTC"


@pytest.mark.parametrize(("reserves", "liabilities", "width"),
                         [(100, 100, 7), (10**12, 999, 64), (2**64 - 1, 0, 1), (2**64 + 10, 2**64 - 5, 64)])
def test_solvent_operator_proves_reserves_cover_liabilities(reserves, liabilities, width):
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(liabilities, blinding)
    proof = prove_solvency(reserves, liabilities, blinding, width, CTX)
    assert verify_solvency(reserves, commitment, width, proof, CTX)


def test_surplus_commitment_opens_to_reserves_minus_liabilities_with_negated_blinding():
    blinding = secrets.randbelow(ORDER)
    surplus = surplus_commitment(500, pedersen.commit(120, blinding))
    assert surplus == pedersen.commit(380, (-blinding) % ORDER)


def test_insolvent_operator_cannot_prove():
    with pytest.raises(ValueError):
        prove_solvency(99, 100, 1, 64, CTX)
    # A forged proof for the wrapped surplus R − v mod r (what a cheating prover would need) does not verify.
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    forged, _ = _prove(get_backend(), solvency_shape(64), [100, (99 - 100) % ORDER], [blinding, (-blinding) % ORDER],
                       solvency_context(99, 64, CTX), None)
    assert not verify_solvency(99, commitment, 64, forged, CTX)


def test_a_root_committing_to_a_negative_total_is_not_solvent_even_with_zero_reserves():
    """The hole of the surplus-only statement: C = commit(−5) makes R − v = 5 look like a surplus."""
    blinding = secrets.randbelow(ORDER)
    negative = pedersen.commit(ORDER - 5, blinding)
    with pytest.raises(ValueError):
        prove_solvency(0, ORDER - 5, blinding, 64, CTX)
    forged, _ = _prove(get_backend(), solvency_shape(64), [ORDER - 5, 5], [blinding, (-blinding) % ORDER],
                       solvency_context(0, 64, CTX), None)
    assert not verify_solvency(0, negative, 64, forged, CTX)
    surplus_only, made = prove_range([5], [(-blinding) % ORDER], SURPLUS_BITS, CTX)  # what the old statement took
    assert made == [surplus_commitment(0, negative)] and verify_range(surplus_only, made, SURPLUS_BITS, CTX)
    assert not verify_solvency(0, negative, 64, surplus_only, CTX)


def test_liabilities_above_the_published_width_cannot_be_proved():
    blinding = secrets.randbelow(ORDER)
    with pytest.raises(ValueError):
        prove_solvency(1 << 20, 1 << 16, blinding, 16, CTX)
    forged, _ = _prove(get_backend(), solvency_shape(16), [1 << 16, 0], [blinding, (-blinding) % ORDER],
                       solvency_context(1 << 16, 16, CTX), None)
    assert not verify_solvency(1 << 16, pedersen.commit(1 << 16, blinding), 16, forged, CTX)


def test_proof_does_not_transfer_to_other_reserves_widths_commitments_or_contexts():
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    proof = prove_solvency(150, 100, blinding, 64, CTX)
    assert verify_solvency(150, commitment, 64, proof, CTX)
    assert not verify_solvency(149, commitment, 64, proof, CTX)
    assert not verify_solvency(151, commitment, 64, proof, CTX)
    assert not verify_solvency(150, commitment, 63, proof, CTX)
    assert not verify_solvency(150, pedersen.commit(101, blinding), 64, proof, CTX)
    assert not verify_solvency(150, commitment, 64, proof, b"round 8 / token BTC")
    assert not verify_solvency(-1, commitment, 64, proof, CTX)


def test_plain_range_proof_cannot_pose_as_solvency_proof():
    be = get_backend()
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    surplus = be.sub(be.mul(generators.G(be), 150), commitment)
    plain, made = prove_range([100, 50], [blinding, (-blinding) % ORDER], [64, 64], CTX)
    assert made == [commitment, surplus] and verify_range(plain, made, [64, 64], CTX)
    assert not verify_solvency(150, commitment, 64, plain, CTX)


def test_surplus_beyond_64_bits_is_refused():
    with pytest.raises(ValueError):
        prove_solvency(2**64, 0, 1, 64, CTX)
