"""Verify every wallet's ownership signature offline. Balances at the stated height need chain data: not checked."""

from __future__ import annotations

from por.reserves import bitcoin, evm
from por.reserves.model import (
    BITCOIN_SCHEMES,
    EVM_SCHEMES,
    INVALID,
    UNVERIFIED,
    VALID,
    Reserves,
    Wallet,
    WalletResult,
)
from por.reserves.secp256k1 import BadSignature

WHAT_A_SIGNATURE_PROVES = (
    "A valid signature proves that the key of the address signed the message: ownership of the address when it "
    "was signed. It does not prove the balance: a balance at the stated block height needs chain data, which por "
    "does not read."
)


def verify_wallet(wallet: Wallet) -> WalletResult:
    if wallet.scheme in EVM_SCHEMES:
        return _verify_evm(wallet)
    if wallet.scheme in BITCOIN_SCHEMES:
        return _verify_bitcoin(wallet)
    what = wallet.scheme.removeprefix("unsupported:")
    return WalletResult(wallet, UNVERIFIED, f"not checked: {what} signatures cannot be verified offline by por")


def verify_wallets(reserves: Reserves) -> list[WalletResult]:
    return [verify_wallet(w) for w in reserves.wallets]


def _verify_evm(wallet: Wallet) -> WalletResult:
    problem = evm.check_address(wallet.address)
    if problem:
        return WalletResult(wallet, INVALID, f"the address {problem}")
    try:
        signer = evm.recover_signer(wallet.scheme, wallet.message, wallet.signature)
    except BadSignature as exc:
        return WalletResult(wallet, INVALID, f"bad signature: {exc}")
    if wallet.owners:
        return _multisig(wallet, signer)
    if signer != wallet.address.lower():
        return WalletResult(wallet, INVALID, f"the signature was made by {evm.checksum_address(signer)}, not this address")
    return WalletResult(wallet, VALID, f"signed by this address ({wallet.scheme})")


def _multisig(wallet: Wallet, first_signer: str) -> WalletResult:
    """OKX contract wallets: each owner signs; that they own the contract is on-chain data, so never VALID."""
    signers = [first_signer]
    for _owner, signature in wallet.owners[1:]:
        try:
            signers.append(evm.recover_signer(wallet.scheme, wallet.message, signature))
        except BadSignature as exc:
            return WalletResult(wallet, INVALID, f"bad owner signature: {exc}")
    for (owner, _sig), signer in zip(wallet.owners, signers, strict=True):
        if signer != owner.lower():
            return WalletResult(wallet, INVALID, f"an owner signature was made by {signer}, not owner {owner}")
    names = ", ".join(owner for owner, _ in wallet.owners)
    return WalletResult(
        wallet, UNVERIFIED, f"owners {names} signed, but that they control this contract needs chain data"
    )


def _verify_bitcoin(wallet: Wallet) -> WalletResult:
    try:
        network = bitcoin.network_of(wallet.address)
    except ValueError as exc:
        return WalletResult(wallet, INVALID, f"the address is not a valid Bitcoin address ({exc})")
    try:
        signer = bitcoin.recover_address(wallet.message, wallet.signature, network)
    except BadSignature as exc:
        return WalletResult(wallet, INVALID, f"bad signature: {exc}")
    if not bitcoin.same_address(signer, wallet.address):
        return WalletResult(wallet, INVALID, f"the signature was made by the key of {signer}, not this address")
    kind = bitcoin.parse_signature(wallet.signature)[0]
    return WalletResult(wallet, VALID, f"signed by this address (BIP-137, {kind})")
