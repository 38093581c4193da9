"""MEXC Merkle proof (``merkle_proof.json``, github.com/mexcmerkle/mexc-proof-of-reserves).

Hashing rule, SHA-256 over UTF-8 text, hex digest TRUNCATED to its first 32 characters (128 bits):

- leaf   = sha256(proofId + "," + accountId + "," + "ETH:195462.73,USDT:1")[:32], tokens sorted, amounts
  exactly as written in the file;
- parent = sha256(leftHash + "," + rightHash + "," + "BTC:x,ETH:y,USDC:z,USDT:w")[:32], tokens sorted, each
  exact sum printed with trailing zeros stripped. The parent's balances are the left child's; when the right
  child is not empty, BTC/ETH/USDC/USDT are added as 0 if missing and the right child's balances are added.
- Levels: your leaf is level 0, ``pathList`` holds the sibling at each level (``type`` 1 = left, 2 = right)
  and the root (``type`` 3) at the top level. A level with no entry, or an entry whose hash is "", is an empty
  sibling: its hash is "" and its balances are not added.

MEXC's tool compares only the root hash; here the root balances are compared too. Weaknesses warned about:
truncated 128-bit hashes, parents binding only the sum (Maxwell flaw), and a leaf salted only with the public
proof id, so anyone holding the leaf hash can test guesses of account id and balances.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.verdict import Verdict

_DEFAULT_TOKENS = ("BTC", "USDT", "ETH", "USDC")
WARN_PUBLIC_SALT = (
    "the leaf is salted only with the public proof id: anyone with the leaf hash can test guesses of an "
    "account id and its balances"
)


def _looks_like(doc: object) -> bool:
    return mc.is_obj(doc, "pathList", "self") and mc.is_obj(
        doc["self"], "proofId", "accountId", "hash", "balances"
    )


def _joined(bal: dict[str, Decimal], render) -> str:
    return ",".join(f"{t}:{render(t)}" for t in sorted(bal))


def _parent(left: tuple[str, dict], right: tuple[str, dict]) -> tuple[str, dict]:
    total = dict(left[1])
    if right[0]:
        for token in _DEFAULT_TOKENS:
            total.setdefault(token, Decimal(0))
        for token, value in right[1].items():
            total[token] = mc.add(total.get(token, Decimal(0)), value)
    body = _joined(total, lambda t: mc.stripped(total[t]))
    return mc.sha256_hex(f"{left[0]},{right[0]},{body}")[:32], total


class Mexc(mc.SingleJsonFormat):
    name = "mexc"
    title = "MEXC Merkle proof"

    looks_like = staticmethod(_looks_like)

    def _verify_one(self, path: Path, options: VerifyOptions) -> Verdict:
        doc = mc.Fields(path, mc.load_json(path), "")
        me = doc.sub("self")
        v = mc.new_verdict(self.name, [path])
        by_level: dict[int, tuple[int, str, dict[str, Decimal], mc.Fields]] = {}
        for i, entry in enumerate(doc.items("pathList", min_len=1)):
            node = mc.Fields(path, entry, f"pathList[{i}]")
            level = node.integer("level", low=0, high=256)
            if level in by_level:
                raise InputError(
                    f"two path entries at level {level}", path=path, field=f"pathList[{i}].level"
                )
            hash_ = node.text("hash", pattern=mc.ANY_TEXT)
            if hash_ and not mc.HEX32.fullmatch(hash_):
                raise InputError(
                    "expected 32 hex digits or an empty string", path=path, field=f"pathList[{i}].hash"
                )
            by_level[level] = (
                node.integer("type", low=1, high=3),
                hash_.lower(),
                node.balances("balances", allow_empty=True),
                node,
            )
        depth = max(by_level)
        _, claimed_root, claimed_bal, _ = by_level[depth]

        account = me.text("accountId", pattern=mc.ANY_TEXT)
        texts = me.balance_texts("balances")
        leaf_claim = me.text("hash", pattern=mc.HEX32).lower()
        mc.check_user(v, options, account, "account id", leaf_claim)
        body = _joined(texts, lambda t: texts[t][0])
        leaf = mc.sha256_hex(f"{me.text('proofId', pattern=mc.ANY_TEXT)},{account},{body}")[:32]
        mc.check_hash(
            v, "leaf hash", "leaf hash from the proof id, your account id and balances", leaf, leaf_claim
        )
        v.check(
            "leaf level",
            me.integer("level", low=0, high=256) == 0,
            "your leaf is at level 0, the bottom of the tree",
        )

        my_bal = {t: val for t, (_, val) in texts.items()}
        node = (leaf, my_bal)
        node_is_left = me.integer("type", low=1, high=3) == 1
        empty = 0
        for level in range(depth):
            sib_type, sib_hash, sib_bal, _ = by_level.get(level, (2 if node_is_left else 1, "", {}, None))
            empty += not sib_hash
            sibling = (sib_hash, sib_bal if sib_hash else {})
            node = _parent(node, sibling) if node_is_left else _parent(sibling, node)
            brother = by_level.get(level + 1)
            node_is_left = brother is None or brother[0] != 1
        mc.check_hash(
            v,
            "root hash",
            f"root hash from your leaf through {depth} levels ({empty} empty siblings)",
            node[0],
            claimed_root,
        )
        mc.check_sums(
            v, "root balances", "root totals recomputed from your leaf and the path", node[1], claimed_bal
        )

        v.warnings += [mc.WARN_TRUNCATED.format(bits=128), mc.WARN_MAXWELL, WARN_PUBLIC_SALT]
        mc.warn_negative(
            v,
            [(f"level {lv} node", b) for lv, (_, _, b, _) in sorted(by_level.items())]
            + [("your leaf", my_bal)],
        )
        v.balances = mc.show(my_bal)
        v.totals, v.root = mc.show(claimed_bal), claimed_root
        v.info.update({"proof id": me.text("proofId"), "tree depth": str(depth)})
        return v


FORMAT = Mexc()
