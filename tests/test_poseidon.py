"""Poseidon (BN254, circomlib parameters): generated constants reproduce circomlib's published values."""

from __future__ import annotations

import pytest

from por.formats import _poseidon as poseidon

# circomlib test vectors (circomlibjs test/poseidon.js) and published constants (poseidon_constants, t = 3).
CIRCOMLIB_VECTORS = [
    ([1], 18586133768512220936620570745912940619677854269274689475585506675881198879027),
    ([1, 2], 7853200120776062878684798364095072458815029376092732009249414926327459813530),
    ([1, 2, 3, 4], 18821383157269793795438455681495246036402687001665670618754263018637548127333),
    ([1, 2, 3, 4, 5, 6], 20400040500897583745843009878988256314335038853985262692600694741116813247201),
]


@pytest.mark.parametrize(("inputs", "expected"), CIRCOMLIB_VECTORS)
def test_hash_matches_circomlib_vectors(inputs: list[int], expected: int) -> None:
    assert poseidon.hash_elements(inputs) == expected


def test_grain_generator_reproduces_circomlib_first_round_constant_and_mds_entry() -> None:
    constants, mds = poseidon.parameters(3)
    assert constants[0] == 0x0EE9A592BA9A9518D05986D656F40C2114C4993C11BB29938D21D47304CD8E6E
    assert mds[0][0] == 0x109B7F411BA0E4C9B2B70CAF5C36A7B194BE7C11AD24378BFEDB68592BA8118B


def test_generated_parameters_have_circomlib_shape() -> None:
    for t in (3, 5, 13):
        constants, mds = poseidon.parameters(t)
        assert len(constants) == (poseidon.FULL_ROUNDS + poseidon.PARTIAL_ROUNDS[t]) * t
        assert all(0 <= c < poseidon.P for c in constants)
        assert len(mds) == t and all(len(row) == t for row in mds)


def test_changing_any_input_changes_the_hash() -> None:
    base = poseidon.hash_elements([1, 2, 3])
    assert poseidon.hash_elements([1, 2, 4]) != base
    assert poseidon.hash_elements([2, 1, 3]) != base


def test_inputs_outside_the_field_are_refused() -> None:
    with pytest.raises(ValueError):
        poseidon.hash_elements([poseidon.P, 1])
    with pytest.raises(ValueError):
        poseidon.hash_elements([-1, 1])


def test_width_outside_circomlib_range_is_refused() -> None:
    with pytest.raises(ValueError):
        poseidon.parameters(18)
    with pytest.raises(ValueError):
        poseidon.hash_elements(list(range(17)))
