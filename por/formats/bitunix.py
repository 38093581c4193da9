"""Bitunix Merkle proof (``merkle_tree_bitunix.json``, github.com/BitunixOfficial/proof-of-reserves).

Hashing rule (Bitget-style, but full 64-hex SHA-256 over UTF-8 text):

- leaf   = sha256(encryptUid + "," + nonce + "," + balancesJson), the balance strings exactly as in the file;
- parent = sha256(leftHash + rightHash + "," + balancesJson(sum) + "," + height), height = left child's
  height - 1 (the root is height 1). Each sum is exact, then cut to the token's precision from
  ``self.precisions`` (``setScale(p, DOWN).toPlainString()``, trailing zeros kept).
- balancesJson is fastjson's ``{"BTC":"0.00000000",...}`` of a ``java.util.HashMap``: keys in HashMap
  iteration order (bucket of ``String.hashCode``, see ``java_hashmap_order``), not file order.
- ``type``: 1 = left child, 2 = right, 3 = root; ``path[0]`` is the sibling leaf, the last entry the root.

Weaknesses warned about: parents binding only the sum (Maxwell flaw), the sibling leaf's uid, nonce and
balances in every proof, negative balances.
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
        and mc.is_obj(doc["self"], "merkleLeaf", "height", "balances", "nonce", "precisions")
    )


def _json(texts: dict[str, str]) -> str:
    return "{" + ",".join(f'"{t}":"{texts[t]}"' for t in mc.java_hashmap_order(list(texts))) + "}"


class Bitunix(mc.SingleJsonFormat):
    name = "bitunix"
    title = "Bitunix Merkle proof"

    looks_like = staticmethod(_looks_like)

    def _verify_one(self, path: Path, options: VerifyOptions) -> Verdict:
        me, nodes, v = mc.open_path_proof(path, self.name)

        prec_fields = me.sub("precisions")
        precisions = {t: prec_fields.integer(t, low=0, high=30) for t in prec_fields.obj}
        my_texts = me.balance_texts("balances")
        if set(my_texts) != set(precisions):
            raise InputError(
                "precisions must name exactly the tokens of the balances", path=path, field="self.precisions"
            )
        uid = me.text("encryptUid", pattern=mc.ANY_TEXT)
        leaf_claim = me.text("merkleLeaf", pattern=mc.HEX64).lower()
        my_height = me.integer("height", low=2, high=256)
        my_type = me.integer("type", low=1, high=2)
        mc.check_user(v, options, uid, "encrypted uid", leaf_claim)

        def texts_of(node: mc.Fields) -> dict[str, tuple[str, Decimal]]:
            texts = node.balance_texts("balances")
            if set(texts) != set(precisions):
                raise InputError(
                    "balances must list the same tokens as your leaf",
                    path=path,
                    field=f"{node.where}.balances",
                )
            return texts

        def leaf_hash(node: mc.Fields, texts: dict[str, tuple[str, Decimal]]) -> str:
            uid_, nonce = (
                node.text("encryptUid", pattern=mc.ANY_TEXT),
                node.text("nonce", pattern=mc.ANY_TEXT),
            )
            return mc.sha256_hex(f"{uid_},{nonce},{_json({t: s for t, (s, _) in texts.items()})}")

        leaf = leaf_hash(me, my_texts)
        mc.check_hash(v, "leaf hash", "leaf hash from your uid, nonce and balances", leaf, leaf_claim)

        steps, heights_ok = [], True
        for i, node in enumerate(nodes[:-1]):
            texts = texts_of(node)
            steps.append(
                (
                    node.text("merkleLeaf", pattern=mc.HEX64).lower(),
                    {t: val for t, (_, val) in texts.items()},
                    node.integer("type", low=1, high=3) == 1,
                )
            )
            heights_ok &= node.integer("height", low=1, high=256) == my_height - i
            if i == 0 and node.has("nonce"):
                mc.check_neighbour_leaf(v, leaf_hash(node, texts), steps[0][0], from_what="uid, nonce and balances",
                                        exposed="its balances, nonce and encrypted uid")
        mc.check_path_shape(v, nodes[0].integer("type", low=1, high=3) != my_type, heights_ok, "height")

        def parent(left: tuple[str, dict], right: tuple[str, dict], index: int) -> tuple[str, dict]:
            total = {t: mc.round_down(mc.add(left[1][t], right[1][t]), precisions[t]) for t in left[1]}
            body = _json({t: mc.plain(x) for t, x in total.items()})
            return mc.sha256_hex(f"{left[0]}{right[0]},{body},{my_height - index - 1}"), total

        my_bal = {t: val for t, (_, val) in my_texts.items()}
        root_hash, root_bal = mc.fold_path((leaf, my_bal), steps, parent)
        root = nodes[-1]
        claimed_root = root.text("merkleLeaf", pattern=mc.HEX64).lower()
        claimed_bal = {t: val for t, (_, val) in texts_of(root).items()}
        mc.check_hash(
            v, "root hash", f"root hash from your leaf and {len(steps)} path nodes", root_hash, claimed_root
        )
        mc.check_sums(
            v, "root balances", "root totals recomputed from your leaf and the path", root_bal, claimed_bal
        )
        root_height = root.integer("height", low=0, high=256)
        expected = my_height - len(steps)
        mc.check_root_position(v, "height", root_height, expected)

        v.warnings.append(mc.WARN_MAXWELL)
        mc.warn_negative(
            v,
            [("your leaf", my_bal)]
            + [(f"path node {i}", s[1]) for i, s in enumerate(steps)]
            + [("root", claimed_bal)],
        )
        v.balances, v.totals, v.root = mc.show(my_bal), mc.show(claimed_bal), claimed_root
        v.info["leaf height"] = str(my_height)
        return v


FORMAT = Bitunix()
