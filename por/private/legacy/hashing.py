"""Legacy private-mode hashing and node range-proof statement: the binary tree of versions 1 and 2
(docs/SPEC.md §13.10).

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

from circuits.rangeproof import RangeProof, shape_v1
from por.amounts import Token
from por.kdf import encode_label

TAG_LEAF = b"por/v1/private-leaf\x00"
TAG_NODE = b"por/v1/private-node\x00"
TAG_ROOT = b"por/v1/private-root\x00"
MODE = "private"
POINT_BYTES = 48
TAG_CONTEXT = b"por/v1/private-node-range\x00"
RANGE_BITS = 64


def leaf_hash(uhash: bytes, commitments: bytes) -> bytes:
    """``commitments`` is the T compressed points concatenated (T·48 bytes)."""
    return hashlib.sha256(TAG_LEAF + uhash + commitments).digest()


def node_hash(height: int, left: bytes, right: bytes, left_commitments: bytes, right_commitments: bytes) -> bytes:
    return hashlib.sha256(TAG_NODE + bytes([height]) + left + right + left_commitments + right_commitments).digest()


def root_hash(round_id: str, depth: int, tokens: Sequence[Token], top: bytes, commitments: bytes) -> bytes:
    header = TAG_ROOT + encode_label(MODE) + encode_label(round_id) + bytes([depth]) + struct.pack(">H", len(tokens))
    token_bytes = b"".join(encode_label(t.symbol) + bytes([t.decimals]) for t in tokens)
    return hashlib.sha256(header + token_bytes + top + commitments).digest()


def context(root: bytes, height: int, index: int) -> bytes:
    """A node range proof is bound to one node of one root: "por/v1/private-node-range\\0" || root || h u8 || i u64."""
    return TAG_CONTEXT + root + struct.pack(">BQ", height, index)


def proof_bytes(tokens: int) -> int:
    """Wire size of one node proof: 352 + 96·log2(64·M) with M = T rounded up to a power of two."""
    return shape_v1(RANGE_BITS, tokens).proof_bytes


def record_size(tokens: int) -> int:
    """One path record: sibling hash || T commitments || the sibling's node range proof."""
    return 32 + POINT_BYTES * tokens + proof_bytes(tokens)


def parse_proof(data: bytes, tokens: int, backend: str) -> RangeProof:
    """Proof points are checked to be canonical non-identity curve points but not subgroup members: the batch
    check is sound without it (docs/SPEC.md §12.5.1). Node commitments are always fully checked by the caller."""
    return RangeProof.from_bytes(data, shape_v1(RANGE_BITS, tokens), backend, subgroup_check=False)
