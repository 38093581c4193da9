"""Threshold signing of roots: any t of n partials give one standard BLS signature; bad partials are named."""

import dataclasses
import json
from itertools import combinations

import pytest
from py_ecc.bls import G2ProofOfPossession as bls

from por import attest
from por.errors import InputError
from por.snapshot import canonical_root_bytes
from por.threshold.curve import IDENTITY_G1
from por.threshold.dealer import deal
from por.threshold.files import read_group_key
from por.threshold.shares import seeded_scalars
from por.threshold.sign import combine, combine_root, pop_message, root_message, sign_partial


def make_root(round_id="2026-01"):
    return {"format": "por-root", "version": 1, "mode": "plain", "round": round_id, "hash": "sha256",
            "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "ab" * 32, "leaf_count": 4, "depth": 2,
            "totals": {"BTC": "105.5"}}


@pytest.fixture(scope="module")
def setup():
    """A 3-of-5 group and each shareholder's partial over one root."""
    group, shares = deal(3, 5, label="operator", draw=seeded_scalars(b"test_tss_sign"))
    root = make_root()
    partials = [sign_partial(s, root_message(root)) for s in shares]
    return group, shares, root, partials


def test_every_three_of_five_give_the_same_standard_bls_signature(setup):
    group, _, root, partials = setup
    signatures = set()
    for subset in combinations(partials, 3):
        result = combine(group, root_message(root), list(subset))
        assert result.ok and result.findings == [] and result.used == [p.index for p in subset]
        signatures.add(result.signature)
    assert len(signatures) == 1
    assert bls.Verify(group.key, canonical_root_bytes(root), signatures.pop())


def test_two_of_a_three_of_five_do_not_sign(setup):
    group, _, root, partials = setup
    result = combine(group, root_message(root), partials[:2])
    assert not result.ok and result.valid == [1, 2]
    assert "only 2 valid partial signature(s) from distinct shares; 3 are needed" in result.findings


def test_the_combined_root_verifies_as_one_signer_for_verify_root(setup):
    group, _, root, partials = setup
    result, signed = combine_root(root, group, partials[1:4])
    assert result.ok and signed["signatures"] == [
        {"scheme": "bls12381-pop", "public_key": group.key.hex(), "signature": result.signature.hex(),
         "signer": "operator"}]
    verdict = attest.verify_root_signatures(signed, [group.public], 1)
    assert verdict.ok and verdict.valid_signers == ["operator"]


def test_a_forged_partial_is_named_and_skipped_and_the_others_still_sign(setup):
    group, _, root, partials = setup
    forged = dataclasses.replace(partials[0], signature=bls.Sign(12345, canonical_root_bytes(root)),
                                 source="forged.json")
    result = combine(group, root_message(root), [forged, *partials[1:4]])
    assert result.ok and result.used == [2, 3, 4]
    assert result.findings == ["forged.json is not a valid signature by share 1; skipped"]


def test_a_mis_indexed_partial_is_named(setup):
    group, _, root, partials = setup
    relabelled = dataclasses.replace(partials[0], index=5, source="partial-5.json")
    result = combine(group, root_message(root), [relabelled, partials[1], partials[2]])
    assert not result.ok
    assert result.findings[0] == "partial-5.json is not a valid signature by share 5; skipped"


def test_a_partial_for_another_root_is_rejected_even_when_it_claims_this_one(setup):
    group, shares, root, partials = setup
    other = sign_partial(shares[0], root_message(make_root("2026-02")))
    named = dataclasses.replace(other, source="old.json")
    result = combine(group, root_message(root), [named, partials[1], partials[2]])
    assert not result.ok and result.findings[0] == "old.json signs another root (round '2026-02'); skipped"
    disguised = dataclasses.replace(named, message_sha256=root_message(root).digest)
    result = combine(group, root_message(root), [disguised, partials[1], partials[2]])
    assert not result.ok and result.findings[0] == "old.json is not a valid signature by share 1; skipped"


def test_a_partial_of_another_group_is_rejected_even_when_it_claims_this_one(setup):
    group, _, root, partials = setup
    other_group, other_shares = deal(3, 5)
    foreign = dataclasses.replace(sign_partial(other_shares[0], root_message(root)), source="foreign.json")
    result = combine(group, root_message(root), [foreign, *partials[1:3]])
    assert not result.ok and result.findings[0] == "foreign.json was made for another group key; skipped"
    disguised = dataclasses.replace(foreign, group_public_key=group.key)
    result = combine(group, root_message(root), [disguised, *partials[1:3]])
    assert not result.ok and result.findings[0] == "foreign.json is not a valid signature by share 1; skipped"


def test_a_repeated_index_counts_once(setup):
    group, _, root, partials = setup
    again = dataclasses.replace(partials[1], source="copy.json")
    result = combine(group, root_message(root), [partials[0], partials[1], again])
    assert not result.ok and result.valid == [1, 2]
    assert "copy.json repeats share 2; counted once" in result.findings


def test_a_bad_partial_claiming_an_index_does_not_shadow_the_good_one(setup):
    group, _, root, partials = setup
    squatter = dataclasses.replace(partials[0], index=2, source="squatter.json")
    result = combine(group, root_message(root), [squatter, partials[0], partials[1], partials[2]])
    assert result.ok and result.used == [1, 2, 3]
    assert result.findings == ["squatter.json is not a valid signature by share 2; skipped"]


@pytest.mark.parametrize("index", [0, 6, -1])
def test_indices_zero_and_above_n_are_rejected(setup, index):
    group, _, root, partials = setup
    stray = dataclasses.replace(partials[0], index=index, source="stray.json")
    result = combine(group, root_message(root), [stray, *partials[1:3]])
    assert not result.ok and result.findings[0] == f"stray.json has share index {index}, outside 1..5; skipped"


def test_a_partial_that_is_not_a_curve_point_is_named(setup):
    group, _, root, partials = setup
    junk = dataclasses.replace(partials[0], signature=bytes([0xA0]) + bytes(95), source="junk.json")
    result = combine(group, root_message(root), [junk, *partials[1:3]])
    assert not result.ok and result.findings[0].startswith("junk.json holds no valid signature")


def test_a_partial_proof_of_possession_is_not_a_root_signature(setup):
    group, shares, root, partials = setup
    pop_partial = dataclasses.replace(sign_partial(shares[0], pop_message(group.key)), source="pop.json")
    result = combine(group, root_message(root), [pop_partial, *partials[1:3]])
    assert result.findings[0] == "pop.json is a partial proof-of-possession signature, not a root one; skipped"


def test_threshold_signed_proof_of_possession_equals_the_dealers(setup):
    group, shares, _, _ = setup
    result = combine(group, pop_message(group.key), [sign_partial(s, pop_message(group.key)) for s in shares[2:]])
    assert result.signature == group.public.proof_of_possession and bls.PopVerify(group.key, result.signature)


def _group_file(tmp_path, group, **tss):
    doc = group.to_json()
    doc["tss"].update(tss)
    path = tmp_path / "group.pub"
    path.write_text(json.dumps(doc))
    return path


def test_the_group_key_file_round_trips_and_is_a_valid_public_key_file(setup, tmp_path):
    group = setup[0]
    path = _group_file(tmp_path, group)
    assert read_group_key(path).to_json() == group.to_json()
    assert attest.read_public_key(path).key == group.key


@pytest.mark.parametrize(("change", "field"), [
    ({"commitments": None}, "tss.commitments"),
    ({"threshold": 1}, "tss.threshold"),
    ({"shares": 2}, "tss.shares"),
    ({"version": 2}, "tss.version"),
])
def test_a_malformed_group_key_file_is_bad_input_naming_the_field(setup, tmp_path, change, field):
    with pytest.raises(InputError) as caught:
        read_group_key(_group_file(tmp_path, setup[0], **change))
    assert caught.value.field == field


def test_a_lower_degree_polynomial_is_refused(setup, tmp_path):
    """A dealer that zeroes the top coefficient would let t − 1 shares sign: its commitment must not be the identity."""
    group = setup[0]
    commitments = [c.hex() for c in group.commitments[:-1]] + [IDENTITY_G1.hex()]
    with pytest.raises(InputError, match="point at infinity") as caught:
        read_group_key(_group_file(tmp_path, group, commitments=commitments))
    assert caught.value.field == "tss.commitments[2]"


def test_a_group_whose_first_commitment_is_not_its_key_is_refused(setup, tmp_path):
    group = setup[0]
    commitments = [group.commitments[1].hex(), group.commitments[0].hex(), group.commitments[2].hex()]
    with pytest.raises(InputError, match="first commitment must be the group public key"):
        read_group_key(_group_file(tmp_path, group, commitments=commitments))


def test_a_single_signers_key_is_not_a_group_key(tmp_path):
    attest.write_keypair(tmp_path / "k")
    with pytest.raises(InputError, match="not a threshold group key"):
        read_group_key(tmp_path / "k.pub")


def _off_subgroup_points():
    """Points on the curves (E1, E2) outside the prime-order subgroups: mapped to the curve, cofactor not cleared."""
    from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature
    from py_ecc.optimized_bls12_381 import FQ, FQ2, iso_map_G1, iso_map_G2, optimized_swu_G1, optimized_swu_G2

    return G1_to_pubkey(iso_map_G1(*optimized_swu_G1(FQ(5)))), G2_to_signature(iso_map_G2(*optimized_swu_G2(FQ2([1, 2]))))


def test_a_partial_outside_the_prime_order_subgroup_is_named(setup):
    group, _, root, partials = setup
    outside = dataclasses.replace(partials[0], signature=_off_subgroup_points()[1], source="outside.json")
    result = combine(group, root_message(root), [outside, *partials[1:3]])
    assert result.findings[0] == "outside.json holds no valid signature (not in the prime-order subgroup); skipped"


def test_a_commitment_outside_the_prime_order_subgroup_is_refused(setup, tmp_path):
    group = setup[0]
    commitments = [c.hex() for c in group.commitments[:2]] + [_off_subgroup_points()[0].hex()]
    with pytest.raises(InputError, match="not in the prime-order subgroup") as caught:
        read_group_key(_group_file(tmp_path, group, commitments=commitments))
    assert caught.value.field == "tss.commitments[2]"
