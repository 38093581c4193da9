"""Plain-mode hashing: every byte that goes into SHA-256 (docs/SPEC.md §5).

All integers are fixed-width big-endian; every hash input starts with a distinct NUL-terminated tag, and the only
variable-length field (the user id, in ``por.hashing.user_hash``) comes last, so no two inputs share an encoding.

    leaf      = SHA256("por/v1/leaf\\0" || user_hash[32] || balance_1 u64 || ... || balance_T u64)
    node      = SHA256("por/v1/node\\0" || height u8 || left[32] || right[32] || left_sums T×u64 || right_sums T×u64)
    root      = SHA256("por/v1/root\\0" || label(mode) || label(round) || depth u8 || T u16
                       || (label(symbol) || decimals u8) × T || top[32] || totals T×u64)

An internal node binds both children's hashes AND both children's sums (stops the Maxwell max-trick, attack A1);
the root binds the round, the token list and the totals, so a proof from another round or token list cannot match.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

import numpy as np

from por.amounts import Token
from por.hashing import HASH_BYTES, encode_sums
from por.kdf import encode_label

TAG_LEAF = b"por/v1/leaf\x00"
TAG_NODE = b"por/v1/node\x00"
TAG_ROOT = b"por/v1/root\x00"


def leaf_hash(uhash: bytes, balances: Sequence[int]) -> bytes:
    return hashlib.sha256(TAG_LEAF + uhash + encode_sums(balances)).digest()


def node_hash(height: int, left: bytes, right: bytes, left_sums: Sequence[int], right_sums: Sequence[int]) -> bytes:
    return hashlib.sha256(
        TAG_NODE + bytes([height]) + left + right + encode_sums(left_sums) + encode_sums(right_sums)
    ).digest()


def root_hash(mode: str, round_id: str, depth: int, tokens: Sequence[Token], top: bytes, totals: Sequence[int]) -> bytes:
    header = TAG_ROOT + encode_label(mode) + encode_label(round_id) + bytes([depth]) + struct.pack(">H", len(tokens))
    token_bytes = b"".join(encode_label(t.symbol) + bytes([t.decimals]) for t in tokens)
    return hashlib.sha256(header + token_bytes + top + encode_sums(totals)).digest()


def leaf_records(user_hashes: np.ndarray, balances: np.ndarray) -> np.ndarray:
    """Rows TAG_LEAF || user_hash || balances (big-endian u64), ready for ``por.hashing.hash_rows``."""
    n, tokens = balances.shape
    rec = np.empty((n, len(TAG_LEAF) + HASH_BYTES + 8 * tokens), dtype=np.uint8)
    rec[:, : len(TAG_LEAF)] = np.frombuffer(TAG_LEAF, dtype=np.uint8)
    rec[:, len(TAG_LEAF) : len(TAG_LEAF) + HASH_BYTES] = user_hashes
    rec[:, len(TAG_LEAF) + HASH_BYTES :] = balances.astype(">u8").view(np.uint8).reshape(n, 8 * tokens)
    return rec


def node_records(height: int, hashes: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """Rows for the parents of consecutive pairs of (hashes, sums) at ``height`` (the parents' height)."""
    n = hashes.shape[0] // 2
    tokens = sums.shape[1]
    head = len(TAG_NODE) + 1
    rec = np.empty((n, head + 2 * HASH_BYTES + 16 * tokens), dtype=np.uint8)
    rec[:, : len(TAG_NODE)] = np.frombuffer(TAG_NODE, dtype=np.uint8)
    rec[:, len(TAG_NODE)] = height
    pairs = hashes.reshape(n, 2 * HASH_BYTES)
    rec[:, head : head + 2 * HASH_BYTES] = pairs
    rec[:, head + 2 * HASH_BYTES :] = sums.astype(">u8").view(np.uint8).reshape(n, 16 * tokens)
    return rec
