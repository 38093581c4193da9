"""Bitget Merkle proof (``merkel_tree_bg.json``, github.com/BitgetLimited/proof-of-reserves), all vintages.

Hashing rule, SHA-256 over UTF-8 text, hex digest TRUNCATED to its first 16 characters (64 bits):

- leaf   = sha256(encryptUid + "," + nonce + "," + balancesJson)[:16]
- parent = sha256(leftHash + rightHash + "," + balancesJson(sum) + "," + level)[:16], level = left child's
  level - 1 (leaves sit at the deepest level, the root at level 1); the sum is exact (Java ``BigDecimal.add``).
- balancesJson is fastjson output, keys in the file's order (the parent: left child's keys, then new ones):
  * 2025 files (balances are JSON strings): ``{"BTC":"0","USDT":"0.00012635"}``, each amount printed with
    trailing zeros stripped (``stripTrailingZeros().toPlainString()``);
  * 2022/2023 files (balances are JSON numbers): ``{"BTC":0,"USDT":7681.73476302}``, each amount printed
    by ``BigDecimal.toString()`` (scale kept: a sum has the larger scale of its two terms).
- ``role``: 1 = left child, 2 = right, 0 = empty filler (treated as right), 3 = root; ``path[0]`` is the
  sibling leaf, the last entry the root.

Weaknesses warned about: truncated 64-bit hashes, parents binding only the sum (Maxwell flaw), negative
balances inside the tree (allowed by this scheme), and in old files a sibling leaf's uid and nonce.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.verdict import Verdict


def _looks_like(doc: object) -> bool:
    return (
        mc.is_obj(doc, "self", "path")
        and isinstance(doc["path"], list)
        and mc.is_obj(doc["self"], "merkelLeaf", "level", "balances", "nonce")
    )


def _merge(a: dict[str, Decimal], b: dict[str, Decimal]) -> dict[str, Decimal]:
    """Java ``TreeNode.mergeAsset`` twice: left's keys first, then keys only the right child has."""
    out = dict(a)
    for token, value in b.items():
        out[token] = mc.add(out[token], value) if token in out else value
    return out


class _Json:
    """fastjson's printing of a balances map, for one vintage."""

    def __init__(self, as_strings: bool) -> None:
        self.as_strings = as_strings

    def __call__(self, bal: dict[str, Decimal]) -> str:
        if self.as_strings:
            return "{" + ",".join(f'"{t}":"{mc.stripped(v)}"' for t, v in bal.items()) + "}"
        return "{" + ",".join(f'"{t}":{mc.java_string(v)}' for t, v in bal.items()) + "}"


def _balances(node: mc.Fields) -> tuple[dict[str, Decimal], bool]:
    raw = node.sub("balances").obj
    kinds = {isinstance(v, str) for v in raw.values()}
    if len(kinds) != 1:
        raise InputError("balances mix strings and numbers", path=node.path, field=f"{node.where}.balances")
    return node.balances("balances"), kinds.pop()


def _leaf_hash(uid: str, nonce: str, bal: dict[str, Decimal], to_json: _Json) -> str:
    return mc.sha256_hex(f"{uid},{nonce},{to_json(bal)}")[:16]


class Bitget(mc.SingleJsonFormat):
    name = "bitget"
    title = "Bitget Merkle proof"

    looks_like = staticmethod(_looks_like)

    def _verify_one(self, path: Path, options: VerifyOptions) -> Verdict:
        me, nodes, v = mc.open_path_proof(path, self.name)

        my_bal, as_strings = _balances(me)
        to_json = _Json(as_strings)
        uid = me.text("encryptUid", pattern=mc.ANY_TEXT)
        leaf_claim = me.text("merkelLeaf", pattern=mc.HEX16).lower()
        my_level = me.integer("level", low=2, high=256)
        my_role = me.integer("role", low=0, high=3)
        mc.check_user(v, options, uid, "encrypted uid", leaf_claim)
        leaf = _leaf_hash(uid, me.text("nonce", pattern=mc.ANY_TEXT), my_bal, to_json)
        mc.check_hash(v, "leaf hash", "leaf hash from your uid, nonce and balances", leaf, leaf_claim)

        steps, levels_ok = [], True
        for i, node in enumerate(nodes[:-1]):
            bal, node_strings = _balances(node)
            if node_strings != as_strings:
                raise InputError(
                    "balances mix strings and numbers across nodes", path=path, field=f"{node.where}.balances"
                )
            role = node.integer("role", low=0, high=3)
            steps.append((node.text("merkelLeaf", pattern=mc.HEX16).lower(), bal, role == 1))
            levels_ok &= node.integer("level", low=1, high=256) == my_level - i
            if i == 0 and node.has("nonce"):
                sib = _leaf_hash(node.text("encryptUid", pattern=mc.ANY_TEXT), node.text("nonce", pattern=mc.ANY_TEXT),
                                 bal, to_json)
                mc.check_neighbour_leaf(v, sib, steps[0][0], from_what="uid, nonce and balances",
                                        exposed="its balances, nonce and encrypted uid")
        mc.check_path_shape(v, nodes[0].integer("role", low=0, high=3) != my_role, levels_ok, "level")

        def parent(left: tuple[str, dict], right: tuple[str, dict], index: int) -> tuple[str, dict]:
            total = _merge(left[1], right[1])
            level = my_level - index - 1
            return mc.sha256_hex(f"{left[0]}{right[0]},{to_json(total)},{level}")[:16], total

        root_hash, root_bal = mc.fold_path((leaf, my_bal), steps, parent)
        root = nodes[-1]
        claimed_root = root.text("merkelLeaf", pattern=mc.HEX16).lower()
        claimed_bal, _ = _balances(root)
        mc.check_hash(
            v, "root hash", f"root hash from your leaf and {len(steps)} path nodes", root_hash, claimed_root
        )
        mc.check_sums(
            v, "root balances", "root totals recomputed from your leaf and the path", root_bal, claimed_bal
        )
        root_level = root.integer("level", low=0, high=256)
        expected = my_level - len(steps)
        mc.check_root_position(v, "level", root_level, expected)

        v.warnings += [mc.WARN_TRUNCATED.format(bits=64), mc.WARN_MAXWELL]
        mc.warn_negative(
            v,
            [("your leaf", my_bal)]
            + [(f"path node {i}", s[1]) for i, s in enumerate(steps)]
            + [("root", claimed_bal)],
        )
        v.balances, v.totals, v.root = mc.show(my_bal), mc.show(claimed_bal), claimed_root
        v.info.update(
            {
                "audit id": str(me.obj.get("auditId", "")),
                "leaf level": str(my_level),
                "amounts": "strings" if as_strings else "numbers",
            }
        )
        return v


FORMAT = Bitget()
