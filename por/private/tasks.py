"""Private-mode group range proofs as engine tasks: batches of node ids in, proof bytes out, cached by the
coordinator.

A task gets the snapshot directory, the secret file's path and a batch of (height, index) node ids; it opens the
stored private tree itself (shared file system) and proves the children of each node with
``por.private.rangeproofs.prove_group``. Neither the master secret nor any balance passes through the coordinator,
only the ~1.4 kB proofs, which it writes into the snapshot's proof cache window by window (so memory stays bounded
by one window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from por.private import rangeproofs
from por.private.tree import stored_tree
from por.scale.engine import Engine
from por.snapshot import root_widths
from por.snapshot_store import Snapshot

BATCH_NODES = 8  # nodes per task: amortises opening the tree, keeps retries cheap
WINDOW_BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class NodeBatch:
    snapshot_dir: str
    secret_path: str
    nodes: list[tuple[int, int]]


def prove_group_batch(batch: NodeBatch) -> list[bytes]:
    snapshot = Snapshot(batch.snapshot_dir, secret_path=batch.secret_path)
    stored = stored_tree(snapshot)
    root = bytes.fromhex(snapshot.root["root"])
    widths = root_widths(snapshot.root)
    return [rangeproofs.prove_group(stored, widths, root, h, i) for h, i in batch.nodes]


def prove_groups(engine: Engine, snapshot_dir: str | Path, secret_path: str | Path, nodes: list[tuple[int, int]], *,
                 batch_nodes: int = BATCH_NODES, progress: Callable[[int], None] | None = None) -> int:
    """Prove and cache the children of the given nodes that have no cached proof yet; returns how many were
    proved."""
    snapshot = Snapshot(snapshot_dir, secret_path=secret_path)
    cache = rangeproofs.cache_for(stored_tree(snapshot, with_secret=False), root_widths(snapshot.root))
    todo = cache.missing(nodes)
    window = batch_nodes * WINDOW_BATCHES_PER_WORKER * engine.workers
    for start in range(0, len(todo), window):
        chunk = todo[start : start + window]
        batches = [NodeBatch(str(Path(snapshot_dir).absolute()), str(Path(secret_path).absolute()),
                             chunk[i : i + batch_nodes]) for i in range(0, len(chunk), batch_nodes)]
        proofs = engine.map(prove_group_batch, batches)
        cache.put_many((h, i, proof) for b, made in zip(batches, proofs, strict=True)
                       for (h, i), proof in zip(b.nodes, made, strict=True))
        if progress is not None:
            progress(len(chunk))
    return len(todo)
