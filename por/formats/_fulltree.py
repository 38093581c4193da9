"""Shared helpers for the SwissBorg, Silver Sixpence, BitMEX and Gate formats: safe reading and exact numbers.

Every reader turns a malformed file into ``InputError`` naming the file and field, so a format's ``verify`` never
leaks a traceback. Amounts are ``Decimal`` in a local context wide enough for any published balance (no floats,
no rounding), and hex digests are validated before they are compared.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from decimal import Context, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from por.amounts import MAX_AMOUNT_CHARS
from por.errors import InputError
from por.jsonio import read_json

EXACT = Context(prec=1000, Emax=10**6, Emin=-(10**6))  # wide enough that sums of published amounts are exact
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
SNIFF_BYTES = 4096


def head(path: Path, size: int = SNIFF_BYTES) -> str:
    """The first bytes of a file as text ('' when unreadable): what ``sniff`` looks at, so it stays cheap."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace")
    except OSError:
        return ""


def load_json(path: Path) -> Any:
    return read_json(path)


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number, fields) for each non-empty row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if row and any(cell.strip() for cell in row):
                    yield number, [cell.strip() for cell in row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the file ({exc.__class__.__name__})", path=path) from None


def field(obj: Any, key: str, kind: type | tuple[type, ...], path: Path, where: str = "") -> Any:
    """``obj[key]`` checked to be of ``kind``; InputError naming the JSON field otherwise."""
    name = f"{where}.{key}" if where else key
    if not isinstance(obj, dict) or key not in obj:
        raise InputError("missing", path=path, field=name)
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise InputError("has the wrong type", path=path, field=name)
    return value


def decimal(text: Any, path: Path, name: str, *, row: int | None = None) -> Decimal:
    """A plain decimal string (optional minus sign, no exponent) as an exact Decimal."""
    if not isinstance(text, str) or len(text) > MAX_AMOUNT_CHARS or not _DECIMAL.fullmatch(text):
        raise InputError(f"is not a plain decimal number of at most {MAX_AMOUNT_CHARS} characters", path=path, row=row,
                         field=name)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        raise InputError(f"{text!r} is not a number", path=path, row=row, field=name) from None


def add(a: Decimal, b: Decimal) -> Decimal:
    with localcontext(EXACT):
        return a + b


def plain(value: Decimal) -> str:
    """Shortest plain notation without exponent or trailing fractional zeros (decimal.js ``toString``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(EXACT), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def hex_digest(text: Any, path: Path, name: str, *, row: int | None = None) -> bytes:
    """A 32-byte digest written as 64 hex characters."""
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        raise InputError("is not a 64-character hex digest", path=path, row=row, field=name)
    return bytes.fromhex(text)


def sha256(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def short(data: bytes | str) -> str:
    """First 8 hex characters, for plain-words failure details."""
    text = data.hex() if isinstance(data, bytes) else data
    return text[:8] + "…"


def expand(files: list[Path], pattern: str = "*") -> list[Path]:
    """Files given on the command line, with directories replaced by their files matching ``pattern`` (sorted)."""
    out: list[Path] = []
    for path in files:
        path = Path(path)
        if path.is_dir():
            out.extend(sorted(p for p in path.glob(pattern) if p.is_file()))
        else:
            out.append(path)
    return out


def credential(options_user: str | None, extra: dict[str, str], *keys: str) -> str | None:
    """The user-typed secret or id: ``--user`` first, else the first ``--option KEY=VALUE`` present."""
    if options_user:
        return options_user
    for key in keys:
        if extra.get(key):
            return extra[key]
    return None
