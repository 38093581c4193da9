"""Operator-side read access to a built snapshot directory of either mode: root, operator metadata, user index,
secret. Each mode reads its own stored tree from ``operator`` (por.plain.tree, por.private.tree)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from por.errors import InputError
from por.jsonio import read_json
from por.kdf import derive, round_key
from por.publish import default_secret_path
from por.secretfile import read_secret
from por.snapshot import OPERATOR_DIR, read_root, root_file_of, root_tokens


class Snapshot:
    """A snapshot directory as written by ``por build``."""

    def __init__(self, directory: str | Path, *, secret_path: str | Path | None = None) -> None:
        self.dir = Path(directory)
        if not self.dir.is_dir():
            raise InputError("is not a snapshot directory; run `por build` first", path=self.dir)
        self.root_file = root_file_of(self.dir)
        self.root = read_root(self.root_file)
        self.tokens = root_tokens(self.root)
        self.operator = self.dir / OPERATOR_DIR
        self.meta = _tree_description(self.operator / "tree.json", self.root)
        self.secret_path = Path(secret_path) if secret_path else default_secret_path(self.dir)

    @cached_property
    def prk(self) -> bytes:
        return round_key(read_secret(self.secret_path), self.root["round"])

    @property
    def user_files(self) -> list[Path]:
        """The user index, in slot order: one users.arrow, or one users-<p>.arrow per partition (scale-out builds)."""
        if self.meta.get("users_layout") == "per-partition":
            return [self.operator / f"users-{p}.arrow" for p in range(1 << self.meta["partition_bits"])]
        return [self.operator / "users.arrow"]

    @cached_property
    def users(self) -> pa.Table:
        """(user_id, slot) of every user, memory-mapped."""
        return pa.concat_tables([feather.read_table(path, memory_map=True) for path in self.user_files])

    def slot_of(self, user_id: str) -> int:
        index = pc.index(self.users.column("user_id"), pa.scalar(user_id, self.users.schema.field("user_id").type))
        if index.as_py() < 0:
            raise InputError(f"user {user_id!r} is not in this snapshot", path=self.dir)
        return int(self.users.column("slot")[index.as_py()].as_py())

    def salt(self, slot: int) -> bytes:
        return derive(self.prk, "leaf-salt", slot)


def stored_array(path: Path, rows: int) -> np.ndarray:
    """A memory-mapped array of the operator's stored tree; InputError when it is missing, unreadable, or has not
    the ``rows`` the tree description implies (operator state from another build must never be used)."""
    try:
        array = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"the operator's stored tree is missing or damaged ({exc.__class__.__name__}); build the "
                         "snapshot again", path=path) from None
    if array.ndim == 0 or len(array) != rows:
        raise InputError(f"holds {len(array) if array.ndim else 0} rows where the tree description implies {rows}; "
                         "build the snapshot again", path=path)
    return array


def _tree_description(path: Path, root: dict) -> dict:
    """operator/tree.json, checked against the root it must belong to before any of its numbers is used."""
    meta = read_json(path, "tree description")
    if not isinstance(meta, dict) or meta.get("root") != root["root"]:
        raise InputError("the operator state does not belong to this root.json (an interrupted publish?); "
                         "build the snapshot again", path=path.parent)
    expected = {"depth": root["depth"], "tokens": len(root["tokens"]), "mode": root["mode"], "round": root["round"],
                "arity": root.get("arity", 2)}
    for name, value in expected.items():
        if meta.get(name, value) != value or (name == "arity" and type(meta.get(name, value)) is not int):
            raise InputError(f"does not match root.json ({name})", path=path, field=name)
    limits = {"depth": (1, root["depth"]), "tokens": (1, len(root["tokens"])), "partition_bits": (0, root["depth"]),
              "users": (1, root["leaf_count"])}
    for name, (low, high) in limits.items():
        value = meta.get(name)
        if type(value) is not int or not low <= value <= high:
            raise InputError(f"must be an integer from {low} to {high}", path=path, field=name)
    return meta
