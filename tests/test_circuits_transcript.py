"""Fiat–Shamir transcript: challenges depend on every absorbed byte and on the framing."""

from __future__ import annotations

from circuits.scalars import ORDER, batch_inverse, inverse
from circuits.transcript import ProverRng, Transcript


def _challenge(*appends: tuple[bytes, bytes]) -> int:
    t = Transcript(b"test")
    for label, data in appends:
        t.append(label, data)
    return t.challenge(b"c")


def test_challenges_are_deterministic_and_in_range():
    c = _challenge((b"a", b"1"))
    assert c == _challenge((b"a", b"1"))
    assert 0 < c < ORDER


def test_framing_separates_label_and_data_boundaries():
    assert _challenge((b"ab", b"c")) != _challenge((b"a", b"bc"))
    assert _challenge((b"a", b"bc")) != _challenge((b"a", b"b"), (b"", b"c"))
    assert _challenge((b"a", b"")) != _challenge()


def test_protocol_label_and_challenge_label_are_bound():
    t1, t2 = Transcript(b"one"), Transcript(b"two")
    assert t1.challenge(b"c") != t2.challenge(b"c")
    t3, t4 = Transcript(b"one"), Transcript(b"one")
    assert t3.challenge(b"x") != t4.challenge(b"y")


def test_successive_challenges_differ():
    t = Transcript(b"test")
    assert t.challenge(b"c") != t.challenge(b"c")


def test_seeded_prover_rng_is_reproducible_and_statement_bound():
    def draws(seed: bytes, statement: bytes) -> list[int]:
        t = Transcript(b"test")
        t.append(b"statement", statement)
        return ProverRng(seed, t).scalars(3)

    assert draws(b"seed", b"s") == draws(b"seed", b"s")
    assert draws(b"seed", b"s") != draws(b"seed", b"other")
    assert draws(b"seed", b"s") != draws(b"other", b"s")
    assert len(set(draws(b"seed", b"s"))) == 3


def test_batch_inverse_matches_single_inversions():
    xs = [1, 2, 3, ORDER - 1, 123456789]
    assert batch_inverse(xs) == [inverse(x) for x in xs]
