"""Operator side, private mode: user proofs from a built snapshot, group range proofs made on demand and cached.

``private_user_proof`` proves only the (uncached) groups on one user's path and returns the decoded proof;
``prove_private_user_binary`` / ``write_private_user_proof`` give it as a version-3 binary container.
``prove_private_all`` first proves every group any user needs, over all cores (or on a por.scale engine), then
writes one bundle of every user's proof, users in slot order — consecutive users share their upper levels, so each
level's siblings and proof are read once per parent, not once per user.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from por.files import atomic_open
from por.private import container, keys
from por.private.container import PrivateProof, Sibling
from por.private.rangeproofs import ProofCache, cache_for, ensure_proofs, needed_groups, path_groups
from por.private.tree import StoredTree, stored_tree
from por.snapshot import is_private_v3, root_widths
from por.snapshot_store import Snapshot


class _Levels:
    """Per height, the children and group proof of the last parent asked for (users come in slot order)."""

    def __init__(self, stored: StoredTree, cache: ProofCache) -> None:
        self.stored, self.cache = stored, cache
        self.last: dict[int, tuple[int, list[Sibling], bytes]] = {}

    def level(self, height: int, parent: int, position: int) -> tuple[list[Sibling], bytes]:
        cached = self.last.get(height)
        if cached is None or cached[0] != parent:
            children = [Sibling(c.hash, c.commitments) for c in self.stored.children(height + 1, parent)]
            proof = self.cache.get(height + 1, parent)
            if proof is None:
                raise RuntimeError(f"the group range proof of node ({height + 1}, {parent}) is missing from the cache")
            cached = (parent, children, proof)
            self.last[height] = cached
        _, children, proof = cached
        return children[:position] + children[position + 1:], proof


def _check_version(snapshot: Snapshot) -> None:
    if not is_private_v3(snapshot.root):
        from por.errors import InputError

        raise InputError("this private snapshot was built by an earlier version of por (binary tree); its proofs "
                         "still verify, but new proofs need a new build", path=snapshot.dir)


def _user_proof(snapshot: Snapshot, stored: StoredTree, levels: _Levels, user_id: str, slot: int) -> PrivateProof:
    leaf = stored.node(0, slot)
    root = snapshot.root
    path = [levels.level(h, parent, position) for h, (position, parent) in enumerate(stored.shape.path(slot))]
    return PrivateProof(root["round"], bytes.fromhex(root["root"]), stored.shape.arity, stored.shape.depth,
                        list(snapshot.tokens), root_widths(root), user_id, keys.salt(snapshot.prk, slot), slot,
                        list(leaf.sums), list(leaf.blindings), path)


def private_user_proof(snapshot: Snapshot, user_id: str) -> PrivateProof:
    """One user's proof, proving (and caching) whichever groups of its path have no range proof yet."""
    _check_version(snapshot)
    slot = snapshot.slot_of(user_id)
    stored = stored_tree(snapshot)
    widths = root_widths(snapshot.root)
    ensure_proofs(stored, widths, bytes.fromhex(snapshot.root["root"]), path_groups(stored.shape, slot))
    return _user_proof(snapshot, stored, _Levels(stored, cache_for(stored, widths)), user_id, slot)


def prove_private_user_binary(snapshot: Snapshot, user_id: str) -> bytes:
    """The user's proof as a version-3 binary container (por.private.container)."""
    return container.encode(private_user_proof(snapshot, user_id))


def write_private_user_proof(snapshot: Snapshot, user_id: str, out_path: Path) -> int:
    """Write the binary proof atomically; returns its size in bytes."""
    data = prove_private_user_binary(snapshot, user_id)
    with atomic_open(out_path, "wb") as out:
        out.write(data)
    return len(data)


def prove_all_groups(snapshot: Snapshot, *, workers: int | None = None,
                     progress: Callable[[int], None] | None = None, engine=None) -> int:
    """Make every group range proof any user needs (all local cores, or ``engine``); returns how many were made."""
    _check_version(snapshot)
    stored = stored_tree(snapshot)
    groups = needed_groups(stored.shape)
    if engine is not None:
        from por.private.tasks import prove_groups

        return prove_groups(engine, snapshot.dir, snapshot.secret_path, groups, progress=progress)
    return ensure_proofs(stored, root_widths(snapshot.root), bytes.fromhex(snapshot.root["root"]), groups,
                         workers=workers or os.cpu_count() or 1, progress=progress)


def prove_private_all(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None,
                      engine=None, workers: int | None = None) -> int:
    """Write every user's proof as one bundle (por.private.container: magic, version, then u32 length || binary
    proof per user, in slot order); ``progress`` advances in users (total = user count).

    Group range proofs are made on all local cores, or on ``engine`` (a por.scale engine: a process pool or a Dask
    cluster) when given."""
    _check_version(snapshot)
    stored = stored_tree(snapshot)
    users_total = stored.shape.users
    groups_total = max(1, len(needed_groups(stored.shape)))
    done = [0, 0]  # groups proved, users reported

    def group_progress(n: int) -> None:
        done[0] += n
        target = done[0] * users_total // groups_total
        if progress and target > done[1]:
            progress(target - done[1])
            done[1] = target

    prove_all_groups(snapshot, progress=group_progress, engine=engine, workers=workers)
    levels = _Levels(stored, cache_for(stored, root_widths(snapshot.root)))
    table = snapshot.users
    ids, slots = table.column("user_id").to_pylist(), table.column("slot").to_pylist()
    written = 0
    with atomic_open(out_path, "wb", durable=False) as out:
        out.write(container.bundle_header())
        for user_id, slot in zip(ids, slots, strict=True):
            out.write(container.bundle_entry(container.encode(_user_proof(snapshot, stored, levels, user_id, slot))))
            written += 1
    if progress and users_total > done[1]:
        progress(users_total - done[1])
    return written

