"""The audit report both modes produce: per token, the published value against the one rebuilt from the data."""

from __future__ import annotations

from dataclasses import dataclass, field


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
