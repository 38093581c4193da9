"""The version-1 private-mode user proof: a JSON envelope around fixed-width binary, base64-encoded (RFC 4648).
Superseded by the version-2 binary container (por.private.container) and kept so that v1 proofs still verify.

Points and range proofs are incompressible, and hex would double them; one base64 blob for the whole path keeps
the file near 4/3 of the binary floor. Fields (docs/SPEC.md §13.5.2):

    format "por-proof", version 1, mode "private", hash "sha256", round, root (hex), depth, tokens, range_bits 64,
    user: {id, salt (hex, 32 bytes), balances {symbol: decimal}, blindings (base64, T × 32-byte big-endian)},
    leaf_index, siblings (base64): depth records, heights 0 .. depth−1, each
        hash[32] || T × commitment[48] || node range proof[proof_bytes(T)]
"""

from __future__ import annotations

import base64
import binascii

from por.errors import InputError
from por.private.rangeproofs import RANGE_BITS, proof_bytes
from por.private.tree import POINT

PROOF_FORMAT = "por-proof"
PROOF_VERSION = 1


def record_size(tokens: int) -> int:
    return 32 + POINT * tokens + proof_bytes(tokens)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, size: int, source: str, field: str) -> bytes:
    """Strict base64 of exactly ``size`` bytes, else InputError naming the field."""
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or len(raw) != size:
        raise InputError(f"must be base64 of exactly {size} bytes", path=source, field=field)
    return raw


def envelope(root: dict, user: dict, leaf_index: int, records: list[bytes]) -> dict:
    return {"format": PROOF_FORMAT, "version": PROOF_VERSION, "mode": "private", "hash": "sha256",
            "round": root["round"], "root": root["root"], "depth": root["depth"], "tokens": root["tokens"],
            "range_bits": RANGE_BITS, "user": user, "leaf_index": leaf_index, "siblings": b64(b"".join(records))}
