"""OKX Merkle proof v2: a user file (``user_info_file.json``) plus the full liabilities tree
(``full-liabilities-merkle-tree.txt``), github.com/okx/proof-of-reserves ``common/merklev2.go``.

Hashing rule, SHA-256 over UTF-8 text, lowercase hex:

- user hash = sha256(nonce + '{"BTC":"<b>","ETH":"<e>","USDT":"<u>"}') over the user's ``totalBalances`` strings;
- each of the user's leaves (``nodes``; a user may be split over several leaves)
  = sha256(userHash + BTC + ETH + USDT), the leaf's balance strings as written;
- parent = sha256(leftHex + rightHex + BTC + ETH + USDT + height): sums exact, truncated to 8 decimals,
  printed without trailing zeros; leaves are height 1.
- Tree file: one node per line ``hash,height,{"BTC":"..","ETH":"..","USDT":".."}``, root first, each level
  listed right to left; a level with an odd number of nodes is padded with a copy of its last node's hash
  carrying zero balances.

OKX's own tool only looks the user's leaves up in the tree. Here the whole tree is rebuilt node by node from
the leaves, so a wrong sum or hash anywhere (e.g. a tampered neighbour's leaf) fails. Given only the tree file,
the tree alone is checked (auditor view). Weaknesses warned about: the user hash binds no user id; negative
balances anywhere in the tree.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.jsonio import loads
from por.verdict import Verdict

_TREE_LINE = re.compile(r"([0-9a-fA-F]{64}),([0-9]{1,3}),(\{.*\})")
_MAX_FAILURES = 10  # individual node failures reported; the rest are counted


class _Node:
    __slots__ = ("row", "hash", "bal")

    def __init__(self, row: int, hash_: str, bal: dict[str, Decimal]) -> None:
        self.row, self.hash, self.bal = row, hash_, bal


def _is_tree(path: Path) -> bool:
    line = mc.first_line(path)
    return line is not None and _TREE_LINE.fullmatch(line) is not None


def _is_user_file(doc: object) -> bool:
    return mc.is_obj(doc, "hash", "nodes", "nonce", "totalBalances")


def _read_tree(path: Path) -> dict[int, list[_Node]]:
    """Nodes per height, each level left to right."""
    levels: dict[int, list[_Node]] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for row, line in enumerate(fh, start=1):
                line = line.rstrip("\r\n")
                if not line:
                    continue
                m = _TREE_LINE.fullmatch(line)
                if m is None:
                    raise InputError("expected 'hash,height,{balances}'", path=path, row=row)
                obj = loads(m.group(3), path=path, row=row, what="balances")
                texts = mc.okx_balances(mc.Fields(path, {"balances": obj}, f"row {row}"), "balances")
                levels.setdefault(int(m.group(2)), []).append(
                    _Node(row, m.group(1).lower(), {t: v for t, (_, v) in texts.items()})
                )
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path) from None
    if not levels:
        raise InputError("the tree file has no nodes", path=path)
    if sorted(levels) != list(range(1, max(levels) + 1)):
        raise InputError("tree heights are not 1, 2, 3, ... up to the root", path=path, field="height")
    for nodes in levels.values():
        nodes.reverse()  # the dump lists every level right to left
    return levels


def _is_pad(nodes: list[_Node], i: int) -> bool:
    return (
        i == len(nodes) - 1
        and i > 0
        and nodes[i].hash == nodes[i - 1].hash
        and not any(nodes[i].bal.values())
    )


def _check_tree(v: Verdict, levels: dict[int, list[_Node]]) -> None:
    """Rebuild every parent from its two children and compare hash and sums; one check per failing node."""
    top = max(levels)
    failures: list[str] = []
    if len(levels[top]) != 1:
        failures.append(f"the top height {top} has {len(levels[top])} nodes instead of one root")
    for height in range(1, top):
        children, parents = levels[height], levels[height + 1]
        padded = _is_pad(children, len(children) - 1)
        real = len(children) - padded
        above = len(parents) - _is_pad(parents, len(parents) - 1)
        if real % 2 != padded or (real + padded) // 2 != above:
            failures.append(
                f"height {height} has {real} nodes{' plus a zero pad' if padded else ''}, "
                f"which cannot make the {above} nodes above"
            )
            continue
        seen: dict[str, int] = {}
        for i, node in enumerate(children):
            if node.hash in seen and not _is_pad(children, i):
                failures.append(
                    f"row {node.row}: hash {mc.short(node.hash)} repeats row {seen[node.hash]} at height {height}"
                )
            seen.setdefault(node.hash, node.row)
        parents = parents[:above]
        for i, parent in enumerate(parents):
            left, right = children[2 * i], children[2 * i + 1]
            total = mc.okx_sum(left.bal, right.bal)
            computed = mc.okx_parent_hash(left.hash, right.hash, total, height + 1)
            if computed != parent.hash:
                failures.append(
                    f"row {parent.row} (height {height + 1}): recomputed hash {mc.short(computed)} differs from the file's {mc.short(parent.hash)}"
                )
            diffs = [
                f"{t} {mc.stripped(total[t])} vs file's {mc.stripped(parent.bal[t])}"
                for t in mc.OKX_TOKENS
                if total[t] != parent.bal[t]
            ]
            if diffs:
                failures.append(
                    f"row {parent.row} (height {height + 1}): sum of its children differs: "
                    + "; ".join(diffs)
                )
    nodes = sum(len(n) for n in levels.values())
    if not failures:
        v.check(
            "full tree",
            True,
            f"all {nodes} nodes: every parent's hash and sums recomputed from its children match",
        )
    for text in failures[:_MAX_FAILURES]:
        v.check("full tree", False, text)
    if len(failures) > _MAX_FAILURES:
        v.check("full tree", False, f"{len(failures) - _MAX_FAILURES} more nodes fail the same way")
    leaves = [n for i, n in enumerate(levels[1]) if not _is_pad(levels[1], i)]
    mc.warn_negative(v, [(f"tree row {n.row}", n.bal) for level in levels.values() for n in level])
    v.info.update({"tree height": str(top), "leaves": str(len(leaves)), "nodes": str(nodes)})


def _check_user(v: Verdict, path: Path, leaves: list[_Node], options: VerifyOptions) -> None:
    doc = mc.Fields(path, mc.load_json(path), "")
    nonce = doc.text("nonce", pattern=mc.ANY_TEXT)
    user_hash = doc.text("hash", pattern=mc.HEX64).lower()
    totals = mc.okx_balances(doc, "totalBalances")
    entries = doc.items("nodes", min_len=1)
    mc.check_user(v, options, nonce, "nonce", user_hash)

    computed = mc.sha256_hex(nonce + mc.okx_json({t: s for t, (s, _) in totals.items()}))
    mc.check_hash(v, "user hash", "user hash from your nonce and total balances", computed, user_hash)
    by_hash: dict[str, list[_Node]] = {}
    for leaf in leaves:
        by_hash.setdefault(leaf.hash, []).append(leaf)
    parts = []
    for i, entry in enumerate(entries):
        node = mc.Fields(path, entry, f"nodes[{i}]")
        texts = mc.okx_balances(node, "balances")
        bal = {t: val for t, (_, val) in texts.items()}
        parts.append(bal)
        leaf_hash = mc.sha256_hex(computed + "".join(texts[t][0] for t in mc.OKX_TOKENS))
        claimed = node.text("hash", pattern=mc.HEX64).lower()
        mc.check_hash(
            v, f"leaf {i} hash", f"leaf {i} hash from your user hash and its balances", leaf_hash, claimed
        )
        found = [n for n in by_hash.get(leaf_hash, []) if n.bal == bal]
        v.check(
            f"leaf {i} in tree",
            len(found) == 1,
            f"leaf {i} is in the tree at row {found[0].row} with the same balances"
            if len(found) == 1
            else f"leaf {i} ({mc.short(leaf_hash)}) is {'not' if not found else 'more than once'} among the tree's leaves with these balances",
        )
    total_parts = {t: mc.add_all(p[t] for p in parts) for t in mc.OKX_TOKENS}
    mc.check_sums(
        v,
        "your total",
        "the sum of your leaves' balances and your total balances",
        total_parts,
        {t: val for t, (_, val) in totals.items()},
    )
    v.balances = mc.show({t: val for t, (_, val) in totals.items()})
    v.info["your leaves"] = str(len(entries))
    v.warnings.append(mc.WARN_NO_USER_ID.replace("leaf", "user hash", 1))


class OkxV2:
    name = "okx-v2"
    title = "OKX Merkle proof v2 (user file + full liabilities tree)"

    def sniff(self, files: list[Path]) -> bool:
        trees = [f for f in files if _is_tree(f)]
        others = [f for f in files if f not in trees]
        return len(trees) == 1 and all(_is_user_file(mc.peek_json(f)) for f in others)

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        trees = [f for f in files if _is_tree(f)]
        if len(trees) != 1:
            raise InputError(
                "OKX v2 needs exactly one full liabilities tree file (lines 'hash,height,{balances}') besides the user files",
                path=files[0],
            )
        users = [f for f in files if f != trees[0]]
        levels = _read_tree(trees[0])
        root = levels[max(levels)][0]
        verdicts = []
        for user_file in users or [None]:
            v = mc.new_verdict(self.name, [p for p in (user_file, trees[0]) if p is not None])
            if user_file is not None:
                _check_user(v, user_file, levels[1], options)
            _check_tree(v, levels)
            v.root, v.totals = root.hash, mc.show(root.bal)
            verdicts.append(v)
        return verdicts


FORMAT = OkxV2()
