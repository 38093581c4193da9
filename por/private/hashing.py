"""Private-mode hashing, version 3: every byte that goes into SHA-256 (docs/SPEC.md §13.2).

Fixed-width fields only (u8/u16/u64 big-endian, 32-byte hashes, 48-byte compressed G1 points), a distinct
NUL-terminated tag per hash kind, and variable-length labels length-prefixed. With arity K and T tokens:

    leaf = SHA256("por/v3/private-leaf\\0" || user_hash[32] || C_1 .. C_T)
    node = SHA256("por/v3/private-node\\0" || height u8 || hash(child_0) .. hash(child_{K−1})
                  || C_1..C_T(child_0) || … || C_1..C_T(child_{K−1}))
    root = SHA256("por/v3/private-root\\0" || label("private") || label(round) || K u8 || depth u8 || T u16
                  || (label(symbol) || decimals u8 || range_bits u8) × T || top[32] || root C_1..C_T)

A node binds every child's hash and commitments, so a proof cannot show a sibling commitment other than the one
hashed (attacks A1/A2). The root binds the round, the arity, the token list with each token's range width, and
the root commitments. The group range proof of a node's children is bound to its position by

    context = "por/v3/private-group\\0" || root[32] || height u8 (of the parent) || index u64 (of the parent)
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from por.amounts import Token
from por.kdf import encode_label

TAG_LEAF = b"por/v3/private-leaf\x00"
TAG_NODE = b"por/v3/private-node\x00"
TAG_ROOT = b"por/v3/private-root\x00"
TAG_GROUP = b"por/v3/private-group\x00"
MODE = "private"
POINT_BYTES = 48


def leaf_hash(uhash: bytes, commitments: bytes) -> bytes:
    """``commitments`` is the T compressed points concatenated (T·48 bytes)."""
    return hashlib.sha256(TAG_LEAF + uhash + commitments).digest()


def node_hash(height: int, child_hashes: Sequence[bytes], child_commitments: Sequence[bytes]) -> bytes:
    """``child_commitments[j]`` is child j's T compressed points concatenated."""
    return hashlib.sha256(TAG_NODE + bytes([height]) + b"".join(child_hashes) + b"".join(child_commitments)).digest()


def root_hash(round_id: str, arity: int, depth: int, tokens: Sequence[Token], widths: Sequence[int], top: bytes,
              commitments: bytes) -> bytes:
    header = (TAG_ROOT + encode_label(MODE) + encode_label(round_id) + bytes([arity, depth])
              + struct.pack(">H", len(tokens)))
    token_bytes = b"".join(encode_label(t.symbol) + bytes([t.decimals, w]) for t, w in zip(tokens, widths, strict=True))
    return hashlib.sha256(header + token_bytes + top + commitments).digest()


def group_context(root: bytes, height: int, index: int) -> bytes:
    """The range proof of the children of node (height, index) holds for that node of that root only."""
    return TAG_GROUP + root + struct.pack(">BQ", height, index)
