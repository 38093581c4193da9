"""Operator side, private mode: user proofs from a built snapshot, node range proofs made on demand and cached.

``private_user_proof`` proves only the (uncached) siblings of one user's path and returns the decoded proof;
``prove_private_user_binary`` / ``write_private_user_proof`` give it as a version-2 binary container (the
published format), ``prove_private_user`` as the legacy version-1 JSON document. ``prove_private_all`` first proves
every node that is anyone's sibling over all cores, then writes one bundle of binary proofs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from por.amounts import format_amount
from por.files import atomic_open
from por.private import container, keys, rangeproofs
from por.private.container import PrivateProof
from por.private.envelope import b64, envelope
from por.private.tasks import prove_nodes
from por.private.tree import StoredTree, stored_tree
from por.snapshot_store import Snapshot


def _records(stored: StoredTree, cache: rangeproofs.ProofCache, slot: int) -> list[bytes]:
    out = []
    for h, i in stored.siblings(slot):
        node = stored.node(h, i)
        proof = cache.get(h, i)
        assert proof is not None, "node range proof missing from the cache"
        out.append(node.hash + node.commitments + proof)
    return out


def _user_proof(snapshot: Snapshot, stored: StoredTree, cache: rangeproofs.ProofCache, user_id: str,
                slot: int) -> PrivateProof:
    leaf = stored.node(0, slot)
    root = snapshot.root
    return PrivateProof(root["round"], bytes.fromhex(root["root"]), stored.depth, rangeproofs.RANGE_BITS,
                        list(snapshot.tokens), user_id, keys.salt(snapshot.prk, slot), slot, list(leaf.sums),
                        list(leaf.blindings), b"".join(_records(stored, cache, slot)))


def private_user_proof(snapshot: Snapshot, user_id: str) -> PrivateProof:
    """One user's proof, proving (and caching) whichever of its sibling nodes have no range proof yet."""
    slot = snapshot.slot_of(user_id)
    stored = stored_tree(snapshot)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    rangeproofs.ensure_proofs(stored, cache, bytes.fromhex(snapshot.root["root"]), stored.siblings(slot))
    return _user_proof(snapshot, stored, cache, user_id, slot)


def prove_private_user_binary(snapshot: Snapshot, user_id: str) -> bytes:
    """The user's proof as a version-2 binary container (por.private.container)."""
    return container.encode(private_user_proof(snapshot, user_id))


def write_private_user_proof(snapshot: Snapshot, user_id: str, out_path: Path) -> int:
    """Write the binary proof atomically; returns its size in bytes."""
    data = prove_private_user_binary(snapshot, user_id)
    with atomic_open(out_path, "wb") as out:
        out.write(data)
    return len(data)


def prove_private_user(snapshot: Snapshot, user_id: str) -> dict:
    """The legacy version-1 JSON proof (base64 records), still accepted by every verifier."""
    proof = private_user_proof(snapshot, user_id)
    balances = {t.symbol: format_amount(v, t.decimals) for t, v in zip(proof.tokens, proof.balances, strict=True)}
    user = {"id": user_id, "salt": proof.salt.hex(), "balances": balances,
            "blindings": b64(b"".join(r.to_bytes(32, "big") for r in proof.blindings))}
    return envelope(snapshot.root, user, proof.leaf_index, [proof.records])


def prove_all_nodes(snapshot: Snapshot, *, workers: int | None = None,
                    progress: Callable[[int], None] | None = None) -> int:
    """Make every node proof any user needs (all cores); returns how many were made."""
    stored = stored_tree(snapshot)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    nodes = rangeproofs.needed_nodes(stored.users, stored.depth)
    return rangeproofs.ensure_proofs(stored, cache, bytes.fromhex(snapshot.root["root"]), nodes,
                                     workers=workers or os.cpu_count() or 1, progress=progress)


def prove_private_all(snapshot: Snapshot, out_path: Path, progress: Callable[[int], None] | None = None,
                      engine=None) -> int:
    """Write every user's proof as one bundle (por.private.container: magic, version, then u32 length || binary
    proof per user, in slot order); ``progress`` advances in users (total = user count).

    Node range proofs are made on all local cores, or on ``engine`` (a por.scale engine: a process pool or a Dask
    cluster) when given."""
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

    if engine is None:
        prove_all_nodes(snapshot, progress=node_progress)
    else:
        prove_nodes(engine, snapshot.dir, snapshot.secret_path, rangeproofs.needed_nodes(stored.users, stored.depth),
                    progress=node_progress)
    cache = rangeproofs.ProofCache(snapshot.operator, stored.tokens)
    table = snapshot.users
    ids, slots = table.column("user_id").to_pylist(), table.column("slot").to_pylist()
    written = 0
    with atomic_open(out_path, "wb") as out:
        out.write(container.bundle_header())
        for user_id, slot in zip(ids, slots, strict=True):
            out.write(container.bundle_entry(container.encode(_user_proof(snapshot, stored, cache, user_id, slot))))
            written += 1
    if progress and users_total > done[1]:
        progress(users_total - done[1])
    return written
