"""Atomic, permission-aware file output.

Everything por publishes is written to a temporary sibling and renamed into place, so a crash or
Ctrl-C never leaves a half-written file. Secrets are created 0600 from the start (never chmod-ed later).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, file_mode: int = PUBLIC_MODE,
                durable: bool = True) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success (fsync and) rename it over ``path``.

    The rename alone already guarantees that a crash or Ctrl-C of the process never leaves a partial file.
    ``durable=False`` skips the fsync (the guarantee against a power loss) for large regenerable outputs.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, file_mode)
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | Path, data: bytes, *, file_mode: int = PUBLIC_MODE) -> None:
    with atomic_open(path, "wb", file_mode=file_mode) as handle:
        handle.write(data)


def write_text(path: str | Path, text: str, *, file_mode: int = PUBLIC_MODE) -> None:
    with atomic_open(path, "w", file_mode=file_mode) as handle:
        handle.write(text)


def write_json(path: str | Path, obj: Any, *, file_mode: int = PUBLIC_MODE) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n", file_mode=file_mode)


def _replace(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target``; a directory target is swapped out first, then removed."""
    if target.is_dir() and not target.is_symlink():
        trash = Path(tempfile.mkdtemp(prefix=".old-", dir=target.parent))
        os.replace(target, trash / target.name)
        os.replace(source, target)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(source, target)


@contextlib.contextmanager
def staged_directory(final: str | Path, *, last: str, dir_mode: int = 0o755) -> Iterator[Path]:
    """Yield an empty staging directory beside ``final``; on success install its entries into ``final``.

    A new ``final`` appears whole, by one rename. An existing one receives each top-level entry of the stage by its
    own rename (a directory is swapped out, then removed), ``last`` after all the others, so a reader never sees
    ``last`` before what goes with it. On failure or Ctrl-C the stage is removed: ``final`` is unchanged, or still
    absent — nothing half-written is left behind. A new ``final`` gets ``dir_mode`` (0700 for one holding secrets).
    """
    final_dir = Path(final)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{final_dir.name}.staging-", dir=final_dir.parent))
    try:
        yield stage
        if not final_dir.exists():
            os.chmod(stage, dir_mode)  # mkdtemp made it 0700; a snapshot directory itself is not secret
            os.rename(stage, final_dir)
            return
        names = sorted((p.name for p in stage.iterdir()), key=lambda n: n == last)
        for name in names:
            _replace(stage / name, final_dir / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
