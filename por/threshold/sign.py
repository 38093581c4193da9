"""Partial signatures and their combination: t valid partials over one message give the group's BLS signature.

A partial of share i over message m is f(i)·H(m), with H the ciphersuite's hash to G2 (the signature DST for roots,
the proof-of-possession DST for the group key's PoP). It is checked against the verification key Σ_k i^k·C_k
computed from the group's commitments — never against a key found in the partial file — by one random linear
combination of all the partials (two pairings); when that fails, each is checked alone to name the bad ones. Any t
valid partials interpolate, in the exponent, to f(0)·H(m): the ordinary BLS signature under the group key, the same
bytes whichever t took part (docs/SPEC.md §14.5.3).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from py_ecc.optimized_bls12_381 import Z1, Z2, add, multiply

from por import attest
from por.errors import VerificationError
from por.snapshot import canonical_root_bytes
from por.threshold.curve import (
    POP_DST,
    SIGNATURE_DST,
    Point,
    decode_g2,
    encode_g2,
    hash_to_g2,
    signature_verifies,
)
from por.threshold.files import POP_PURPOSE, ROOT_PURPOSE, GroupKey, Partial, Share
from por.threshold.shares import lagrange_at_zero

BATCH_BITS = 128  # the random weights of the batch check: a bad partial slips through with probability 2^-128


@dataclass(frozen=True)
class Message:
    """What is signed: the bytes, the hash-to-curve DST, and the purpose recorded in partial files."""

    purpose: str
    data: bytes
    dst: bytes
    round: str = ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def root_message(root: dict) -> Message:
    """The exact bytes every root signature covers: por.snapshot.canonical_root_bytes(root)."""
    return Message(ROOT_PURPOSE, canonical_root_bytes(root), SIGNATURE_DST, root.get("round", ""))


def pop_message(group_public_key: bytes) -> Message:
    """The proof of possession of the group key: a signature over the key itself with the PoP DST (PopProve)."""
    return Message(POP_PURPOSE, group_public_key, POP_DST)


def sign_partial(share: Share, message: Message) -> Partial:
    signature = encode_g2(multiply(hash_to_g2(message.data, message.dst), share.value))
    return Partial(message.purpose, share.group_public_key, share.index, share.epoch, message.digest, signature,
                   message.round)


@dataclass
class Combination:
    """The outcome of combine: the signature (None when fewer than t partials are valid) and what was wrong."""

    threshold: int
    signature: bytes | None = None
    valid: list[int] = field(default_factory=list)  # share indices with a valid partial
    used: list[int] = field(default_factory=list)  # the t of them that were interpolated
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signature is not None

    def to_json(self) -> dict:
        return {"ok": self.ok, "threshold": self.threshold, "valid": self.valid, "used": self.used,
                "findings": self.findings, "signature": self.signature.hex() if self.signature else None}


def combine(group: GroupKey, message: Message, partials: list[Partial]) -> Combination:
    """Check every partial; Lagrange-combine the first t valid ones (by index); name and skip the others."""
    result = Combination(group.threshold)
    candidates = [(p, point) for p in partials if (point := _admissible(group, message, p, result.findings))]
    message_point = hash_to_g2(message.data, message.dst)
    chosen: dict[int, Point] = {}
    for partial, point in _valid(group, message_point, candidates, result.findings):
        if partial.index in chosen:
            result.findings.append(f"{partial.name} repeats share {partial.index}; counted once")
        else:
            chosen[partial.index] = point
    result.valid = sorted(chosen)
    if len(chosen) < group.threshold:
        result.findings.append(f"only {len(chosen)} valid partial signature(s) from distinct shares; "
                               f"{group.threshold} are needed")
        return result
    result.used = result.valid[: group.threshold]
    weights = lagrange_at_zero(result.used)
    signature = Z2
    for index in result.used:
        signature = add(signature, multiply(chosen[index], weights[index]))
    if not signature_verifies(group.points[0], message_point, signature):  # valid partials always interpolate
        raise VerificationError("the combined signature does not verify under the group key")
    result.signature = encode_g2(signature)
    return result


def combine_root(root: dict, group: GroupKey, partials: list[Partial]) -> tuple[Combination, dict | None]:
    """Combine partials over ``root``; when t are valid, a copy of root with the group's signature entry added."""
    result = combine(group, root_message(root), partials)
    if result.signature is None:
        return result, None
    return result, attest.add_signature(root, group.key, result.signature, group.public.label)


def _admissible(group: GroupKey, message: Message, partial: Partial, findings: list[str]) -> Point | None:
    """The partial's point when its fields fit this group and message; else a finding and None."""
    problem = None
    if partial.purpose != message.purpose:
        problem = f"is a partial {partial.purpose} signature, not a {message.purpose} one"
    elif partial.group_public_key != group.key:
        problem = "was made for another group key"
    elif partial.epoch != group.epoch:
        problem = (f"was made with a share of epoch {partial.epoch} but the group key is at epoch {group.epoch} "
                   "(shares from before a refresh cannot be mixed with new ones)")
    elif not 1 <= partial.index <= group.shares:
        problem = f"has share index {partial.index}, outside 1..{group.shares}"
    elif partial.message_sha256 != message.digest:
        problem = (f"signs another root (round {partial.round!r})" if message.purpose == ROOT_PURPOSE
                   else "signs another message")
    else:
        try:
            return decode_g2(partial.signature)
        except ValueError as exc:
            problem = f"holds no valid signature ({exc})"
    findings.append(f"{partial.name} {problem}; skipped")
    return None


def _valid(group: GroupKey, message_point: Point, candidates: list[tuple[Partial, Point]],
           findings: list[str]) -> list[tuple[Partial, Point]]:
    """The candidates whose signature is f(i)·H(m): one batched pairing check, then one per partial if it fails."""
    if len(candidates) > 1:
        weights = [secrets.randbits(BATCH_BITS) | 1 for _ in candidates]
        signatures, keys = Z2, Z1
        for (partial, point), weight in zip(candidates, weights, strict=True):
            signatures = add(signatures, multiply(point, weight))
            keys = add(keys, multiply(group.verification_key(partial.index), weight))
        if signature_verifies(keys, message_point, signatures):
            return candidates
    valid = []
    for partial, point in candidates:
        if signature_verifies(group.verification_key(partial.index), message_point, point):
            valid.append((partial, point))
        else:
            findings.append(f"{partial.name} is not a valid signature by share {partial.index}; skipped")
    return valid
