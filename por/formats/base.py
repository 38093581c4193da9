"""The interface every proof format implements.

A format reads proof files (its own layout), recomputes everything it can from the user's data, and returns one
``por.verdict.Verdict`` per user proof. Unreadable files raise ``por.errors.InputError`` (exit 2); a failed check is ``valid = False`` (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from por.verdict import Verdict


@dataclass
class VerifyOptions:
    """Options the CLI passes through. Formats ignore what they do not need."""

    user: str | None = None  # user id / credential supplied by the user (never trusted from the file)
    root: Path | None = None  # published root file (native: root.json)
    extra: dict[str, str] = field(default_factory=dict)


class ProofFormat(Protocol):
    name: str  # short id used with --format, e.g. "okx-v1"
    title: str  # human name, e.g. "OKX Merkle proof v1"

    def sniff(self, files: list[Path]) -> bool:
        """True when ``files`` look like this format (cheap, content-based, never raises)."""
        ...

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        """Verify every user proof in ``files``; raise InputError when they cannot be read."""
        ...
