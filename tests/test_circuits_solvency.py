"""Solvency proofs: reserves R ≥ committed liabilities, shown by a range proof on R·G − C."""

from __future__ import annotations

import secrets

import pytest

from circuits import generators, pedersen
from circuits.group import get_backend
from circuits.rangeproof import _prove, prove_range, verify_range
from circuits.scalars import ORDER
from circuits.solvency import (
    SOLVENCY_BITS,
    prove_solvency,
    solvency_context,
    surplus_commitment,
    verify_solvency,
)

CTX = b"round 7 / token BTC"


@pytest.mark.parametrize(("reserves", "liabilities"), [(100, 100), (10**12, 999), (2**64 - 1, 0), (2**70, 2**70 - 5)])
def test_solvent_operator_proves_reserves_cover_liabilities(reserves, liabilities):
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(liabilities, blinding)
    proof = prove_solvency(reserves, liabilities, blinding, CTX)
    assert verify_solvency(reserves, commitment, proof, CTX)


def test_surplus_commitment_opens_to_reserves_minus_liabilities_with_negated_blinding():
    blinding = secrets.randbelow(ORDER)
    surplus = surplus_commitment(500, pedersen.commit(120, blinding))
    assert surplus == pedersen.commit(380, (-blinding) % ORDER)


def test_insolvent_operator_cannot_prove():
    with pytest.raises(ValueError):
        prove_solvency(99, 100, 1, CTX)
    # A forged proof for the wrapped surplus R − v mod r (what a cheating prover would need) does not verify.
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    forged, _ = _prove(get_backend(), [(99 - 100) % ORDER], [(-blinding) % ORDER], SOLVENCY_BITS,
                       solvency_context(99, CTX), None)
    assert not verify_solvency(99, commitment, forged, CTX)


def test_proof_does_not_transfer_to_other_reserves_commitments_or_contexts():
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    proof = prove_solvency(150, 100, blinding, CTX)
    assert not verify_solvency(149, commitment, proof, CTX)
    assert not verify_solvency(151, commitment, proof, CTX)
    assert not verify_solvency(150, pedersen.commit(101, blinding), proof, CTX)
    assert not verify_solvency(150, commitment, proof, b"round 8 / token BTC")
    assert not verify_solvency(-1, commitment, proof, CTX)


def test_plain_range_proof_cannot_pose_as_solvency_proof():
    be = get_backend()
    blinding = secrets.randbelow(ORDER)
    commitment = pedersen.commit(100, blinding)
    surplus = be.sub(be.mul(generators.G(be), 150), commitment)
    plain, made = prove_range([50], [(-blinding) % ORDER], 64, CTX)
    assert made == [surplus] and verify_range(plain, made, 64, CTX)
    assert not verify_solvency(150, commitment, plain, CTX)


def test_surplus_beyond_64_bits_is_refused():
    with pytest.raises(ValueError):
        prove_solvency(2**64, 0, 1, CTX)
