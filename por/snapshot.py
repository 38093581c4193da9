"""The public snapshot ``root.json``: schema, strict reading, and the canonical bytes that signers sign.

Fields (docs/SPEC.md §6): format = "por-root", version, mode ("plain" | "private"), round, hash = "sha256",
tokens = [{symbol, decimals}], rounding ("exact" | "up"; version 2), root (hex), leaf_count, depth, and per mode: plain -> totals {symbol: decimal};
private -> commitments {symbol: hex of a compressed G1 point}. Optional "signatures" (list) is not signed itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from por.amounts import MAX_DECIMALS, AmountError, Token, parse_amount, valid_symbol
from por.errors import InputError

PUBLIC_DIR = "public"
OPERATOR_DIR = "operator"
ROOT_FILE = "root.json"
ROOT_FORMAT = "por-root"
ROOT_VERSION = 2  # 2 added "rounding"; version 1 roots (no such field) were built with exact amounts
ROUNDING_EXACT, ROUNDING_UP = "exact", "up"
ROUNDINGS = (ROUNDING_EXACT, ROUNDING_UP)
SIGNATURE_FIELD = "signatures"
ATTESTATION_TAG = b"por/v1/root-attestation\x00"
MAX_ROOT_DEPTH = 40


def read_json(path: str | Path, what: str) -> Any:
    target = Path(path)
    try:
        return json.loads(target.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"the {what} does not exist", path=target) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the {what} is not valid JSON ({exc.__class__.__name__})", path=target) from None


def read_versioned_json(path: str | Path, what: str, fmt: str, version: int) -> dict:
    """A JSON object whose ``format`` and ``version`` must be exactly these (InputError otherwise)."""
    doc = read_json(path, what)
    if not isinstance(doc, dict) or doc.get("format") != fmt or doc.get("version") != version:
        raise InputError(f"not a {what} of a supported version", path=path, field="format")
    return doc


def root_file_of(path: str | Path) -> Path:
    """The root.json a path stands for: the file itself, or a snapshot directory's ``public/root.json`` (or the
    ``root.json`` at the top of a snapshot built before the public/operator split)."""
    target = Path(path)
    if not target.is_dir():
        return target
    for candidate in (target / PUBLIC_DIR / ROOT_FILE, target / ROOT_FILE):
        if candidate.is_file():
            return candidate
    raise InputError(f"is a directory without {PUBLIC_DIR}/{ROOT_FILE}: not a snapshot directory", path=target)


def read_root(path: str | Path) -> dict:
    """Read and validate root.json (or a snapshot directory's); InputError (exit 2) names the malformed field."""
    path = root_file_of(path)
    root = read_json(path, "root file")
    require = _requirer(path, root)
    if root.get("format") != ROOT_FORMAT:
        raise InputError(f"not a por root file (format is {root.get('format')!r})", path=path, field="format")
    version = require("version", int)
    if not 1 <= version <= ROOT_VERSION:
        raise InputError(f"root version {version} is not one this tool understands (1–{ROOT_VERSION})", path=path,
                         field="version")
    if root.get("rounding", None if version == 1 else "missing") not in ((None,) if version == 1 else ROUNDINGS):
        raise InputError(f"must be one of {', '.join(map(repr, ROUNDINGS))} in a version-{ROOT_VERSION} root and absent "
                         "in a version-1 root", path=path, field="rounding")
    mode = require("mode", str)
    if mode not in ("plain", "private"):
        raise InputError(f"unknown mode {mode!r}", path=path, field="mode")
    require("round", str)
    if root.get("hash") != "sha256":
        raise InputError(f"unsupported hash {root.get('hash')!r} (por roots use sha256)", path=path, field="hash")
    if not _is_hex(root.get("root"), 64):
        raise InputError("must be 64 hexadecimal characters", path=path, field="root")
    depth = require("depth", int)
    if not 1 <= depth <= MAX_ROOT_DEPTH or require("leaf_count", int) != 1 << depth:
        raise InputError(f"depth must be 1–{MAX_ROOT_DEPTH} and leaf_count 2^depth", path=path, field="depth")
    tokens = require("tokens", list)
    for i, tok in enumerate(tokens):
        if not (isinstance(tok, dict) and isinstance(tok.get("symbol"), str) and valid_symbol(tok["symbol"])
                and type(tok.get("decimals")) is int and 0 <= tok["decimals"] <= MAX_DECIMALS):
            raise InputError(f"token {i} must be {{symbol, decimals}} with a valid symbol and 0–{MAX_DECIMALS} decimals",
                             path=path, field="tokens")
    symbols = [t["symbol"] for t in tokens]
    if not symbols or len(set(symbols)) != len(symbols):
        raise InputError("the token list is empty or names a token twice", path=path, field="tokens")
    if mode == "plain":
        totals = require("totals", dict)
        for token in root_tokens(root):
            try:
                parse_amount(totals.get(token.symbol), token.decimals)
            except (AmountError, TypeError):
                raise InputError(f"the total of {token.symbol} must be an exact decimal amount below 2^64 base units",
                                 path=path, field=f"totals.{token.symbol}") from None
    else:
        commitments = require("commitments", dict)
        for symbol in symbols:
            if not _is_hex(commitments.get(symbol), 96):
                raise InputError("must be a 48-byte compressed point in hex", path=path, field=f"commitments.{symbol}")
    return root


def rounds_up(root: dict) -> bool:
    """Were the amounts rounded up to the tokens' decimals (``--rounding up``)? Version-1 roots: never."""
    return root.get("rounding", ROUNDING_EXACT) == ROUNDING_UP


def root_tokens(root: dict) -> list[Token]:
    return [Token(t["symbol"], t["decimals"]) for t in root["tokens"]]


def _is_hex(value: object, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and all(c in "0123456789abcdef" for c in value)


def canonical_root_bytes(root: dict) -> bytes:
    """What signers sign: a tag, then root.json without "signatures" as sorted, compact, ASCII JSON."""
    body = {k: v for k, v in root.items() if k != SIGNATURE_FIELD}
    return ATTESTATION_TAG + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _requirer(path: str | Path, obj: dict):
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object", path=path)

    def require(name: str, kind: type):
        value = obj.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise InputError(f"missing or not a {kind.__name__}", path=path, field=name)
        return value

    return require
