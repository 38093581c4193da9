"""What a reserves file says: wallets (token, chain, address, balance at a height) with ownership signatures."""

from __future__ import annotations

from dataclasses import dataclass, field

EVM_SCHEMES = ("eip191", "eip191-abi-keccak", "eip191-keccak")
BITCOIN_SCHEMES = ("bip137",)
KNOWN_SCHEMES = EVM_SCHEMES + BITCOIN_SCHEMES

VALID, INVALID, UNVERIFIED = "valid", "invalid", "unverified"


@dataclass(frozen=True)
class Wallet:
    """One claimed reserve wallet. ``balance`` is a decimal string in token units (None: the file has none)."""

    token: str
    chain: str
    address: str
    balance: str | None
    block_height: int | None
    message: str
    signature: str
    scheme: str  # one of KNOWN_SCHEMES, or "unsupported:<what>" for signatures por cannot check offline
    row: int  # 1-based line (CSV, header = 1) or 1-based wallet index (JSON)
    owners: tuple[tuple[str, str], ...] = ()  # multisig: (owner address, owner signature); not checkable offline


@dataclass
class Reserves:
    source: str
    kind: str  # "por-csv", "por-json", "summa-signatures", "okx-por"
    wallets: list[Wallet]
    declared_totals: dict[str, str] = field(default_factory=dict)  # totals the file states (never trusted)


@dataclass(frozen=True)
class WalletResult:
    wallet: Wallet
    status: str  # VALID, INVALID or UNVERIFIED
    detail: str  # plain words: who signed, or why it failed / could not be checked

    @property
    def ok(self) -> bool:
        return self.status == VALID

    def to_json(self) -> dict:
        w = self.wallet
        return {
            "token": w.token,
            "chain": w.chain,
            "address": w.address,
            "balance": w.balance,
            "block_height": w.block_height,
            "scheme": w.scheme,
            "row": w.row,
            "status": self.status,
            "detail": self.detail,
        }
