"""Append-only, hash-chained log of published roots: one entry per round.

Each line of the log (JSON Lines) is one entry: seq (0, 1, ...), round, mode, root, snapshot_sha256 =
SHA-256(canonical_root_bytes(root)), prev (the previous entry's entry_hash; 64 zeros for the first) and
entry_hash = SHA-256("por/v1/log-entry\\0" || the entry without entry_hash as sorted compact JSON).
A rewritten entry breaks the chain; a consistently rewritten log (a fork) is caught by comparing with any copy
someone kept earlier: one copy must be a prefix of the other. A user checks the root they were shown appears.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from por.errors import InputError, VerificationError
from por.files import write_bytes
from por.snapshot import canonical_root_bytes

ENTRY_TAG = b"por/v1/log-entry\x00"
GENESIS = "0" * 64
FIELDS = ("seq", "round", "mode", "root", "snapshot_sha256", "prev", "entry_hash")


@dataclass
class LogResult:
    ok: bool
    entries: list[dict]
    detail: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.entries[-1]["entry_hash"] if self.entries else GENESIS

    def to_json(self) -> dict:
        return {"ok": self.ok, "length": len(self.entries), "head": self.head, "detail": self.detail}


def snapshot_digest(root: dict) -> str:
    return hashlib.sha256(canonical_root_bytes(root)).hexdigest()


def entry_hash(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "entry_hash"}
    return hashlib.sha256(ENTRY_TAG + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def make_entry(root: dict, seq: int, prev: str) -> dict:
    entry = {
        "seq": seq,
        "round": root["round"],
        "mode": root["mode"],
        "root": root["root"],
        "snapshot_sha256": snapshot_digest(root),
        "prev": prev,
    }
    entry["entry_hash"] = entry_hash(entry)
    return entry


def read_entries(log_path: str | Path) -> list[dict]:
    """Parse the log's lines (no chain checks); InputError names the line that is not an entry."""
    path = Path(log_path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("the snapshot log does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the snapshot log ({exc.__class__.__name__})", path=path) from None
    entries = []
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise InputError("is not a JSON log entry", path=path, row=number) from None
        if not isinstance(entry, dict) or set(entry) != set(FIELDS):
            raise InputError(f"a log entry must have exactly the keys {', '.join(FIELDS)}", path=path, row=number)
        entries.append(entry)
    return entries


def verify_log(log_path: str | Path, *, against: str | Path | None = None) -> LogResult:
    """Check the hash chain; with ``against`` (another copy of the log) also that neither history forks."""
    entries = read_entries(log_path)
    result = LogResult(True, entries, _chain_problems(entries))
    if against is not None:
        result.detail += _fork_problems(entries, read_entries(against), Path(against))
    result.ok = not result.detail
    return result


def append(log_path: str | Path, root: dict) -> dict:
    """Add ``root`` as the next entry and return it. The same root again is a no-op; another root for a round
    already logged is refused (VerificationError): that is exactly the rewrite the log exists to expose."""
    path = Path(log_path)
    entries = read_entries(path) if path.exists() else []
    problems = _chain_problems(entries)
    if problems:
        raise VerificationError(f"{path}: the existing log is broken ({problems[0]}); not appending")
    digest = snapshot_digest(root)
    for entry in entries:
        if entry["round"] == root["round"]:
            if entry["snapshot_sha256"] == digest:
                return entry
            raise VerificationError(
                f"{path}: round {root['round']!r} is already logged (entry {entry['seq']}) with a different root"
            )
    entry = make_entry(root, len(entries), entries[-1]["entry_hash"] if entries else GENESIS)
    existing = path.read_bytes() if path.exists() else b""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    write_bytes(path, existing + json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    return entry


def find_root(log_path: str | Path, root: dict) -> dict | None:
    """The verified log's entry for exactly this root (same round and snapshot digest), or None."""
    result = verify_log(log_path)
    if not result.ok:
        raise VerificationError(f"{log_path}: the log does not verify ({result.detail[0]})")
    digest = snapshot_digest(root)
    return next((e for e in result.entries if e["round"] == root["round"] and e["snapshot_sha256"] == digest), None)


def _chain_problems(entries: list[dict]) -> list[str]:
    problems: list[str] = []
    prev, rounds = GENESIS, set()
    for index, entry in enumerate(entries):
        where = f"entry {index}"
        if entry["seq"] != index:
            problems.append(f"{where} has sequence number {entry['seq']!r}; entries were removed or reordered")
        if entry["prev"] != prev:
            problems.append(f"{where} does not link to the entry before it; history was rewritten")
        if entry_hash(entry) != entry["entry_hash"]:
            problems.append(f"{where} does not match its own hash; it was altered")
        if entry["round"] in rounds:
            problems.append(f"{where} logs round {entry['round']!r} a second time")
        rounds.add(entry["round"])
        prev = entry["entry_hash"]
    return problems


def _fork_problems(mine: list[dict], theirs: list[dict], their_path: Path) -> list[str]:
    for index, (a, b) in enumerate(zip(mine, theirs, strict=False)):
        if a["entry_hash"] != b["entry_hash"]:
            return [f"the log forks from {their_path} at entry {index} (round {a['round']!r} vs {b['round']!r})"]
    return []
