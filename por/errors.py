"""Error types and the exit-code contract shared by every command.

0 = ok / valid, 1 = verification failed or insolvent, 2 = bad input or usage.
Bad input is reported as one sentence naming the file, row and field; never a traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
MAX_DETAIL = 300  # characters of a reason: a value quoted from a hostile file must not flood the terminal


class PorError(Exception):
    """Base class: an expected failure that the CLI reports as one sentence."""

    exit_code = EXIT_BAD_INPUT


class InputError(PorError):
    """Unreadable or malformed input (exit 2). Names the file, row (1-based, header = row 1) and field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.field = field
        self.detail = message
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        detail = self.detail if len(self.detail) <= MAX_DETAIL else self.detail[:MAX_DETAIL] + "…"
        text = f"{prefix}: {detail}" if prefix else detail
        return text if text.endswith(".") else text + "."


class VerificationError(PorError):
    """A check failed (exit 1): the message says which one in plain words."""

    exit_code = EXIT_INVALID


class WeakSecretError(PorError):
    """A secret or key that is too short or visibly non-random (exit 2)."""
