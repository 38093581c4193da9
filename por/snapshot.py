"""The public snapshot ``root.json``: schema, strict reading, and the canonical bytes that signers sign.

Fields (docs/SPEC.md §6): format = "por-root", version, mode ("plain" | "private"), round, hash = "sha256",
tokens = [{symbol, decimals}], root (hex), leaf_count, depth, and per mode: plain -> totals {symbol: decimal};
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
ROOT_VERSION = 1
"""The version of a plain root.json."""
PRIVATE_ROOT_VERSION = 3
"""The version of a private root.json: 3 (K-ary tree, per-token range widths); version 1 private roots (binary
tree) are still read and their proofs verified."""
ROOT_VERSIONS = {"plain": (1,), "private": (1, PRIVATE_ROOT_VERSION)}
MAX_ARITY = 16
MAX_RANGE_BITS = 64
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
    mode = require("mode", str)
    if mode not in ROOT_VERSIONS:
        raise InputError(f"unknown mode {mode!r}", path=path, field="mode")
    if version not in ROOT_VERSIONS[mode]:
        known = " or ".join(map(str, ROOT_VERSIONS[mode]))
        raise InputError(f"{mode} root version {version} is not one this tool understands ({known})", path=path,
                         field="version")
    require("round", str)
    if root.get("hash") != "sha256":
        raise InputError(f"unsupported hash {root.get('hash')!r} (por roots use sha256)", path=path, field="hash")
    if not _is_hex(root.get("root"), 64):
        raise InputError("must be 64 hexadecimal characters", path=path, field="root")
    depth = require("depth", int)
    v3 = is_private_v3(root)
    arity = require("arity", int) if v3 else 2
    if not 2 <= arity <= MAX_ARITY:
        raise InputError(f"must be 2–{MAX_ARITY}", path=path, field="arity")
    if not 1 <= depth <= MAX_ROOT_DEPTH or require("leaf_count", int) != arity**depth or arity**depth > 1 << MAX_ROOT_DEPTH:
        raise InputError(f"depth must be 1–{MAX_ROOT_DEPTH}, leaf_count arity^depth (at most 2^{MAX_ROOT_DEPTH})",
                         path=path, field="depth")
    tokens = require("tokens", list)
    keys = ("symbol", "decimals", "range_bits") if v3 else ("symbol", "decimals")
    for i, tok in enumerate(tokens):
        if not (isinstance(tok, dict) and set(tok) == set(keys) and isinstance(tok.get("symbol"), str)
                and valid_symbol(tok["symbol"])
                and type(tok.get("decimals")) is int and 0 <= tok["decimals"] <= MAX_DECIMALS
                and (not v3 or (type(tok.get("range_bits")) is int and 1 <= tok["range_bits"] <= MAX_RANGE_BITS))):
            shown = "{" + ", ".join(keys) + "}"
            raise InputError(f"token {i} must be {shown} with a valid symbol, 0–{MAX_DECIMALS} decimals"
                             + (f" and a range width of 1–{MAX_RANGE_BITS} bits" if v3 else ""),
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


def root_tokens(root: dict) -> list[Token]:
    return [Token(t["symbol"], t["decimals"]) for t in root["tokens"]]


def is_private_v3(root: dict) -> bool:
    """A private root of version 3: K-ary tree, group range proofs and a range width per token."""
    return root.get("mode") == "private" and root.get("version") == PRIVATE_ROOT_VERSION


def root_widths(root: dict) -> list[int]:
    """Each token's range width: published in a version-3 private root, 64 bits in every earlier root."""
    return [t.get("range_bits", MAX_RANGE_BITS) for t in root["tokens"]]


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
