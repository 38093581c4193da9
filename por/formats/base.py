"""The interface every proof format implements.

A format reads proof files (its own layout), recomputes everything it can from the user's data, and returns one
``por.verdict.Verdict`` per user proof. Unreadable files raise ``por.errors.InputError`` (exit 2); a failed check is ``valid = False`` (exit 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from por.verdict import Verdict


@dataclass
class VerifyOptions:
    """Options the CLI passes through. ``por.formats.verify_files`` refuses those a format cannot honour (root,
    signers, threshold and backend belong to por's own format) and ``--option`` keys a format did not read."""

    user: str | None = None  # user id / credential supplied by the user (never trusted from the file)
    root: Path | None = None  # published root file (native: root.json)
    extra: dict[str, str] = field(default_factory=dict)
    signers: list[Path] = field(default_factory=list)  # native: public keys of the root's trusted signers
    threshold: int | None = None  # native: signatures required among ``signers`` (default: all)
    backend: str | None = None  # native, private mode: group backend ("fast" or "pure")
    progress: Callable[[int], None] | None = None  # called with the number of input bytes just consumed


class ProofFormat(Protocol):
    name: str  # short id used with --format, e.g. "okx-v1"
    title: str  # human name, e.g. "OKX Merkle proof v1"

    def sniff(self, files: list[Path]) -> bool:
        """True when ``files`` look like this format (cheap, content-based, never raises)."""
        ...

    def verify(self, files: list[Path], options: VerifyOptions) -> Iterable[Verdict]:
        """Verify every user proof in ``files`` (a list, or lazily); raise InputError when they cannot be read."""
        ...
