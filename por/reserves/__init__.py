"""Reserves: wallets an operator claims, with ownership signatures verified offline (EVM and Bitcoin)."""

from por.reserves.loader import load_reserves
from por.reserves.model import INVALID, UNVERIFIED, VALID, Reserves, Wallet, WalletResult
from por.reserves.rounds import RoundCheck, check_round, names_round
from por.reserves.verify import WHAT_A_SIGNATURE_PROVES, verify_wallet, verify_wallets

__all__ = [
    "INVALID",
    "UNVERIFIED",
    "VALID",
    "WHAT_A_SIGNATURE_PROVES",
    "Reserves",
    "RoundCheck",
    "Wallet",
    "WalletResult",
    "check_round",
    "load_reserves",
    "names_round",
    "verify_wallet",
    "verify_wallets",
]
