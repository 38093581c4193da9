"""OKX Merkle proof v1 (``merkle_proof_file.json``, github.com/okx/proof-of-reserves ``common/merkle.go``).

Hashing rule, all SHA-256 over UTF-8 text, hex digests lowercase:

- leaf   = sha256(nonce + '{"BTC":"<b>","ETH":"<e>","USDT":"<u>"}')  balances exactly as written in the file;
- parent = sha256(leftHex + rightHex + BTC + ETH + USDT + height), where each sum is the exact sum of the two
  children truncated to 8 decimals and printed without trailing zeros (shopspring ``RoundDown(8).String()``),
  and height is 2 for the leaf's parent, then +1 per level.
- ``self.type`` / ``path[i].type``: 1 = that node is the left child, 2 (and 4, a zero filler) = right child,
  3 = root. ``path[0]`` is the sibling leaf (it carries the neighbour's nonce), the last entry is the root.

Weaknesses warned about: the parent binds only the children's sum (Maxwell flaw); ``path[0]`` exposes a
neighbour's balances and nonce; the leaf binds no user id.
"""

from __future__ import annotations

from pathlib import Path

from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.verdict import Verdict


def _looks_like(doc: object) -> bool:
    if not mc.is_obj(doc, "self", "path") or not isinstance(doc["path"], list):
        return False
    self_node = doc["self"]
    return mc.is_obj(self_node, "nonce", "hash", "balances", "type") and not any(
        k in self_node for k in ("userHash", "encryptUid", "merkelLeaf", "merkleLeaf")
    )


class OkxV1(mc.SingleJsonFormat):
    name = "okx-v1"
    title = "OKX Merkle proof v1"

    looks_like = staticmethod(_looks_like)

    def _verify_one(self, path: Path, options: VerifyOptions) -> Verdict:
        me, nodes, v = mc.open_path_proof(path, self.name)

        nonce = me.text("nonce", pattern=mc.ANY_TEXT)
        leaf_claim = me.text("hash", pattern=mc.HEX64)
        my_texts = mc.okx_balances(me, "balances")
        my_bal = {t: val for t, (_, val) in my_texts.items()}
        my_type = me.integer("type", low=1, high=2)
        mc.check_user(v, options, nonce, "nonce", leaf_claim)

        leaf = mc.sha256_hex(nonce + mc.okx_json({t: s for t, (s, _) in my_texts.items()}))
        mc.check_hash(v, "leaf hash", "leaf hash from your nonce and balances", leaf, leaf_claim)

        steps: list[tuple[str, dict, bool]] = []
        for i, node in enumerate(nodes[:-1]):
            node_type = node.integer("type", low=1, high=4)
            texts = mc.okx_balances(node, "balances")
            steps.append(
                (
                    node.text("hash", pattern=mc.HEX64),
                    {t: val for t, (_, val) in texts.items()},
                    node_type == 1,
                )
            )
            if node.integer("height", low=1) != i + 1:
                v.check(
                    "path heights",
                    False,
                    f"path node {i} says height {node.raw('height')}, its position is height {i + 1}",
                )
            if i == 0 and node.has("nonce"):
                sib_nonce = node.text("nonce", pattern=mc.ANY_TEXT)
                sib_leaf = mc.sha256_hex(sib_nonce + mc.okx_json({t: s for t, (s, _) in texts.items()}))
                mc.check_neighbour_leaf(v, sib_leaf, steps[0][0], from_what="nonce and balances",
                                        exposed="its balances and nonce")
        v.check(
            "leaf position",
            nodes[0].integer("type", low=1, high=4) != my_type,
            f"your leaf is the {'left' if my_type == 1 else 'right'} child and path node 0 is its sibling",
        )

        def parent(left: tuple[str, dict], right: tuple[str, dict], index: int) -> tuple[str, dict]:
            total = mc.okx_sum(left[1], right[1])
            return mc.okx_parent_hash(left[0], right[0], total, index + 2), total

        root_hash, root_bal = mc.fold_path((leaf, my_bal), steps, parent)
        root = nodes[-1]
        claimed_root = root.text("hash", pattern=mc.HEX64)
        claimed_bal = {t: val for t, (_, val) in mc.okx_balances(root, "balances").items()}
        mc.check_hash(
            v, "root hash", f"root hash from your leaf and {len(steps)} path nodes", root_hash, claimed_root
        )
        mc.check_sums(
            v, "root balances", "root totals recomputed from your leaf and the path", root_bal, claimed_bal
        )
        root_height = root.integer("height", low=1)
        mc.check_root_position(v, "height", root_height, len(steps) + 1)

        v.warnings += [mc.WARN_MAXWELL, mc.WARN_NO_USER_ID]
        mc.warn_negative(
            v,
            [("your leaf", my_bal)]
            + [(f"path node {i}", b) for i, (_, b, _) in enumerate(steps)]
            + [("root", claimed_bal)],
        )
        v.balances, v.totals, v.root = mc.show(my_bal), mc.show(claimed_bal), claimed_root
        v.info.update({"audit id": str(me.obj.get("auditId", "")), "tree height": str(root_height)})
        return v


FORMAT = OkxV1()
