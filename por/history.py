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
from por.jsonio import loads
from por.snapshot import MAX_ROUND_ID_BYTES, canonical_root_bytes, is_hex, valid_round_id

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
    """Parse the log's lines (no chain checks); InputError names the line and field that is not an entry."""
    path = Path(log_path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError("the snapshot log does not exist", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the snapshot log ({exc.__class__.__name__})", path=path) from None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [_entry(loads(line, path=path, row=number, what="log entry"), path, number)
            for number, line in enumerate(lines, start=1)]


def _entry(entry: object, path: Path, row: int) -> dict:
    """An entry with exactly the fields of FIELDS, each of its type (so the chain checks compare like with like)."""
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        raise InputError(f"a log entry must have exactly the keys {', '.join(FIELDS)}", path=path, row=row)
    if type(entry["seq"]) is not int or entry["seq"] < 0:
        raise InputError("must be a non-negative integer", path=path, row=row, field="seq")
    if not valid_round_id(entry["round"]):
        raise InputError(f"must be a round id (1–{MAX_ROUND_ID_BYTES} bytes of UTF-8 without control characters)",
                         path=path, row=row, field="round")
    if entry["mode"] not in ("plain", "private"):
        raise InputError('must be "plain" or "private"', path=path, row=row, field="mode")
    for name in ("root", "snapshot_sha256", "prev", "entry_hash"):
        if not is_hex(entry[name], 64):
            raise InputError("must be 64 lowercase hexadecimal characters", path=path, row=row, field=name)
    return entry


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
