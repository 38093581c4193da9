"""Group range proofs made as engine tasks land in the snapshot's cache and make valid user proofs."""

from __future__ import annotations

from pathlib import Path

from por.private import rangeproofs
from por.private.build import build_private
from por.private.prove import private_user_proof
from por.private.tasks import prove_groups
from por.private.tree import stored_tree
from por.private.verify import verify_private
from por.scale.engine import LocalEngine
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances
from tests.test_scale_build import ROUND, write_secret_file


def test_engine_proved_groups_are_cached_and_verify(tmp_path: Path) -> None:
    secret = write_secret_file(tmp_path)
    tokens, ids, amounts = synthetic_balances(9, seed=9)
    build_private(tokens[:2], ids, amounts[:, :2], tmp_path / "snap", secret_path=secret, round_id=ROUND, workers=1)
    snapshot = Snapshot(tmp_path / "snap", secret_path=secret)
    stored = stored_tree(snapshot)
    groups = rangeproofs.needed_groups(stored.shape)
    assert groups == [(1, 0), (1, 1), (1, 2), (2, 0)]  # 9 users in a 4-ary tree of depth 2
    assert prove_groups(LocalEngine(2), tmp_path / "snap", secret, groups, batch_nodes=2) == len(groups)
    cache = rangeproofs.cache_for(stored, [64, 64])
    assert cache.missing(groups) == []
    assert prove_groups(LocalEngine(2), tmp_path / "snap", secret, groups) == 0  # made once, never again
    root = read_root(tmp_path / "snap" / "public" / "root.json")
    for index in (0, 8):
        assert verify_private(private_user_proof(snapshot, ids[index].as_py()), root).valid
