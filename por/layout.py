"""Where users sit among the leaves: capacity, and padding spread at secret positions.

The tree has ``capacity = 2**depth`` leaves (the next power of two ≥ max(users, --pad-to), at least 2). The
``capacity − users`` padding leaves are not appended at the end — a user near the edge would then see whole
all-zero sibling subtrees and learn the user count. Instead the real users, in input order, fill a secret uniformly
random subset of the slots:

1. the slots are cut into blocks of ``BLOCK`` (or one block when smaller); how many padding leaves fall into each block
   is drawn from the multivariate hypergeometric distribution with an RNG seeded from the round key;
2. inside block b, the padding positions are drawn without replacement by an RNG seeded from HKDF(round key, b).

Step 2 lets any worker rebuild the layout of its own blocks without the others (scale-out builds).
"""

from __future__ import annotations

import numpy as np

from por.errors import InputError
from por.kdf import derive

BLOCK = 1 << 16
MAX_DEPTH = 40


def depth_for(users: int, pad_to: int = 0) -> int:
    """Smallest depth ≥ 1 whose capacity holds max(users, pad_to) leaves; InputError beyond 2**MAX_DEPTH."""
    need = max(users, pad_to, 2)
    depth = (need - 1).bit_length()
    if depth > MAX_DEPTH:
        raise InputError(f"a capacity of 2^{depth} leaves is more than the 2^{MAX_DEPTH} por supports",
                         field="--pad-to")
    return depth


def _rng(prk: bytes, purpose: str, *fields: int) -> np.random.Generator:
    seed = int.from_bytes(derive(prk, purpose, *fields), "big")
    return np.random.Generator(np.random.PCG64(seed))


def padding_per_block(prk: bytes, depth: int, users: int) -> np.ndarray:
    """Number of padding leaves in each block (int64 array, one entry per block)."""
    capacity = 1 << depth
    block = min(capacity, BLOCK)
    blocks = capacity // block
    padding = capacity - users
    if blocks == 1:
        return np.array([padding], dtype=np.int64)
    rng = _rng(prk, "layout/blocks", depth)
    return rng.multivariate_hypergeometric(np.full(blocks, block, dtype=np.int64), padding, method="marginals")


def real_mask(prk: bytes, depth: int, padding_counts: np.ndarray, first_block: int, last_block: int) -> np.ndarray:
    """Boolean mask (True = real user) over the slots of blocks [first_block, last_block)."""
    capacity = 1 << depth
    block = min(capacity, BLOCK)
    mask = np.ones((last_block - first_block) * block, dtype=bool)
    for b in range(first_block, last_block):
        pads = int(padding_counts[b])
        if pads == 0:
            continue
        offset = (b - first_block) * block
        if pads == block:
            mask[offset : offset + block] = False
            continue
        positions = _rng(prk, "layout/slots", depth, b).choice(block, size=pads, replace=False)
        mask[offset + positions] = False
    return mask


def user_slots(prk: bytes, depth: int, users: int) -> np.ndarray:
    """Slot of each user (int64, input order)."""
    counts = padding_per_block(prk, depth, users)
    return np.flatnonzero(real_mask(prk, depth, counts, 0, len(counts)))
