"""Reading untrusted binary proofs, and base64 fields of JSON documents: every short read, trailing byte or bad
encoding is an InputError naming the field, never a traceback."""

from __future__ import annotations

import base64
import binascii
import struct

from por.errors import InputError


class Reader:
    """Cursor over untrusted bytes: every short read is an InputError naming the field being read."""

    def __init__(self, data: bytes, source: str) -> None:
        self.data, self.pos, self.source = data, 0, source

    def expect_magic(self, magic: bytes, what: str) -> int:
        """Magic bytes, then the u16 format version (returned; the caller says which versions it reads)."""
        if self.take(len(magic), "magic") != magic:
            raise self.fail(f"not a por {what} (wrong magic bytes)", "magic")
        return self.unpack(">H", "version")

    def take(self, size: int, field: str) -> bytes:
        if self.pos + size > len(self.data):
            raise InputError(f"the proof is truncated (needs {size} more bytes at offset {self.pos})",
                             path=self.source, field=field)
        self.pos += size
        return self.data[self.pos - size:self.pos]

    def unpack(self, fmt: str, field: str) -> int:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), field))[0]

    def label(self, field: str) -> str:
        raw = self.take(self.unpack(">H", field), field)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-8", path=self.source, field=field) from None

    def end(self) -> None:
        if self.pos != len(self.data):
            raise self.fail(f"{len(self.data) - self.pos} unexpected bytes after the last record", "end")

    def fail(self, message: str, field: str) -> InputError:
        return InputError(message, path=self.source, field=field)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, size: int | None, source: str, field: str) -> bytes:
    """Strict base64 (of exactly ``size`` bytes when given), else InputError naming the field."""
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except (binascii.Error, ValueError):
        raw = None
    if raw is None or (size is not None and len(raw) != size):
        raise InputError("must be base64" + (f" of exactly {size} bytes" if size is not None else ""),
                         path=source, field=field)
    return raw
