"""Pedersen commitments and generators: definition, homomorphism, fixed-base tables, every available backend."""

from __future__ import annotations

import secrets

import pytest

from circuits import generators, pedersen
from circuits.group import available_backends, get_backend
from circuits.scalars import ORDER

SPEC_G = "a12277615badbb72baeb508fc492ed14f2ff7d7091f7762b08c6573b30eb603728b149c64c218ba63c69af73295b4f4f"
SPEC_H = "945c5c2f081a81ab830c4f85ee22f5cb90e4abc20097f97aeb240b85c7670f1719a74eea0245d8e559f12d4ac477307f"
SPEC_G_VEC = [
    "a1e016020493d38d8605f83a64972472562b1329f27d4ca07ed393f0bbe6150db9da27ca34012ef580c06c302aa06e58",
    "883a846f53195f0ffe664e3153fceed2df080d1ff2104235101b70f717109911acb71526cc2dd9a16c33ff0c76410214",
]
SPEC_H_VEC = [
    "aebf822f12e15a9c135c75b2ef10311d6871f37faff282c84af4d1042463ca3face4062bd5be243d3e1917523832251f",
    "a3fd56be74f5b12e51f4fcb3ce9eacf00ea62d028d2e82cb00d1397cde5873b0121ce987c322f1beb8eaab620d8fa6a1",
]
BACKENDS = list(available_backends())
SPEC_COMMIT_1_2 = "a4013f26b8c4d053778df935415cbc125a474eb2235b3b3b0d0cfd82f77a88053cfab5d50afb4d469338a1f98f7cbb5c"


@pytest.mark.parametrize("name", BACKENDS)
def test_generators_match_spec_bytes(name):
    be = get_backend(name)
    assert be.compress(generators.G(be)).hex() == SPEC_G
    assert be.compress(generators.H(be)).hex() == SPEC_H
    assert [be.compress(p).hex() for p in generators.G_vec(2, be)] == SPEC_G_VEC
    assert [be.compress(p).hex() for p in generators.H_vec(2, be)] == SPEC_H_VEC
    assert be.compress(pedersen.commit(1, 2, be)).hex() == SPEC_COMMIT_1_2


def test_generators_are_distinct_and_derived_with_the_documented_tag():
    be = get_backend("fast")
    assert be.eq(generators.G(be), be.hash_to_curve(b"pedersen/G", generators.DST))
    assert be.eq(generators.G_vec(3, be)[2], be.hash_to_curve(b"bulletproofs/G/\x00\x00\x00\x02", generators.DST))
    encoded = {be.compress(p) for p in [generators.G(be), generators.H(be), *generators.G_vec(64, be), *generators.H_vec(64, be)]}
    assert len(encoded) == 130
    assert be.compress(be.generator()) not in encoded


def test_generator_vectors_are_prefix_stable():
    be = get_backend("fast")
    assert generators.G_vec(4, be) == generators.G_vec(8, be)[:4]
    with pytest.raises(ValueError):
        generators.G_vec(generators.MAX_VECTOR + 1, be)


@pytest.mark.parametrize("name", BACKENDS)
def test_commit_is_value_times_g_plus_blinding_times_h(name):
    be = get_backend(name)
    for value, blinding in [(0, 0), (1, 0), (0, 1), (2**64 - 1, ORDER - 1), (secrets.randbelow(2**64), secrets.randbelow(ORDER))]:
        expected = be.add(be.mul(generators.G(be), value), be.mul(generators.H(be), blinding))
        assert be.eq(pedersen.commit(value, blinding, be), expected)


def test_commitments_are_additively_homomorphic():
    v1, v2, r1, r2 = 5, 7, secrets.randbelow(ORDER), secrets.randbelow(ORDER)
    c1, c2 = pedersen.commit(v1, r1), pedersen.commit(v2, r2)
    assert pedersen.add(c1, c2) == pedersen.commit(v1 + v2, (r1 + r2) % ORDER)
    assert pedersen.sub(c2, c1) == pedersen.commit(v2 - v1, (r2 - r1) % ORDER)
    assert pedersen.sum_commitments([c1, c2, c1]) == pedersen.commit(2 * v1 + v2, (2 * r1 + r2) % ORDER)


@pytest.mark.parametrize("name", BACKENDS)
def test_commit_many_matches_commit_and_every_backend_agrees(name):
    be = get_backend(name)
    values = [secrets.randbelow(2**64) for _ in range(20)] + [0, 2**64 - 1]
    blindings = [secrets.randbelow(ORDER) for _ in range(20)] + [0, ORDER - 1]
    made = pedersen.commit_many(values, blindings, be)
    assert [be.compress(c) for c in made] == [be.compress(pedersen.commit(v, r, be)) for v, r in zip(values, blindings, strict=True)]
    pure = get_backend("pure")
    assert [be.compress(c) for c in made[:3]] == [pure.compress(pedersen.commit(v, r, pure)) for v, r in zip(values[:3], blindings[:3], strict=True)]
    with pytest.raises(ValueError):
        pedersen.commit_many(values, blindings[:-1])


@pytest.mark.parametrize(("value", "blinding"), [(-1, 0), (ORDER, 0), (0, -1), (0, ORDER)])
def test_commit_rejects_unreduced_scalars(value, blinding):
    with pytest.raises(ValueError):
        pedersen.commit(value, blinding)


def test_commit_rejects_non_integers():
    with pytest.raises(TypeError):
        pedersen.commit(1.0, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pedersen.commit(True, 2)
