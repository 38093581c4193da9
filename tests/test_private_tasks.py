"""Node range proofs made as engine tasks land in the snapshot's cache and make valid user proofs."""

from __future__ import annotations

from pathlib import Path

from por.private import rangeproofs
from por.private.build import build_private
from por.private.prove import prove_private_user
from por.private.tasks import prove_nodes
from por.private.verify import verify_private
from por.scale.engine import LocalEngine
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances
from tests.test_scale_build import ROUND, write_secret_file


def test_engine_proved_nodes_are_cached_and_verify(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = synthetic_balances(5, seed=9)
    build_private(tokens[:2], ids, amounts[:, :2], tmp_path / "snap", secret_path=secret, round_id=ROUND, workers=1)
    snapshot = Snapshot(tmp_path / "snap", secret_path=secret)
    nodes = rangeproofs.needed_nodes(5, snapshot.meta["depth"])
    assert prove_nodes(LocalEngine(2), tmp_path / "snap", secret, nodes, batch_nodes=3) == len(nodes)
    cache = rangeproofs.ProofCache(snapshot.operator, 2)
    assert cache.missing(nodes) == []
    assert prove_nodes(LocalEngine(2), tmp_path / "snap", secret, nodes) == 0  # made once, never again
    root = read_root(tmp_path / "snap" / "public" / "root.json")
    for index in (0, 4):
        assert verify_private(prove_private_user(snapshot, ids[index].as_py()), root).valid
