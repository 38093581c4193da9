"""Reserves: wallets an operator claims, with ownership signatures verified offline (EVM and Bitcoin)."""

from por.reserves.loader import load_reserves
from por.reserves.model import INVALID, UNVERIFIED, VALID, Reserves, Wallet, WalletResult
from por.reserves.verify import verify_wallet, verify_wallets

__all__ = [
    "INVALID",
    "UNVERIFIED",
    "VALID",
    "Reserves",
    "Wallet",
    "WalletResult",
    "load_reserves",
    "verify_wallet",
    "verify_wallets",
]
