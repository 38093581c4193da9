"""Auditor side, private mode: rebuild the whole commitment tree from the balances export and the master secret.

The rebuild uses the published round, tokens (with decimals), rounding and capacity, so an honest snapshot
reproduces the root byte for byte (blindings are deterministic HKDF outputs). Each token's row shows the recomputed total and whether
commit(total, root blinding) equals the published root commitment; an opened-totals file (``por open-totals``)
given as ``totals_path`` must also open every root commitment and agree with the recomputed totals.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from por.audit import AuditReport, AuditRow, load_as_published
from por.errors import InputError
from por.private.build import build_private
from por.private.totals import check_opened_totals, opened_totals, read_opened_totals
from por.snapshot import is_private_v3, read_root, root_tokens, root_widths, rounds_up
from por.snapshot_store import Snapshot


def audit_private(input_path: Path, root_path: Path, secret_path: Path, *, fmt: str | None = None,
                  totals_path: Path | None = None, workers: int | None = None) -> AuditReport:
    root = read_root(root_path)
    if root["mode"] != "private":
        raise InputError("this root is a plain-mode snapshot; audit it with the plain tools", path=root_path)
    if not is_private_v3(root):
        raise InputError("this private root was built by an earlier version of por (binary tree); audit it with "
                         "that version", path=root_path)
    tokens = root_tokens(root)
    balances = load_as_published(input_path, root, fmt=fmt)
    if len(balances.user_ids) > root["leaf_count"]:
        raise InputError(f"the export has {len(balances.user_ids)} users, more than the published capacity",
                         path=input_path)
    with tempfile.TemporaryDirectory(prefix="por-audit-") as tmp:
        rebuilt = build_private(tokens, balances.user_ids, balances.amounts, Path(tmp) / "snap",
                                secret_path=secret_path, round_id=root["round"], pad_to=root["leaf_count"],
                                workers=workers, arity=root["arity"], round_up=rounds_up(root),
                                range_bits=dict(zip([t.symbol for t in tokens], root_widths(root), strict=True)))
        mine = opened_totals(Snapshot(Path(tmp) / "snap", secret_path=secret_path))
    report = AuditReport(root["round"], root["root"], rebuilt.root["root"])
    recomputed = {s: (e["total"], int(e["blinding"], 16)) for s, e in mine["totals"].items()}
    opened = {s: (_units(t, tokens, s), r) for s, (t, r) in recomputed.items()}
    for check in check_opened_totals(root, opened):
        published = root["commitments"].get(check.symbol, "?")
        report.rows.append(AuditRow(check.symbol, f"commitment {published[:16]}…", f"total {check.total}", check.ok))
    if totals_path is not None:
        claimed = read_opened_totals(totals_path, root)
        for check in check_opened_totals(root, claimed):
            agrees = check.ok and claimed[check.symbol][0] == opened[check.symbol][0]
            report.rows.append(AuditRow(check.symbol, f"opened total {check.total}", f"total {recomputed[check.symbol][0]}",
                                        agrees))
    bad = [r.symbol for r in report.rows if not r.ok]
    if bad:
        report.first_mismatch = f"the root commitment of {bad[0]} does not open to the recomputed total"
    elif not report.ok:
        report.first_mismatch = "root hash differs (a leaf, a user id or a balance differs from the export)"
    return report


def _units(text: str, tokens: list, symbol: str) -> int:
    from por.amounts import parse_amount

    return parse_amount(text, next(t.decimals for t in tokens if t.symbol == symbol))
