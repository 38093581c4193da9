"""Reading and writing secrets (master secret, signing keys): 0600, never printed, refused if weak."""

from __future__ import annotations

import math
import os
import secrets
import stat
from collections import Counter
from pathlib import Path

from por.errors import InputError, WeakSecretError
from por.files import SECRET_MODE, write_text

MIN_SECRET_BYTES = 16  # 128 bits


def check_strength(secret: bytes, *, what: str = "secret", path: str | Path | None = None) -> None:
    """Refuse secrets under 128 bits or with visibly low entropy (repeated or few distinct bytes)."""
    where = f"{path}: " if path else ""
    if len(secret) < MIN_SECRET_BYTES:
        raise WeakSecretError(f"{where}the {what} has {len(secret) * 8} bits; at least 128 are required.")
    counts = Counter(secret)
    entropy = -sum(c / len(secret) * math.log2(c / len(secret)) for c in counts.values())
    if len(counts) < len(secret) // 4 or entropy < 3.0:
        raise WeakSecretError(f"{where}the {what} is not random enough (too few distinct bytes); generate a new one.")


def generate_secret(nbytes: int = 32) -> bytes:
    return secrets.token_bytes(nbytes)


def write_secret(path: str | Path, secret: bytes) -> None:
    """Write ``secret`` as hex to ``path``, mode 0600, atomically. Never overwrites an existing secret."""
    target = Path(path)
    if target.exists():
        raise InputError("refusing to overwrite an existing secret file", path=target)
    write_text(target, secret.hex() + "\n", file_mode=SECRET_MODE)


def read_secret(path: str | Path, *, what: str = "master secret") -> bytes:
    """Read a hex secret; refuse group/world-readable files and weak secrets."""
    target = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        text = target.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise InputError(f"the {what} file does not exist", path=target) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the {what} file ({exc.__class__.__name__})", path=target) from None
    if mode & 0o077:
        raise WeakSecretError(f"{target}: the {what} file is readable by others (mode {mode:o}); chmod 600 it.")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise InputError(f"the {what} file is not hexadecimal", path=target) from None
    check_strength(secret, what=what, path=target)
    return secret


def load_or_create_secret(path: str | Path) -> tuple[bytes, bool]:
    """Return (secret, created): read ``path`` or generate a fresh 256-bit secret there."""
    target = Path(path)
    if target.exists():
        return read_secret(target), False
    secret = generate_secret()
    write_secret(target, secret)
    return secret, True
