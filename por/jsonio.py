"""The one JSON reader of por: every file por reads as JSON goes through ``read_json`` or ``loads``.

Bounds (docs/SPEC.md §1), checked so that no file can crash the reader: Python's parser recurses once per nesting
level on the C stack (py_ecc raises the recursion limit to 100,000, so 100,000 brackets are a SIGSEGV, not a
RecursionError) and converts integers of any length (4,300 digits and more raise ValueError). Hence the nesting
depth is measured BEFORE parsing by a scan that skips strings, every number is bounded in length as it is parsed,
and a document is bounded in size. Duplicate keys, NaN, Infinity and lone surrogate escapes (strings
no UTF-8 encoder accepts) are refused: each would let two readers see different values in the same bytes, or fail
later where the value is hashed. Every refusal is an InputError naming the file (and row, for JSON Lines).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from por.errors import InputError

MAX_DEPTH = 64  # nested arrays/objects; real files nest at most 6 levels
MAX_NUMBER_CHARS = 100  # characters of one JSON number (sign, digits, point, exponent)
MAX_EXPONENT_DIGITS = 3  # 1e999 at most: an exact (Decimal) reader never builds a huge integer from a short number
MAX_DOCUMENT_BYTES = 64 * 2**20  # one JSON document (a whole .json file, or one line of a JSON Lines file)

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_EXPONENT = re.compile(r"[eE][+-]?([0-9]+)\Z")
_CHUNK = 1 << 16


class _Refused(ValueError):
    """Raised from inside the parser's hooks; turned into an InputError by ``loads``. ``reason`` completes the
    sentence "the FILE ..." or, when the field is known, stands alone."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field if field is None or len(field) <= 100 else field[:100] + "…"


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    # without a backslash every quote delimits a string, exactly as the parser will read it
    outside = "".join(text.split('"')[0::2]) if "\\" not in text else _STRING.sub("", text)
    structure = _NOT_BRACKET.sub("", outside)
    if structure.count("[") + structure.count("{") <= limit:
        return False
    if len(structure) < _CHUNK:
        depth = 0
        for bracket in structure:
            depth += 1 if bracket in "[{" else -1
            if depth > limit:
                return True
        return False
    brackets = np.frombuffer(structure.encode("ascii"), dtype=np.uint8)
    depth = 0
    for start in range(0, len(brackets), _CHUNK):  # chunked: a 64 MiB file of brackets stays small in memory
        chunk = brackets[start : start + _CHUNK]
        running = np.cumsum(np.where((chunk == ord("[")) | (chunk == ord("{")), 1, -1)) + depth
        if int(running.max()) > limit:
            return True
        depth = int(running[-1])
    return False


def _number_text(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"has a number longer than {MAX_NUMBER_CHARS} characters")
    exponent = _EXPONENT.search(text)
    if exponent and len(exponent.group(1)) > MAX_EXPONENT_DIGITS:
        raise _Refused(f"has a number whose exponent has more than {MAX_EXPONENT_DIGITS} digits")
    return text


def _integer(text: str) -> int:
    return int(_number_text(text))


def _binary_float(text: str) -> float:
    value = float(_number_text(text))
    if not math.isfinite(value):
        raise _Refused(f"has a number too large for a binary float ({text})")
    return value


def _exact_float(text: str) -> Decimal:
    return Decimal(_number_text(text))


def _not_a_number(text: str) -> Any:
    raise _Refused(f"uses {text}, which is not a JSON number")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused("the key appears twice in one object", field=key)
            seen.add(key)
    return result


def _refuse_lone_surrogates(document: Any) -> None:
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((where, key) for key in value)
            pending.extend((f"{where}.{key}" if where else key, item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str) and not _encodable(value):
            if where and _encodable(where):
                raise _Refused("the text is not valid Unicode (it contains a lone surrogate escape)", field=where)
            raise _Refused("has text that is not valid Unicode (it contains a lone surrogate escape)")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_DECODERS = {exact: json.JSONDecoder(parse_int=_integer, parse_float=_exact_float if exact else _binary_float,
                                     parse_constant=_not_a_number, object_pairs_hook=_unique_object)
             for exact in (False, True)}


def loads(text: str | bytes, *, path: str | Path | None = None, row: int | None = None, what: str = "file",
          exact: bool = False) -> Any:
    """Parse one JSON document within the bounds above; ``exact`` reads fractional numbers as Decimal.

    Bytes are decoded as UTF-8 (a leading byte-order mark is skipped). InputError names ``path`` and ``row``."""
    def refuse(reason: str) -> InputError:
        return InputError(f"the {what} {reason}", path=path, row=row)

    if isinstance(text, bytes | bytearray | memoryview):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise refuse(f"is larger than {MAX_DOCUMENT_BYTES >> 20} MiB")
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise refuse(f"is not UTF-8 text (byte {exc.start + 1})") from None
    elif len(text) > MAX_DOCUMENT_BYTES:
        raise refuse(f"is larger than {MAX_DOCUMENT_BYTES >> 20} MiB")
    if too_deep(text):
        raise refuse(f"nests arrays or objects more than {MAX_DEPTH} levels deep")
    try:
        document = _DECODERS[exact].decode(text)
        if "\\u" in text:  # only an escape can make a lone surrogate, which no UTF-8 encoder accepts
            _refuse_lone_surrogates(document)
        return document
    except _Refused as exc:
        if exc.field is not None:
            raise InputError(exc.reason, path=path, row=row, field=exc.field) from None
        raise refuse(exc.reason) from None
    except json.JSONDecodeError as exc:
        raise refuse(f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: the bounds above should make these impossible
        raise refuse(f"is not valid JSON ({exc.__class__.__name__})") from None


def read_json(path: str | Path, what: str = "file", *, exact: bool = False) -> Any:
    """Read and parse a whole JSON file (see ``loads``); InputError when it is missing, unreadable or refused."""
    target = Path(path)
    try:
        with open(target, "rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"the {what} does not exist", path=target) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what} ({exc.strerror or exc.__class__.__name__})", path=target) from None
    return loads(data, path=target, what=what, exact=exact)
