"""Shared helpers for exchanges' SHA-256 Merkle sum tree formats (OKX, Bitget, Bitunix, Bybit, MEXC, CoinEx).

These formats hash *strings*: hex hashes, decimal amounts printed by Java ``BigDecimal`` or Go ``shopspring/decimal``,
JSON fragments. Reproducing them means parsing amounts exactly (``decimal.Decimal``, never floats) and printing
them back byte for byte the way the exchange's own tool does. Everything here is exact; rounding only happens
where a format's rule says so (``round_down``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_DOWN, Context, Decimal, Inexact, InvalidOperation, Overflow
from functools import lru_cache
from pathlib import Path
from typing import Any

from por import jsonio
from por.errors import InputError
from por.formats.base import VerifyOptions
from por.verdict import Verdict

SNIFF_LIMIT = 8 * 1024 * 1024  # bytes read when recognising a JSON proof; real user proofs are a few kB
MAX_DIGITS = 60  # more significant digits than any real balance; longer strings are refused as malformed
EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, Overflow])  # additions must never round

_AMOUNT = re.compile(r"-?(?:0|[1-9][0-9]*|0[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?")

WARN_MAXWELL = (
    "parent hashes bind only the sum of the two children, not each child's balance (Maxwell flaw): "
    "a sibling's balance shown in the proof is not tied to that sibling's hash, so liabilities can be understated"
)
WARN_NEGATIVE = (
    "the tree contains negative balances ({where}): a negative node can cancel other users' balances"
)
WARN_SIBLING_LEAF = "the proof reveals a neighbouring user's leaf ({what}), which leaks another user's data"
WARN_TRUNCATED = "hashes are truncated to {bits} bits, far weaker than full SHA-256 against forged nodes"
WARN_NO_USER_ID = "the leaf binds only a nonce and balances, not a user id: two users with equal balances could be shown one leaf"
WARN_USER_UNCHECKED = "no user id was given (--user), so the proof was not checked to belong to you"


# ---------------------------------------------------------------------------------------------- reading files


@lru_cache(maxsize=64)
def _cached_json(path: str, mtime_ns: int, size: int) -> Any:
    with open(path, "rb") as fh:
        data = fh.read(SNIFF_LIMIT + 1)
    if len(data) > SNIFF_LIMIT:
        return None
    return jsonio.loads(data, path=path, exact=True)


def peek_json(path: Path) -> Any:
    """The parsed JSON of ``path`` for sniffing, or None when it is unreadable, too big or not JSON (never raises)."""
    try:
        st = path.stat()
        return _cached_json(str(path), st.st_mtime_ns, st.st_size)
    except (OSError, InputError):
        return None


def load_json(path: Path) -> Any:
    """Parse a JSON proof file; JSON numbers with a fraction become exact Decimals. InputError when unreadable."""
    return jsonio.read_json(path, exact=True)


def first_line(path: Path, limit: int = 4096) -> str | None:
    """The first line of a text file (for sniffing), or None when unreadable (never raises)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    except (OSError, UnicodeDecodeError):
        return None


def is_obj(value: Any, *keys: str) -> bool:
    return isinstance(value, dict) and all(k in value for k in keys)


# --------------------------------------------------------------------------------------------- typed fields


class Fields:
    """Typed access to one JSON object, raising InputError that names the file and the field's JSON path."""

    def __init__(self, path: Path, obj: Any, where: str) -> None:
        if not isinstance(obj, dict):
            raise InputError("expected a JSON object", path=path, field=where)
        self.path, self.obj, self.where = path, obj, where

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return key in self.obj and self.obj[key] is not None

    def raw(self, key: str) -> Any:
        if key not in self.obj:
            raise InputError("missing field", path=self.path, field=self._name(key))
        return self.obj[key]

    def text(self, key: str, *, pattern: re.Pattern[str] | None = None, default: str | None = None) -> str:
        if default is not None and not self.has(key):
            return default
        value = self.raw(key)
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            raise InputError("malformed value", path=self.path, field=self._name(key))
        return value

    def integer(self, key: str, *, low: int = -(2**31), high: int = 2**31 - 1) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(
                f"expected an integer from {low} to {high}", path=self.path, field=self._name(key)
            )
        return value

    def sub(self, key: str) -> Fields:
        return Fields(self.path, self.raw(key), self._name(key))

    def items(self, key: str, *, min_len: int = 0) -> list[Any]:
        value = self.raw(key)
        if not isinstance(value, list) or len(value) < min_len:
            raise InputError(
                f"expected a list of at least {min_len} entries", path=self.path, field=self._name(key)
            )
        return value

    def amount(self, key: str) -> Decimal:
        return parse_amount_value(self.raw(key), path=self.path, field=self._name(key))

    def amount_text(self, key: str) -> tuple[str, Decimal]:
        """An amount given as a JSON string: the exact text (hashed by the format) and its value."""
        value = self.raw(key)
        if not isinstance(value, str):
            raise InputError("expected the amount as a JSON string", path=self.path, field=self._name(key))
        return value, parse_amount_value(value, path=self.path, field=self._name(key))

    def balances(self, key: str, *, allow_empty: bool = False) -> dict[str, Decimal]:
        """A ``{token: amount}`` object in file order; amounts may be JSON strings or numbers."""
        sub = self.sub(key)
        if not sub.obj and not allow_empty:
            raise InputError("no balances", path=self.path, field=sub.where)
        return {token: sub.amount(token) for token in sub.obj}

    def balance_texts(self, key: str) -> dict[str, tuple[str, Decimal]]:
        sub = self.sub(key)
        if not sub.obj:
            raise InputError("no balances", path=self.path, field=sub.where)
        return {token: sub.amount_text(token) for token in sub.obj}


def parse_amount_value(value: Any, *, path: Path, field: str) -> Decimal:
    """An exact Decimal from a JSON string/number amount; InputError for floats' cousins, NaN, junk or huge values."""
    if isinstance(value, bool):
        raise InputError("expected an amount, got true/false", path=path, field=field)
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        if not _AMOUNT.fullmatch(value):
            raise InputError(f"not a decimal amount: {value[:40]!r}", path=path, field=field)
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InputError("expected a decimal amount", path=path, field=field)
    if len(value.as_tuple().digits) > MAX_DIGITS or abs(value.as_tuple().exponent) > 64:  # type: ignore[arg-type]
        raise InputError("amount has too many digits", path=path, field=field)
    return value


# ------------------------------------------------------------------------------------------ decimal printing


def add(a: Decimal, b: Decimal) -> Decimal:
    """Exact sum keeping the larger scale, like Java ``BigDecimal.add`` and shopspring ``Add``."""
    return EXACT.add(a, b)


def add_all(values: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for v in values:
        total = add(total, v)
    return total


def round_down(value: Decimal, places: int) -> Decimal:
    """Truncate toward zero to ``places`` decimals (Java ``setScale(n, DOWN)``, shopspring ``RoundDown``)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN, context=Context(prec=200))


def plain(value: Decimal) -> str:
    """Java ``BigDecimal.toPlainString``: no exponent, trailing zeros of the scale kept."""
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()
    return f"{value:f}"


def stripped(value: Decimal) -> str:
    """Shortest exact decimal: shopspring ``Decimal.String`` / Java ``stripTrailingZeros().toPlainString()``."""
    if value.is_zero():
        return "0"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def java_string(value: Decimal) -> str:
    """Java ``BigDecimal.toString``: scientific when the scale is negative or the adjusted exponent < -6.

    Python's ``Decimal.__str__`` follows the same rule (both come from the General Decimal Arithmetic spec).
    """
    return str(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short(h: str) -> str:
    return h[:8] + "…" if len(h) > 8 else h or "(empty)"


def show(balances: Mapping[str, Decimal]) -> dict[str, str]:
    """Exact decimal strings for the verdict table."""
    return {token: stripped(v) for token, v in balances.items()}


def java_hashmap_order(keys: list[str]) -> list[str]:
    """Iteration order of a ``java.util.HashMap<String, _>`` filled with ``keys`` in this order.

    fastjson prints a HashMap in iteration order, so a format hashing ``toJSONString(hashMap)`` hashes this order:
    bucket index of the spread ``String.hashCode`` in the final table, then insertion order within a bucket.
    """
    table = 16
    while len(keys) > table * 3 // 4:
        table *= 2

    def bucket(key: str) -> int:
        h = 0
        for unit in key.encode("utf-16-be").hex(" ", 2).split():
            h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (table - 1)

    return sorted(keys, key=lambda k: (bucket(k), keys.index(k)))


# ------------------------------------------------------------------------------------------- verdict helpers


def new_verdict(fmt_name: str, files: list[Path]) -> Verdict:
    return Verdict(format=fmt_name, source=", ".join(str(f) for f in files))


def check_user(verdict: Verdict, options: VerifyOptions, claimed: str, label: str, *aliases: str) -> None:
    """Compare the id the user typed with the proof's own id (or an alias such as the leaf hash).

    The file's claim alone is never trusted: without ``--user`` the verdict says the owner was not checked.
    """
    if options.user is None:
        verdict.user = claimed
        verdict.warnings.append(WARN_USER_UNCHECKED)
        return
    given = options.user.strip()
    verdict.user = given
    same = any(given.lower() == c.lower() for c in (claimed, *aliases) if c)
    verdict.check(
        "proof is for this user",
        same,
        f"the proof's {label} matches the one you gave"
        if same
        else f"the proof's {label} {short(claimed)} is not the one you gave ({short(given)}): it is someone else's proof",
        owner=True,
    )


def check_hash(verdict: Verdict, name: str, what: str, computed: str, claimed: str) -> bool:
    ok = computed.lower() == claimed.lower()
    detail = (
        f"{what} recomputed ({short(computed)}) matches the file"
        if ok
        else f"{what}: recomputed hash {short(computed)} differs from the file's {short(claimed)}"
    )
    return verdict.check(name, ok, detail)


def check_sums(
    verdict: Verdict, name: str, what: str, computed: Mapping[str, Decimal], claimed: Mapping[str, Decimal]
) -> bool:
    """Exact, per-token comparison; a token missing on one side counts as a difference unless both are zero."""
    diffs = []
    for token in list(computed) + [t for t in claimed if t not in computed]:
        a, b = computed.get(token), claimed.get(token)
        if a is None or b is None:
            if (a or b or Decimal(0)).is_zero():
                continue
            diffs.append(
                f"{token} {'missing' if a is None else stripped(a)} vs file's {'missing' if b is None else stripped(b)}"
            )
        elif a != b:
            diffs.append(f"{token} {stripped(a)} vs file's {stripped(b)}")
    ok = not diffs
    detail = f"{what} match the file" if ok else f"{what} differ: " + "; ".join(diffs)
    return verdict.check(name, ok, detail)


def warn_negative(verdict: Verdict, nodes: Iterable[tuple[str, Mapping[str, Decimal]]]) -> None:
    """One warning listing (up to 3) nodes with a negative balance."""
    found = [f"{label} {token} {stripped(v)}" for label, bal in nodes for token, v in bal.items() if v < 0]
    if found:
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        verdict.warnings.append(WARN_NEGATIVE.format(where=", ".join(found[:3]) + more))


def fold_path(
    leaf: tuple[str, Any],
    steps: Iterable[tuple[str, Any, bool]],
    parent: Callable[[tuple[str, Any], tuple[str, Any], int], tuple[str, Any]],
) -> tuple[str, Any]:
    """Climb from ``leaf`` = (hash, balances) through ``steps`` = (sibling hash, balances, sibling_is_left).

    ``parent(left, right, step_index)`` applies the format's own node rule; the final node is returned so the
    caller compares it with the root in the file.
    """
    node = leaf
    for index, (sib_hash, sib_bal, sib_left) in enumerate(steps):
        sibling = (sib_hash, sib_bal)
        node = parent(sibling, node, index) if sib_left else parent(node, sibling, index)
    return node


def info_counts(verdict: Verdict, **items: object) -> None:
    for key, value in items.items():
        verdict.info[key] = str(value)


HEX64 = re.compile(r"[0-9a-fA-F]{64}")
HEX32 = re.compile(r"[0-9a-fA-F]{32}")
HEX16 = re.compile(r"[0-9a-fA-F]{16}")
ANY_TEXT = re.compile(r"[\x20-\x7e]{0,256}")


# ------------------------------------------------------------------------------------ OKX (v1 and v2 share these)

OKX_TOKENS = ("BTC", "ETH", "USDT")


def okx_balances(fields: Fields, key: str) -> dict[str, tuple[str, Decimal]]:
    """OKX's Go struct has exactly BTC, ETH, USDT as strings; anything else is not an OKX proof."""
    texts = fields.balance_texts(key)
    if tuple(texts) != OKX_TOKENS:
        raise InputError(
            "expected exactly the balances BTC, ETH, USDT in this order",
            path=fields.path,
            field=fields._name(key),
        )
    return texts


def okx_json(texts: Mapping[str, str]) -> str:
    """Go's ``Balances.String()`` / ``json.Marshal``: the strings exactly as given, fixed key order."""
    return "{" + ",".join(f'"{t}":"{texts[t]}"' for t in OKX_TOKENS) + "}"


def okx_sum(a: Mapping[str, Decimal], b: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Go ``Balances.Add``: exact sum truncated to 8 decimals (``RoundDown(8)``)."""
    return {t: round_down(add(a[t], b[t]), 8) for t in OKX_TOKENS}


def okx_parent_hash(left: str, right: str, total: Mapping[str, Decimal], height: int) -> str:
    """sha256(leftHex + rightHex + BTC + ETH + USDT + height), sums printed by shopspring ``String()``."""
    return sha256_hex(left + right + "".join(stripped(total[t]) for t in OKX_TOKENS) + str(height))


def check_neighbour_leaf(v: Verdict, recomputed: str, claimed: str, *, from_what: str, exposed: str) -> None:
    """A sibling leaf that carries its own nonce: recompute its hash, and warn that the format exposes it."""
    check_hash(v, "neighbour leaf hash", f"neighbour's leaf hash from its {from_what}", recomputed, claimed)
    v.warnings.append(WARN_SIBLING_LEAF.format(what=exposed))


def check_path_shape(v: Verdict, distinct_children: bool, climbs: bool, unit: str) -> None:
    """Your leaf and path node 0 are the two children of one parent; the path climbs one ``unit`` at a time."""
    v.check("leaf position", distinct_children, "your leaf and path node 0 are two different children")
    v.check(f"path {unit}s", climbs, "each path node sits one level above the previous" if climbs
            else f"path node {unit}s do not climb one by one from your leaf")


def check_root_position(v: Verdict, unit: str, found: int, expected: int) -> None:
    """The root node sits exactly where the path's length puts it."""
    v.check(f"root {unit}", found == expected,
            f"the root is at {unit} {expected}" + ("" if found == expected else f", the file says {found}"))


def open_path_proof(path: Path, name: str) -> tuple[Fields, list[Fields], Verdict]:
    """The shape most exchanges share: {"self": leaf, "path": [node, ..., root]} -> (leaf, path nodes, verdict)."""
    doc = Fields(path, load_json(path), "")
    nodes = [Fields(path, e, f"path[{i}]") for i, e in enumerate(doc.items("path", min_len=2))]
    return doc.sub("self"), nodes, new_verdict(name, [path])


class SingleJsonFormat:
    """Shell shared by formats whose user proof is one JSON file: recognised by its shape, verified file by file.

    Subclasses set ``name``, ``title`` and ``looks_like`` (a cheap shape test that never raises) and implement
    ``_verify_one(path, options)``.
    """

    name: str
    title: str

    @staticmethod
    def looks_like(document: object) -> bool:
        raise NotImplementedError

    def sniff(self, files: list[Path]) -> bool:
        return len(files) == 1 and self.looks_like(peek_json(files[0]))

    def verify(self, files: list[Path], options) -> list:
        return [self._verify_one(f, options) for f in files]

