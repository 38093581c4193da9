"""HKDF-SHA256 (RFC 5869) key derivation from the operator's master secret.

Every salt and blinding is HKDF-Expand(PRK_round, info) where PRK_round = HKDF-Extract(salt = "por/v1/round" ||
round id, IKM = master secret). A fresh round id therefore yields unrelated salts and blindings (attack A12).
``info`` is a fixed-width binary label: purpose tag || fields, so no two purposes can collide.

For the hot path (one salt per leaf) ``BatchPRF`` precomputes the HMAC inner/outer states once; each output is
exactly HKDF-Expand(PRK, info, 32) = HMAC(PRK, info || 0x01).
"""

from __future__ import annotations

import hashlib
import hmac
import struct

HASH_LEN = 32


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int = HASH_LEN) -> bytes:
    if length > 255 * HASH_LEN:
        raise ValueError("HKDF output too long")
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def encode_label(text: str) -> bytes:
    """Length-prefixed UTF-8 (u16 big-endian length), so variable-length fields never run together."""
    raw = text.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise ValueError("label too long")
    return struct.pack(">H", len(raw)) + raw


def round_key(master_secret: bytes, round_id: str) -> bytes:
    """PRK for one round: HKDF-Extract(salt = "por/v1/round" || len || round id, IKM = master secret)."""
    return hkdf_extract(b"por/v1/round" + encode_label(round_id), master_secret)


def derive(prk: bytes, purpose: str, *fields: int, length: int = HASH_LEN) -> bytes:
    """HKDF-Expand(prk, encode_label(purpose) || u64be(field) ..., length)."""
    info = encode_label(purpose) + b"".join(struct.pack(">Q", f) for f in fields)
    return hkdf_expand(prk, info, length)


class BatchPRF:
    """Fast HKDF-Expand for many 32-byte outputs under one PRK and purpose, varying one u64 field.

    Output i equals ``derive(prk, purpose, *prefix, i)`` byte for byte.
    """

    def __init__(self, prk: bytes, purpose: str, *prefix: int) -> None:
        key = prk.ljust(64, b"\0") if len(prk) <= 64 else hashlib.sha256(prk).digest().ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self._inner.update(encode_label(purpose) + b"".join(struct.pack(">Q", f) for f in prefix))

    def __call__(self, index: int) -> bytes:
        inner = self._inner.copy()
        inner.update(struct.pack(">QB", index, 1))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def many(self, start: int, stop: int) -> bytes:
        """Outputs for indices start..stop-1, concatenated (32 bytes each)."""
        inner0, outer0, pack = self._inner, self._outer, struct.Struct(">QB").pack
        parts = []
        for index in range(start, stop):
            inner = inner0.copy()
            inner.update(pack(index, 1))
            outer = outer0.copy()
            outer.update(inner.digest())
            parts.append(outer.digest())
        return b"".join(parts)
