"""Aggregated Bulletproofs range proofs: completeness, soundness against each forgery, parsing, batching, shapes."""

from __future__ import annotations

import hashlib
import itertools
import secrets

import pytest

from circuits import generators, pedersen
from circuits.group import available_backends, get_backend
from circuits.rangeproof import (
    RangeProof,
    _prove,
    prove_range,
    prove_range_v1,
    shape,
    shape_v1,
    verify_range,
    verify_range_batch,
)
from circuits.scalars import ORDER

CTX = b"round 7 / node 3"
BACKENDS = list(available_backends())
SPEC_PROOF_SHA256 = "bd3c013187dd14a2af84ea9f97f6542ff3a8fcd26b38c978e39f8de1a0ff8dce"
SPEC_V2_PROOF_SHA256 = "4d9adccb6499bf648905b7dd24e93c2e30dc0fcb3e6c81217d05c815d99ce244"
SPEC_COMMITMENTS = [
    "a335fae06b084eb662712e5e14f085ae6ff69e124a2fa1ade9e807094cf9ab908a4fcce5d64e926491b93224a0084aa3",
    "8f48c973a964cb9af702d5b2321b9c3be026f6ca21b1133105f4bd89fa0c23b820a60061c4830822480f10eb6563adcd",
]


def _blindings(m: int) -> list[int]:
    return [secrets.randbelow(ORDER) for _ in range(m)]


@pytest.mark.parametrize("bits", [8, 16, 32, 64])
def test_proves_edge_and_random_values_at_every_width(bits):
    values = [0, (1 << bits) - 1, secrets.randbelow(1 << bits)]
    proof, commitments = prove_range(values, _blindings(3), bits, CTX)
    assert verify_range(proof, commitments, bits, CTX)
    assert len(proof.to_bytes()) == shape(bits, 3).proof_bytes


@pytest.mark.parametrize("m", [1, 2, 5, 16])
def test_aggregates_any_number_of_values(m):
    values = [secrets.randbelow(1 << 16) for _ in range(m)]
    blindings = _blindings(m)
    proof, commitments = prove_range(values, blindings, 16, CTX)
    assert commitments == pedersen.commit_many(values, blindings)
    assert verify_range(proof, commitments, 16, CTX)


@pytest.mark.parametrize("bits", [8, 64])
def test_rejects_value_two_to_the_bits(bits):
    with pytest.raises(ValueError):
        prove_range([1 << bits], [1], bits, CTX)
    proof, commitments = _prove(get_backend(), shape(bits, 1), [1 << bits], [1], CTX, None)
    assert not verify_range(proof, commitments, bits, CTX)


@pytest.mark.parametrize("widths", [[1], [5, 7], [40, 50, 17, 64, 1], [64] * 5, [13] * 7])
def test_each_value_has_its_own_width_and_the_top_value_of_each_is_refused(widths):
    values = [(1 << w) - 1 for w in widths]
    proof, commitments = prove_range(values, _blindings(len(widths)), widths, CTX)
    assert verify_range(proof, commitments, widths, CTX)
    assert not verify_range(proof, commitments, [w + 1 for w in widths[:1]] + widths[1:], CTX)
    for j, w in enumerate(widths):
        over = values[:j] + [1 << w] + values[j + 1:]
        forged, forged_commitments = _prove(get_backend(), shape(widths), over, _blindings(len(widths)), CTX, None)
        assert not verify_range(forged, forged_commitments, widths, CTX)


@pytest.mark.parametrize(("bits", "c", "k"), [(1, 1, 0), (2, 1, 1), (3, 3, 0), (12, 3, 2), (64, 1, 6), (320, 5, 6),
                                               (448, 7, 6), (1280, 5, 8), (1281, 3, 9), (2560, 5, 9), (4480, 5, 10)])
def test_the_shape_is_the_smallest_c_times_a_power_of_two(bits, c, k):
    widths = [64] * (bits // 64) + ([bits % 64] if bits % 64 else [])
    fixed = shape(widths)
    assert (fixed.c, fixed.k) == (c, k)
    assert fixed.n >= bits and fixed.c in (1, 3, 5, 7)
    assert not any(other_c << other_k >= bits and (other_c << other_k) < fixed.n
                   for other_c in (1, 3, 5, 7) for other_k in range(20))
    assert sum(fixed.widths) == fixed.n and len(fixed.widths) == len(widths) + (fixed.n > bits)


def test_rejects_negative_value_as_group_order_minus_x():
    with pytest.raises(ValueError):
        prove_range([ORDER - 5], [1], 64, CTX)
    proof, commitments = _prove(get_backend(), shape(64, 1), [ORDER - 5], [1], CTX, None)
    assert not verify_range(proof, commitments, 64, CTX)


def test_rejects_tampered_or_reordered_commitments():
    be = get_backend()
    proof, commitments = prove_range([3, 9], _blindings(2), 8, CTX)
    shifted = [be.add(commitments[0], generators.G(be)), commitments[1]]
    assert not verify_range(proof, shifted, 8, CTX)
    assert not verify_range(proof, commitments[::-1], 8, CTX)


def test_rejects_wrong_context_and_replay_under_another_context():
    proof, commitments = prove_range([3], [5], 64, b"round 1 / node 0")
    assert verify_range(proof, commitments, 64, b"round 1 / node 0")
    assert not verify_range(proof, commitments, 64, b"round 2 / node 0")
    assert not verify_range(proof, commitments, 64, b"round 1 / node 1")
    assert not verify_range(proof, commitments, 64, b"")


def test_rejects_wrong_number_of_values():
    proof, commitments = prove_range([1, 2, 3], _blindings(3), 8, CTX)
    assert not verify_range(proof, commitments[:2], 8, CTX)
    assert not verify_range(proof, commitments[:1], 8, CTX)
    assert not verify_range(proof, commitments + [pedersen.commit(0, 1)], 8, CTX)


def test_rejects_wrong_bit_width():
    proof, commitments = prove_range([1, 2], _blindings(2), 8, CTX)
    for bits in (16, 32, 64, 7, 0, 65, [8, 9], [9, 8]):
        assert not verify_range(proof, commitments, bits, CTX)
    proof16, commitments16 = prove_range([1], [2], 16, CTX)
    assert not verify_range(proof16, commitments16 * 2, 8, CTX)  # 8·2 = 16 bits: same IPA length
    v1, v1_commitments = prove_range_v1([1, 2], _blindings(2), 8, CTX)
    assert not verify_range(v1, v1_commitments, 8, CTX)  # a V1 proof is not a V2 proof of the same values


def test_every_flipped_byte_is_rejected():
    proof, commitments = prove_range([200, 7], _blindings(2), 16, CTX)
    data = proof.to_bytes()
    for i in range(len(data)):
        tampered = bytearray(data)
        tampered[i] ^= 0x01
        try:
            parsed = RangeProof.from_bytes(bytes(tampered), shape(16, 2))
        except ValueError:
            continue
        assert not verify_range(parsed, commitments, 16, CTX), f"flipped byte {i} accepted"


def test_serialisation_round_trips_and_rejects_bad_lengths():
    proof, commitments = prove_range([5], [6], 8, CTX)
    data = proof.to_bytes()
    assert len(data) == 288 + 96 * 3 + 64
    parsed = RangeProof.from_bytes(data, shape(8, 1))
    assert parsed.to_bytes() == data
    assert verify_range(parsed, commitments, 8, CTX)
    for bad in (data + b"\x00", data[:-1], data[:-96], data + bytes(96), b""):
        with pytest.raises(ValueError):
            RangeProof.from_bytes(bad, shape(8, 1))
    with pytest.raises(ValueError):
        RangeProof.from_bytes(data, shape(16, 1))


def test_parsing_rejects_non_canonical_scalars_and_identity_points():
    proof, _ = prove_range([5], [6], 8, CTX)
    data = proof.to_bytes()
    t_hat_at = 4 * 48
    unreduced = data[:t_hat_at] + (proof.t_hat + ORDER).to_bytes(32, "big") + data[t_hat_at + 32 :]
    with pytest.raises(ValueError):
        RangeProof.from_bytes(unreduced, shape(8, 1))
    with_identity_A = bytes([0xC0]) + bytes(47) + data[48:]
    with pytest.raises(ValueError):
        RangeProof.from_bytes(with_identity_A, shape(8, 1))


def test_batch_verification_accepts_valid_batches_and_rejects_one_bad_proof():
    items = []
    for bits, m in [(8, 1), (16, 3), (64, 2), (32, 4)]:
        proof, commitments = prove_range([secrets.randbelow(1 << bits) for _ in range(m)], _blindings(m), bits, CTX)
        items.append((proof, commitments, bits, CTX))
    assert verify_range_batch(items)
    assert verify_range_batch([])
    bad_proof, bad_commitments = _prove(get_backend(), shape(8, 1), [256], [1], CTX, None)
    assert not verify_range_batch(items + [(bad_proof, bad_commitments, 8, CTX)])
    assert not verify_range_batch(items[:2] + [(items[2][0], items[2][1], 64, b"other")] + items[3:])


def test_proofs_are_zero_knowledge_randomised_unless_seeded():
    first, _ = prove_range([5], [6], 8, CTX)
    second, _ = prove_range([5], [6], 8, CTX)
    assert first.to_bytes() != second.to_bytes()
    seeded = [prove_range([5], [6], 8, CTX, seed=b"s")[0].to_bytes() for _ in range(2)]
    assert seeded[0] == seeded[1]


def test_prover_rejects_bad_shapes():
    for widths in (0, 65, [8, 0], [True]):
        with pytest.raises(ValueError):
            prove_range([1], [1], widths, CTX)
    with pytest.raises(ValueError):
        prove_range_v1([1], [1], 7, CTX)
    with pytest.raises(ValueError):
        prove_range([], [], 8, CTX)
    with pytest.raises(ValueError):
        prove_range([1, 2], [1], 8, CTX)
    with pytest.raises(ValueError):
        prove_range([1], [ORDER], 8, CTX)


@pytest.mark.parametrize("name", BACKENDS)
def test_legacy_v1_spec_vector_is_reproduced_by_every_backend_and_still_verifies(name):
    be = get_backend(name)
    proof, commitments = prove_range_v1([42, 255], [7, 11], 8, b"spec vector", seed=b"por test vector", backend=be)
    assert hashlib.sha256(proof.to_bytes()).hexdigest() == SPEC_PROOF_SHA256
    assert [be.compress(c).hex() for c in commitments] == SPEC_COMMITMENTS
    parsed = RangeProof.from_bytes(proof.to_bytes(), shape_v1(8, 2), be)
    assert verify_range(parsed, commitments, shape_v1(8, 2), b"spec vector", be)
    assert not verify_range(parsed, commitments, 8, b"spec vector", be)


@pytest.mark.parametrize("name", BACKENDS)
def test_v2_spec_vector_is_reproduced_by_every_backend(name):
    be = get_backend(name)
    proof, commitments = prove_range([42, 255, 3], [7, 11, 13], [8, 8, 2], b"spec vector", seed=b"por test vector",
                                     backend=be)
    assert hashlib.sha256(proof.to_bytes()).hexdigest() == SPEC_V2_PROOF_SHA256
    assert len(proof.to_bytes()) == shape([8, 8, 2]).proof_bytes == 288 + 96 * 2 + 64 * 5  # 18 bits: N = 5·2^2


@pytest.mark.parametrize(("prover", "verifier"), list(itertools.permutations(BACKENDS, 2)))
def test_proofs_cross_verify_between_backends(prover, verifier):
    """Proof bytes are backend-independent: what one backend proves, every other one verifies (and rejects
    under another context). The pure backend proves a small statement only (it is ~100x slower)."""
    made_by, checked_by = get_backend(prover), get_backend(verifier)
    values, bits = ([9], 8) if "pure" in (prover, verifier) else ([123456789, 0, 2**64 - 1], 64)
    proof, commitments = prove_range(values, _blindings(len(values)), bits, CTX, backend=made_by)
    parsed = RangeProof.from_bytes(proof.to_bytes(), shape(bits, len(values)), checked_by, subgroup_check=False)
    decoded = [checked_by.decompress(made_by.compress(c)) for c in commitments]
    assert parsed.to_bytes() == proof.to_bytes()
    assert verify_range(parsed, decoded, bits, CTX)
    assert not verify_range(parsed, decoded, bits, b"other")


@pytest.mark.parametrize("other", [name for name in BACKENDS if name != "pure"])
def test_proof_from_another_backend_is_rejected_not_raised(other):
    proof, commitments = prove_range([1], [2], 8, CTX, backend=other)
    pure = get_backend("pure")
    assert not verify_range(proof, [pure.decompress(get_backend(other).compress(commitments[0]))], 8, CTX, pure)
