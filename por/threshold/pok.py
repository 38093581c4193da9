"""Schnorr proof of knowledge of a DKG dealer's constant term a_0 behind its commitment C_0 = a_0·G1.

Bound to the run and the dealer (the context), so a dealer cannot publish a copy of another dealer's commitment, or a
commitment crafted from the others' to cancel them (a rogue-key contribution), as in FROST's key generation.
R = k·G1, c = OS2IP(SHA-512(tag ‖ context ‖ C_0 ‖ R)) mod r, z = k + c·a_0; valid iff z·G1 = R + c·C_0
(docs/SPEC.md §14.5.4).
"""

from __future__ import annotations

import hashlib

from py_ecc.optimized_bls12_381 import G1, add, eq, multiply

from por.threshold.curve import ORDER, Point, decode_g1, encode_g1
from por.threshold.shares import ScalarSource, random_scalar

POK_TAG = b"por/v1/tss-dkg-pok\x00"


def challenge(context: bytes, commitment: bytes, nonce_commitment: bytes) -> int:
    digest = hashlib.sha512(POK_TAG + context + commitment + nonce_commitment).digest()
    return int.from_bytes(digest, "big") % ORDER


def prove(secret: int, context: bytes, *, draw: ScalarSource = random_scalar) -> tuple[bytes, bytes]:
    """(R, z) as 48 + 32 bytes."""
    nonce = draw()
    nonce_commitment = encode_g1(multiply(G1, nonce))
    c = challenge(context, encode_g1(multiply(G1, secret)), nonce_commitment)
    return nonce_commitment, ((nonce + c * secret) % ORDER).to_bytes(32, "big")


def verify(commitment: Point, context: bytes, nonce_commitment: bytes, response: bytes) -> bool:
    try:
        nonce_point = decode_g1(nonce_commitment)
    except ValueError:
        return False
    z = int.from_bytes(response, "big")
    if len(response) != 32 or not z < ORDER:
        return False
    c = challenge(context, encode_g1(commitment), nonce_commitment)
    return eq(multiply(G1, z), add(nonce_point, multiply(commitment, c)))
