"""The blst backend (ctypes over the ckzg wheel's library): exact arithmetic on every curve point, its own memory
rules, and the silent fallback to arkworks or py_ecc wherever it cannot load."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from circuits.group import get_backend, unavailable_reason
from circuits.scalars import ORDER
from tests.curve_points import torsion_points

pytestmark = pytest.mark.skipif(unavailable_reason("blst") is not None, reason=str(unavailable_reason("blst")))
REPO = Path(__file__).resolve().parent.parent
SIZES = [1, 2, 3, 15, 16, 31, 32, 33, 70]  # blst switches method at 2 and at 32 points


def _points(be, labels: list[str]) -> list:
    """Backend points named by label: a torsion kind of tests.curve_points, "id", or a hashed subgroup point;
    a "-" prefix negates and a "2" prefix doubles (Jacobian form on blst)."""
    from py_ecc.fields import optimized_bls12_381_FQ as FQ

    out = []
    for label in labels:
        base = label[1:] if label[:1] in ("-", "2") else label
        if base == "id":
            p = be.identity()
        elif be.name == "pure" and base.startswith("order3"):  # py_ecc refuses to decode (0, ±2)
            p = (FQ(0), FQ(2 if base == "order3" else -2), FQ(1))
        elif base in torsion_points():
            p = be.decompress(torsion_points()[base], subgroup_check=False)
        else:
            p = be.hash_to_curve(base.encode(), b"por-test")
        if label.startswith("-"):
            p = be.neg(p)
        if label.startswith("2"):
            p = be.add(p, p)
        out.append(p)
    return out


def _random_case(rng: random.Random, n: int, kinds: list[str]) -> tuple[list[str], list[int]]:
    labels = [rng.choice(["", "-", "2"]) + rng.choice(kinds) for _ in range(n)]
    scalars = [rng.choice([0, 1, 2, 3, 11, ORDER - 1, rng.randrange(ORDER), rng.getrandbits(64)]) for _ in range(n)]
    return labels, scalars


@pytest.mark.parametrize("n", SIZES)
def test_msm_sum_and_mul_are_exact_on_every_kind_of_curve_point(n):
    """Against the pure backend's integer arithmetic, on subgroup points, the identity and points of every small
    order (3 and 11 break blst's table methods, (0, ±2) + identity its batched addition; the backend steers
    around them). Fails if any of those guards is removed."""
    blst, pure = get_backend("blst"), get_backend("pure")
    rng = random.Random(n)
    kinds = [k for k in torsion_points() if not k.startswith("order3")] + ["id", "g1", "g2"]
    for trial in range(6):
        labels, scalars = _random_case(rng, n, kinds + (["order3", "order3-neg"] if trial % 2 else []))
        expected_points = _points(pure, labels)
        got = _points(blst, labels)
        assert blst.compress(blst.msm(got, scalars)) == pure.compress(pure.msm(expected_points, scalars)), labels
        assert blst.compress(blst.sum(got)) == pure.compress(pure.sum(expected_points)), labels
        assert blst.compress(blst.mul(got[0], scalars[0])) == pure.compress(pure.mul(expected_points[0], scalars[0]))


@pytest.mark.parametrize("n", [1, 2, 5, 16, 31])
def test_order_three_points_in_small_msms_and_sums(n):
    """The cases blst gets wrong on its own: (0, 2) in a 2–31 point MSM, and beside the identity in a sum."""
    blst = get_backend("blst")
    g = blst.hash_to_curve(b"g", b"por-test")
    t = blst.decompress(torsion_points()["order3"], subgroup_check=False)
    scalars = [random.randrange(1, ORDER) for _ in range(n)]
    expected = blst.mul(g, sum(scalars[1:]) % ORDER)
    expected = blst.add(expected, t if scalars[0] % 3 == 1 else blst.neg(t) if scalars[0] % 3 == 2 else blst.identity())
    assert blst.eq(blst.msm([t] + [g] * (n - 1), scalars), expected)
    assert blst.eq(blst.sum([t, blst.identity()] * 10), t)  # 10·t = t: 20 points go to the batched addition
    assert blst.eq(blst.sum([t, blst.identity(), g] * 10), blst.add(t, blst.mul(g, 10)))


def test_points_compare_and_hash_by_value_in_either_form():
    blst = get_backend("blst")
    p = blst.hash_to_curve(b"p", b"por-test")
    doubled = blst.add(p, p)  # Jacobian
    also_doubled = blst.decompress(blst.compress(blst.mul(p, 2)))  # affine
    assert doubled == also_doubled and hash(doubled) == hash(also_doubled) and doubled != p
    assert blst.eq(doubled, also_doubled) and not blst.eq(doubled, p)
    assert (p == "not a point") is False
    assert repr(p) == f"BlstPoint({blst.compress(p).hex()})"


def test_jacobian_points_are_converted_once_in_a_batch_and_keep_their_affine_form():
    from circuits.backend_blst import affine_array

    blst = get_backend("blst")
    p = blst.hash_to_curve(b"p", b"por-test")
    jacobian = [blst.add(p, blst.mul(p, k)) for k in range(1, 6)]
    assert all(q._aff is None for q in jacobian)
    flat = affine_array(jacobian + jacobian[:2] + [p])
    assert all(q._aff is not None for q in jacobian)
    assert flat == b"".join(q._aff for q in jacobian + jacobian[:2] + [p])
    assert [blst.compress(q) for q in jacobian] == [blst.compress(blst.mul(p, k + 1)) for k in range(1, 6)]


def test_normalize_gives_jacobian_points_their_affine_form_in_one_batch():
    from circuits import pedersen
    from circuits.group import normalize

    blst = get_backend("blst")
    p = blst.hash_to_curve(b"p", b"por-test")
    points = [blst.add(p, blst.mul(p, k)) for k in range(3)]
    normalize(blst, points)
    assert all(q._aff is not None for q in points)
    g_table, h_table = pedersen._tables("blst")
    assert all(q._aff is not None for row in g_table.rows + h_table.rows for q in row)


def test_msm_uses_only_the_scalar_width_it_needs():
    blst = get_backend("blst")
    points = [blst.hash_to_curve(bytes([i]), b"por-test") for i in range(40)]
    small = [random.getrandbits(8) for _ in points]
    shifted = [(k << 200) % ORDER for k in small]
    expected = blst.sum([blst.mul(p, k) for p, k in zip(points, small, strict=True)])
    assert blst.eq(blst.msm(points, small), expected)
    assert blst.eq(blst.msm(points, shifted), blst.mul(expected, 1 << 200))
    assert blst.is_identity(blst.msm(points, [0] * 40)) and blst.is_identity(blst.msm([], []))
    assert blst.eq(blst.msm(points, [ORDER + 1] * 40), blst.sum(points))  # reduced mod r


def test_lengths_are_checked_before_any_foreign_call():
    from circuits.backend_blst import BlstPoint

    blst = get_backend("blst")
    with pytest.raises(ValueError):
        BlstPoint(bytes(95), None)
    with pytest.raises(ValueError):
        BlstPoint(None, bytes(143))
    with pytest.raises(ValueError):
        BlstPoint(None, None)
    g = blst.generator()
    with pytest.raises(ValueError):
        blst.msm([g, g], [1])
    with pytest.raises(ValueError):
        blst._pippenger(g._aff * 2, bytes(32), 2, 255)  # one scalar for two points
    with pytest.raises(ValueError):
        blst._pippenger(g._aff, bytes(33), 1, 257)
    with pytest.raises(ValueError):
        blst._pippenger(b"", b"", 0, 8)


def _default_backend_in_a_process_where(setup: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent(setup) + textwrap.dedent("""
        from circuits.group import available_backends, default_backend_name, get_backend
        print(default_backend_name(), ",".join(available_backends()))
        try:
            get_backend("blst")
        except ValueError as exc:
            print("refused:", exc)
    """)
    env = {k: v for k, v in os.environ.items() if k != "POR_BACKEND"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          check=True)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        pytest.param("import sys; sys.modules['ckzg'] = None\n", "not installed", id="no-ckzg"),
        pytest.param(
            """
            import ctypes
            real = ctypes.CDLL
            class WithoutPippenger:
                def __init__(self, path): self._lib = real(path)
                def __getattr__(self, name):
                    if name == "blst_p1s_mult_pippenger": raise AttributeError(name)
                    return getattr(self._lib, name)
            ctypes.CDLL = WithoutPippenger
            """, "does not export blst_p1s_mult_pippenger", id="missing-symbol"),
        pytest.param(
            """
            import ctypes
            def unloadable(path): raise OSError("wrong ELF class")
            ctypes.CDLL = unloadable
            """, "wrong ELF class", id="other-platform"),
    ],
)
def test_falls_back_silently_to_arkworks_when_blst_cannot_load(setup, reason):
    done = _default_backend_in_a_process_where(setup)
    lines = done.stdout.splitlines()
    assert lines[0] == "fast fast,pure"
    assert lines[1].startswith("refused: the blst backend is not available here") and reason in lines[1]
    assert done.stderr == ""


def test_falls_back_to_pure_python_without_either_native_library():
    done = _default_backend_in_a_process_where(
        "import sys; sys.modules['ckzg'] = None; sys.modules['py_arkworks_bls12381'] = None\n")
    assert done.stdout.splitlines()[0] == "pure pure"


def test_loads_by_default_when_available():
    assert _default_backend_in_a_process_where("").stdout.splitlines() == ["blst blst,fast,pure"]


def test_single_point_multiplication_is_exact_for_points_of_order_eleven():
    """blst's one-point method keeps 1..16 multiples, among them the identity for a point of order 11; the
    backend pads a one-point MSM to two points (the table method with 1..8 multiples)."""
    blst, pure = get_backend("blst"), get_backend("pure")
    data = torsion_points()["order11"]
    point, reference = blst.decompress(data, subgroup_check=False), pure.decompress(data, subgroup_check=False)
    rng = random.Random(11)
    for k in [rng.randrange(ORDER) for _ in range(120)]:
        assert blst.compress(blst.mul(point, k)) == pure.compress(pure.mul(reference, k)), k


@pytest.mark.parametrize("kind", ["id", "order11", "mixed", "order3"])
def test_base_tables_take_only_subgroup_points(kind):
    """A point of small order would put the identity among its precomputed multiples (a wrong result)."""
    from circuits.group import base_table

    blst = get_backend("blst")
    g = blst.hash_to_curve(b"g", b"por-test")
    with pytest.raises(ValueError, match="point 1 is not"):
        base_table(blst, [g] + _points(blst, [kind]))
    with pytest.raises(ValueError):
        base_table(blst, [])


def test_base_table_is_blsts_precomputed_form():
    from circuits.backend_blst import BlstBaseTable
    from circuits.group import base_table

    blst = get_backend("blst")
    table = base_table(blst, [blst.hash_to_curve(b"g", b"por-test")])
    assert isinstance(table, BlstBaseTable) and table.window == 8
    with pytest.raises(ValueError):
        BlstBaseTable(blst, table.points, window=13)
