"""Nothing-up-my-sleeve generators, derived by RFC 9380 hash-to-curve so nobody knows a discrete log between them.

Every generator is ``hash_to_curve(message, DST)`` with suite BLS12381G1_XMD:SHA-256_SSWU_RO_ and

- G (values):     message ``b"pedersen/G"``
- H (blindings):  message ``b"pedersen/H"``
- G_vec[i]:       message ``b"bulletproofs/G/" + i.to_bytes(4, "big")``
- H_vec[i]:       message ``b"bulletproofs/H/" + i.to_bytes(4, "big")``

Vectors are prefix-stable (G_vec(n) is the first n entries of G_vec(n') for n' > n) and cached per backend.
"""

from __future__ import annotations

from threading import Lock

from circuits.group import Backend, Point, get_backend

DST = b"POR-V1-GENERATORS-BLS12381G1_XMD:SHA-256_SSWU_RO_"
MAX_VECTOR = 1 << 16
"""Largest generator vector handed out (bits · padded m of the biggest aggregated proof)."""

_cache: dict[tuple[str, str], list[Point]] = {}
_lock = Lock()


def _message(label: str, index: int | None) -> bytes:
    base = label.encode()
    return base if index is None else base + b"/" + index.to_bytes(4, "big")


def _scalar_point(backend: Backend, label: str) -> Point:
    key = (backend.name, label)
    with _lock:
        if key not in _cache:
            _cache[key] = [backend.hash_to_curve(label.encode(), DST)]
        return _cache[key][0]


def _vector(backend: Backend, label: str, n: int) -> list[Point]:
    if not 0 <= n <= MAX_VECTOR:
        raise ValueError(f"generator vectors hold at most {MAX_VECTOR} points, asked for {n}")
    key = (backend.name, label)
    with _lock:
        points = _cache.setdefault(key, [])
        for i in range(len(points), n):
            points.append(backend.hash_to_curve(_message(label, i), DST))
        return points[:n]


def G(backend: Backend | str | None = None) -> Point:
    """The value base of Pedersen commitments."""
    return _scalar_point(get_backend(backend), "pedersen/G")


def H(backend: Backend | str | None = None) -> Point:
    """The blinding base of Pedersen commitments."""
    return _scalar_point(get_backend(backend), "pedersen/H")


def G_vec(n: int, backend: Backend | str | None = None) -> list[Point]:
    return _vector(get_backend(backend), "bulletproofs/G", n)


def H_vec(n: int, backend: Backend | str | None = None) -> list[Point]:
    return _vector(get_backend(backend), "bulletproofs/H", n)


def clear_cache() -> None:
    """Forget every derived generator (benchmarks measure cold start; nothing else needs this)."""
    with _lock:
        _cache.clear()
