"""Solvency per token: verified reserves against the root's liabilities, exactly, in base units.

Reserves count only wallets whose ownership signature verified; amounts more precise than the token's decimals
are rounded down (reserves never round up). Liabilities are the root's totals. A token in the root without
reserves is under-reserved; a token only in the reserves file is listed with liabilities 0. Private-mode roots
hide their totals: each token's verdict then comes from its zero-knowledge solvency proof (``por prove-solvency``),
checked against exactly the reserves verified here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from por.amounts import AmountError, format_amount, parse_amount, parse_amount_down
from por.errors import InputError
from por.reserves import INVALID, UNVERIFIED, Reserves, RoundCheck, WalletResult, check_round, verify_wallets

SOLVENT, UNDER_RESERVED, NO_LIABILITIES = "solvent", "under-reserved", "no liabilities"
RATIO_DECIMALS = 3


@dataclass
class SolvencyRow:
    token: str
    decimals: int
    liabilities: int | None  # base units; None when hidden (private mode)
    reserves: int  # base units, verified wallets only
    verified_wallets: int
    failed_wallets: int
    unverified_wallets: int
    block_heights: list[int]
    zero_knowledge: bool | None = None  # private mode: did the solvency proof verify?

    @property
    def verdict(self) -> str:
        if self.liabilities is None:
            return SOLVENT if self.zero_knowledge else UNDER_RESERVED
        if self.liabilities == 0:
            return NO_LIABILITIES
        return SOLVENT if self.reserves >= self.liabilities else UNDER_RESERVED

    @property
    def ratio(self) -> str | None:
        """reserves / liabilities as an exact decimal, rounded down to RATIO_DECIMALS places; None if no liabilities."""
        if not self.liabilities:
            return None
        scaled = self.reserves * 10**RATIO_DECIMALS // self.liabilities
        return format_fixed(scaled, RATIO_DECIMALS)

    def to_json(self) -> dict:
        return {
            "token": self.token,
            "decimals": self.decimals,
            "liabilities": "hidden" if self.liabilities is None else format_amount(self.liabilities, self.decimals),
            "reserves": format_amount(self.reserves, self.decimals),
            "ratio": self.ratio,
            "verdict": self.verdict,
            "verified_wallets": self.verified_wallets,
            "failed_wallets": self.failed_wallets,
            "unverified_wallets": self.unverified_wallets,
            "block_heights": self.block_heights,
        }


@dataclass
class SolvencyReport:
    round: str
    rows: list[SolvencyRow]
    wallets: list[WalletResult]
    notes: list[str] = field(default_factory=list)
    round_check: RoundCheck | None = None  # do the signed messages name the root's round?

    @property
    def failed_wallets(self) -> list[WalletResult]:
        return [w for w in self.wallets if w.status == INVALID]

    @property
    def ok(self) -> bool:
        return (not self.failed_wallets and all(r.verdict != UNDER_RESERVED for r in self.rows)
                and (self.round_check is None or self.round_check.ok))

    def to_json(self) -> dict:
        return {
            "round": self.round,
            "ok": self.ok,
            "tokens": [r.to_json() for r in self.rows],
            "wallets": [w.to_json() for w in self.wallets],
            "round_check": self.round_check.to_json() if self.round_check else None,
            "notes": self.notes,
        }


def format_fixed(scaled: int, places: int) -> str:
    whole, frac = divmod(scaled, 10**places)
    return f"{whole}.{str(frac).rjust(places, '0')}"


def reserve_units(text: str, decimals: int) -> int:
    """Decimal string -> base units, rounded down (no upper bound: reserves may exceed any liability bound)."""
    return parse_amount_down(text, decimals)


def verified_reserve_totals(results: list[WalletResult], decimals: dict[str, int]) -> dict[str, int]:
    """Per token (of ``decimals``), the sum of the balances of wallets whose signature verified, rounded down."""
    totals: dict[str, int] = {}
    for result in results:
        wallet = result.wallet
        if result.ok and wallet.balance is not None and wallet.token in decimals:
            totals[wallet.token] = totals.get(wallet.token, 0) + reserve_units(wallet.balance, decimals[wallet.token])
    return totals


ZeroKnowledgeCheck = Callable[[dict[str, int]], dict[str, tuple[bool, str]]]
"""Private roots: verified reserve totals (base units) -> per token (solvent, detail) from the solvency proofs."""


def solvency_report(root: dict, reserves: Reserves, results: list[WalletResult] | None = None,
                    zero_knowledge: ZeroKnowledgeCheck | None = None, *, require_round: bool = False) -> SolvencyReport:
    """Plain roots: compare with the published totals. Private roots: ``zero_knowledge`` checks the solvency
    proofs (por.private.solvency.proof_checker) against exactly the reserves verified here. Every wallet's message
    should name the root's round (a warning, or with ``require_round`` a failure)."""
    report = _report(root, reserves, results, zero_knowledge)
    report.round_check = check_round(report.wallets, root["round"], required=require_round)
    finding = report.round_check.finding()
    if finding:
        report.notes.insert(0, finding)
    return report


def _report(root: dict, reserves: Reserves, results: list[WalletResult] | None,
            zero_knowledge: ZeroKnowledgeCheck | None) -> SolvencyReport:
    if root.get("mode") == "private" and zero_knowledge is None:
        raise InputError("this is a private-mode root: its totals are hidden; pass the zero-knowledge solvency "
                         "proofs with --proof FILE (made by `por prove-solvency`)")
    results = verify_wallets(reserves) if results is None else results
    for result in results:
        if result.wallet.balance is None:
            raise InputError(
                f"wallet {result.wallet.address} has no balance, so it cannot count towards reserves",
                path=reserves.source,
                row=result.wallet.row,
                field="balance",
            )
    decimals = {t["symbol"]: t["decimals"] for t in root["tokens"]}
    if root.get("mode") == "private":
        return _private_report(root, results, decimals, zero_knowledge)
    liabilities = {symbol: _liability(root, symbol, places) for symbol, places in decimals.items()}
    for result in results:
        token = result.wallet.token
        if token not in decimals:
            frac = result.wallet.balance.partition(".")[2]
            decimals[token] = max(decimals.get(token, 0), len(frac))
    rows = [_row(token, decimals[token], liabilities.get(token, 0), results) for token in decimals]
    notes = ["a signature proves ownership of its address, not its balance: the balances at the stated block "
             "heights are as the file claims (checking them needs chain data)"]
    extra = sorted(set(decimals) - set(liabilities))
    if extra:
        notes.append(f"tokens with reserves but no liabilities in the root: {', '.join(extra)}")
    return SolvencyReport(root["round"], rows, results, notes)


def _private_report(root: dict, results: list[WalletResult], decimals: dict[str, int],
                    zero_knowledge: ZeroKnowledgeCheck) -> SolvencyReport:
    proven = zero_knowledge(verified_reserve_totals(results, decimals))
    rows = []
    for token, places in decimals.items():
        row = _row(token, places, None, results)
        row.zero_knowledge = proven[token][0]
        rows.append(row)
    notes = ["liabilities are hidden: each verdict is a zero-knowledge proof that the verified reserves cover the "
             "committed liabilities"] + [f"{token}: {detail}" for token, (ok, detail) in proven.items() if not ok]
    return SolvencyReport(root["round"], rows, results, notes)


def _liability(root: dict, symbol: str, places: int) -> int:
    text = root["totals"].get(symbol)
    if not isinstance(text, str):
        raise InputError(f"the root has no total for token {symbol}", field="totals")
    try:
        return parse_amount(text, places)
    except AmountError as exc:
        raise InputError(f"the root's total for {symbol} is not valid: {exc}", field="totals") from None


def _row(token: str, places: int, liabilities: int | None, results: list[WalletResult]) -> SolvencyRow:
    mine = [r for r in results if r.wallet.token == token]
    counted = [r for r in mine if r.ok]
    return SolvencyRow(
        token=token,
        decimals=places,
        liabilities=liabilities,
        reserves=sum(reserve_units(r.wallet.balance or "0", places) for r in counted),
        verified_wallets=len(counted),
        failed_wallets=sum(r.status == INVALID for r in mine),
        unverified_wallets=sum(r.status == UNVERIFIED for r in mine),
        block_heights=sorted({r.wallet.block_height for r in mine if r.wallet.block_height is not None}),
    )
