"""Does a wallet's signed message name the snapshot's round? (docs/SPEC.md §14.2.3)

A signature proves only that the address's key signed that message, whenever that was. A message that names the
round cannot have been signed before the round id was chosen, so it cannot be an old signature replayed against a
new snapshot. The rule is deliberately mechanical: the round id appears verbatim (case-sensitive), and not as part of
a longer word, number or date — ``2026-11`` is not named by ``2026-11-30``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from por.reserves.model import WalletResult

RULE = "the round id appears verbatim in the signed message, not directly beside a letter, digit, '_' or '-'"


def names_round(message: str, round_id: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(round_id)}(?![\w-])", message) is not None


@dataclass(frozen=True)
class RoundCheck:
    round: str
    required: bool  # --require-round: a wallet whose message does not name the round fails the report
    stale: list[WalletResult]  # wallets whose signed message does not name the round

    @property
    def ok(self) -> bool:
        return not (self.required and self.stale)

    def finding(self) -> str | None:
        """One sentence when some message does not name the round; None when every message does."""
        if not self.stale:
            return None
        many = len(self.stale) != 1
        rows = ("rows " if many else "row ") + ", ".join(str(r.wallet.row) for r in self.stale)
        count = f"{len(self.stale)} wallet{'s' if many else ''}"
        consequence = ("this fails the check (--require-round)" if self.required
                       else "pass --require-round to make this a failure")
        return (f"the signed message of {count} ({rows}) does not name this snapshot's round {self.round!r}: "
                f"such a signature may be an old one replayed from another round; {consequence}")

    def to_json(self) -> dict:
        return {"round": self.round, "rule": RULE, "required": self.required, "ok": self.ok,
                "rows_not_naming_round": [r.wallet.row for r in self.stale]}


def check_round(results: list[WalletResult], round_id: str, *, required: bool = False) -> RoundCheck:
    return RoundCheck(round_id, required, [r for r in results if not names_round(r.wallet.message, round_id)])
