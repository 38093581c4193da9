"""CoinEx Merkle proof (``merkle_proof_file.json``, github.com/coinexcom/proof-of-reserves ``main.go``).

Hashing rule, SHA-256 over UTF-8 text, lowercase hex; ``json(b)`` is Go's ``json.Marshal`` of a
``map[string]decimal.Decimal``: keys sorted, each amount a JSON string with trailing zeros stripped, no spaces:

- leaf = sha256(nonce + json(self.balances)); the running balances b start as the leaf's;
- for each ``path`` entry with a hash: b = b + entry.balances (per token, missing = 0), then
  h = sha256(entry.hash + h + json(b)) when ``pos`` is "left", else sha256(h + entry.hash + json(b));
- for an empty entry ``{}`` (no sibling): b is unchanged and -- AMBIGUOUS -- CoinEx's published ``main.go``
  computes h = sha256(h + h + json(b)) ("hash-twice"), yet the published example's root is only reproduced by
  h = sha256(h + json(b)) ("hash-once"). ``--option empty-sibling=hash-twice|hash-once`` picks one rule;
  the default ``auto`` accepts whichever reproduces the root (one rule for every empty entry) and says which,
  with a warning. Either rule is a collision-resistant commitment, so accepting both does not let a forger in.
- the result must equal ``root.hash`` and b must equal ``root.balances`` (same tokens, equal amounts).

Weaknesses warned about: parents binding only the running sum (Maxwell flaw), a leaf binding no user id,
negative balances, and the empty-sibling ambiguity above.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.verdict import Verdict

RULES = {
    "hash-twice": "sha256(h + h + balances), as CoinEx's main.go does",
    "hash-once": "sha256(h + balances)",
}
WARN_AMBIGUOUS = (
    "CoinEx's rule for an empty sibling is ambiguous: its published main.go hashes h + h + balances, but its "
    "published example only verifies with h + balances; this proof was reproduced with {rule}"
)


def _looks_like(doc: object) -> bool:
    return (
        mc.is_obj(doc, "root", "self", "path")
        and mc.is_obj(doc["self"], "nonce", "balances")
        and "pos" not in doc["self"]
    )


def _json(bal: dict[str, Decimal]) -> str:
    return "{" + ",".join(f'"{t}":"{mc.stripped(bal[t])}"' for t in sorted(bal)) + "}"


def _climb(
    leaf: str, bal: dict[str, Decimal], steps: list[tuple[str, dict, bool] | None], rule: str
) -> tuple[str, dict]:
    h = leaf
    for step in steps:
        if step is None:
            h = mc.sha256_hex((h + h if rule == "hash-twice" else h) + _json(bal))
            continue
        sib_hash, sib_bal, left = step
        bal = {t: mc.add(bal.get(t, Decimal(0)), sib_bal.get(t, Decimal(0))) for t in {**bal, **sib_bal}}
        h = mc.sha256_hex((sib_hash + h if left else h + sib_hash) + _json(bal))
    return h, bal


class CoinEx(mc.SingleJsonFormat):
    name = "coinex"
    title = "CoinEx Merkle proof"

    looks_like = staticmethod(_looks_like)

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        wanted = options.extra.get("empty-sibling", "auto")
        if wanted not in {"auto", *RULES}:
            raise InputError(
                f"empty-sibling must be auto, hash-once or hash-twice, not {wanted!r}", field="empty-sibling"
            )
        return [self._verify_one(f, options, wanted) for f in files]

    def _verify_one(self, path: Path, options: VerifyOptions, wanted: str) -> Verdict:
        doc = mc.Fields(path, mc.load_json(path), "")
        me, root = doc.sub("self"), doc.sub("root")
        v = mc.new_verdict(self.name, [path])
        nonce = me.text("nonce", pattern=mc.ANY_TEXT)
        my_bal = me.balances("balances")
        mc.check_user(v, options, nonce, "nonce")
        steps: list[tuple[str, dict, bool] | None] = []
        for i, entry in enumerate(doc.items("path", min_len=1)):
            node = mc.Fields(path, entry, f"path[{i}]")
            if not node.text("hash", pattern=mc.ANY_TEXT, default=""):
                steps.append(None)
                continue
            pos = node.text("pos", pattern=mc.ANY_TEXT)
            if pos not in ("left", "right"):
                raise InputError("pos must be 'left' or 'right'", path=path, field=f"path[{i}].pos")
            steps.append(
                (node.text("hash", pattern=mc.HEX64).lower(), node.balances("balances"), pos == "left")
            )
        claimed_root = root.text("hash", pattern=mc.HEX64).lower()
        claimed_bal = root.balances("balances")

        leaf = mc.sha256_hex(nonce + _json(my_bal))
        empties = steps.count(None)
        rules = list(RULES) if wanted == "auto" else [wanted]
        results = {rule: _climb(leaf, my_bal, steps, rule) for rule in (rules if empties else rules[:1])}
        matched = [r for r, (h, _) in results.items() if h == claimed_root]
        rule = matched[0] if matched else rules[0]
        root_hash, root_bal = results[rule]
        how = f"root hash from your nonce, balances and {len(steps)} path entries"
        if empties:
            how += f" ({empties} empty, hashed as {RULES[rule]})"
        mc.check_hash(v, "root hash", how, root_hash, claimed_root)
        if not matched and len(results) > 1:
            v.checks[-1].detail += "; the other empty-sibling rule does not reproduce it either"
        same_tokens = set(root_bal) == set(claimed_bal)
        mc.check_sums(
            v, "root balances", "root totals recomputed from your leaf and the path", root_bal, claimed_bal
        )
        if not same_tokens:
            v.check(
                "root tokens",
                False,
                f"the root lists tokens {sorted(claimed_bal)}, the path adds up {sorted(root_bal)}",
            )
        if empties:
            v.info["empty-sibling rule"] = rule if matched else "none reproduces the root"
            v.warnings.append(WARN_AMBIGUOUS.format(rule=RULES[rule] if matched else "neither rule"))
        v.warnings += [mc.WARN_MAXWELL, mc.WARN_NO_USER_ID]
        mc.warn_negative(
            v,
            [("your leaf", my_bal)]
            + [(f"path entry {i}", s[1]) for i, s in enumerate(steps) if s]
            + [("root", claimed_bal)],
        )
        v.balances, v.totals, v.root = mc.show(my_bal), mc.show(claimed_bal), claimed_root
        return v


FORMAT = CoinEx()
