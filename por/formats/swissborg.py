"""SwissBorg proof of liabilities (SwissBorg/proof-of-liabilities): one Merkle sum tree per currency.

Files: the user's liabilities file ``{"user_id", "audit_id", "liabilities": [{"audit_partition_id", "liability",
"proof": {"leaf_index", "nonce", "witnesses": [{"liability", "digest"}, ...]}}]}`` and the published audit roots
``{"audit": {"id", "commitment": {"digest"}, "partitions": [{"id", "currency", "commitment": {"liability",
"digest"}}]}}``. Strings are UTF-8; ``a,b`` is the comma-joined string; H = SHA-256 (hex output); HMAC = HMAC-SHA256
with the UTF-8 key, hex output.

    audit nonce   = HMAC(credential,  "SB PoL - Audit nonce derivation," + audit_id)
    tree nonce    = HMAC(audit nonce, "SB PoL - Currency Merkle tree nonce derivation," + currency)
    leaf nonce    = HMAC(tree nonce,  "SB PoL - Leaf nonce derivation," + decimal(leaf_index))
    leaf          = H("leaf," + leaf nonce + "," + user_id + "," + liability as written in the file)
    parent        = H("inner," + L.sum + "," + R.sum + "," + L.digest + "," + R.digest), sum = L.sum + R.sum
    audit digest  = H("SB PoL - Audit commitment hash" + ("," + id + "," + liability + "," + digest) for each
                    partition sorted by upper-cased currency)

Sums are printed in shortest plain decimal form (no exponent, no trailing zeros). Witnesses run leaf-to-root;
with d witnesses the leaf sits at heap index ``leaf_index + 2**d - 1`` and an odd heap index is a left child.
Both child sums are hashed (no Maxwell flaw), and the verifier rejects any sum <= 0, so negative siblings cannot
cancel a balance. What the format reveals: every sibling subtree's sum.

Options: the credential comes from ``--user`` or ``--option credential=...``; without it the leaf nonce printed
in the file is used and a warning says the leaf is not proven to be yours.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from pathlib import Path
from typing import Any

from por.errors import InputError
from por.formats import _fulltree as ft
from por.formats.base import VerifyOptions
from por.verdict import Verdict

AUDIT_TAG = "SB PoL - Audit commitment hash"


def _hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _hash_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def leaf_nonce(credential: str, audit_id: str, currency: str, leaf_index: int) -> str:
    audit_nonce = _hmac_hex(credential, f"SB PoL - Audit nonce derivation,{audit_id}")
    tree_nonce = _hmac_hex(audit_nonce, f"SB PoL - Currency Merkle tree nonce derivation,{currency}")
    return _hmac_hex(tree_nonce, f"SB PoL - Leaf nonce derivation,{leaf_index}")


def leaf_hash(nonce: str, user_id: str, liability_text: str) -> str:
    return _hash_hex(f"leaf,{nonce},{user_id},{liability_text}")


def inner_hash(left_sum: Decimal, right_sum: Decimal, left_digest: str, right_digest: str) -> str:
    return _hash_hex(f"inner,{ft.plain(left_sum)},{ft.plain(right_sum)},{left_digest},{right_digest}")


def audit_digest(partitions: list[dict[str, str]]) -> str:
    text = AUDIT_TAG
    for part in sorted(partitions, key=lambda p: p["currency"].upper()):
        text += f",{part['id']},{part['liability']},{part['digest']}"
    return _hash_hex(text)


def _kind(path: Path) -> str | None:
    text = ft.head(path)
    if not text.lstrip().startswith("{"):
        return None
    if '"audit_partition_id"' in text and '"liabilities"' in text:
        return "user"
    if '"audit"' in text and '"partitions"' in text and '"commitment"' in text:
        return "roots"
    return None


def _read_roots(path: Path) -> dict[str, Any]:
    data = ft.load_json(path)
    audit = ft.field(data, "audit", dict, path)
    audit_id = ft.field(audit, "id", str, path, "audit")
    digest = ft.field(
        ft.field(audit, "commitment", dict, path, "audit"), "digest", str, path, "audit.commitment"
    )
    partitions = []
    for i, part in enumerate(ft.field(audit, "partitions", list, path, "audit")):
        where = f"audit.partitions[{i}]"
        commitment = ft.field(part, "commitment", dict, path, where)
        liability = ft.field(commitment, "liability", str, path, where + ".commitment")
        partitions.append(
            {
                "id": ft.field(part, "id", str, path, where),
                "currency": ft.field(part, "currency", str, path, where),
                "liability": liability,
                "sum": ft.decimal(liability, path, where + ".commitment.liability"),
                "digest": ft.field(commitment, "digest", str, path, where + ".commitment"),
            }
        )
    return {"path": path, "id": audit_id, "digest": digest, "partitions": partitions}


def _read_user(path: Path) -> dict[str, Any]:
    data = ft.load_json(path)
    liabilities = []
    for i, item in enumerate(ft.field(data, "liabilities", list, path)):
        where = f"liabilities[{i}]"
        proof = ft.field(item, "proof", dict, path, where)
        index = ft.field(proof, "leaf_index", int, path, where + ".proof")
        if index < 0:
            raise InputError("is negative", path=path, field=where + ".proof.leaf_index")
        witnesses = []
        for j, wit in enumerate(ft.field(proof, "witnesses", list, path, where + ".proof")):
            wwhere = f"{where}.proof.witnesses[{j}]"
            text = ft.field(wit, "liability", str, path, wwhere)
            witnesses.append(
                (ft.decimal(text, path, wwhere + ".liability"), ft.field(wit, "digest", str, path, wwhere))
            )
        text = ft.field(item, "liability", str, path, where)
        liabilities.append(
            {
                "partition": ft.field(item, "audit_partition_id", str, path, where),
                "text": text,
                "sum": ft.decimal(text, path, where + ".liability"),
                "index": index,
                "nonce": ft.field(proof, "nonce", str, path, where + ".proof"),
                "witnesses": witnesses,
            }
        )
    return {
        "path": path,
        "user_id": ft.field(data, "user_id", str, path),
        "audit_id": ft.field(data, "audit_id", str, path),
        "liabilities": liabilities,
    }


def _check_audit(verdict: Verdict, roots: dict[str, Any]) -> None:
    computed = audit_digest(roots["partitions"])
    ok = computed == roots["digest"]
    verdict.check(
        "audit commitment",
        ok,
        "audit commitment hash recomputed from every partition root matches"
        if ok
        else f"audit commitment: recomputed {ft.short(computed)} differs from the published {ft.short(roots['digest'])}",
    )


def _check_path(verdict: Verdict, leaf: Any, digest: str, root: dict[str, Any], currency: str) -> Decimal:
    """Walk one currency's path; returns the user's liability (checks are recorded on ``verdict``)."""
    witnesses = leaf["witnesses"]
    depth = len(witnesses)
    name = f"{currency} path"
    if depth < 1:
        verdict.check(name, False, f"{currency}: the proof has no witnesses")
        return leaf["sum"]
    if leaf["index"] >= 2**depth:
        verdict.check(
            name, False, f"{currency}: leaf index {leaf['index']} does not fit a tree of depth {depth}"
        )
        return leaf["sum"]
    if leaf["sum"] <= 0:
        verdict.check(name, False, f"{currency}: your liability {leaf['text']} is not positive")
        return leaf["sum"]
    node_sum, node_digest, heap = leaf["sum"], digest, leaf["index"] + 2**depth - 1
    for level, (wit_sum, wit_digest) in enumerate(witnesses):
        if wit_sum <= 0:
            verdict.check(
                name, False, f"{currency}: witness {level} has a non-positive sum {ft.plain(wit_sum)}"
            )
            return leaf["sum"]
        if heap % 2 == 1:
            node_digest = inner_hash(node_sum, wit_sum, node_digest, wit_digest)
        else:
            node_digest = inner_hash(wit_sum, node_sum, wit_digest, node_digest)
        node_sum = ft.add(node_sum, wit_sum)
        heap = (heap - 1) // 2
    sum_ok = node_sum == root["sum"]
    verdict.check(
        f"{currency} root sum",
        sum_ok,
        f"{currency}: path sums add up to the published total {root['liability']}"
        if sum_ok
        else f"{currency}: path sums add up to {ft.plain(node_sum)}, the published total is {root['liability']}",
    )
    hash_ok = node_digest == root["digest"]
    verdict.check(
        f"{currency} root hash",
        hash_ok,
        f"{currency}: root recomputed from your leaf and {depth} witnesses matches the published partition root"
        if hash_ok
        else f"{currency}: recomputed root {ft.short(node_digest)} differs from the published {ft.short(root['digest'])} "
        "(a wrong credential also gives this)",
    )
    return leaf["sum"]


class SwissBorgFormat:
    name = "swissborg"
    title = "SwissBorg proof of liabilities"

    def sniff(self, files: list[Path]) -> bool:
        try:
            kinds = [_kind(p) for p in files]
        except Exception:  # noqa: BLE001 - sniff must never raise
            return False
        return bool(kinds) and all(kinds)

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        users, roots = [], []
        for path in files:
            kind = _kind(path)
            if kind is None:
                raise InputError("not a SwissBorg user-liabilities or audit-roots file", path=path)
            (users if kind == "user" else roots).append(
                _read_user(path) if kind == "user" else _read_roots(path)
            )
        if users and not roots:
            raise InputError(
                "the published audit roots file (auditRoots*.json) is needed too", path=users[0]["path"]
            )
        secret = ft.credential(options.user, options.extra, "credential")
        used: set[Path] = set()
        verdicts = [self._verify_user(user, roots, secret, used) for user in users]
        for audit in roots:
            if audit["path"] not in used:
                verdict = Verdict(format=self.name, source=str(audit["path"]), root=audit["digest"])
                verdict.info["audit"] = audit["id"]
                _check_audit(verdict, audit)
                verdict.totals = {p["currency"]: ft.plain(p["sum"]) for p in audit["partitions"]}
                verdicts.append(verdict)
        return verdicts

    def _verify_user(
        self, user: dict[str, Any], roots: list[dict[str, Any]], secret: str | None, used: set[Path]
    ) -> Verdict:
        audit = next((r for r in roots if r["id"] == user["audit_id"]), roots[0])
        used.add(audit["path"])
        verdict = Verdict(
            format=self.name,
            source=f"{user['path']} + {audit['path']}",
            user=user["user_id"],
            root=audit["digest"],
        )
        verdict.info["audit"] = audit["id"]
        same = audit["id"] == user["audit_id"]
        verdict.check(
            "audit id",
            same,
            f"your file and the published roots are both for audit {audit['id']}"
            if same
            else f"your file is for audit {user['audit_id']}, the published roots for {audit['id']}",
        )
        _check_audit(verdict, audit)
        if secret is None:
            verdict.warnings.append(
                "no credential given: the leaf nonces were taken from the file itself, so this shows the file is "
                "consistent but not that these leaves are yours (pass --user CREDENTIAL)"
            )
        else:
            verdict.check("your credential", True, "every leaf is rebuilt with nonces derived from your credential",
                          owner=True)
        partitions = {p["id"]: p for p in audit["partitions"]}
        balances: dict[str, Decimal] = {}
        for leaf in user["liabilities"]:
            part = partitions.get(leaf["partition"])
            if part is None:
                verdict.check(
                    "partition", False, f"partition {leaf['partition']} is not in the published audit roots"
                )
                continue
            currency = part["currency"]
            # The file's own "nonce" is not trusted when a credential is given (older files carry unrelated values).
            nonce = (
                leaf["nonce"]
                if secret is None
                else leaf_nonce(secret, user["audit_id"], currency, leaf["index"])
            )
            digest = leaf_hash(nonce, user["user_id"], leaf["text"])
            amount = _check_path(verdict, leaf, digest, part, currency)
            balances[currency] = ft.add(balances.get(currency, Decimal(0)), amount)
            verdict.totals[currency] = ft.plain(part["sum"])
        if not user["liabilities"]:
            verdict.check("liabilities", False, "the file lists no liabilities")
        verdict.balances = {c: ft.plain(v) for c, v in balances.items()}
        verdict.warnings.append(
            "the proof reveals the total of each neighbouring subtree (sibling sums) to whoever holds it"
        )
        return verdict


FORMAT = SwissBorgFormat()
