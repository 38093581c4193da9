"""Regenerate the example reserves files (CSV and JSON, same wallets) with deterministic demo keys.

The keys are SHA-256("por example wallet <n>"): public knowledge, for demos only. Run:
``.venv/bin/python examples/reserves/generate.py``. Signatures are RFC 6979 deterministic, so the output is stable.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from por.reserves import bitcoin, evm, secp256k1  # noqa: E402
from por.reserves.model import Wallet  # noqa: E402
from por.reserves.native import write_reserves_csv, write_reserves_json  # noqa: E402

ROUND = "2024-06-30"
MESSAGE = f"por reserves round {ROUND}: this address belongs to Example Exchange"
HEIGHT = {"ETH": 20200000, "BTC": 850000}


def demo_key(n: int) -> bytes:
    return hashlib.sha256(f"por example wallet {n}".encode()).digest()


def evm_wallet(n: int, token: str, balance: str) -> Wallet:
    key = demo_key(n)
    address = evm.checksum_address(evm.address_of(secp256k1.public_key(key)))
    signature = evm.sign_message("eip191", MESSAGE, key)
    return Wallet(token, "ETH", address, balance, HEIGHT["ETH"], MESSAGE, signature, "eip191", 0)


def btc_wallet(n: int, kind: str, balance: str) -> Wallet:
    key = demo_key(n)
    address = bitcoin.address_for(secp256k1.public_key(key), kind)
    signature = bitcoin.sign_message(MESSAGE, key, kind)
    return Wallet("BTC", "BTC", address, balance, HEIGHT["BTC"], MESSAGE, signature, "bip137", 0)


def wallets() -> list[Wallet]:
    return [
        btc_wallet(1, bitcoin.P2PKH, "40.5"),
        btc_wallet(2, bitcoin.P2SH_P2WPKH, "35.25"),
        btc_wallet(3, bitcoin.P2WPKH, "30"),
        btc_wallet(4, bitcoin.P2PKH_UNCOMPRESSED, "0.12345678"),
        evm_wallet(5, "ETH", "1200.75"),
        evm_wallet(6, "ETH", "300"),
        evm_wallet(7, "USDT", "2500000"),
    ]


if __name__ == "__main__":
    write_reserves_csv(HERE / "reserves.csv", wallets())
    write_reserves_json(HERE / "reserves.json", wallets())
    print(f"wrote {HERE / 'reserves.csv'} and {HERE / 'reserves.json'}")
