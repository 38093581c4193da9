"""The snapshot directory both modes publish: round ids, the staged publish, the user index, the master secret.

Layout (docs/SPEC.md §10): ``DIR/public/`` holds exactly what may be published (root.json); ``DIR/operator/``
(mode 0700) holds what must never be: the master secret (default ``--secret`` location, 0600), tree.json (shape,
pinned to its root), users.arrow (user id -> slot) and each mode's stored tree. Everything is staged beside DIR and
installed only after the whole build succeeded, public/ last; an existing snapshot is replaced only when asked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather

from por.amounts import MAX_BALANCE, Token, total_too_large
from por.errors import InputError
from por.files import SECRET_MODE, atomic_open, staged_directory, write_json
from por.ingest.balances import Rounded, exact_column_sums
from por.jsonio import read_json
from por.secretfile import generate_secret, read_secret, write_secret
from por.snapshot import (
    OPERATOR_DIR,
    PUBLIC_DIR,
    ROOT_FILE,
    ROOT_FORMAT,
    ROOT_VERSION,
    ROUNDING_EXACT,
    ROUNDING_UP,
    SIGNATURE_FIELD,
    check_round_id,
)

SECRET_NAME = "master-secret.hex"


def default_round_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class BuildResult:
    root: dict
    out_dir: Path
    secret_path: Path
    secret_created: bool
    rounded: dict[str, Rounded] = field(default_factory=dict)  # per token, what --rounding up changed (when known)

    @property
    def root_file(self) -> Path:
        return self.out_dir / PUBLIC_DIR / ROOT_FILE


def root_document(mode: str, round_id: str, tokens: list[Token], depth: int, root: bytes, *,
                  version: int = ROOT_VERSION, arity: int = 2, token_fields: list[dict] | None = None,
                  round_up: bool = False, **fields) -> dict:
    """The public snapshot, fields in a fixed order (docs/SPEC.md §6); ``token_fields`` extend each token entry.
    ``round_up``: the amounts were rounded up to the tokens' decimals (``--rounding up``), which an audit must
    repeat."""
    entries = [t.to_json() | extra for t, extra in zip(tokens, token_fields or [{}] * len(tokens), strict=True)]
    shape = {"arity": arity} if version >= 3 else {}
    return {
        "format": ROOT_FORMAT,
        "version": version,
        "mode": mode,
        "round": round_id,
        "hash": "sha256",
        "tokens": entries,
        "rounding": ROUNDING_UP if round_up else ROUNDING_EXACT,
        "root": root.hex(),
        **shape,
        "leaf_count": arity**depth,
        "depth": depth,
        **fields,
    }


@dataclass(frozen=True)
class Prepared:
    """What every build starts from: the checked round id and the master secret (read, or new)."""

    round_id: str
    secret: bytes
    secret_path: Path
    secret_created: bool
    secret_in_operator: bool  # the default location: the secret travels with operator/


def default_secret_path(out_dir: Path) -> Path:
    """``DIR/operator/master-secret.hex``, or the top-level file of a snapshot built before the split."""
    legacy = Path(out_dir) / SECRET_NAME
    current = Path(out_dir) / OPERATOR_DIR / SECRET_NAME
    return legacy if legacy.exists() and not current.exists() else current


def prepare(out_dir: Path, secret_path: Path | None, round_id: str | None, *, force: bool = False) -> Prepared:
    """The common start of every build: round id, target directory (an existing snapshot is replaced only with
    ``force``), master secret."""
    round_id = check_round_id(round_id or default_round_id())
    check_target(Path(out_dir), force)
    path = Path(secret_path) if secret_path else default_secret_path(Path(out_dir))
    secret, created = obtain_secret(path)
    return Prepared(round_id, secret, path, created, path == Path(out_dir) / OPERATOR_DIR / SECRET_NAME)


def check_target(out_dir: Path, force: bool) -> None:
    """Refuse to write over a published snapshot unless ``force``, and into anything that is not a plain directory."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise InputError("is not a directory por can write a snapshot into", path=out_dir)
    for name in (PUBLIC_DIR, OPERATOR_DIR):
        if (out_dir / name).is_symlink():
            raise InputError(f"{name}/ is a symbolic link; por writes snapshots only into real directories",
                             path=out_dir)
    published = [p for p in (out_dir / PUBLIC_DIR / ROOT_FILE, out_dir / ROOT_FILE) if p.exists()]
    if published and not force:
        raise InputError(f"already holds a published snapshot{_describe(published[0])}; pass --force to replace it, "
                         "or choose another --out", path=out_dir)


def _describe(root_file: Path) -> str:
    try:
        doc = read_json(root_file, "root file")
        signatures = doc.get(SIGNATURE_FIELD) or []
        signed = f", signed {len(signatures)} time{'s' if len(signatures) != 1 else ''}" if signatures else ""
        return f" (round {doc['round']!r}{signed})"
    except (InputError, KeyError, TypeError, AttributeError):
        return ""


@contextlib.contextmanager
def staged_snapshot(out_dir: Path) -> Iterator[tuple[Path, Path]]:
    """(staging dir, its operator/ dir, mode 0700): installed as ``out_dir`` only when the block succeeds, public/
    last. A snapshot written before the public/operator split loses its top-level root.json once replaced."""
    with staged_directory(out_dir, last=PUBLIC_DIR) as stage:
        (stage / PUBLIC_DIR).mkdir()
        operator = stage / OPERATOR_DIR
        operator.mkdir(mode=0o700)
        os.chmod(operator, 0o700)  # whatever the umask
        yield stage, operator
    (Path(out_dir) / ROOT_FILE).unlink(missing_ok=True)


def check_totals(tokens: list[Token], amounts: np.ndarray) -> None:
    """Every per-token total below 2^64 base units, exactly (uint64 sums would wrap silently)."""
    if amounts.ndim != 2 or amounts.shape[1] != len(tokens):
        raise InputError(f"expected one column of balances per token ({len(tokens)}), got shape {amounts.shape}")
    for token, total in zip(tokens, exact_column_sums(np.ascontiguousarray(amounts, dtype=np.uint64)), strict=True):
        if total >= MAX_BALANCE:
            raise InputError(total_too_large(token.symbol, total, token.decimals, amounts.shape[0]),
                             field=token.symbol)


def write_user_index(operator: Path, user_ids: pa.Array, slots: np.ndarray) -> None:
    """operator/users.arrow: each user's id and leaf slot, in input order (Arrow IPC, memory-mappable)."""
    with atomic_open(operator / "users.arrow", "wb", file_mode=SECRET_MODE, durable=False) as handle:
        feather.write_feather(pa.table({"user_id": user_ids, "slot": pa.array(slots, pa.int64())}), handle,
                              compression="uncompressed")


def obtain_secret(path: Path) -> tuple[bytes, bool]:
    """Read the master secret, or make a new one (written only once the build has succeeded)."""
    if path.exists():
        return read_secret(path), False
    return generate_secret(), True


def publish(stage: Path, meta: dict, document: dict, prepared: Prepared) -> dict:
    """Last step of every build, inside the staging directory: operator/tree.json pinned to the root it belongs to
    (so operator state left by an interrupted publish is refused, never used), the master secret (a new one only
    now that the build succeeded; one kept in operator/ travels with it), then public/root.json."""
    write_json(stage / OPERATOR_DIR / "tree.json", {**meta, "root": document["root"]}, file_mode=SECRET_MODE)
    if prepared.secret_in_operator:
        write_secret(stage / OPERATOR_DIR / SECRET_NAME, prepared.secret)
    elif prepared.secret_created:
        write_secret(prepared.secret_path, prepared.secret)
    write_json(stage / PUBLIC_DIR / ROOT_FILE, document)
    return document
