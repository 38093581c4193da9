"""The snapshot directory both modes publish: round ids, the staged publish, the user index, the master secret.

Layout (docs/SPEC.md §10):
    root.json              public snapshot (published)
    operator/              operator-only state, mode 0700: tree.json (shape, pinned to its root), users.arrow
                           (user id -> slot), and each mode's stored tree
The master secret lives at ``--secret`` (default ``DIR/master-secret.hex``), 0600, generated when absent.
Everything is staged and moved into place only after the whole build succeeded (root.json last).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather

from por.amounts import MAX_BALANCE, Token
from por.errors import InputError
from por.files import staged_directory, write_json
from por.secretfile import generate_secret, read_secret, write_secret
from por.snapshot import ROOT_FORMAT, ROOT_VERSION

OPERATOR_DIR = "operator"
DEFAULT_SECRET_NAME = "master-secret.hex"
MAX_ROUND_ID_BYTES = 128


def default_round_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_round_id(round_id: str) -> str:
    raw = round_id.encode("utf-8")
    if not raw or len(raw) > MAX_ROUND_ID_BYTES or any(ch < 0x20 for ch in raw):
        raise InputError(f"round id {round_id!r} must be 1–{MAX_ROUND_ID_BYTES} bytes of printable text", field="--round")
    return round_id


@dataclass
class BuildResult:
    root: dict
    out_dir: Path
    secret_created: bool


def root_document(mode: str, round_id: str, tokens: list[Token], depth: int, root: bytes, **fields) -> dict:
    """The public snapshot, fields in a fixed order (docs/SPEC.md §6)."""
    return {
        "format": ROOT_FORMAT,
        "version": ROOT_VERSION,
        "mode": mode,
        "round": round_id,
        "hash": "sha256",
        "tokens": [t.to_json() for t in tokens],
        "root": root.hex(),
        "leaf_count": 1 << depth,
        "depth": depth,
        **fields,
    }


@contextlib.contextmanager
def staged_snapshot(out_dir: Path) -> Iterator[tuple[Path, Path]]:
    """(staging dir, its operator/ dir, mode 0700): published into ``out_dir`` only when the block succeeds."""
    with staged_directory(out_dir) as stage:
        operator = stage / OPERATOR_DIR
        operator.mkdir(mode=0o700)
        yield stage, operator
    os.chmod(Path(out_dir) / OPERATOR_DIR, 0o700)  # the rename keeps the mode; this guards a pre-existing umask


def prepare(out_dir: Path, secret_path: Path | None, round_id: str | None) -> tuple[str, Path, bytes, bool]:
    """(checked round id, secret path, master secret, whether it is new) — the common start of every build."""
    round_id = check_round_id(round_id or default_round_id())
    secret_path = Path(secret_path) if secret_path else Path(out_dir) / DEFAULT_SECRET_NAME
    return (round_id, secret_path, *obtain_secret(secret_path))


def check_totals(tokens: list[Token], amounts: np.ndarray) -> None:
    """Every per-token total below 2^64 base units, exactly (uint64 sums would wrap silently)."""
    from por.ingest.balances import exact_column_sums

    if amounts.ndim != 2 or amounts.shape[1] != len(tokens):
        raise InputError(f"expected one column of balances per token ({len(tokens)}), got shape {amounts.shape}")
    for token, total in zip(tokens, exact_column_sums(np.ascontiguousarray(amounts, dtype=np.uint64)), strict=True):
        if total >= MAX_BALANCE:
            raise InputError(f"the total of {token.symbol} is 2^64 base units or more", field=token.symbol)


def write_user_index(operator: Path, user_ids: pa.Array, slots: np.ndarray) -> None:
    """operator/users.arrow: each user's id and leaf slot, in input order (Arrow IPC, memory-mappable)."""
    feather.write_feather(pa.table({"user_id": user_ids, "slot": pa.array(slots, pa.int64())}),
                          operator / "users.arrow", compression="uncompressed")


def obtain_secret(path: Path) -> tuple[bytes, bool]:
    """Read the master secret, or make a new one (written only once the build has succeeded)."""
    if path.exists():
        return read_secret(path), False
    return generate_secret(), True


def publish(stage: Path, meta: dict, document: dict, secret_path: Path, secret: bytes, created: bool) -> dict:
    """Last step of every build, inside the staging directory: operator/tree.json pinned to the root it belongs to
    (so operator state left by an interrupted publish is refused, never used), a new master secret (only now that
    the build succeeded), then root.json."""
    write_json(stage / OPERATOR_DIR / "tree.json", {**meta, "root": document["root"]})
    if created:
        write_secret(secret_path, secret)
    write_json(stage / "root.json", document)
    return document
