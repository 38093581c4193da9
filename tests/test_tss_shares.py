"""Shamir shares, Feldman commitments and Lagrange interpolation in the scalar field of BLS12-381."""

from itertools import combinations

import pytest
from py_ecc.optimized_bls12_381 import G1, eq, multiply

from por.threshold.curve import ORDER
from por.threshold.shares import (
    Polynomial,
    check_parameters,
    commitment_at,
    lagrange_at_zero,
    seeded_scalars,
    share_matches,
)


@pytest.fixture(scope="module")
def polynomial():
    return Polynomial.random(3, draw=seeded_scalars(b"unit"))


def test_any_t_shares_interpolate_to_the_secret_and_fewer_do_not(polynomial):
    shares = {i: polynomial.at(i) for i in range(1, 6)}
    for subset in combinations(shares, 3):
        weights = lagrange_at_zero(subset)
        assert sum(weights[i] * shares[i] for i in subset) % ORDER == polynomial.coefficients[0]
    for subset in combinations(shares, 2):
        weights = lagrange_at_zero(subset)
        assert sum(weights[i] * shares[i] for i in subset) % ORDER != polynomial.coefficients[0]


def test_the_commitments_evaluate_to_the_share_in_the_exponent(polynomial):
    commitments = polynomial.commitments()
    for index in (1, 4, 255):
        assert eq(commitment_at(commitments, index), multiply(G1, polynomial.at(index)))
        assert share_matches(commitments, index, polynomial.at(index))


def test_a_share_off_by_one_or_under_another_index_fails_the_feldman_check(polynomial):
    commitments = polynomial.commitments()
    assert not share_matches(commitments, 2, (polynomial.at(2) + 1) % ORDER)
    assert not share_matches(commitments, 3, polynomial.at(2))
    assert not share_matches(commitments, 2, 0)


def test_a_refresh_polynomial_is_zero_at_zero():
    refresh = Polynomial.random(3, zero_constant=True)
    assert refresh.at(0) == 0 and refresh.threshold == 3 and all(refresh.coefficients[1:])


@pytest.mark.parametrize("indices", [(1, 1, 2), (0, 1, 2)])
def test_lagrange_refuses_repeated_or_zero_indices(indices):
    with pytest.raises(ValueError):
        lagrange_at_zero(indices)


@pytest.mark.parametrize(("threshold", "shares"), [(1, 3), (4, 3), (2, 256), (0, 0)])
def test_parameters_outside_two_to_n_to_255_are_refused(threshold, shares):
    with pytest.raises(ValueError):
        check_parameters(threshold, shares)


def test_seeded_scalars_are_deterministic_and_distinct():
    first, second = seeded_scalars(b"s"), seeded_scalars(b"s")
    values = [first() for _ in range(4)]
    assert values == [second() for _ in range(4)] and len(set(values)) == 4


def test_reprs_never_show_a_secret(polynomial):
    from por.threshold.dealer import deal

    _, shares = deal(2, 3)
    assert str(polynomial.coefficients[0]) not in repr(polynomial)
    assert str(shares[0].value) not in repr(shares[0]) and f"{shares[0].value:x}" not in repr(shares[0])
