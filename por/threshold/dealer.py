"""Trusted-dealer set-up: one party draws the polynomial, hands out n Feldman-verifiable shares, and forgets it.

The dealer knows the group secret while it deals (that is the trust placed in it) and makes the group key's proof of
possession directly; it writes no file that holds the secret. Each shareholder checks its share against the public
commitments (``por tss check-share``), so a dealer that hands out inconsistent shares is caught without trusting it.
"""

from __future__ import annotations

from pathlib import Path

from py_ecc.bls import G2ProofOfPossession as bls

from por.threshold.files import GroupKey, Share, check_threshold, group_key_from_points, write_files
from por.threshold.shares import Polynomial, ScalarSource, random_scalar

GROUP_FILE = "group.pub"


def share_file_name(index: int) -> str:
    return f"share-{index}.json"


def deal(threshold: int, shares: int, *, label: str = "", draw: ScalarSource = random_scalar) -> tuple[GroupKey, list[Share]]:
    """A fresh t-of-n group key and its n shares (``draw`` is for test vectors only)."""
    check_threshold(threshold, shares)
    while True:
        polynomial = Polynomial.random(threshold, draw=draw)
        values = [polynomial.at(i) for i in range(1, shares + 1)]
        if all(polynomial.coefficients) and all(values):  # zero has probability ~n/r; it would be unusable
            break
    group = group_key_from_points(polynomial.commitments(), bls.PopProve(polynomial.coefficients[0]), shares,
                                  label=label)
    return group, [Share(group.key, threshold, shares, i, 0, value) for i, value in enumerate(values, start=1)]


def write_deal(out: str | Path, threshold: int, shares: int, *, label: str = "") -> GroupKey:
    """Deal into ``out``: group.pub (public) and share-1.json … share-n.json (0600), all of them or nothing."""
    group, dealt = deal(threshold, shares, label=label)
    write_files(out, {GROUP_FILE: group.to_json()}, {share_file_name(s.index): s.to_json() for s in dealt},
                last=GROUP_FILE)
    return group
