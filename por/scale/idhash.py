"""A fast, vectorised, non-cryptographic 64-bit hash of user ids, used only to spread ids over buckets.

Collisions only put two ids in one bucket, where they are compared exactly, so the hash needs speed and spread, not
security. h = Σ (byte_k + 1)·P^k mod 2**64 over the id's UTF-8 bytes, then a splitmix64-style finaliser.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_P = np.uint64(0x100000001B3)
_P_INVERSE = np.uint64(pow(int(_P), -1, 1 << 64))
_CHUNK = 1 << 20


def _powers(base: np.uint64, count: int) -> np.ndarray:
    """base**k mod 2**64 for k < count."""
    out = np.full(count, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


def id_hashes(ids: pa.Array) -> np.ndarray:
    """uint64 hash of every (non-empty) id."""
    ids = pa.concat_arrays([ids.cast(pa.large_string())])  # own buffers, offset 0
    out = np.empty(len(ids), dtype=np.uint64)
    _, offsets_buf, data_buf = ids.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64, count=len(ids) + 1)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.empty(0, np.uint8)
    with np.errstate(over="ignore"):
        for start in range(0, len(ids), _CHUNK):
            offs = offsets[start : min(start + _CHUNK, len(ids)) + 1]
            raw = data[offs[0] : offs[-1]].astype(np.uint64) + np.uint64(1)
            local = offs - offs[0]
            # weights P**(chunk position), then divide out P**(id start): P**(position within the id)
            spread = np.add.reduceat(raw * _powers(_P, len(raw)), local[:-1])
            out[start : start + len(offs) - 1] = spread * _powers(_P_INVERSE, len(raw) + 1)[local[:-1]]
        out ^= out >> np.uint64(30)
        out *= np.uint64(0xBF58476D1CE4E5B9)
        out ^= out >> np.uint64(27)
        out *= np.uint64(0x94D049BB133111EB)
        out ^= out >> np.uint64(31)
    return out


def id_buckets(ids: pa.Array, bits: int) -> np.ndarray:
    """Bucket in [0, 2**bits) of every id (the top bits of its hash)."""
    if bits == 0:
        return np.zeros(len(ids), dtype=np.int64)
    return (id_hashes(ids) >> np.uint64(64 - bits)).astype(np.int64)
