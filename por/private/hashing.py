"""Private-mode hashing: every byte that goes into SHA-256 (docs/SPEC.md §13.2).

Fixed-width fields only (u8/u16/u64 big-endian, 32-byte hashes, 48-byte compressed G1 points), a distinct
NUL-terminated tag per hash kind, and variable-length labels length-prefixed:

    leaf = SHA256("por/v1/private-leaf\\0" || user_hash[32] || C_1 .. C_T)
    node = SHA256("por/v1/private-node\\0" || height u8 || left[32] || right[32] || left C_1..C_T || right C_1..C_T)
    root = SHA256("por/v1/private-root\\0" || label("private") || label(round) || depth u8 || T u16
                  || (label(symbol) || decimals u8) × T || top[32] || root C_1..C_T)

A node binds both children's hashes and both children's commitments, so a proof cannot show a sibling commitment
other than the one hashed (attacks A1/A2). The root binds the round, the token list and the root commitments.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from por.amounts import Token
from por.hashing import HASH_BYTES, user_hash  # noqa: F401  (user_hash is shared with plain mode)
from por.kdf import encode_label

TAG_LEAF = b"por/v1/private-leaf\x00"
TAG_NODE = b"por/v1/private-node\x00"
TAG_ROOT = b"por/v1/private-root\x00"
MODE = "private"
POINT_BYTES = 48


def leaf_hash(uhash: bytes, commitments: bytes) -> bytes:
    """``commitments`` is the T compressed points concatenated (T·48 bytes)."""
    return hashlib.sha256(TAG_LEAF + uhash + commitments).digest()


def node_hash(height: int, left: bytes, right: bytes, left_commitments: bytes, right_commitments: bytes) -> bytes:
    return hashlib.sha256(TAG_NODE + bytes([height]) + left + right + left_commitments + right_commitments).digest()


def root_hash(round_id: str, depth: int, tokens: Sequence[Token], top: bytes, commitments: bytes) -> bytes:
    header = TAG_ROOT + encode_label(MODE) + encode_label(round_id) + bytes([depth]) + struct.pack(">H", len(tokens))
    token_bytes = b"".join(encode_label(t.symbol) + bytes([t.decimals]) for t in tokens)
    return hashlib.sha256(header + token_bytes + top + commitments).digest()
