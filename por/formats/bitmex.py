"""BitMEX proof of liabilities (BitMEX/proof-of-reserves-liabilities): the whole tree in one published file.

File: first line ``block_height:<n>``, then one ``<digest hex>,<value sats>`` line per node, root first, level by
level, left to right; the leaf level must be complete (a power of two). LE64 = 8-byte little-endian unsigned.

    parent     = SHA-256(L.digest || LE64(L.value) || R.digest || LE64(R.value)),  value = L.value + R.value
    sub nonce  = SHA-256(account_nonce || LE64(block_height) || LE64(account))     (or the per-proof nonce itself)
    leaf       = HMAC-SHA256(key = sub nonce, LE64(value) || LE64(leaf index))

Each account's balance is split over several leaves placed at random; a user finds theirs by recomputing every
leaf with their nonce. Because the file holds every node, every parent is re-checked against its children here,
not just the user's path. Both child values are hashed (no Maxwell flaw); values are unsigned 64-bit, so no
negative sums. Weakness: the file publishes every leaf value; privacy rests only on splitting and shuffling.

Options: ``--user ACCOUNT`` (numeric id) with ``--option nonce=HEX`` (per-proof nonce) or
``--option account_nonce=HEX``; without them only the tree is checked.
"""

from __future__ import annotations

import hmac
import re
import struct
from pathlib import Path

from por.errors import InputError
from por.formats import _fulltree as ft
from por.formats.base import VerifyOptions
from por.verdict import Verdict

_HEADER = re.compile(r"block_height:([0-9]{1,19})\s*")
_NODE = re.compile(r"[0-9a-fA-F]{64},-?[0-9]+\s*")
U64 = 2**64


def le64(value: int) -> bytes:
    return struct.pack("<Q", value)


def parent(left: tuple[bytes, int], right: tuple[bytes, int]) -> tuple[bytes, int]:
    return ft.sha256(left[0], le64(left[1]), right[0], le64(right[1])), left[1] + right[1]


def sub_nonce(account_nonce: bytes, block_height: int, account: int) -> bytes:
    return ft.sha256(account_nonce, le64(block_height), le64(account))


def leaf_hash(value: int, nonce: bytes, index: int) -> bytes:
    return hmac.new(nonce, le64(value) + le64(index), "sha256").digest()


def read_tree(path: Path) -> tuple[int, list[list[tuple[bytes, int]]]]:
    """(block height, levels root-first); InputError for anything malformed."""
    rows = list(ft.csv_rows(path))
    header = _HEADER.fullmatch(",".join(rows[0][1])) if rows else None
    if header is None:
        raise InputError("the first line must be block_height:<number below 10^19>", path=path, row=1)
    height = int(header.group(1))
    nodes = []
    for number, cells in rows[1:]:
        if len(cells) != 2:
            raise InputError("expected 'digest,value'", path=path, row=number)
        digest = ft.hex_digest(cells[0], path, "digest", row=number)
        try:
            value = int(cells[1])
        except ValueError:
            raise InputError(
                f"{cells[1]!r} is not an integer", path=path, row=number, field="value"
            ) from None
        nodes.append((digest, value))
    count = len(nodes)
    if count == 0 or (count + 1) & count:
        raise InputError(f"{count} nodes do not form a complete binary tree (2^k - 1 nodes)", path=path)
    levels, start, size = [], 0, 1
    while start < count:
        levels.append(nodes[start : start + size])
        start, size = start + size, size * 2
    return height, levels


def _nonce(options: VerifyOptions, height: int, path: Path) -> tuple[int, bytes] | None:
    if not options.user:
        return None
    try:
        account = int(options.user)
    except ValueError:
        raise InputError(f"BitMEX account ids are numbers, not {options.user!r}", field="user") from None
    if not 0 <= account < U64:
        raise InputError("the account id must fit 64 bits", field="user")
    for key in ("nonce", "account_nonce"):
        text = options.extra.get(key)
        if text:
            raw = ft.hex_digest(text, path, key)
            return account, raw if key == "nonce" else sub_nonce(raw, height, account)
    raise InputError("give --option nonce=HEX (or account_nonce=HEX) to find your leaves", field="nonce")


def check_tree(verdict: Verdict, levels: list[list[tuple[bytes, int]]]) -> None:
    """Every parent recomputed from its two children (hash and value), every value within 64 bits."""
    bad = [
        (depth, i)
        for depth, level in enumerate(levels)
        for i, (_, value) in enumerate(level)
        if not 0 <= value < U64
    ]
    if bad:
        depth, i = bad[0]
        verdict.check(
            "values", False, f"level {depth} node {i}: value {levels[depth][i][1]} is outside 0..2^64-1"
        )
        return
    for depth in range(len(levels) - 1):
        for i, node in enumerate(levels[depth]):
            digest, value = parent(levels[depth + 1][2 * i], levels[depth + 1][2 * i + 1])
            if value != node[1]:
                verdict.check(
                    "tree",
                    False,
                    f"level {depth} node {i}: children add up to {value}, the file says {node[1]}",
                )
                return
            if digest != node[0]:
                verdict.check(
                    "tree",
                    False,
                    f"level {depth} node {i}: recomputed hash {ft.short(digest)} differs from the file's "
                    f"{ft.short(node[0])}",
                )
                return
    inner = sum(len(level) for level in levels[:-1])
    verdict.check(
        "tree", True, f"all {inner} parent nodes recomputed from their children (hashes and sums) match"
    )


class BitmexFormat:
    name = "bitmex"
    title = "BitMEX proof of liabilities (full tree)"

    def sniff(self, files: list[Path]) -> bool:
        if len(files) != 1:
            return False
        lines = ft.head(files[0], 512).splitlines()
        return len(lines) >= 2 and bool(_HEADER.fullmatch(lines[0])) and bool(_NODE.fullmatch(lines[1]))

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        if len(files) != 1:
            raise InputError("a BitMEX proof is exactly one file", path=files[0] if files else None)
        path = files[0]
        height, levels = read_tree(path)
        verdict = Verdict(format=self.name, source=str(path), root=levels[0][0][0].hex())
        verdict.info.update({"block height": str(height), "leaves": str(len(levels[-1]))})
        verdict.totals = {"XBt": str(levels[0][0][1])}
        check_tree(verdict, levels)
        expected = options.extra.get("root")
        if expected:
            ok = expected.lower() == levels[0][0][0].hex()
            verdict.check(
                "published root", ok, "root matches the one you gave" if ok else "root differs from yours"
            )
        found = _nonce(options, height, path)
        if found is None:
            verdict.warnings.append("no account and nonce given: only the tree was checked, not your balance")
        else:
            account, nonce = found
            verdict.user = str(account)
            mine = [i for i, (digest, value) in enumerate(levels[-1]) if leaf_hash(value, nonce, i) == digest]
            total = sum(levels[-1][i][1] for i in mine)
            verdict.balances = {"XBt": str(total)}
            verdict.info["your leaves"] = ", ".join(map(str, mine)) or "none"
            if mine:
                verdict.check("your leaves", True, f"{len(mine)} leaves decode with your account and nonce", owner=True)
            else:
                verdict.warnings.append(
                    f"no leaf decodes with your nonce: the file credits account {account} with 0 sats"
                )
        verdict.warnings.append(
            "the file publishes every leaf value; balances are hidden only by splitting them over shuffled leaves"
        )
        return [verdict]


FORMAT = BitmexFormat()
