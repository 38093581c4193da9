"""Opened totals: per token, the total liabilities and the root blinding, which open the published root commitment.

Given to an auditor only (written 0600): with them anyone can check commit(total, blinding) == root commitment.
File (docs/SPEC.md §13.7): {"format": "por-open-totals", "version": 1, "round", "root",
"totals": {symbol: {"total": decimal string, "blinding": 64 hex chars}}}.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from circuits import pedersen
from circuits.group import get_backend
from circuits.scalars import ORDER
from por.amounts import AmountError, format_amount, parse_amount
from por.errors import InputError
from por.files import SECRET_MODE, write_json
from por.snapshot import is_hex, read_versioned_json, root_tokens
from por.snapshot_store import Snapshot

TOTALS_FORMAT = "por-open-totals"
TOTALS_VERSION = 1


def opened_totals(snapshot: Snapshot) -> dict:
    from por.private.tree import stored_tree

    top = stored_tree(snapshot, with_secret=False).top()
    return {"format": TOTALS_FORMAT, "version": TOTALS_VERSION, "round": snapshot.root["round"],
            "root": snapshot.root["root"],
            "totals": {t.symbol: {"total": format_amount(v, t.decimals), "blinding": r.to_bytes(32, "big").hex()}
                       for t, v, r in zip(snapshot.tokens, top.sums, top.blindings, strict=True)}}


def write_opened_totals(snapshot: Snapshot, out_path: Path) -> dict:
    document = opened_totals(snapshot)
    write_json(out_path, document, file_mode=SECRET_MODE)
    return document


@dataclass
class TotalCheck:
    symbol: str
    total: str
    ok: bool


def read_opened_totals(path: Path, root: dict) -> dict[str, tuple[int, int]]:
    """symbol -> (total in base units, blinding); InputError names the malformed field."""
    doc = read_versioned_json(path, "opened-totals file", TOTALS_FORMAT, TOTALS_VERSION)
    totals = doc.get("totals")
    if not isinstance(totals, dict) or set(totals) != {t.symbol for t in root_tokens(root)}:
        raise InputError("must be an object with exactly one entry per token of the root", path=path, field="totals")
    out = {}
    for token in root_tokens(root):
        entry = totals.get(token.symbol)
        where = f"totals.{token.symbol}"
        if not isinstance(entry, dict) or set(entry) != {"total", "blinding"}:
            raise InputError("must be an object with exactly the keys total and blinding", path=path, field=where)
        try:
            total = parse_amount(entry["total"], token.decimals)
        except AmountError as exc:
            raise InputError(str(exc), path=path, field=f"{where}.total") from None
        blinding = entry["blinding"]
        if not (is_hex(blinding, 64) and int(blinding, 16) < ORDER):
            raise InputError("the blinding must be 64 lowercase hex characters below the group order", path=path,
                             field=f"{where}.blinding")
        out[token.symbol] = (total, int(blinding, 16))
    return out


def check_opened_totals(root: dict, opened: dict[str, tuple[int, int]]) -> list[TotalCheck]:
    """commit(total, blinding) must equal the published root commitment, token by token."""
    be = get_backend()
    checks = []
    for token in root_tokens(root):
        total, blinding = opened[token.symbol]
        mine = be.compress(pedersen.commit(total, blinding, be)).hex()
        checks.append(TotalCheck(token.symbol, format_amount(total, token.decimals),
                                 mine == root["commitments"].get(token.symbol)))
    return checks
