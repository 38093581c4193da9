"""Silver Sixpence / Mazars published trees (silversixpence-crypto/merkletree-verify): all levels as CSV files.

Files ``tree-level1.csv`` … ``tree-levelN.csv`` (given one by one or as a directory), one row per parent node:
``parent_hex,level,left_child_hex,right_child_hex``; level 1 holds the parents of the leaves.

    leaf   = SHA-256(UTF-8(client_id + salt + audit_id + balances)),  balances like "BTC=1.0000|ETH=2.0000"
    parent = SHA-256(bytes(left) || bytes(right))          (the 32 raw digest bytes, not the hex text)

When a level has an odd number of nodes the last one is promoted unchanged to the next level, so the children of
level L+1, in file order, are the parents of level L followed by any node still waiting for a partner. Every row
is recomputed and every level is matched against the one below, up to a single root.

Weaknesses: nodes carry no balances, so the root binds no totals (liabilities can be dropped or shrunk without any
trace in the tree); the leaf is a plain concatenation without separators, so different (id, salt, balances)
splits can give the same record.

Options: ``--option leaf=HEX`` (your leaf hash), or ``--option record=TEXT`` (the whole account record), or
``--user CLIENT_ID`` with ``--option salt=…``, ``--option audit=…`` and ``--option balances=…``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _fulltree as ft
from por.formats.base import VerifyOptions
from por.verdict import Verdict

_ROW = re.compile(r"[0-9a-fA-F]{64},[0-9]+,[0-9a-fA-F]{64},[0-9a-fA-F]{64}\s*")
Row = tuple[bytes, bytes, bytes]  # parent, left, right
_LEVEL = re.compile(r"[1-9][0-9]{0,2}")  # 1-999: far above any real tree, and it bounds the loops over levels


def parent(left: bytes, right: bytes) -> bytes:
    return ft.sha256(left, right)


def leaf(record: str) -> bytes:
    return ft.sha256(record.encode("utf-8"))


def read_levels(files: list[Path]) -> dict[int, list[Row]]:
    levels: dict[int, list[Row]] = defaultdict(list)
    for path in files:
        for number, cells in ft.csv_rows(path):
            if len(cells) != 4:
                raise InputError("expected 'parent,level,left,right'", path=path, row=number)
            if not _LEVEL.fullmatch(cells[1]):
                raise InputError("is not a level number from 1 to 999", path=path, row=number, field="level")
            digests = [
                ft.hex_digest(cells[i], path, name, row=number)
                for i, name in ((0, "parent"), (2, "left"), (3, "right"))
            ]
            levels[int(cells[1])].append((digests[0], digests[1], digests[2]))
    if not levels:
        raise InputError("no tree rows found", path=files[0])
    missing = sorted(set(range(1, max(levels) + 1)) - set(levels))
    if missing:
        raise InputError(f"tree level {missing[0]} is missing", path=files[0].parent)
    return dict(levels)


def check_tree(verdict: Verdict, levels: dict[int, list[Row]]) -> tuple[bytes | None, list[bytes]]:
    """Recompute every row and chain the levels; returns (root, leaves) when the structure is sound."""
    for level, rows in sorted(levels.items()):
        for i, (node, left, right) in enumerate(rows):
            computed = parent(left, right)
            if computed != node:
                verdict.check(
                    "tree",
                    False,
                    f"level {level} row {i + 1}: recomputed hash {ft.short(computed)} differs from the file's "
                    f"{ft.short(node)}",
                )
                return None, []
    leaves = [child for _, left, right in levels[1] for child in (left, right)]
    waiting: list[bytes] = []  # nodes promoted unchanged because they had no partner
    promoted_leaf = False
    for level in range(2, max(levels) + 1):
        available = [row[0] for row in levels[level - 1]] + waiting
        children = [child for _, left, right in levels[level] for child in (left, right)]
        if (
            len(children) == len(available) + 1
            and not waiting
            and not promoted_leaf
            and len(available) % 2 == 1
        ):
            # an odd leaf count: the last leaf is promoted and first appears here as a child
            leaves.append(children[-1])
            available.append(children[-1])
            promoted_leaf = True
        if (
            len(children) > len(available)
            or children != available[: len(children)]
            or len(available) - len(children) > 1
        ):
            verdict.check(
                "tree",
                False,
                f"level {level}: its children are not the {len(available)} nodes of level {level - 1} in order",
            )
            return None, []
        waiting = available[len(children) :]
    top = levels[max(levels)]
    if len(top) != 1 or waiting:
        verdict.check("tree", False, f"level {max(levels)} does not end in a single root")
        return None, []
    rows = sum(len(r) for r in levels.values())
    verdict.check(
        "tree", True, f"all {rows} parent nodes over {len(leaves)} leaves recomputed and chained to the root"
    )
    return top[0][0], leaves


def _user_leaf(options: VerifyOptions) -> tuple[bytes | None, str | None]:
    extra = options.extra
    if extra.get("leaf"):
        return ft.hex_digest(extra["leaf"], Path("--option"), "leaf"), None
    if extra.get("record"):
        return leaf(extra["record"]), extra.get("balances")
    if options.user and extra.get("balances"):
        record = options.user + extra.get("salt", "") + extra.get("audit", "") + extra["balances"]
        return leaf(record), extra["balances"]
    return None, None


def parse_balances(text: str) -> dict[str, str]:
    """``BTC=1.0|ETH=2`` -> exact amounts; InputError when a part is not SYMBOL=decimal."""
    out: dict[str, Decimal] = {}
    for part in text.split("|"):
        symbol, _, amount = part.partition("=")
        out[symbol.strip()] = ft.add(
            out.get(symbol.strip(), Decimal(0)), ft.decimal(amount.strip(), Path("--option"), "balances")
        )
    return {k: ft.plain(v) for k, v in out.items()}


class SilverSixpenceFormat:
    name = "silversixpence"
    title = "Silver Sixpence / Mazars Merkle tree levels"

    def sniff(self, files: list[Path]) -> bool:
        try:
            paths = ft.expand(files, "*.csv")
        except OSError:
            return False
        return bool(paths) and all(
            _ROW.fullmatch(ft.head(p, 300).splitlines()[0] if ft.head(p, 300) else "") for p in paths
        )

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        paths = ft.expand(files, "*.csv")
        if not paths:
            raise InputError("no tree-level files given", path=files[0] if files else None)
        levels = read_levels(paths)
        source = str(files[0]) if len(files) == 1 else f"{files[0]} … ({len(paths)} files)"
        verdict = Verdict(format=self.name, source=source)
        root, leaves = check_tree(verdict, levels)
        verdict.root = root.hex() if root else None
        verdict.info.update({"levels": str(max(levels)), "leaves": str(len(leaves))})
        expected = options.extra.get("root")
        if expected and root:
            ok = expected.lower() == root.hex()
            verdict.check(
                "published root", ok, "root matches the one you gave" if ok else "root differs from yours"
            )
        mine, balances = _user_leaf(options)
        if mine is None:
            verdict.warnings.append(
                "no leaf, record or balances given: only the tree was checked, not your account"
            )
        elif root:
            found = [i for i, x in enumerate(leaves) if x == mine]
            verdict.check(
                "your leaf",
                bool(found),
                f"your leaf {ft.short(mine)} is leaf {found[0] + 1} of the tree"
                if found
                else f"your leaf {ft.short(mine)} is not among the {len(leaves)} leaves",
                owner=bool(options.user) and not (options.extra.get("leaf") or options.extra.get("record")),
            )
            if balances:
                verdict.balances = parse_balances(balances)
        verdict.user = options.user
        verdict.warnings.append(
            "the tree's nodes carry no balances: the root binds no totals, so this proves inclusion only"
        )
        verdict.warnings.append(
            "leaves hash a plain concatenation without separators: different id/salt/balance splits can collide"
        )
        return [verdict]


FORMAT = SilverSixpenceFormat()
