"""Pedersen commitments ``commit(v, r) = v·G + r·H`` on BLS12-381 G1.

Hiding because r is uniform; binding because nobody knows log_G(H) (both are hash-to-curve outputs, see
``circuits.generators``). Commitments add: commit(v1, r1) + commit(v2, r2) = commit(v1 + v2, r1 + r2), which is
what lets a Merkle sum tree carry committed sums. Fixed-base tables for G and H make a commitment ~40 additions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from circuits import generators
from circuits.fixedbase import FixedBaseTable
from circuits.group import Backend, Point, check_scalar, get_backend


@cache
def _tables(backend_name: str) -> tuple[FixedBaseTable, FixedBaseTable]:
    backend = get_backend(backend_name)
    return FixedBaseTable(backend, generators.G(backend)), FixedBaseTable(backend, generators.H(backend))


def commit(value: int, blinding: int, backend: Backend | str | None = None) -> Point:
    """v·G + r·H for v, r in [0, group order); reduce negative or oversized inputs with scalars.reduce first."""
    b = get_backend(backend)
    check_scalar(value, "value")
    check_scalar(blinding, "blinding")
    g_table, h_table = _tables(b.name)
    return b.sum(g_table.terms(value) + h_table.terms(blinding))


def commit_many(values: Sequence[int], blindings: Sequence[int], backend: Backend | str | None = None) -> list[Point]:
    """commit(values[i], blindings[i]) for every i: the tree-building hot path."""
    if len(values) != len(blindings):
        raise ValueError("commit_many needs one blinding per value")
    b = get_backend(backend)
    g_table, h_table = _tables(b.name)
    out = []
    for v, r in zip(values, blindings, strict=True):
        check_scalar(v, "value")
        check_scalar(r, "blinding")
        out.append(b.sum(g_table.terms(v) + h_table.terms(r)))
    return out


def add(c1: Point, c2: Point, backend: Backend | str | None = None) -> Point:
    """Commitment to the sum of the two committed values (and of the blindings)."""
    return get_backend(backend).add(c1, c2)


def sub(c1: Point, c2: Point, backend: Backend | str | None = None) -> Point:
    """Commitment to the difference of the two committed values (and of the blindings)."""
    return get_backend(backend).sub(c1, c2)


def sum_commitments(commitments: Sequence[Point], backend: Backend | str | None = None) -> Point:
    return get_backend(backend).sum(list(commitments))


def clear_tables() -> None:
    """Forget the fixed-base tables (benchmarks measure cold start; nothing else needs this)."""
    _tables.cache_clear()
