"""The private-mode user proof, version 3: a binary container over the K-ary tree (docs/SPEC.md §13.5).

Points and range proofs are incompressible, so fixed-width binary is the floor. All integers big-endian,
``label(s)`` = u16 length || UTF-8:

    magic[8] = 89 50 4F 52 50 52 56 0A ("\\x89PORPRV\\n")   version u16 = 3
    header:  label(round) || root[32] || arity u8 || depth u8 || T u16
             || (label(symbol) || decimals u8 || range_bits u8) × T
    opening: label(user id) || salt[32] || leaf_index u64 || balance u64 × T || blinding[32] × T
    path:    depth levels, heights 0 .. depth−1, each: the K − 1 siblings of the path node in child order
             (hash[32] || T × commitment[48] each) || the group range proof of their parent

Nothing may follow the last level. The first byte 0x89 is never the start of UTF-8 text, so a binary proof
cannot be mistaken for JSON (and vice versa). Version 2 (binary tree) is still read (por.private.legacy).
``prove --all`` writes a *bundle*: magic "\\x89PORBDL\\n", version u16 = 1, then (u32 length || container) repeated.
"""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from circuits.rangeproof import MAX_VALUES, MAX_WIDTH
from circuits.scalars import ORDER
from por.amounts import Token, format_amount
from por.errors import InputError
from por.hashing import MAX_DEPTH
from por.kdf import encode_label
from por.private.legacy import container as legacy
from por.private.rangeproofs import group_shape
from por.private.tree import POINT
from por.private.wire import Reader

MAGIC = b"\x89PORPRV\n"
VERSION = 3
BUNDLE_MAGIC = b"\x89PORBDL\n"
BUNDLE_VERSION = 1
MAX_ARITY = 16


@dataclass(frozen=True)
class Sibling:
    hash: bytes
    commitments: bytes  # T compressed points


@dataclass(frozen=True)
class PrivateProof:
    """A decoded version-3 proof: per height, the K − 1 siblings (child order, the path node's position skipped)
    and the group range proof of their parent."""

    round: str
    root: bytes
    arity: int
    depth: int
    tokens: list[Token]
    widths: list[int]
    user_id: str
    salt: bytes
    leaf_index: int
    balances: list[int]
    blindings: list[int]
    levels: list[tuple[list[Sibling], bytes]]


def encode(proof: PrivateProof) -> bytes:
    count = len(proof.tokens)
    parts = [MAGIC, struct.pack(">H", VERSION), encode_label(proof.round), proof.root,
             struct.pack(">BBH", proof.arity, proof.depth, count)]
    parts += [encode_label(t.symbol) + bytes([t.decimals, w]) for t, w in zip(proof.tokens, proof.widths, strict=True)]
    parts += [encode_label(proof.user_id), proof.salt, struct.pack(">Q", proof.leaf_index)]
    parts += [struct.pack(f">{count}Q", *proof.balances)]
    parts += [r.to_bytes(32, "big") for r in proof.blindings]
    for siblings, group_proof in proof.levels:
        parts += [s.hash + s.commitments for s in siblings]
        parts.append(group_proof)
    return b"".join(parts)


def is_container(data: bytes) -> bool:
    return data.startswith(MAGIC)


def is_bundle(data: bytes) -> bool:
    return data.startswith(BUNDLE_MAGIC)


def decode(data: bytes, source: str = "proof") -> PrivateProof | legacy.LegacyProof:
    """Parse a container of version 3 (or a legacy version 2); any structural problem (magic, version, truncation,
    trailing bytes, out-of-range field) is an InputError naming the field. Checks against root.json are the
    verifier's job."""
    r = Reader(bytes(data), source)
    version = r.expect_magic(MAGIC, "private proof")
    if version == legacy.VERSION:
        return legacy.decode_after_version(r)
    if version != VERSION:
        raise r.fail(f"unsupported private proof version {version} (this verifier reads versions 2 and 3)",
                     "version")
    round_id, root, arity, depth, tokens, widths = _header(r)
    user_id, salt, leaf_index, balances, blindings = _opening(r, len(tokens))
    proof_size = group_shape(widths, arity).proof_bytes
    levels = []
    for height in range(depth):
        siblings = [Sibling(r.take(32, f"levels[{height}].siblings[{j}].hash"),
                            r.take(POINT * len(tokens), f"levels[{height}].siblings[{j}].commitments"))
                    for j in range(arity - 1)]
        levels.append((siblings, r.take(proof_size, f"levels[{height}].group_proof")))
    r.end()
    return PrivateProof(round_id, root, arity, depth, tokens, widths, user_id, salt, leaf_index, balances, blindings,
                        levels)


def _header(r: Reader) -> tuple[str, bytes, int, int, list[Token], list[int]]:
    round_id = r.label("header.round")
    root = r.take(32, "header.root")
    arity = r.unpack(">B", "header.arity")
    if not 2 <= arity <= MAX_ARITY:
        raise r.fail(f"must be between 2 and {MAX_ARITY}, got {arity}", "header.arity")
    depth = r.unpack(">B", "header.depth")
    if not 1 <= depth <= MAX_DEPTH or arity**depth > 1 << MAX_DEPTH:
        raise r.fail(f"must be between 1 and {MAX_DEPTH} levels of at most 2^{MAX_DEPTH} leaves, got {depth}",
                     "header.depth")
    count = r.unpack(">H", "header.token_count")
    if not count >= 1 or arity * count > MAX_VALUES:
        raise r.fail(f"must be between 1 and {MAX_VALUES // arity} for arity {arity}, got {count}",
                     "header.token_count")
    tokens, widths = [], []
    for t in range(count):
        symbol = r.label(f"header.tokens[{t}].symbol")
        tokens.append(Token(symbol, r.unpack(">B", f"header.tokens[{t}].decimals")))
        width = r.unpack(">B", f"header.tokens[{t}].range_bits")
        if not 1 <= width <= MAX_WIDTH:
            raise r.fail(f"must be between 1 and {MAX_WIDTH}, got {width}", f"header.tokens[{t}].range_bits")
        widths.append(width)
    return round_id, root, arity, depth, tokens, widths


def _opening(r: Reader, count: int) -> tuple[str, bytes, int, list[int], list[int]]:
    user_id = r.label("opening.user_id")
    salt = r.take(32, "opening.salt")
    leaf_index = r.unpack(">Q", "opening.leaf_index")
    balances = list(struct.unpack(f">{count}Q", r.take(8 * count, "opening.balances")))
    raw = r.take(32 * count, "opening.blindings")
    blindings = [int.from_bytes(raw[32 * t:32 * (t + 1)], "big") for t in range(count)]
    if any(not 0 < b < ORDER for b in blindings):
        raise r.fail("every blinding must be a scalar in [1, group order)", "opening.blindings")
    return user_id, salt, leaf_index, balances, blindings


def peek_user_id(data: bytes, source: str = "proof") -> str:
    """The user id inside a container (any version) without decoding its path: finding one user's proof in a
    bundle costs a few reads per entry."""
    r = Reader(bytes(data), source)
    version = r.expect_magic(MAGIC, "private proof")
    if version == VERSION:
        _, _, _, _, tokens, _ = _header(r)
        return r.label("opening.user_id")
    if version == legacy.VERSION:
        r.label("header.round")
        r.take(33, "header.root")
        r.take(1, "header.range_bits")
        for t in range(r.unpack(">H", "header.token_count")):
            r.label(f"header.tokens[{t}].symbol")
            r.take(1, f"header.tokens[{t}].decimals")
        return r.label("opening.user_id")
    raise r.fail(f"unsupported private proof version {version}", "version")


def bundle_header() -> bytes:
    return BUNDLE_MAGIC + struct.pack(">H", BUNDLE_VERSION)


def bundle_entry(container: bytes) -> bytes:
    return struct.pack(">I", len(container)) + container


def split_bundle(data: bytes, source: str = "proofs") -> Iterator[tuple[str, bytes]]:
    """(source label, container bytes) of every proof in a bundle; structural problems are InputErrors."""
    return read_bundle(io.BytesIO(data), source)


def read_bundle(stream: BinaryIO, source: str = "proofs") -> Iterator[tuple[str, bytes]]:
    """Like ``split_bundle``, from a binary stream, one entry at a time: memory stays flat in the bundle's size
    (a length prefix is trusted only as far as the bytes are really there)."""
    header = Reader(stream.read(len(BUNDLE_MAGIC) + 2), source)
    version = header.expect_magic(BUNDLE_MAGIC, "proof bundle")
    if version != BUNDLE_VERSION:
        raise header.fail(f"unsupported proof bundle version {version} (this verifier reads version "
                          f"{BUNDLE_VERSION})", "version")
    number, offset = 0, len(BUNDLE_MAGIC) + 2
    while prefix := stream.read(4):
        number += 1
        if len(prefix) < 4:
            raise InputError(f"the bundle is truncated (a 4-byte length at offset {offset} has {len(prefix)})",
                             path=source, field=f"proof {number} length")
        size = struct.unpack(">I", prefix)[0]
        chunks, missing = [], size
        while missing and (chunk := stream.read(min(missing, 1 << 20))):
            chunks.append(chunk)
            missing -= len(chunk)
        if missing:
            raise InputError(f"the proof is truncated (needs {missing} more bytes at offset "
                             f"{offset + 4 + size - missing})", path=source, field=f"proof {number}")
        offset += 4 + size
        yield f"{source}#{number}", b"".join(chunks)


def json_view(proof: PrivateProof | legacy.LegacyProof) -> dict:
    """A readable rendering for ``por inspect`` (not an input format: verifiers read the binary)."""
    common = {"format": "por-proof", "encoding": "binary", "mode": "private", "hash": "sha256", "round": proof.round,
              "root": proof.root.hex(), "depth": proof.depth, "tokens": [t.to_json() for t in proof.tokens],
              "user": {"id": proof.user_id, "salt": proof.salt.hex(),
                       "balances": {t.symbol: _amount(v, t) for t, v in zip(proof.tokens, proof.balances,
                                                                              strict=True)},
                       "blindings": [f"{b:064x}" for b in proof.blindings]},
              "leaf_index": proof.leaf_index}
    if isinstance(proof, legacy.LegacyProof):
        return {**common, "version": legacy.VERSION, "range_bits": proof.range_bits,
                "path": base64.b64encode(proof.records).decode("ascii")}
    count = len(proof.tokens)
    levels = []
    for height, (siblings, group_proof) in enumerate(proof.levels):
        levels.append({"height": height,
                       "siblings": [{"hash": s.hash.hex(),
                                     "commitments": [s.commitments[POINT * t:POINT * (t + 1)].hex() for t in range(count)]}
                                    for s in siblings],
                       "group_proof": base64.b64encode(group_proof).decode("ascii")})
    return {**common, "version": VERSION, "arity": proof.arity,
            "range_bits": {t.symbol: w for t, w in zip(proof.tokens, proof.widths, strict=True)}, "levels": levels}


def _amount(value: int, token: Token) -> str:
    try:
        return format_amount(value, token.decimals)
    except ValueError:
        return str(value)  # an out-of-range decimals byte: show base units rather than fail to display


def binary_json_view(data: bytes, source: str) -> dict | list[dict]:
    """``por inspect`` of a binary file: one proof's view, or a list of views for a bundle."""
    if is_bundle(data):
        return [json_view(decode(entry, label)) for label, entry in split_bundle(data, source)]
    return json_view(decode(data, source))

