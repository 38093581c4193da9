"""Bybit Merkle proof (``myProof.json`` from bybit.com, github.com/bybit-exchange/merkle-proof), asset lists v1..v5.

Hashing rule, SHA-256 over UTF-8 text, lowercase hex:

- leaf   = sha256(userHash + concatenation of the leaf's balance strings, exactly as in the file, in the
  release's asset order) -- no separators;
- parent = sha256(leftHash + rightHash + concatenation of the sums of the release's *online* assets, each
  exact sum cut to 8 decimals ``setScale(8, DOWN).toPlainString()`` + height), height 2 for the leaf's
  parent, then +1 per level.
- ``type``: 1 = left child, 2 = right, 3 = root; ``path[0]`` is the sibling leaf, the last entry the root,
  whose balances must equal the recomputed sums string for string.
- The asset order is a Java enum that changes between releases (``Asset40``, ``Asset40V2`` .. ``Asset40V5``:
  DAI dropped, RNDR->RENDER, +USDE, MATIC->POL, FTM->S, EOS->A; BUSD offline). A file only verifies against
  its own release, recognised here from the root's asset list (or ``--option asset-list=v1..v5``).

Weaknesses warned about: parents binding only the sum (Maxwell flaw); no separators between concatenated
amounts; the sibling leaf's balances and nonce when the proof carries them; negative balances.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from por.errors import InputError
from por.formats import _merkle_common as mc
from por.formats.base import VerifyOptions
from por.verdict import Verdict

_V1 = [
    "AGLA",
    "APT",
    "ATOM",
    "AVAX",
    "MNT",
    "BTC",
    "BUSD",
    "DAI",
    "DOGE",
    "DOT",
    "DYDX",
    "EOS",
    "ETH",
    "FTM",
    "LTC",
    "MATIC",
    "SOL",
    "USDC",
    "USDT",
    "XRP",
    "SHIB",
    "OP",
    "SAND",
    "LDO",
    "LINK",
    "COMP",
    "UNI",
    "MANA",
    "CRV",
    "BLUR",
    "SUSHI",
    "PEPE",
    "WLD",
    "BEAM",
    "AGI",
    "FET",
    "IMX",
    "RNDR",
    "GALA",
    "APEX",
    "SHRAP",
]
_V2 = [{"RNDR": "RENDER"}.get(a, a) for a in _V1 if a != "DAI"] + ["USDE"]
_V3 = [{"MATIC": "POL"}.get(a, a) for a in _V2]
_V4 = [{"FTM": "S"}.get(a, a) for a in _V3]
_V5 = [{"EOS": "A"}.get(a, a) for a in _V4]
ASSET_LISTS: dict[str, list[str]] = {"v1": _V1, "v2": _V2, "v3": _V3, "v4": _V4, "v5": _V5}
OFFLINE = {"BUSD"}  # in the enums but excluded from sums


def _looks_like(doc: object) -> bool:
    return (
        mc.is_obj(doc, "self", "path")
        and isinstance(doc["path"], list)
        and mc.is_obj(doc["self"], "userHash", "balance", "hash")
    )


def _release(root_assets: set[str], options: VerifyOptions, path: Path) -> tuple[str, list[str]]:
    wanted = options.extra.get("asset-list")
    if wanted is not None:
        if wanted not in ASSET_LISTS:
            raise InputError(
                f"unknown Bybit asset list {wanted!r}; known: {', '.join(ASSET_LISTS)}", field="asset-list"
            )
        return wanted, ASSET_LISTS[wanted]
    for name, assets in ASSET_LISTS.items():
        if root_assets == {a for a in assets if a not in OFFLINE}:
            return name, assets
    raise InputError(
        "the root's asset list matches no known Bybit release (v1..v5)", path=path, field="path[-1].balance"
    )


class Bybit(mc.SingleJsonFormat):
    name = "bybit"
    title = "Bybit Merkle proof"

    looks_like = staticmethod(_looks_like)

    def _verify_one(self, path: Path, options: VerifyOptions) -> Verdict:
        me, nodes, v = mc.open_path_proof(path, self.name)
        release, assets = _release(set(nodes[-1].sub("balance").obj), options, path)
        online = [a for a in assets if a not in OFFLINE]

        def texts_of(node: mc.Fields) -> dict[str, tuple[str, Decimal]]:
            texts = node.balance_texts("balance")
            unknown = [t for t in texts if t not in assets]
            if unknown or any(a not in texts for a in online):
                what = f"unknown asset {unknown[0]}" if unknown else "an online asset is missing"
                raise InputError(
                    f"{what} for Bybit asset list {release}", path=path, field=f"{node.where}.balance"
                )
            return texts

        user_hash = me.text("userHash", pattern=mc.HEX64)
        leaf_claim = me.text("hash", pattern=mc.HEX64)
        my_type = me.integer("type", low=1, high=2)
        my_texts = texts_of(me)
        mc.check_user(v, options, user_hash, "user hash", leaf_claim)
        leaf = mc.sha256_hex(user_hash + "".join(my_texts[a][0] for a in assets if a in my_texts))
        mc.check_hash(v, "leaf hash", "leaf hash from your user hash and balances", leaf, leaf_claim)

        steps = []
        for i, node in enumerate(nodes[:-1]):
            texts = texts_of(node)
            steps.append(
                (
                    node.text("hash", pattern=mc.HEX64),
                    {a: texts[a][1] for a in online},
                    node.integer("type", low=1, high=4) == 1,
                )
            )
            if i == 0 and node.text("nonce", pattern=mc.ANY_TEXT, default=""):
                v.warnings.append(mc.WARN_SIBLING_LEAF.format(what="its balances and nonce"))
        v.check(
            "leaf position",
            nodes[0].integer("type", low=1, high=4) != my_type,
            "your leaf and path node 0 are two different children",
        )

        def parent(left: tuple[str, dict], right: tuple[str, dict], index: int) -> tuple[str, dict]:
            total = {a: mc.round_down(mc.add(left[1][a], right[1][a]), 8) for a in online}
            body = "".join(mc.plain(total[a]) for a in online)
            return mc.sha256_hex(f"{left[0]}{right[0]}{body}{index + 2}"), total

        my_bal = {a: my_texts[a][1] for a in online}
        root_hash, root_bal = mc.fold_path((leaf, my_bal), steps, parent)
        root = nodes[-1]
        root_texts = texts_of(root)
        claimed_root = root.text("hash", pattern=mc.HEX64)
        mc.check_hash(
            v, "root hash", f"root hash from your leaf and {len(steps)} path nodes", root_hash, claimed_root
        )
        differ = [a for a in online if root_texts[a][0] != mc.plain(root_bal[a])]
        v.check(
            "root balances",
            not differ,
            "root totals recomputed from your leaf and the path match the file"
            if not differ
            else "root totals differ: "
            + "; ".join(f"{a} {mc.plain(root_bal[a])} vs file's {root_texts[a][0]}" for a in differ[:5]),
        )
        root_height = root.integer("height", low=1, high=256)
        mc.check_root_position(v, "height", root_height, len(steps) + 1)

        claimed_bal = {a: root_texts[a][1] for a in online}
        v.warnings.append(mc.WARN_MAXWELL)
        mc.warn_negative(
            v,
            [("your leaf", my_bal)]
            + [(f"path node {i}", s[1]) for i, s in enumerate(steps)]
            + [("root", claimed_bal)],
        )
        v.balances = mc.show({a: x for a, x in my_bal.items() if not x.is_zero()})
        v.totals, v.root = mc.show(claimed_bal), claimed_root
        v.info.update(
            {
                "audit id": str(me.obj.get("auditId", "")),
                "asset list": release,
                "tree height": str(root_height),
            }
        )
        return v


FORMAT = Bybit()
