"""Steps every private-mode verifier (version 3 and the legacy versions) shares: decoding untrusted commitments,
encoding recomputed ones, and the verdict's frame."""

from __future__ import annotations

from circuits.group import Backend
from por.private.hashing import POINT_BYTES
from por.verdict import Verdict


def decode_points(backend: Backend, data: bytes, tokens: int) -> list | None:
    """Decompress T points with full checks (canonical, on the curve, in the subgroup, not the identity); None when
    any fails."""
    try:
        return [backend.decompress(data[t * POINT_BYTES:(t + 1) * POINT_BYTES]) for t in range(tokens)]
    except ValueError:
        return None


def encode_points(backend: Backend, points: list) -> bytes:
    return b"".join(backend.compress(p) for p in points)


def private_verdict(root: dict, backend: str, source: str, encoding: str) -> Verdict:
    return Verdict(format="por", source=source, root=root["root"],
                   info={"round": root["round"], "mode": "private", "backend": backend, "encoding": encoding})


def root_bytes(text: str) -> bytes:
    """The published root digest as bytes; 32 zero bytes for a malformed one (which then fails the root check)."""
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    return raw if len(raw) == 32 else b"\0" * 32
