"""Gate zk-SNARK proof of reserves (gateio/proof-of-reserves, a fork of Binance's design): user Merkle proofs.

User file (``user_config.json``): ``{"Arrangement" (account index), "UniqueIdentification" (hashed uid, hex),
"TotalAssetEquity", "TotalAssetDebt" (USDT value x 10^16), "AssetDetails": [{"Index", "Equity", "Debt"}],
"TreeRootHash" (hex), "MerkleProofEncode": [28 base64 siblings, leaf level first]}``. Optional companions: the
exchange's ``cex_config.json`` (``CexAssetsInfo``: symbol, price and totals per asset index) and ``proof.csv``
(batch table whose ``account_tree_roots`` hold each batch's before/after account-tree root).

Hash H(x_1..x_n): the Poseidon permutation of por.formats._poseidon (circomlib constants) in gnark's chaining: state[0] = 0;
while more than 12 inputs remain, state = permute([state[0], next 12 inputs]); then
state = permute([state[0], rest]); the result is state[1]. Byte strings become field elements big-endian.

    asset commitment = H(e_1..e_534), the amounts [eq_0, debt_0, eq_1, debt_1, …] of all 800 asset slots (zero when
                       absent, two zeros of padding) packed three at a time: e = a*2^128 + b*2^64 + c
    leaf             = H(uid mod p, TotalAssetEquity, TotalAssetDebt, asset commitment)
    parent           = H(left, right); bit i of Arrangement = 1 means the node is the right child at level i

Solvency itself (per-user equity >= debt and the exchange totals) is proven only by the batch Groth16 proofs,
whose verification key Gate does not publish, so this tool checks the Merkle inclusion, the leaf's contents,
equity >= debt and, with cex_config.json, that the totals equal sum(amount x price).

Options: ``--user UID_HASH`` (your hashed uid; the file's own is not trusted when given), ``--option root=HEX`` (a
root published elsewhere), ``--option asset_counts=N`` (default 800), ``--option two_digit=sym1,sym2`` (tokens
whose amounts Gate scales by 10^2 instead of 10^8; default: the list of Gate's 800-asset release).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from por.errors import InputError
from por.formats import _fulltree as ft
from por.formats._poseidon import P, permute
from por.formats.base import VerifyOptions
from por.jsonio import loads
from por.verdict import Verdict

DEPTH = 28
CHUNK = 12
ASSET_COUNTS = 800
VALUE_SCALE = 10**16  # TotalAssetEquity/Debt are USDT x 10^16 (amount scale x price scale)
# Gate's AssetTypeForTwoDigits of the 800-asset release (utils/constants.go): amounts x 10^2, prices x 10^14.
TWO_DIGIT = frozenset(
    [
        "babydoge",
        "omi",
        "vra",
        "qubic",
        "btt",
        "doge",
        "peipei",
        "raca",
        "hot",
        "vinu",
        "wen",
        "pig",
        "shib",
        "ladys",
        "reef",
        "why",
        "bttc",
        "bome",
        "toshi",
        "cheems",
        "floki",
        "bgsc",
        "dsd",
        "dbc",
        "snek",
        "sidus",
        "dog",
        "zbcn",
        "sats",
        "hippo",
        "say",
        "axl",
        "coq",
        "spell",
        "htx",
        "dogs",
        "pepe",
        "bidr",
        "xec",
        "elon",
        "brise",
        "apu",
        "moodengeth",
        "wgrt",
        "wojak",
        "aidoge",
        "kishu",
        "wuf",
        "bonk",
        "maga",
        "mog",
        "xen",
        "supra",
        "x",
        "pepper",
        "lobo",
        "turbo",
        "nft",
        "myria",
        "apepe",
        "troll",
        "1cat",
        "bitboard",
        "lai",
        "win",
        "rats",
        "lunc",
        "natix",
        "cat",
        "atlas",
        "zbai",
        "akita",
        "neirocto",
        "lever",
    ]
)


def gate_hash(inputs: list[int]) -> int:
    """Gate's Poseidon over any number (>= 2) of field elements; see the module docstring."""
    if len(inputs) < 2:
        raise ValueError("Gate's Poseidon takes at least two inputs")
    state0, start = 0, 0
    while len(inputs) - start > CHUNK:
        state0 = permute([state0, *inputs[start : start + CHUNK]])[0]
        start += CHUNK
    return permute([state0, *inputs[start:]])[1]


def asset_commitment(assets: dict[int, tuple[int, int]], asset_counts: int = ASSET_COUNTS) -> int:
    flat = [0] * (asset_counts * 2 + 2)
    for index, (equity, debt) in assets.items():
        flat[2 * index], flat[2 * index + 1] = equity, debt
    packed = [
        (flat[i] << 128) + (flat[i + 1] << 64) + flat[i + 2]
        for i in range(0, (asset_counts * 2 + 2) // 3 * 3, 3)
    ]
    return gate_hash(packed)


def leaf_hash(uid: int, equity: int, debt: int, commitment: int) -> int:
    return gate_hash([uid % P, equity, debt, commitment])


@cache
def empty_subtrees(asset_counts: int = ASSET_COUNTS) -> tuple[int, ...]:
    """Hash of an empty subtree at each height (empty account = zero uid and totals, all-zero assets)."""
    node = leaf_hash(0, 0, 0, asset_commitment({}, asset_counts))
    out = [node]
    for _ in range(DEPTH - 1):
        node = gate_hash([node, node])
        out.append(node)
    return tuple(out)


def _kind(path: Path) -> str | None:
    text = ft.head(path, 2048)
    if '"MerkleProofEncode"' in text and '"TreeRootHash"' in text:
        return "user"
    if '"CexAssetsInfo"' in text and '"ZkKeyVKDirectoryAndPrefix"' in text and '"ProofCsv"' in text:
        return "cex"
    first = text.splitlines()[0] if text else ""
    if "account_tree_roots" in first and "batch_commitment" in first and "proof_info" in first:
        return "batches"
    return None


def _int(obj: Any, key: str, path: Path, where: str = "") -> int:
    value = ft.field(obj, key, int, path, where)
    if not 0 <= value < 2**64 and key in {"Equity", "Debt", "Index"}:
        raise InputError("is outside 0..2^64-1", path=path, field=f"{where}.{key}" if where else key)
    if value < 0:
        raise InputError("is negative", path=path, field=f"{where}.{key}" if where else key)
    return value


def _element(text: Any, path: Path, name: str) -> int:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    value = int.from_bytes(raw, "big")
    if len(raw) != 32 or value >= P:
        raise InputError("is not a 32-byte base64 field element", path=path, field=name)
    return value


def read_user(path: Path, asset_counts: int) -> dict[str, Any]:
    data = ft.load_json(path)
    uid_text = ft.field(data, "UniqueIdentification", str, path)
    try:
        uid = int(uid_text, 16)
    except ValueError:
        raise InputError("is not hex", path=path, field="UniqueIdentification") from None
    assets: dict[int, tuple[int, int]] = {}
    for i, item in enumerate(ft.field(data, "AssetDetails", list, path)):
        where = f"AssetDetails[{i}]"
        index = _int(item, "Index", path, where)
        if index >= asset_counts or index in assets:
            raise InputError(
                f"asset index {index} is repeated or beyond {asset_counts}", path=path, field=where
            )
        assets[index] = (_int(item, "Equity", path, where), _int(item, "Debt", path, where))
    siblings = ft.field(data, "MerkleProofEncode", list, path)
    root_text = ft.field(data, "TreeRootHash", str, path)
    root = int.from_bytes(ft.hex_digest(root_text, path, "TreeRootHash"), "big")
    return {
        "path": path,
        "index": _int(data, "Arrangement", path),
        "uid_text": uid_text,
        "uid": uid,
        "equity": _int(data, "TotalAssetEquity", path),
        "debt": _int(data, "TotalAssetDebt", path),
        "assets": assets,
        "siblings": [_element(s, path, f"MerkleProofEncode[{i}]") for i, s in enumerate(siblings)],
        "root": root,
        "root_text": root_text.lower(),
    }


def read_cex(path: Path) -> dict[int, dict[str, Any]]:
    data = ft.load_json(path)
    out = {}
    for i, item in enumerate(ft.field(data, "CexAssetsInfo", list, path)):
        where = f"CexAssetsInfo[{i}]"
        out[_int(item, "Index", path, where)] = {
            "symbol": ft.field(item, "Symbol", str, path, where),
            "price": _int(item, "BasePrice", path, where),
            "equity": _int(item, "TotalEquity", path, where),
            "debt": _int(item, "TotalDebt", path, where),
        }
    return out


def read_final_root(path: Path) -> str:
    """The account-tree root after the last batch in proof.csv (hex)."""
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the file ({exc.__class__.__name__})", path=path) from None
    if not rows:
        raise InputError("no batches", path=path)
    try:
        last = max(rows, key=lambda r: int(r["batch_number"]))
        roots = loads(last["account_tree_roots"], path=path, what="account_tree_roots")
        return base64.b64decode(roots[-1], validate=True).hex()
    except (KeyError, ValueError, TypeError, IndexError, binascii.Error):
        raise InputError(
            "unreadable batch_number or account_tree_roots", path=path, field="account_tree_roots"
        ) from None


def _amount(units: int, symbol: str, two_digit: frozenset[str]) -> str:
    scale = 2 if symbol.lower() in two_digit else 8
    return ft.plain(Decimal(units).scaleb(-scale, ft.EXACT))


class GateFormat:
    name = "gate"
    title = "Gate zk-SNARK proof of reserves (user Merkle proof)"

    def sniff(self, files: list[Path]) -> bool:
        try:
            kinds = [_kind(p) for p in files]
        except Exception:  # noqa: BLE001 - sniff must never raise
            return False
        return all(kinds) and "user" in kinds

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        counts_text = options.extra.get("asset_counts", str(ASSET_COUNTS))
        if not (counts_text.isascii() and counts_text.isdigit() and len(counts_text) <= 5) or not 1 <= int(counts_text) <= 65536:
            raise InputError("asset_counts must be a number from 1 to 65536", field="asset_counts")
        asset_counts = int(counts_text)
        two_digit = TWO_DIGIT
        if "two_digit" in options.extra:
            two_digit = frozenset(
                s.strip().lower() for s in options.extra["two_digit"].split(",") if s.strip()
            )
        kinds = {p: _kind(p) for p in files}
        for path, kind in kinds.items():
            if kind is None:
                raise InputError("not a Gate user proof, cex_config.json or proof.csv", path=path)
        cex = next((read_cex(p) for p, k in kinds.items() if k == "cex"), None)
        final_root = next((read_final_root(p) for p, k in kinds.items() if k == "batches"), None)
        users = [read_user(p, asset_counts) for p, k in kinds.items() if k == "user"]
        return [self._verify_user(u, cex, final_root, options, asset_counts, two_digit) for u in users]

    def _verify_user(
        self,
        user: dict[str, Any],
        cex: dict[int, dict[str, Any]] | None,
        final_root: str | None,
        options: VerifyOptions,
        asset_counts: int,
        two_digit: frozenset[str],
    ) -> Verdict:
        verdict = Verdict(
            format=self.name, source=str(user["path"]), user=user["uid_text"], root=user["root_text"]
        )
        verdict.info["account index"] = str(user["index"])
        if options.user:
            ok = options.user.lower().removeprefix("0x") == user["uid_text"].lower()
            verdict.check(
                "your id",
                ok,
                "the proof is for the uid hash you gave" if ok else "the proof is for another uid hash",
                owner=True,
            )
        else:
            verdict.warnings.append(
                "no uid hash given (--user): the proof's own UniqueIdentification was used"
            )
        commitment = asset_commitment(user["assets"], asset_counts)
        node = leaf_hash(user["uid"], user["equity"], user["debt"], commitment)
        solvent = user["equity"] >= user["debt"]
        verdict.check(
            "equity covers debt",
            solvent,
            "your total equity covers your total debt"
            if solvent
            else "your total debt exceeds your total equity",
        )
        self._check_path(verdict, user, node, asset_counts)
        expected = options.extra.get("root") or final_root
        if expected:
            ok = expected.lower().removeprefix("0x") == user["root_text"]
            source = "the root you gave" if options.extra.get("root") else "the last batch root in proof.csv"
            verdict.check(
                "published root",
                ok,
                f"the proof's root matches {source}" if ok else f"the proof's root differs from {source}",
            )
        self._check_values(verdict, user, cex, two_digit)
        verdict.warnings.append(
            "solvency (equity >= debt for every account, exchange totals) rests on batch zk-SNARKs whose "
            "verification key is not published; only the Merkle inclusion and your own entry are checked here"
        )
        return verdict

    def _check_path(self, verdict: Verdict, user: dict[str, Any], node: int, asset_counts: int) -> None:
        siblings = user["siblings"]
        if len(siblings) != DEPTH or user["index"] >= 2**DEPTH:
            verdict.check("path", False, f"expected {DEPTH} siblings and an index below 2^{DEPTH}")
            return
        for level, sibling in enumerate(siblings):
            node = gate_hash([sibling, node] if user["index"] >> level & 1 else [node, sibling])
        ok = node == user["root"]
        verdict.check(
            "path",
            ok,
            f"root recomputed from your leaf (uid, totals, {len(user['assets'])} asset entries) and {DEPTH} siblings "
            "matches the proof's root"
            if ok
            else f"recomputed root {ft.short(f'{node:064x}')} differs from the proof's {ft.short(user['root_text'])}",
        )
        empty = sum(1 for s, e in zip(siblings, empty_subtrees(asset_counts), strict=True) if s == e)
        verdict.info["empty sibling subtrees"] = f"{empty} of {DEPTH}"
        if empty == DEPTH:
            verdict.warnings.append(
                "every sibling is an empty subtree: the tree this proof leads to holds only your account"
            )

    def _check_values(
        self,
        verdict: Verdict,
        user: dict[str, Any],
        cex: dict[int, dict[str, Any]] | None,
        two_digit: frozenset[str],
    ) -> None:
        verdict.balances["USDT value"] = ft.plain(
            Decimal(user["equity"] - user["debt"]).scaleb(-16, ft.EXACT)
        )
        if cex is None:
            for index, (equity, debt) in user["assets"].items():
                verdict.info[f"asset {index}"] = (
                    f"equity {equity}, debt {debt} (base units; add cex_config.json for symbols)"
                )
            return
        equity = debt = 0
        for index, (eq, de) in sorted(user["assets"].items()):
            asset = cex.get(index)
            if asset is None:
                verdict.check("assets", False, f"asset index {index} is not in cex_config.json")
                return
            equity += eq * asset["price"]
            debt += de * asset["price"]
            symbol = asset["symbol"]
            verdict.balances[symbol] = _amount(eq - de, symbol, two_digit)
            verdict.totals[symbol] = _amount(asset["equity"] - asset["debt"], symbol, two_digit)
            within = eq <= asset["equity"] and de <= asset["debt"]
            verdict.check(
                f"{symbol} total",
                within,
                f"{symbol}: your entry is within the exchange total"
                if within
                else f"{symbol}: your entry exceeds the exchange total in cex_config.json",
            )
        ok = equity == user["equity"] and debt == user["debt"]
        verdict.check(
            "totals",
            ok,
            "your total equity and debt equal the sum of your assets at the published prices"
            if ok
            else f"sum of your assets at the published prices is equity {equity}, debt {debt}; the proof says "
            f"{user['equity']}, {user['debt']}",
        )


FORMAT = GateFormat()
