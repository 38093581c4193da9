"""User id rules, checked on whole columns at once.

Ids are taken byte for byte: nothing is stripped or normalised (``" alice"`` and ``"alice"`` are two users), so the
id a user types is exactly the id hashed into their leaf. Rejected: the empty id, ids over 1024 UTF-8 bytes,
control characters (Unicode category Cc: they hide in terminals and logs) and duplicates (attack A6).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_ID_BYTES = 1024


class BadUserId(Exception):
    """The id at ``index`` breaks a rule; ``first_index`` is set for a duplicate."""

    def __init__(self, index: int, reason: str, first_index: int | None = None) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason
        self.first_index = first_index


def check_id_shapes(ids: pa.Array) -> None:
    """Empty, too long or control characters: BadUserId for the first offending id."""
    lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False)
    empty = lengths == 0
    long = lengths > MAX_ID_BYTES
    control = pc.match_substring_regex(ids, r"\p{Cc}").to_numpy(zero_copy_only=False)
    bad = empty | long | control
    if not bad.any():
        return
    index = int(np.argmax(bad))
    if empty[index]:
        raise BadUserId(index, "user id is empty")
    if long[index]:
        raise BadUserId(index, f"user id is {int(lengths[index])} UTF-8 bytes long; the limit is {MAX_ID_BYTES}")
    raise BadUserId(index, f"user id {ids[index].as_py()!r} contains a control character")


def check_unique(ids: pa.Array) -> None:
    """Hash the whole column once; only if it has repeats, find the first repeated row and its first sighting."""
    encoded = pc.dictionary_encode(ids)
    if len(encoded.dictionary) == len(encoded):
        return
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    _, first_seen = np.unique(codes, return_index=True)  # codes are numbered in order of first appearance
    repeats = np.nonzero(first_seen[codes] != np.arange(len(codes)))[0]
    index = int(repeats[0])
    first = int(first_seen[codes[index]])
    raise BadUserId(index, f"duplicate user id {ids[index].as_py()!r}", first_index=first)
