"""Operator side, private mode: user proofs from a built snapshot, node range proofs made on demand and cached.

``prove_private_user`` proves only the (uncached) siblings of one user's path; ``prove_private_all`` first proves
every node that is anyone's sibling over all cores, then writes one proof per line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from por.amounts import format_amount
from por.files import atomic_open
from por.private import keys, rangeproofs
from por.private.envelope import b64, envelope
from por.private.tree import StoredTree
from por.snapshot_store import Snapshot


def stored_tree(snapshot: Snapshot, *, with_secret: bool = True) -> StoredTree:
    meta = snapshot.meta
    return StoredTree(snapshot.operator, meta["depth"], meta["tokens"], meta["users"],
                      snapshot.prk if with_secret else None)


def _user_part(snapshot: Snapshot, stored: StoredTree, user_id: str, slot: int) -> dict:
    leaf = stored.node(0, slot)
    balances = {t.symbol: format_amount(v, t.decimals) for t, v in zip(snapshot.tokens, leaf.sums, strict=True)}
    blindings = b"".join(r.to_bytes(32, "big") for r in leaf.blindings)
    return {"id": user_id, "salt": keys.salt(snapshot.prk, slot).hex(), "balances": balances,
            "blindings": b64(blindings)}


def _records(stored: StoredTree, cache: rangeproofs.ProofCache, slot: int) -> list[bytes]:
    out = []
    for h, i in stored.siblings(slot):
        node = stored.node(h, i)
        proof = cache.get(h, i)
        assert proof is not None, "node range proof missing from the cache"
        out.append(node.hash + node.commitments + proof)
    return out


def prove_private_user(snapshot: Snapshot, user_id: str) -> dict:
    slot = snapshot.slot_of(user_id)
    stored = stored_tree(snapshot)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    rangeproofs.ensure_proofs(stored, cache, bytes.fromhex(snapshot.root["root"]), stored.siblings(slot))
    return envelope(snapshot.root, _user_part(snapshot, stored, user_id, slot), slot, _records(stored, cache, slot))


def prove_all_nodes(snapshot: Snapshot, *, workers: int | None = None,
                    progress: Callable[[int], None] | None = None) -> int:
    """Make every node proof any user needs (all cores); returns how many were made."""
    stored = stored_tree(snapshot)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    nodes = rangeproofs.needed_nodes(stored.users, stored.depth)
    return rangeproofs.ensure_proofs(stored, cache, bytes.fromhex(snapshot.root["root"]), nodes,
                                     workers=workers or os.cpu_count() or 1, progress=progress)


def prove_private_all(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write every user's proof, one JSON object per line; ``progress`` advances in users (total = user count)."""
    stored = stored_tree(snapshot)
    users_total = stored.users
    nodes_total = max(1, len(rangeproofs.needed_nodes(stored.users, stored.depth)))
    done = [0, 0]  # nodes proved, users reported

    def node_progress(n: int) -> None:
        done[0] += n
        target = done[0] * users_total // nodes_total
        if progress and target > done[1]:
            progress(target - done[1])
            done[1] = target

    prove_all_nodes(snapshot, progress=node_progress)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    table = snapshot.users
    ids, slots = table.column("user_id").to_pylist(), table.column("slot").to_pylist()
    written = 0
    with atomic_open(out_path, "w") as out:
        for user_id, slot in zip(ids, slots, strict=True):
            proof = envelope(snapshot.root, _user_part(snapshot, stored, user_id, slot), slot,
                             _records(stored, cache, slot))
            out.write(json.dumps(proof, separators=(",", ":"), ensure_ascii=False) + "\n")
            written += 1
    if progress and users_total > done[1]:
        progress(users_total - done[1])
    return written
