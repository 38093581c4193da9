"""BLS12-381 points for threshold signatures: strict decoding of untrusted bytes, encoding, hashing, pairing checks.

py_ecc's optimized (projective) curve arithmetic with the encodings of the IETF BLS ciphersuite that por.attest uses:
48-byte compressed G1 (public keys, Feldman commitments) and 96-byte compressed G2 (signatures, partial signatures).
Every point read from a file is checked to be on the curve and in the prime-order subgroup before any use.
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha256
from typing import Any

from py_ecc.bls import G2ProofOfPossession as bls
from py_ecc.bls.g2_primitives import (
    G1_to_pubkey,
    G2_to_signature,
    pubkey_to_G1,
    signature_to_G2,
    subgroup_check,
)
from py_ecc.bls.hash_to_curve import hash_to_G2
from py_ecc.optimized_bls12_381 import FQ12, G1, curve_order, final_exponentiate, is_inf, neg, pairing

Point = Any  # a py_ecc optimized (projective) point of G1 or G2
ORDER = curve_order
SIGNATURE_DST = bls.DST  # what root signatures are hashed with
POP_DST = bls.POP_TAG  # what proofs of possession are hashed with
G1_SIZE, G2_SIZE = 48, 96
IDENTITY_G1 = bytes([0xC0]) + bytes(G1_SIZE - 1)


def decode_g1(data: bytes, *, allow_identity: bool = False) -> Point:
    """A G1 point from 48 untrusted bytes; ValueError unless canonical, on the curve and in the subgroup."""
    return _decode(data, G1_SIZE, pubkey_to_G1, encode_g1, "G1", allow_identity)


def decode_g2(data: bytes) -> Point:
    """A G2 point (a signature) from 96 untrusted bytes; ValueError unless on the curve, in the subgroup, not 0."""
    return _decode(data, G2_SIZE, signature_to_G2, encode_g2, "G2", False)


def _decode(data: bytes, size: int, parse, encode, group: str, allow_identity: bool) -> Point:
    if len(data) != size:
        raise ValueError(f"not {size} bytes")
    try:
        point = parse(data)
    except (ValueError, AssertionError) as exc:
        raise ValueError(f"not a compressed {group} point ({exc})") from None
    if is_inf(point):
        if allow_identity:
            return point
        raise ValueError("the point at infinity")
    if not subgroup_check(point):
        raise ValueError("not in the prime-order subgroup")
    if encode(point) != data:
        raise ValueError("not the canonical encoding")
    return point


def is_identity(point: Point) -> bool:
    return is_inf(point)


def encode_g1(point: Point) -> bytes:
    return bytes(G1_to_pubkey(point))


def encode_g2(point: Point) -> bytes:
    return bytes(G2_to_signature(point))


@lru_cache(maxsize=16)
def hash_to_g2(message: bytes, dst: bytes) -> Point:
    """RFC 9380 hash to G2 exactly as the ciphersuite's Sign and PopProve use it (cached: a combiner and the
    shareholders of one process hash the same root)."""
    return hash_to_G2(message, dst, sha256)


def pairings_agree(g2_left: Point, g1_left: Point, g2_right: Point, g1_right: Point) -> bool:
    """e(g2_left, g1_left) == e(g2_right, g1_right), with one final exponentiation."""
    product = pairing(g2_left, g1_left, final_exponentiate=False) * pairing(g2_right, neg(g1_right),
                                                                             final_exponentiate=False)
    return final_exponentiate(product) == FQ12.one()


def signature_verifies(public_key: Point, message_point: Point, signature: Point) -> bool:
    """The BLS verification equation e(σ, g1) = e(H(m), pk) for an already hashed message."""
    return pairings_agree(signature, G1, message_point, public_key)
