"""Find the first structurally broken CSV row (invalid UTF-8, wrong number of fields, blank line).

Arrow reports such problems without a row number, so only after it refused the file do we rescan it line by line
here (slow, error path only) to name the row. Row numbers count lines: the header is row 1.
"""

from __future__ import annotations

import csv
from pathlib import Path

from por.errors import InputError
from por.ingest.header import BOM


def locate_structure_error(path: str | Path, columns: int, arrow_message: str) -> InputError:
    with open(path, "rb") as handle:
        for row, raw in enumerate(handle, start=1):
            line = (raw.removeprefix(BOM) if row == 1 else raw).removesuffix(b"\n").removesuffix(b"\r")
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return InputError(f"is not valid UTF-8 (byte {exc.start + 1} of the line)", path=path, row=row)
            if not text:
                return InputError(blank_line_reason(handle.read().strip() == b""), path=path, row=row)
            try:
                fields = next(csv.reader([text], strict=True))
            except csv.Error as exc:
                return InputError(f"is not valid CSV ({exc})", path=path, row=row)
            if len(fields) != columns:
                return InputError(f"has {len(fields)} fields but the header has {columns}", path=path, row=row)
    return InputError(f"cannot be read as CSV ({arrow_message.splitlines()[0]})", path=path)


def blank_line_reason(at_end: bool) -> str:
    """Blank lines are never skipped: one in the middle would shift the row number of every error after it."""
    if at_end:
        return "is a blank line at the end of the file; remove it"
    return "is a blank line; remove it (blank lines are not skipped, so that row numbers stay true)"


def blank_line_error(path: str | Path, row: int) -> InputError | None:
    """The error for row ``row`` when that line is blank (Arrow reads it as a row of empty fields); else None.
    Error path only: it rescans the file up to that line."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == row:
                if raw.strip(b"\r\n"):
                    return None
                return InputError(blank_line_reason(handle.read().strip() == b""), path=path, row=row)
    return None
