"""The private-mode user proof, version 2: a binary container (docs/SPEC.md §13.5.1).

JSON with base64 cost a third more than the bytes it carried (50 kB at depth 20 × 10 tokens); points and range
proofs are incompressible, so fixed-width binary is the floor (≈ 37 kB). Layout, all integers big-endian,
``label(s)`` = u16 length || UTF-8:

    magic[8] = 89 50 4F 52 50 52 56 0A ("\\x89PORPRV\\n")   version u16 = 2
    header:  label(round) || root[32] || depth u8 || range_bits u8 || T u16 || (label(symbol) || decimals u8) × T
    opening: label(user id) || salt[32] || leaf_index u64 || balance u64 × T || blinding[32] × T
    path:    depth records, heights 0 .. depth−1: hash[32] || T × commitment[48] || range proof[proof_bytes(T)]

Nothing may follow the last record. The first byte 0x89 is never the start of UTF-8 text, so a binary proof
cannot be mistaken for JSON (and vice versa). ``prove --all`` writes a *bundle*: magic "\\x89PORBDL\\n", version
u16 = 1, then (u32 length || proof container) repeated.
"""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from circuits.scalars import ORDER
from por.amounts import Token, format_amount
from por.errors import InputError
from por.hashing import MAX_DEPTH
from por.kdf import encode_label
from por.private.envelope import record_size
from por.private.tree import POINT

MAGIC = b"\x89PORPRV\n"
VERSION = 2
BUNDLE_MAGIC = b"\x89PORBDL\n"
BUNDLE_VERSION = 1
MAX_TOKENS = 1024
"""Largest token count a container may declare (the aggregation limit of one node range proof)."""


@dataclass(frozen=True)
class PrivateProof:
    """A decoded user proof, whatever its encoding; ``records`` is the raw path, depth × record_size(T) bytes."""

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


def encode(proof: PrivateProof) -> bytes:
    count = len(proof.tokens)
    if len(proof.records) != proof.depth * record_size(count):
        raise ValueError("the path records do not match depth and token count")
    parts = [MAGIC, struct.pack(">H", VERSION), encode_label(proof.round), proof.root,
             struct.pack(">BBH", proof.depth, proof.range_bits, count)]
    parts += [encode_label(t.symbol) + bytes([t.decimals]) for t in proof.tokens]
    parts += [encode_label(proof.user_id), proof.salt, struct.pack(">Q", proof.leaf_index)]
    parts += [struct.pack(f">{count}Q", *proof.balances)]
    parts += [r.to_bytes(32, "big") for r in proof.blindings]
    parts.append(proof.records)
    return b"".join(parts)


class _Reader:
    """Cursor over untrusted bytes: every short read is an InputError naming the field being read."""

    def expect_header(self, magic: bytes, version: int, what: str) -> None:
        """Magic bytes, then a u16 format version this reader understands."""
        if self.take(len(magic), "magic") != magic:
            raise self.fail(f"not a por {what} (wrong magic bytes)", "magic")
        found = self.unpack(">H", "version")
        if found != version:
            raise self.fail(f"unsupported {what} version {found} (this verifier reads version {version})", "version")

    def __init__(self, data: bytes, source: str) -> None:
        self.data, self.pos, self.source = data, 0, source

    def take(self, size: int, field: str) -> bytes:
        if self.pos + size > len(self.data):
            raise InputError(f"the proof is truncated (needs {size} more bytes at offset {self.pos})",
                             path=self.source, field=field)
        self.pos += size
        return self.data[self.pos - size:self.pos]

    def unpack(self, fmt: str, field: str) -> int:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), field))[0]

    def label(self, field: str) -> str:
        raw = self.take(self.unpack(">H", field), field)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-8", path=self.source, field=field) from None

    def fail(self, message: str, field: str) -> InputError:
        return InputError(message, path=self.source, field=field)


def is_container(data: bytes) -> bool:
    return data.startswith(MAGIC)


def is_bundle(data: bytes) -> bool:
    return data.startswith(BUNDLE_MAGIC)


def _header(r: _Reader) -> tuple[str, bytes, int, int, list[Token]]:
    """Magic, version and header: (round, root, depth, range_bits, tokens)."""
    r.expect_header(MAGIC, VERSION, "private proof")
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
    return round_id, root, depth, range_bits, tokens


def peek_user_id(data: bytes, source: str = "proof") -> str:
    """The user id of a container, read without decoding the opening or the path: how one user's proof is found
    in a bundle of millions."""
    r = _Reader(data, source)
    _header(r)
    return r.label("opening.user_id")


def decode(data: bytes, source: str = "proof") -> PrivateProof:
    """Parse a version-2 container; any structural problem (magic, version, truncation, trailing bytes, out-of-range
    field) is an InputError naming the field. Semantic checks against root.json are the verifier's job."""
    r = _Reader(bytes(data), source)
    round_id, root, depth, range_bits, tokens = _header(r)
    count = len(tokens)
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
    if r.pos != len(r.data):
        raise r.fail(f"{len(r.data) - r.pos} unexpected bytes after the last sibling record", "end")
    records = r.data[r.pos - depth * size:r.pos]
    return PrivateProof(round_id, root, depth, range_bits, tokens, user_id, salt, leaf_index, balances, blindings,
                        records)


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
    _Reader(stream.read(len(BUNDLE_MAGIC) + 2), source).expect_header(BUNDLE_MAGIC, BUNDLE_VERSION, "proof bundle")
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
            raise InputError(f"the proof is truncated (needs {missing} more bytes at offset {offset + 4 + size - missing})",
                             path=source, field=f"proof {number}")
        offset += 4 + size
        yield f"{source}#{number}", b"".join(chunks)


def json_view(proof: PrivateProof) -> dict:
    """A readable rendering for ``por inspect`` (not an input format: verifiers read the binary)."""
    count = len(proof.tokens)
    size, points = record_size(count), POINT * count
    siblings = []
    for height in range(proof.depth):
        rec = proof.records[height * size:(height + 1) * size]
        siblings.append({"height": height, "index": (proof.leaf_index >> height) ^ 1, "hash": rec[:32].hex(),
                         "commitments": [rec[32 + POINT * t:32 + POINT * (t + 1)].hex() for t in range(count)],
                         "range_proof": base64.b64encode(rec[32 + points:]).decode("ascii")})
    return {"format": "por-proof", "version": VERSION, "encoding": "binary", "mode": "private", "hash": "sha256",
            "round": proof.round, "root": proof.root.hex(), "depth": proof.depth,
            "tokens": [t.to_json() for t in proof.tokens], "range_bits": proof.range_bits,
            "user": {"id": proof.user_id, "salt": proof.salt.hex(),
                     "balances": {t.symbol: _amount(v, t) for t, v in zip(proof.tokens, proof.balances, strict=True)},
                     "blindings": [f"{b:064x}" for b in proof.blindings]},
            "leaf_index": proof.leaf_index, "siblings": siblings}


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
