"""Hashing shared by both modes: the salted user-id hash, fixed-width sums, and SHA-256 over many rows at once.

    user_hash = SHA256("por/v1/user\\0" || salt[32] || utf8(user_id))

The salt is per round and per leaf (HKDF, por.kdf), so a user hash reveals nothing about the id and cannot be
linked across rounds. Each mode's own node and root encodings are in ``por.plain.hashing`` and
``por.private.hashing``.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

import numpy as np

TAG_USER = b"por/v1/user\x00"
HASH_BYTES = 32
MAX_DEPTH = 48


def user_hash(user_id: str, salt: bytes) -> bytes:
    return hashlib.sha256(TAG_USER + salt + user_id.encode("utf-8")).digest()


def encode_sums(sums: Sequence[int]) -> bytes:
    return b"".join(struct.pack(">Q", s) for s in sums)


def hash_rows(records: np.ndarray) -> np.ndarray:
    """SHA-256 of every row of a C-contiguous (n, L) uint8 matrix -> (n, 32) uint8."""
    n, width = records.shape
    view = memoryview(np.ascontiguousarray(records)).cast("B")
    sha = hashlib.sha256
    digests = b"".join([sha(view[i : i + width]).digest() for i in range(0, n * width, width)])
    return np.frombuffer(digests, dtype=np.uint8).reshape(n, HASH_BYTES)
