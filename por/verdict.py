"""The verdict every verifier returns (native proofs of both modes and other exchanges' formats).

A verdict lists which checks ran, which failed and why (in plain words), and the format's own weaknesses as
warnings. A verdict with no checks is never valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Check:
    """One verification step. ``detail`` says in plain words what was compared (and, on failure, what differed)."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class Verdict:
    format: str
    source: str  # file(s) the verdict is about
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    user: str | None = None
    balances: dict[str, str] = field(default_factory=dict)  # token -> amount as a decimal string
    totals: dict[str, str] = field(default_factory=dict)  # token -> root total as a decimal string
    root: str | None = None  # root hash (hex) the proof leads to
    info: dict[str, str] = field(default_factory=dict)  # anything else worth showing (round, height, ...)

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        return bool(ok)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "source": self.source,
            "valid": self.valid,
            "user": self.user,
            "root": self.root,
            "balances": self.balances,
            "totals": self.totals,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "warnings": self.warnings,
            "info": self.info,
        }
