"""The audit report both modes produce: per token, the published value against the one rebuilt from the data; and
reading the export exactly as the published snapshot says it was read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from por.amounts import ROUND_UP_HINT
from por.errors import InputError
from por.ingest import Balances, DecimalsSpec, load_balances
from por.snapshot import root_tokens, rounds_up


def load_as_published(input_path: Path, root: dict, *, fmt: str | None = None) -> Balances:
    """The export converted with root.json's decimals and rounding (an audit has neither option: the build is
    replayed as recorded). Its tokens must be the published ones, in order."""
    with replaying(root):
        balances = load_balances(input_path, fmt=fmt, decimals=published_decimals(root), round_up=rounds_up(root))
    check_tokens([t.symbol for t in balances.tokens], root_tokens(root), input_path)
    return balances


def published_decimals(root: dict) -> DecimalsSpec:
    return DecimalsSpec(per_token={t.symbol: t.decimals for t in root_tokens(root)}, strict=False)


@contextlib.contextmanager
def replaying(root: dict) -> Iterator[None]:
    """An amount with excess digits, read for an audit, contradicts root.json: say so instead of suggesting the
    --rounding option that only a build has."""
    try:
        yield
    except InputError as error:
        if ROUND_UP_HINT not in error.detail:
            raise
        raise InputError(error.detail.replace(ROUND_UP_HINT, ", but root.json records exact amounts (rounding "
                                              f"{root.get('rounding', 'exact')!r}, version {root['version']}): "
                                              "this is not the export the snapshot was built from"),
                         path=error.path, row=error.row, field=error.field) from None


def check_tokens(found: list[str], published: list, input_path: Path) -> None:
    if found != [t.symbol for t in published]:
        raise InputError(f"the export's tokens {found} differ from the published {[t.symbol for t in published]}",
                         path=input_path)


@dataclass
class AuditRow:
    symbol: str
    published: str
    recomputed: str
    ok: bool


@dataclass
class AuditReport:
    round: str
    published_root: str
    recomputed_root: str
    rows: list[AuditRow] = field(default_factory=list)
    first_mismatch: str | None = None

    @property
    def ok(self) -> bool:
        return self.published_root == self.recomputed_root and all(r.ok for r in self.rows)

    def to_json(self) -> dict:
        return {"ok": self.ok, "round": self.round, "published_root": self.published_root,
                "recomputed_root": self.recomputed_root, "first_mismatch": self.first_mismatch,
                "tokens": [r.__dict__ for r in self.rows]}
