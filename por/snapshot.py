"""The public snapshot ``root.json``: schema, strict reading, and the canonical bytes that signers sign.

Fields (docs/SPEC.md §6): format = "por-root", version, mode ("plain" | "private"), round, hash = "sha256",
tokens = [{symbol, decimals}], rounding ("exact" | "up"; version 2), root (hex), leaf_count, depth, and per mode: plain -> totals {symbol: decimal};
private -> commitments {symbol: hex of a compressed G1 point}. Optional "signatures" (list) is not signed itself.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from por.amounts import MAX_DECIMALS, AmountError, Token, format_amount, parse_amount, valid_symbol
from por.errors import InputError
from por.jsonio import read_json

PUBLIC_DIR = "public"
OPERATOR_DIR = "operator"
ROOT_FILE = "root.json"
ROOT_FORMAT = "por-root"
ROOT_VERSION = 2
"""The version of a plain root.json: 2 added "rounding"; version 1 roots (no such field) were built with exact
amounts and are still read."""
PRIVATE_ROOT_VERSION = 3
"""The version of a private root.json: 3 (K-ary tree, per-token range widths, "rounding"); version 1 private roots
(binary tree) are still read and their proofs verified."""
ROOT_VERSIONS = {"plain": (1, ROOT_VERSION), "private": (1, PRIVATE_ROOT_VERSION)}
MAX_ARITY = 16
MAX_RANGE_BITS = 64
ROUNDING_EXACT, ROUNDING_UP = "exact", "up"
ROUNDINGS = (ROUNDING_EXACT, ROUNDING_UP)
SIGNATURE_FIELD = "signatures"
ATTESTATION_TAG = b"por/v1/root-attestation\x00"
MAX_ROOT_DEPTH = 40
MAX_ROUND_ID_BYTES = 128


def valid_round_id(round_id: object) -> bool:
    """1–128 bytes of UTF-8 without control characters (docs/SPEC.md §3): a round id is hashed, printed and logged."""
    if not isinstance(round_id, str):
        return False
    try:
        size = len(round_id.encode("utf-8"))
    except UnicodeEncodeError:
        return False
    return 1 <= size <= MAX_ROUND_ID_BYTES and not any(unicodedata.category(ch) == "Cc" for ch in round_id)


def check_round_id(round_id: str) -> str:
    """The ``--round`` of a build, checked before anything is derived from it."""
    if not valid_round_id(round_id):
        raise InputError(f"a round id must be 1–{MAX_ROUND_ID_BYTES} bytes of UTF-8 without control characters",
                         field="--round")
    return round_id


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


_ROOT_FIELDS = {"format", "version", "mode", "round", "hash", "tokens", "root", "leaf_count", "depth"}
_MODE_FIELD = {"plain": "totals", "private": "commitments"}


def read_root(path: str | Path) -> dict:
    """Read and validate root.json (or a snapshot directory's); InputError (exit 2) names the malformed field.

    Every field is checked for type and grammar, and nothing else may be present: two different files must never
    stand for the same root digest."""
    path = root_file_of(path)
    root = read_json(path, "root file")
    require = _requirer(path, root)
    if root.get("format") != ROOT_FORMAT:
        raise InputError(f'not a por root file (format must be "{ROOT_FORMAT}")', path=path, field="format")
    version = require("version", int)
    mode = require("mode", str)
    if mode not in _MODE_FIELD:
        raise InputError('must be "plain" or "private"', path=path, field="mode")
    if version not in ROOT_VERSIONS[mode]:
        known = " or ".join(map(str, ROOT_VERSIONS[mode]))
        raise InputError(f"this tool understands {mode} root versions {known}", path=path, field="version")
    v3 = is_private_v3(root)
    if root.get("rounding", None if version == 1 else "missing") not in ((None,) if version == 1 else ROUNDINGS):
        raise InputError(f"must be one of {', '.join(map(repr, ROUNDINGS))} in a version-{version} root and absent "
                         "in a version-1 root", path=path, field="rounding")
    if not valid_round_id(require("round", str)):
        raise InputError(f"must be 1–{MAX_ROUND_ID_BYTES} bytes of UTF-8 without control characters", path=path,
                         field="round")
    optional = ({"arity"} if v3 else set()) | ({"rounding"} if version > 1 else set())
    unknown = set(root) - _ROOT_FIELDS - {_MODE_FIELD[mode], SIGNATURE_FIELD} - optional
    if unknown:
        raise InputError(f"a {mode}-mode root has no such field", path=path, field=sorted(unknown)[0])
    if root.get("hash") != "sha256":
        raise InputError('must be "sha256"', path=path, field="hash")
    if not is_hex(root.get("root"), 64):
        raise InputError("must be 64 lowercase hexadecimal characters", path=path, field="root")
    depth = require("depth", int)
    arity = require("arity", int) if v3 else 2
    if not 2 <= arity <= MAX_ARITY:
        raise InputError(f"must be 2–{MAX_ARITY}", path=path, field="arity")
    if (not 1 <= depth <= MAX_ROOT_DEPTH or require("leaf_count", int) != arity**depth
            or arity**depth > 1 << MAX_ROOT_DEPTH):
        raise InputError(f"depth must be 1–{MAX_ROOT_DEPTH} and leaf_count arity^depth (at most 2^{MAX_ROOT_DEPTH})",
                         path=path, field="depth")
    tokens = require("tokens", list)
    keys = {"symbol", "decimals", "range_bits"} if v3 else {"symbol", "decimals"}
    for i, tok in enumerate(tokens):
        if not (isinstance(tok, dict) and set(tok) == keys and isinstance(tok["symbol"], str)
                and valid_symbol(tok["symbol"]) and type(tok["decimals"]) is int
                and 0 <= tok["decimals"] <= MAX_DECIMALS
                and (not v3 or (type(tok["range_bits"]) is int and 1 <= tok["range_bits"] <= MAX_RANGE_BITS))):
            shown = "{symbol, decimals, range_bits}" if v3 else "{symbol, decimals}"
            raise InputError(f"token {i} must be exactly {shown} with a valid symbol, 0–{MAX_DECIMALS} decimals"
                             + (f" and a range width of 1–{MAX_RANGE_BITS} bits" if v3 else ""),
                             path=path, field="tokens")
    symbols = [t["symbol"] for t in tokens]
    if not symbols or len(set(symbols)) != len(symbols):
        raise InputError("the token list is empty or names a token twice", path=path, field="tokens")
    per_token = require(_MODE_FIELD[mode], dict)
    if set(per_token) != set(symbols):
        raise InputError("must have exactly one entry per token of the token list", path=path,
                         field=_MODE_FIELD[mode])
    for token in root_tokens(root):
        value = per_token[token.symbol]
        if mode == "plain" and not _canonical_amount(value, token.decimals):
            raise InputError("must be an exact decimal amount below 2^64 base units, written as por writes it "
                             "(shortest form, no leading zeros)", path=path, field=f"totals.{token.symbol}")
        if mode == "private" and not is_hex(value, 96):
            raise InputError("must be a 48-byte compressed point in lowercase hex", path=path,
                             field=f"commitments.{token.symbol}")
    signatures = root.get(SIGNATURE_FIELD, [])
    if not (isinstance(signatures, list) and all(isinstance(entry, dict) for entry in signatures)):
        raise InputError("must be a list of JSON objects", path=path, field=SIGNATURE_FIELD)
    return root




def _canonical_amount(value: object, decimals: int) -> bool:
    try:
        return isinstance(value, str) and format_amount(parse_amount(value, decimals), decimals) == value
    except AmountError:
        return False


def rounds_up(root: dict) -> bool:
    """Were the amounts rounded up to the tokens' decimals (``--rounding up``)? Version-1 roots: never."""
    return root.get("rounding", ROUNDING_EXACT) == ROUNDING_UP


def root_tokens(root: dict) -> list[Token]:
    return [Token(t["symbol"], t["decimals"]) for t in root["tokens"]]


def is_private_v3(root: dict) -> bool:
    """A private root of version 3: K-ary tree, group range proofs and a range width per token."""
    return root.get("mode") == "private" and root.get("version") == PRIVATE_ROOT_VERSION


def root_widths(root: dict) -> list[int]:
    """Each token's range width: published in a version-3 private root, 64 bits in every earlier root."""
    return [t.get("range_bits", MAX_RANGE_BITS) for t in root["tokens"]]


def is_hex(value: object, length: int) -> bool:
    """Exactly ``length`` lowercase hexadecimal characters (the only spelling por writes)."""
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
