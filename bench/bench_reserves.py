"""Ownership-signature and attestation costs: EVM and Bitcoin recovery per signature, BLS verify-root k-of-n."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator

from por import attest
from por.reserves import Wallet, bitcoin, evm, secp256k1, verify_wallet

NAMES = ["reserves_evm_verify", "reserves_bip137_verify", "attest_verify_3_of_3"]


def _wallets(count: int) -> tuple[list[Wallet], list[Wallet]]:
    evm_wallets, btc_wallets = [], []
    for i in range(count):
        key = hashlib.sha256(f"bench {i}".encode()).digest()
        point = secp256k1.public_key(key)
        evm_wallets.append(Wallet("ETH", "ETH", evm.address_of(point), "1", 1, "m", evm.sign_message("eip191", "m", key), "eip191", i))
        btc_wallets.append(Wallet("BTC", "BTC", bitcoin.address_for(point, bitcoin.P2WPKH), "1", 1, "m",
                                  bitcoin.sign_message("m", key, bitcoin.P2WPKH), "bip137", i))
    return evm_wallets, btc_wallets


def _per_item(wallets: list[Wallet]) -> float:
    start = time.perf_counter()
    assert all(verify_wallet(w).ok for w in wallets)
    return (time.perf_counter() - start) / len(wallets) * 1000


def run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]:
    evm_wallets, btc_wallets = _wallets(5 if quick else 50)
    if "reserves_evm_verify" in names:
        yield "reserves_evm_verify", _per_item(evm_wallets), "ms/signature"
    if "reserves_bip137_verify" in names:
        yield "reserves_bip137_verify", _per_item(btc_wallets), "ms/signature"
    if "attest_verify_3_of_3" in names:
        secrets = [attest.generate_key() for _ in range(3)]
        root = {"format": "por-root", "round": "bench", "root": "00" * 32}
        for secret in secrets:
            root = attest.sign_root(root, secret)
        keys = [attest.public_key_of(s) for s in secrets]
        start = time.perf_counter()
        assert attest.verify_root_signatures(root, keys, 3).ok
        yield "attest_verify_3_of_3", (time.perf_counter() - start) * 1000, "ms"
