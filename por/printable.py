"""Text from a file, made safe to show on a terminal (docs/SPEC.md §16.2).

A proof, root or key file is written by whoever hands it over. Printed as is, a control character in a round id
or a user id can move the cursor, erase the INVALID headline and draw a fake VALID line; a bidirectional override
can reorder what the user reads; a lone surrogate cannot even be encoded. Every such character is shown as its
Python escape (``\\x1b``, ``\\u202e``) instead, so what is printed is what the file holds, visibly.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 controls (ESC, CR, CSI, ...), DEL
    "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"  # invisible / bidi / separators
    "\ud800-\udfff"  # lone surrogates (JSON "\ud800" decodes to one; it cannot be encoded for output)
    "\U000e0000-\U000e007f]"  # tag characters
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """``str(text)`` with every control, invisible or bidirectional character (newlines included: a file must
    not start a line of its own) replaced by its escape."""
    return _UNSAFE.sub(_escape, str(text))


def printable_lines(text: str) -> str:
    """Like ``printable`` but keeps line breaks and tabs: for whole messages that we compose over several lines."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in "\n\t" else _escape(m), text)


def printable_json(text: str) -> str:
    """JSON text from ``json.dumps`` with those characters as ``\\uXXXX`` escapes: still valid JSON, and the same
    document (``json.dumps`` escapes line breaks inside strings itself, so the ones left are its indentation)."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() == "\n" else
                       "".join(f"\\u{unit:04x}" for unit in _utf16(m.group())), text)


def _utf16(char: str) -> list[int]:
    raw = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]

