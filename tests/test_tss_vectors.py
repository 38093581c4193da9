"""docs/SPEC.md §14.5.6: the threshold test vectors are reproduced byte for byte and verify as standard BLS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from py_ecc.bls import G2ProofOfPossession as bls

from por.snapshot import canonical_root_bytes
from por.threshold import pok
from por.threshold.curve import ORDER, decode_g1
from por.threshold.dealer import deal
from por.threshold.dkg import dealer_context
from por.threshold.dkg_files import DKG, Session
from por.threshold.shares import Polynomial, seeded_scalars
from por.threshold.sign import combine, root_message, sign_partial

SPEC = (Path(__file__).resolve().parent.parent / "docs" / "SPEC.md").read_text()
SECTION = SPEC[SPEC.index("#### 14.5.6"): SPEC.index("### 14.6")]
LOG_VECTOR_ROOT = {"format": "por-root", "version": 1, "mode": "plain", "round": "r1", "hash": "sha256",
                   "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "00" * 32, "leaf_count": 4, "depth": 2,
                   "totals": {"BTC": "1"}}


def spec_value(name: str) -> str:
    match = re.search(rf"^\| {re.escape(name)} \| `([0-9a-f]+)` \|$", SECTION, re.MULTILINE)
    assert match, f"SPEC.md §14.5.6 has no row {name!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def vector():
    draw = seeded_scalars(b"por tss spec vector")
    a0, a1 = draw(), draw()
    group, shares = deal(2, 3, draw=seeded_scalars(b"por tss spec vector"))
    message = root_message(LOG_VECTOR_ROOT)
    partials = [sign_partial(s, message) for s in shares]
    return a0, a1, group, shares, message, partials


def test_the_deal_reproduces_the_spec_vectors(vector):
    a0, a1, group, shares, message, _ = vector
    assert (f"{a0:064x}", f"{a1:064x}") == (spec_value("a_0"), spec_value("a_1"))
    assert group.commitments[0].hex() == spec_value("C_0 (group public key)") == bls.SkToPk(a0).hex()
    assert group.commitments[1].hex() == spec_value("C_1")
    assert group.public.proof_of_possession.hex() == spec_value("group proof of possession")
    assert f"{shares[1].value:064x}" == spec_value("share 2") == f"{(a0 + 2 * a1) % ORDER:064x}"
    assert message.digest in SECTION


def test_the_partials_and_their_combination_reproduce_the_spec_vectors(vector):
    _, _, group, _, message, partials = vector
    assert partials[0].signature.hex() == spec_value("partial 1 (root)")
    assert partials[2].signature.hex() == spec_value("partial 3 (root)")
    combined = combine(group, message, [partials[0], partials[2]])
    assert combined.signature.hex() == spec_value("signature (partials 1 and 3)")
    assert bls.Verify(group.key, canonical_root_bytes(LOG_VECTOR_ROOT), combined.signature)


def test_the_dkg_proof_of_knowledge_reproduces_the_spec_vectors():
    session = Session(DKG, "por-vector", 2, 3)
    assert session.context.hex() == spec_value("context")
    draw = seeded_scalars(b"por tss dkg vector")
    polynomial = Polynomial.random(2, draw=draw)
    nonce_commitment, response = pok.prove(polynomial.coefficients[0], dealer_context(session, 1), draw=draw)
    assert bls.SkToPk(polynomial.coefficients[0]).hex() == spec_value("dealer 1's C_{1,0}")
    assert (nonce_commitment.hex(), response.hex()) == (spec_value("dealer 1's proof R"), spec_value("dealer 1's proof z"))
    assert pok.verify(decode_g1(bytes.fromhex(spec_value("dealer 1's C_{1,0}"))), dealer_context(session, 1),
                      nonce_commitment, response)

