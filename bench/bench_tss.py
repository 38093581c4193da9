"""Threshold signatures (pure-Python py_ecc): combining 3 partials of a 3-of-5 group key, and verifying the result."""

from __future__ import annotations

import time
from collections.abc import Iterator

from por import attest
from por.threshold.curve import hash_to_g2
from por.threshold.dealer import deal
from por.threshold.sign import combine_root, root_message, sign_partial

NAMES = ["tss_combine_3_of_5_s", "tss_verify_s"]
ROOT = {"format": "por-root", "version": 1, "mode": "plain", "round": "bench", "hash": "sha256",
        "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "00" * 32, "leaf_count": 4, "depth": 2,
        "totals": {"BTC": "1"}}


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    group, shares = deal(3, 5, label="bench")
    partials = [sign_partial(s, root_message(ROOT)) for s in shares[1:4]]
    hash_to_g2.cache_clear()  # the combiner hashes the root itself, as it would in its own process
    start = time.perf_counter()
    result, signed = combine_root(ROOT, group, partials)  # checks the 3 partials, interpolates, verifies the result
    elapsed = time.perf_counter() - start
    assert result.ok and signed is not None
    if "tss_combine_3_of_5_s" in names:
        yield "tss_combine_3_of_5_s", elapsed, "s"
    if "tss_verify_s" in names:
        start = time.perf_counter()  # what a user pays: one signature under one key, as for a single signer
        assert attest.verify_root_signatures(signed, [group.public], 1).ok
        yield "tss_verify_s", time.perf_counter() - start, "s"
