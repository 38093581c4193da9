"""The verdict every verifier returns (native proofs of both modes and other exchanges' formats).

A verdict lists which checks ran, which failed and why (in plain words), and the format's own weaknesses as
warnings. A verdict with no checks is never valid, and a run of verdicts (``Tally``) with no verdict is never valid
(docs/SPEC.md §16).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_PLAIN_FAILURES = (  # for checks that carry no summary of their own (other exchanges' formats), by their name
    (("published root",), "This proof leads to another root than the one you gave."),
    (("balances", "sums", "totals", "liabilit"), "The sums in this proof do not add up to the totals it shows."),
    (("hash", "root", "path", "leaf", "tree"), "The balances in this proof do not lead to the root it shows."),
)


@dataclass
class Check:
    """One verification step. ``detail`` says in plain words what was compared (and, on failure, what differed)."""

    name: str
    ok: bool
    detail: str = ""
    summary: str = ""  # one plain sentence that leads the verdict when this is its first failure
    owner: bool = False  # this check compared the proof's owner with the id the user gave (--user)


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

    def check(self, name: str, ok: bool, detail: str = "", *, summary: str = "", owner: bool = False) -> bool:
        self.checks.append(Check(name, bool(ok), detail, summary, owner))
        return bool(ok)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def headline(self) -> str:
        """The verdict in one plain sentence; details (hashes, heights) belong to the checks below it."""
        if self.valid:
            who = f" for user {self.user!r}" if self.user else ""
            return f"This {self.format} proof{who} checks out."
        if not self.checks:
            return "Nothing in this proof could be checked."
        first = self.failures[0]
        if first.summary:
            return first.summary
        if first.owner:
            return f"This proof is not for user {self.user!r}: it is someone else's proof."
        for words, sentence in _PLAIN_FAILURES:
            if any(word in first.name for word in words):
                return sentence
        return f"This {self.format} proof fails its check {first.name!r}."

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "source": self.source,
            "valid": self.valid,
            "user": self.user,
            "root": self.root,
            "balances": self.balances,
            "totals": self.totals,
            "headline": self.headline,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "warnings": self.warnings,
            "info": self.info,
        }


@dataclass
class Tally:
    """The outcome of a whole run of verdicts, kept in constant memory: valid only when at least one proof was
    checked and none failed. "Nothing was checked" is never a valid outcome."""

    valid_count: int = 0
    invalid_count: int = 0

    def add(self, verdict: Verdict) -> bool:
        if verdict.valid:
            self.valid_count += 1
        else:
            self.invalid_count += 1
        return verdict.valid

    @property
    def checked(self) -> int:
        return self.valid_count + self.invalid_count

    @property
    def valid(self) -> bool:
        return self.checked > 0 and self.invalid_count == 0

    @property
    def summary(self) -> str:
        return f"{self.valid_count} valid, {self.invalid_count} invalid"
