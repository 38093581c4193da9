"""Fiat–Shamir transcript: every public input is absorbed, length-framed, before any challenge is drawn.

State is one running SHA-256. ``append(label, data)`` absorbs ``u32be(len(label)) ‖ label ‖ u64be(len(data)) ‖ data``,
so no two different sequences of appends hash alike. ``challenge(label)`` absorbs the frame (b"challenge", label)
into a copy of the state, takes its 32-byte digest d, sets c = int_be(SHA-512(d)) mod r (512 bits, so the bias is
< 2^-250), absorbs (label, c as 32 bytes) into the real state and returns c. A zero challenge (probability 2^-255)
is skipped by drawing again. The transcript also seeds the prover's deterministic randomness (``ProverRng``).
"""

from __future__ import annotations

import hashlib
import secrets

from circuits.group import Backend, Point
from circuits.scalars import ORDER, to_bytes


def frame(label: bytes, data: bytes) -> bytes:
    return len(label).to_bytes(4, "big") + label + len(data).to_bytes(8, "big") + data


class Transcript:
    def __init__(self, protocol: bytes) -> None:
        self._state = hashlib.sha256()
        self.append(b"protocol", protocol)

    def append(self, label: bytes, data: bytes) -> None:
        self._state.update(frame(label, data))

    def append_u64(self, label: bytes, value: int) -> None:
        self.append(label, value.to_bytes(8, "big"))

    def append_scalar(self, label: bytes, value: int) -> None:
        self.append(label, to_bytes(value))

    def append_point(self, label: bytes, backend: Backend, point: Point) -> None:
        self.append(label, backend.compress(point))

    def challenge(self, label: bytes) -> int:
        while True:
            probe = self._state.copy()
            probe.update(frame(b"challenge", label))
            c = int.from_bytes(hashlib.sha512(probe.digest()).digest(), "big") % ORDER
            self.append(label, to_bytes(c))
            if c:
                return c

    def digest(self) -> bytes:
        """The current state, for binding derived randomness to everything absorbed so far."""
        return self._state.copy().digest()


class ProverRng:
    """Prover randomness: ``secrets`` by default; with a seed, SHA-512 in counter mode over
    (b"POR-PROVER-RNG-V1", seed, transcript digest, counter) so test vectors are reproducible and a reused seed
    still yields different randomness for a different statement."""

    def __init__(self, seed: bytes | None, transcript: Transcript) -> None:
        self._prefix = None if seed is None else frame(b"POR-PROVER-RNG-V1", bytes(seed)) + transcript.digest()
        self._counter = 0

    def scalar(self) -> int:
        if self._prefix is None:
            return secrets.randbelow(ORDER)
        block = hashlib.sha512(self._prefix + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1
        return int.from_bytes(block, "big") % ORDER

    def scalars(self, count: int) -> list[int]:
        return [self.scalar() for _ in range(count)]
