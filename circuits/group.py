"""One small interface over BLS12-381 G1, with three interchangeable backends.

"blst" calls supranational's blst through ctypes, from the shared library the ``ckzg`` wheel ships (the fastest:
its multi-scalar multiplication and batched additions beat arkworks'); "fast" wraps the native
``py_arkworks_bls12381`` wheel; "pure" wraps ``py_ecc`` (pure Python, ~100x slower, but auditable and always
installable). All use the ZCash 48-byte compressed encoding and RFC 9380 hash-to-curve, so bytes produced by one
are read identically by the others; the test suite runs the same vectors through every available backend.

Points are opaque backend objects: only the backend that made a point may operate on it. Scalars are Python ints,
reduced modulo the group order by the backend.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from circuits.scalars import ORDER

Point = Any  # a backend-specific point object

BACKENDS = ("blst", "fast", "pure")


class Backend(Protocol):
    name: str

    def identity(self) -> Point: ...
    def generator(self) -> Point:
        """The standard BLS12-381 G1 generator (used only in tests and self-checks, never as a Pedersen base)."""
        ...
    def add(self, p: Point, q: Point) -> Point: ...
    def sub(self, p: Point, q: Point) -> Point: ...
    def neg(self, p: Point) -> Point: ...
    def mul(self, p: Point, k: int) -> Point: ...
    def msm(self, points: list[Point], scalars: list[int]) -> Point:
        """Σ scalars[i]·points[i] as one multi-scalar multiplication."""
        ...
    def sum(self, points: list[Point]) -> Point: ...
    def eq(self, p: Point, q: Point) -> bool: ...
    def is_identity(self, p: Point) -> bool: ...
    def compress(self, p: Point) -> bytes: ...
    def decompress(self, data: bytes, *, allow_identity: bool = False, subgroup_check: bool = True) -> Point:
        """Parse untrusted bytes: exact length, canonical encoding, on the curve, in the prime-order subgroup and
        (unless allowed) not the identity; anything else raises ValueError. ``subgroup_check=False`` skips only the
        subgroup test, for points whose use is made sound otherwise (rangeproof's cofactor-cleared batch check)."""
        ...
    def hash_to_curve(self, msg: bytes, dst: bytes) -> Point:
        """RFC 9380 BLS12381G1_XMD:SHA-256_SSWU_RO_ with the given domain-separation tag."""
        ...


def default_backend_name() -> str:
    """``POR_BACKEND`` if set, else the first available of "blst", "fast" and "pure"."""
    name = os.environ.get("POR_BACKEND", "").strip().lower()
    if name:
        if name not in BACKENDS:
            raise ValueError(f"POR_BACKEND must be one of {', '.join(BACKENDS)}, got {name!r}")
        return name
    return available_backends()[0]


@cache
def unavailable_reason(name: str) -> str | None:
    """Why backend ``name`` cannot load on this machine, or None when it can. Loading is attempted once; any
    failure (a missing wheel or symbol, another platform, a failed self-test) only makes it unavailable."""
    if name not in BACKENDS:
        return f"unknown group backend {name!r}; expected one of {', '.join(BACKENDS)}"
    try:
        _load(name)
    except Exception as exc:  # noqa: BLE001 - whatever a foreign library raises, the answer is "not here"
        return f"the {name} backend is not available here: {exc}"
    return None


def available_backends() -> tuple[str, ...]:
    """The backends that load here, fastest first ("pure" always does)."""
    return tuple(name for name in BACKENDS if unavailable_reason(name) is None)


@cache
def _load(name: str) -> Backend:
    if name == "blst":
        from circuits.backend_blst import BlstBackend

        return BlstBackend()
    if name == "fast":
        from circuits.backend_fast import FastBackend

        return FastBackend()
    if name == "pure":
        from circuits.backend_pure import PureBackend

        return PureBackend()
    raise ValueError(f"unknown group backend {name!r}; expected one of {', '.join(BACKENDS)}")


def get_backend(name: str | Backend | None = None) -> Backend:
    """The backend called ``name`` (or the default); a Backend passed in is returned unchanged. A backend that
    cannot load here raises ValueError with the reason."""
    if name is None:
        name = default_backend_name()
    if isinstance(name, str):
        name = name.strip().lower()
        reason = unavailable_reason(name)
        if reason is not None:
            raise ValueError(reason)
        return _load(name)
    return name


def normalize(backend: Backend, points: Sequence[Point]) -> None:
    """Put ``points`` once into the form that the backend's ``msm``, ``sum`` and ``compress`` read fastest, for
    points used many times or compressed in bulk (fixed-base tables; commitments about to be encoded): the
    optional ``Backend.normalize`` — blst converts Jacobian points to affine in one batch, one inversion for all;
    a no-op on backends without it. Values are unchanged."""
    method = getattr(backend, "normalize", None)
    if method is not None:
        method(points)


class BaseTable:
    """Points used as MSM bases again and again (the generator vectors), addressed by index. This generic form is
    a plain list; a backend may offer a precomputed one (``Backend.base_table``; blst: per-point window tables,
    1.8x faster MSMs over 16 points, no gain at 1,024 — for many small MSMs over fixed generators, like a prover's
    re-materialised generators). Build it with ``base_table``."""

    def __init__(self, backend: Backend, points: Sequence[Point]) -> None:
        self.backend = backend
        self.points = list(points)

    def __len__(self) -> int:
        return len(self.points)

    def msm(self, indices: Sequence[int], scalars: Sequence[int]) -> Point:
        """Σ scalars[j]·points[indices[j]] (``indices`` a range or any sequence of indices in [0, len))."""
        if not all(0 <= i < len(self.points) for i in indices):
            raise IndexError("base table index out of range")
        return self.backend.msm([self.points[i] for i in indices], scalars)


def base_table(backend: Backend, points: Sequence[Point]) -> BaseTable:
    """A ``BaseTable`` over ``points`` (prime-order subgroup points): the backend's precomputed one when it has
    the optional ``base_table`` method, else the generic list. Results are identical; only the speed differs."""
    method = getattr(backend, "base_table", None)
    return method(points) if method is not None else BaseTable(backend, points)


def check_scalar(k: int, what: str = "scalar") -> int:
    """Range-check a scalar given by a caller: an int in [0, r)."""
    if not isinstance(k, int) or isinstance(k, bool):
        raise TypeError(f"{what} must be an int")
    if not 0 <= k < ORDER:
        raise ValueError(f"{what} must be in [0, group order)")
    return k
