"""Per-round secrets of the private tree, all HKDF outputs of the round key (por.kdf), so a new round id gives
unrelated blindings (attack A12: C − C' across rounds would otherwise reveal a balance change).

    salt(slot)               = derive(prk, "leaf-salt", slot)                       (32 bytes, as in plain mode)
    blinding(height, i, t)   = int_be(derive(prk, "private/blinding", height, i, t, length=64)) mod r, 0 -> 1
    padding_hash(height, i)  = derive(prk, "private/padding-hash", height, i)       (32 bytes)

64 output bytes reduced modulo the group order r give a blinding within 2^-256 of uniform. Leaves (height 0) and
padding nodes take their blinding directly; a real internal node's blinding is the sum of its children's.
"""

from __future__ import annotations

from circuits.scalars import ORDER
from por.kdf import derive


def blinding(prk: bytes, height: int, index: int, token: int) -> int:
    value = int.from_bytes(derive(prk, "private/blinding", height, index, token, length=64), "big") % ORDER
    return value or 1  # never 0: a zero blinding would make commit(0, r) the identity point


def blindings(prk: bytes, height: int, index: int, tokens: int) -> list[int]:
    return [blinding(prk, height, index, t) for t in range(tokens)]


def padding_hash(prk: bytes, height: int, index: int) -> bytes:
    return derive(prk, "private/padding-hash", height, index)


def salt(prk: bytes, slot: int) -> bytes:
    return derive(prk, "leaf-salt", slot)
