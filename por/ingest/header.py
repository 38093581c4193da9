"""The first line of an input file: read it raw (BOM and CRLF tolerated), split it as CSV, detect the format."""

from __future__ import annotations

import csv
from pathlib import Path

from por.errors import InputError

FORMATS = ("csv", "jsonl", "summa", "dapol")
BOM = b"\xef\xbb\xbf"
_MAX_HEADER_BYTES = 1 << 20

# first header cell -> format; the layout check that follows is strict about the rest of the header
_FIRST_COLUMN = {"user_id": "csv", "username": "summa", "id": "dapol"}


def first_line(path: str | Path) -> str:
    """The first non-empty-file line without BOM or line end; InputError for a missing, empty or non-UTF-8 file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_MAX_HEADER_BYTES)
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path=path) from None
    head = head.removeprefix(BOM)
    if not head.strip():
        raise InputError("file is empty", path=path)
    line = head.split(b"\n", 1)[0].removesuffix(b"\r")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not valid UTF-8 (byte {exc.start + 1} of the line)", path=path, row=1) from None


def header_cells(path: str | Path) -> list[str]:
    line = first_line(path)
    if not line.strip():
        raise InputError("the header line is empty", path=path, row=1)
    try:
        return next(csv.reader([line]))
    except csv.Error as exc:
        raise InputError(f"is not valid CSV ({exc})", path=path, row=1) from None


def detect_format(path: str | Path) -> str:
    """One of FORMATS, from the first line: a JSON object means JSONL, otherwise the first CSV column's name."""
    line = first_line(path)
    if line.lstrip().startswith("{"):
        return "jsonl"
    first = header_cells(path)[0]
    if first in _FIRST_COLUMN:
        return _FIRST_COLUMN[first]
    raise InputError(
        f"cannot tell the input format from the header (first column {first!r}); expected 'user_id' (native CSV), "
        "'username' (Summa), 'id' (dapol) or one JSON object per line (JSONL); --format names it explicitly",
        path=path,
        row=1,
    )


def check_format_name(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt
