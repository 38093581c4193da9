"""Auditor side, plain mode: rebuild the tree from the balances export and the master secret, compare with root.json.

The rebuild uses the published round, token list (with decimals), rounding and depth, so an honest snapshot
reproduces the published root byte for byte. On a mismatch the report names the first token whose total differs
and, when the operator's tree is available beside root.json, the first leaf (user) that differs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from por.amounts import parse_amount
from por.audit import AuditReport, AuditRow, check_tokens, load_as_published, published_decimals, replaying
from por.errors import InputError
from por.plain.build import build_plain
from por.plain.tree import stored_tree
from por.snapshot import OPERATOR_DIR, read_root, root_file_of, root_tokens, rounds_up
from por.snapshot_store import Snapshot


def audit_plain(input_path: Path, root_path: Path, secret_path: Path, *, fmt: str | None = None,
                workers: int | None = None) -> AuditReport:
    root = read_root(root_path)
    if root["mode"] != "plain":
        raise InputError("this root is a private-mode snapshot; audit it with the private tools", path=root_path)
    tokens = root_tokens(root)
    with tempfile.TemporaryDirectory(prefix="por-audit-") as tmp:
        rebuilt = _rebuild(Path(input_path), root, Path(secret_path), Path(tmp), fmt, workers)
        report = AuditReport(root["round"], root["root"], rebuilt.root["root"])
        for token in tokens:
            mine = rebuilt.root["totals"][token.symbol]
            theirs = root["totals"].get(token.symbol, "?")
            same = isinstance(theirs, str) and _units(theirs, token.decimals) == _units(mine, token.decimals)
            report.rows.append(AuditRow(token.symbol, theirs, mine, same))
        bad = [r.symbol for r in report.rows if not r.ok]
        if bad:
            report.first_mismatch = f"total of {bad[0]} differs"
        elif not report.ok:
            report.first_mismatch = _first_leaf_mismatch(_snapshot_dir_of(root_path), Path(tmp)) or "root hash differs"
    return report


def _rebuild(input_path: Path, root: dict, secret_path: Path, out: Path, fmt: str | None, workers: int | None):
    """Build again with the published round, decimals, rounding and capacity: a file in memory, a directory
    partitioned."""
    tokens = root_tokens(root)
    common = dict(secret_path=secret_path, round_id=root["round"], pad_to=root["leaf_count"],
                  round_up=rounds_up(root))
    if input_path.is_dir():
        from por.plain.partitioned import build_partitioned
        from por.scale.engine import open_engine

        engine = open_engine(workers=workers)
        try:
            with replaying(root):
                rebuilt = build_partitioned(input_path, out, engine=engine, fmt=fmt,
                                            decimals=published_decimals(root), **common)
        finally:
            engine.close()
        check_tokens([t["symbol"] for t in rebuilt.root["tokens"]], tokens, input_path)
    else:
        balances = load_as_published(input_path, root, fmt=fmt)
        rebuilt = build_plain(tokens, balances.user_ids, balances.amounts, out, workers=workers, **common)
    if rebuilt.root["leaf_count"] != root["leaf_count"]:
        raise InputError("the export has more users than the published capacity", path=input_path)
    return rebuilt


def _units(text: str, decimals: int) -> int | None:
    try:
        return parse_amount(text, decimals)
    except (ValueError, TypeError):
        return None


def _first_leaf_mismatch(published_dir: Path, rebuilt_dir: Path) -> str | None:
    """Compare leaves with the operator's stored tree (when present beside root.json): first differing user."""
    if not (published_dir / OPERATOR_DIR / "tree.json").exists():
        return None
    theirs, mine = Snapshot(published_dir), Snapshot(rebuilt_dir)
    their_tree, my_tree = stored_tree(theirs), stored_tree(mine)
    if their_tree.shape != my_tree.shape:
        return "the stored tree has another shape; compare leaf by leaf with the operator"
    part_cap = 1 << my_tree.shape.part_depth
    for part in range(my_tree.shape.partitions):
        ours, published = my_tree.parts[part][0][:part_cap], their_tree.parts[part][0][:part_cap]
        diff = np.flatnonzero((np.asarray(ours) != np.asarray(published)).any(axis=1))
        if len(diff):
            bad_slot = part * part_cap + int(diff[0])
            hit = np.flatnonzero(mine.users.column("slot").to_numpy() == bad_slot)
            who = f"user {mine.users.column('user_id')[int(hit[0])].as_py()!r}" if len(hit) else "a padding leaf"
            return f"leaf {bad_slot} differs ({who})"
    return None


def _snapshot_dir_of(root_path: Path) -> Path:
    """The snapshot directory a root.json sits in (``DIR/public/root.json``, or ``DIR/root.json`` before the split)."""
    root_file = root_file_of(root_path)
    return root_file.parent.parent if root_file.parent.name == "public" else root_file.parent
