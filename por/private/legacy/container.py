"""The version-2 private proof: a binary container over the binary commitment tree (docs/SPEC.md §13.10).

All integers big-endian, ``label(s)`` = u16 length || UTF-8; after magic "\\x89PORPRV\\n" and version u16 = 2:

    header:  label(round) || root[32] || depth u8 || range_bits u8 || T u16 || (label(symbol) || decimals u8) × T
    opening: label(user id) || salt[32] || leaf_index u64 || balance u64 × T || blinding[32] × T
    path:    depth records, heights 0 .. depth−1: hash[32] || T × commitment[48] || range proof[proof_bytes(T)]
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from circuits.scalars import ORDER
from por.amounts import Token
from por.hashing import MAX_DEPTH
from por.kdf import encode_label
from por.private.legacy.hashing import record_size
from por.private.wire import Reader

VERSION = 2
MAX_TOKENS = 1024


@dataclass(frozen=True)
class LegacyProof:
    """A decoded version-1 or version-2 proof; ``records`` is the raw path, depth × record_size(T) bytes."""

    round: str
    root: bytes
    depth: int
    range_bits: int
    tokens: list[Token]
    user_id: str
    salt: bytes
    leaf_index: int
    balances: list[int]
    blindings: list[int]
    records: bytes


def encode(proof: LegacyProof, magic: bytes) -> bytes:
    """The version-2 bytes of a proof (tests build tampered legacy proofs with it)."""
    count = len(proof.tokens)
    parts = [magic, struct.pack(">H", VERSION), encode_label(proof.round), proof.root,
             struct.pack(">BBH", proof.depth, proof.range_bits, count)]
    parts += [encode_label(t.symbol) + bytes([t.decimals]) for t in proof.tokens]
    parts += [encode_label(proof.user_id), proof.salt, struct.pack(">Q", proof.leaf_index)]
    parts += [struct.pack(f">{count}Q", *proof.balances)]
    parts += [r.to_bytes(32, "big") for r in proof.blindings]
    parts.append(proof.records)
    return b"".join(parts)


def decode_after_version(r: Reader) -> LegacyProof:
    """The rest of a version-2 container, the magic and version already read."""
    round_id = r.label("header.round")
    root = r.take(32, "header.root")
    depth = r.unpack(">B", "header.depth")
    if not 1 <= depth <= MAX_DEPTH:
        raise r.fail(f"must be between 1 and {MAX_DEPTH}, got {depth}", "header.depth")
    range_bits = r.unpack(">B", "header.range_bits")
    count = r.unpack(">H", "header.token_count")
    if not 1 <= count <= MAX_TOKENS:
        raise r.fail(f"must be between 1 and {MAX_TOKENS}, got {count}", "header.token_count")
    tokens = []
    for t in range(count):
        symbol = r.label(f"header.tokens[{t}].symbol")
        tokens.append(Token(symbol, r.unpack(">B", f"header.tokens[{t}].decimals")))
    user_id = r.label("opening.user_id")
    salt = r.take(32, "opening.salt")
    leaf_index = r.unpack(">Q", "opening.leaf_index")
    balances = list(struct.unpack(f">{count}Q", r.take(8 * count, "opening.balances")))
    raw = r.take(32 * count, "opening.blindings")
    blindings = [int.from_bytes(raw[32 * t:32 * (t + 1)], "big") for t in range(count)]
    if any(not 0 < b < ORDER for b in blindings):
        raise r.fail("every blinding must be a scalar in [1, group order)", "opening.blindings")
    size = record_size(count)
    for height in range(depth):
        r.take(size, f"siblings[{height}]")
    r.end()
    records = r.data[r.pos - depth * size:r.pos]
    return LegacyProof(round_id, root, depth, range_bits, tokens, user_id, salt, leaf_index, balances, blindings,
                       records)
