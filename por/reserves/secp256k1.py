"""Public-key recovery on secp256k1 (py_ecc) with the range checks py_ecc leaves to its callers.

Both EVM and Bitcoin ownership signatures are recoverable ECDSA: the verifier recovers the signing key from
(message hash, r, s, recovery id) and compares the address it hashes to with the claimed one.
"""

from __future__ import annotations

from py_ecc.secp256k1 import secp256k1 as curve

ORDER = curve.N
FIELD = curve.P

Point = tuple[int, int]


class BadSignature(ValueError):
    """The signature bytes cannot be a valid recoverable ECDSA signature (reason in plain words)."""


def on_curve(point: Point) -> bool:
    x, y = point
    return 0 <= x < FIELD and 0 <= y < FIELD and (y * y - x * x * x - 7) % FIELD == 0


def recover(digest: bytes, recovery_id: int, r: int, s: int) -> Point:
    """The public key that produced (r, s) over ``digest``; BadSignature when no key can have."""
    if recovery_id not in (0, 1):
        raise BadSignature(f"recovery id {recovery_id} is not 0 or 1")
    if not (0 < r < ORDER and 0 < s < ORDER):
        raise BadSignature("r or s is outside 1..n-1")
    try:
        point = curve.ecdsa_raw_recover(digest, (27 + recovery_id, r, s))
    except ValueError:
        raise BadSignature("r is not the x coordinate of a curve point") from None
    if not on_curve(point) or point == (0, 0):
        raise BadSignature("the recovered key is not a curve point")
    return point


def encode_point(point: Point, *, compressed: bool) -> bytes:
    """SEC1 encoding: 33 bytes (02/03 || x) or 65 bytes (04 || x || y)."""
    x, y = point
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def sign(digest: bytes, secret: bytes) -> tuple[int, int, int]:
    """(recovery id, r, s) with low s (RFC 6979 nonce). Used to make example files and test vectors."""
    v, r, s = curve.ecdsa_raw_sign(digest, secret)
    return v - 27, r, s


def public_key(secret: bytes) -> Point:
    return curve.privtopub(secret)
