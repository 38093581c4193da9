"""Every available G1 backend: identical encodings and arithmetic, and strict parsing of untrusted points."""

from __future__ import annotations

import secrets

import pytest

from circuits.group import available_backends, default_backend_name, get_backend
from circuits.scalars import ORDER

QUUX_DST = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
FIELD_MODULUS = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16
)
BACKENDS = list(available_backends())
OTHERS = [name for name in BACKENDS if name != "pure"]  # each is compared with pure, the reference


def compressed_x(x: int, y_flag: bool = False) -> bytes:
    """ZCash compressed encoding of an x coordinate: compression flag, and the sign flag when asked."""
    return (x | (1 << 383) | (int(y_flag) << 381)).to_bytes(48, "big")


def on_curve_x_outside_subgroup() -> int:
    for x in range(1, 100):
        if pow((x**3 + 4) % FIELD_MODULUS, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) == 1:
            return x
    raise AssertionError("no curve point found")


def off_curve_x() -> int:
    for x in range(1, 100):
        if pow((x**3 + 4) % FIELD_MODULUS, (FIELD_MODULUS - 1) // 2, FIELD_MODULUS) != 1:
            return x
    raise AssertionError("no non-residue found")


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize(
    ("msg", "x_hex"),
    [
        (b"", "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1"),
        (b"abc", "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903"),
    ],
)
def test_hash_to_curve_matches_rfc9380_vectors(name, msg, x_hex):
    point = get_backend(name).hash_to_curve(msg, QUUX_DST)
    encoded = get_backend(name).compress(point)
    assert int.from_bytes(encoded, "big") & ((1 << 381) - 1) == int(x_hex, 16)


@pytest.mark.parametrize("name", OTHERS)
def test_backends_agree_on_arithmetic_and_encodings(name):
    fast, pure = get_backend(name), get_backend("pure")
    scalars = [0, 1, 2, ORDER - 1, secrets.randbelow(ORDER), secrets.randbelow(2**64)]
    fast_points = [fast.hash_to_curve(bytes([i]), b"por-test") for i in range(len(scalars))]
    pure_points = [pure.hash_to_curve(bytes([i]), b"por-test") for i in range(len(scalars))]
    assert [fast.compress(p) for p in fast_points] == [pure.compress(p) for p in pure_points]
    assert fast.compress(fast.msm(fast_points, scalars)) == pure.compress(pure.msm(pure_points, scalars))
    assert fast.compress(fast.mul(fast_points[0], scalars[4])) == pure.compress(pure.mul(pure_points[0], scalars[4]))
    sum_fast = fast.sub(fast.add(fast_points[1], fast_points[2]), fast.neg(fast_points[3]))
    sum_pure = pure.sub(pure.add(pure_points[1], pure_points[2]), pure.neg(pure_points[3]))
    assert fast.compress(sum_fast) == pure.compress(sum_pure)
    assert fast.compress(fast.generator()) == pure.compress(pure.generator())


@pytest.mark.parametrize("name", BACKENDS)
def test_msm_equals_sum_of_multiplications(name):
    be = get_backend(name)
    points = [be.hash_to_curve(bytes([i]), b"por-test") for i in range(5)]
    scalars = [secrets.randbelow(ORDER) for _ in points]
    expected = be.sum([be.mul(p, k) for p, k in zip(points, scalars, strict=True)])
    assert be.eq(be.msm(points, scalars), expected)
    assert be.is_identity(be.msm(points, [0] * 5))


@pytest.mark.parametrize("name", BACKENDS)
def test_decompress_round_trips_valid_points(name):
    be = get_backend(name)
    point = be.hash_to_curve(b"x", b"por-test")
    assert be.eq(be.decompress(be.compress(point)), point)
    assert be.eq(be.decompress(be.compress(be.neg(point))), be.neg(point))


@pytest.mark.parametrize("name", BACKENDS)
def test_decompress_rejects_identity_unless_allowed(name):
    be = get_backend(name)
    identity = be.compress(be.identity())
    assert identity == bytes([0xC0]) + bytes(47)
    with pytest.raises(ValueError):
        be.decompress(identity)
    assert be.is_identity(be.decompress(identity, allow_identity=True))


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bytes(47), id="short"),
        pytest.param(bytes(49), id="long"),
        pytest.param(compressed_x(off_curve_x()), id="off-curve"),
        pytest.param(compressed_x(on_curve_x_outside_subgroup()), id="outside-subgroup"),
        pytest.param(compressed_x(FIELD_MODULUS), id="x-not-reduced"),
        pytest.param(on_curve_x_outside_subgroup().to_bytes(48, "big"), id="uncompressed-flag"),
        pytest.param(bytes([0xC0]) + bytes(46) + b"\x01", id="identity-with-garbage"),
        pytest.param(bytes([0xE0]) + bytes(47), id="identity-with-sign"),
    ],
)
def test_decompress_rejects_malformed_points(name, data):
    with pytest.raises(ValueError):
        get_backend(name).decompress(data, allow_identity=True)


@pytest.mark.parametrize("name", BACKENDS)
def test_env_variable_selects_backend(monkeypatch, name):
    monkeypatch.setenv("POR_BACKEND", name)
    assert get_backend().name == name
    monkeypatch.setenv("POR_BACKEND", "nonsense")
    with pytest.raises(ValueError):
        get_backend()
    monkeypatch.delenv("POR_BACKEND")
    assert get_backend().name == default_backend_name() == BACKENDS[0]
    assert get_backend("pure").name == "pure"



@pytest.mark.parametrize("name", BACKENDS)
def test_identity_is_neutral_in_every_operation(name):
    be = get_backend(name)
    identity, point = be.identity(), be.hash_to_curve(b"p", b"por-test")
    for k in (0, 1, 2, 3, 7, 2**64 - 1, ORDER - 1):
        assert be.is_identity(be.mul(identity, k))
        assert be.is_identity(be.msm([identity], [k]))
    assert be.eq(be.msm([identity, point, identity], [5, 3, ORDER - 1]), be.mul(point, 3))
    assert be.eq(be.add(identity, point), point) and be.eq(be.add(point, identity), point)
    assert be.is_identity(be.neg(identity)) and be.is_identity(be.sub(point, point))
    assert be.eq(be.sum([identity] * 20 + [point] + [identity] * 20), point)
    assert be.compress(be.add(be.neg(identity), be.add(identity, identity))) == be.compress(identity)


@pytest.mark.parametrize("name", BACKENDS)
@pytest.mark.parametrize("kind", ["torsion", "order11", "order10177", "order859267", "order52437899", "mixed",
                                  "order3", "order3-neg"])
def test_points_outside_the_subgroup_decode_only_without_the_subgroup_check(name, kind):
    from tests.curve_points import torsion_points

    be, pure = get_backend(name), get_backend("pure")
    data = torsion_points()[kind]
    with pytest.raises(ValueError):
        be.decompress(data)
    if name == "pure" and kind.startswith("order3"):  # py_ecc reads x = 0 as a malformed identity: stricter
        with pytest.raises(ValueError):
            be.decompress(data, subgroup_check=False)
        return
    point = be.decompress(data, subgroup_check=False)
    assert be.compress(point) == data
    if kind.startswith("order3"):
        assert be.is_identity(be.mul(point, 3)) and be.compress(be.add(point, point)) != data
        return
    reference = pure.decompress(data, subgroup_check=False)
    g, k = be.hash_to_curve(b"g", b"por-test"), secrets.randbelow(ORDER)
    assert be.compress(be.add(point, g)) == pure.compress(pure.add(reference, pure.hash_to_curve(b"g", b"por-test")))
    assert be.compress(be.mul(point, k)) == pure.compress(pure.mul(reference, k))


def test_unknown_backend_names_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="blst, fast, pure"):
        get_backend("gpu")


@pytest.mark.parametrize("name", BACKENDS)
def test_normalize_keeps_every_value(name):
    from circuits.group import normalize

    be = get_backend(name)
    p = be.hash_to_curve(b"n", b"por-test")
    points = [be.mul(p, k) for k in (1, 2, 3)] + [be.add(p, p), be.identity()]
    before = [be.compress(q) for q in points]
    normalize(be, points)
    assert [be.compress(q) for q in points] == before
    assert be.eq(be.msm(points, [1, 1, 1, 1, 1]), be.mul(p, 8)) and be.eq(be.sum(points), be.mul(p, 8))


@pytest.mark.parametrize("name", BACKENDS)
def test_base_table_msm_equals_the_plain_msm_for_every_kind_of_index(name):
    from circuits.group import base_table

    be = get_backend(name)
    points = [be.hash_to_curve(bytes([i]), b"por-test") for i in range(40 if name != "pure" else 12)]
    table = base_table(be, points)
    assert len(table) == len(points)
    n = len(points)
    for indices in (range(n), range(3, 7), range(1, n, 4), [5, 5, 0, n - 1], range(n - 1, n)):
        for scalars in ([secrets.randbelow(ORDER) for _ in indices], [secrets.randbelow(2**64) for _ in indices],
                        [0] * len(indices), [ORDER + 2] * len(indices)):
            expected = be.msm([points[i] for i in indices], scalars)
            assert be.compress(table.msm(indices, scalars)) == be.compress(expected), (indices, scalars)
    for bad in (range(n - 1, n + 1), [-1], [n]):
        with pytest.raises(IndexError):
            table.msm(bad, [1] * len(bad))
    with pytest.raises(ValueError):
        table.msm(range(2), [1])
