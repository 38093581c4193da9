"""The numpy/partitioned tree builder agrees with a direct transcription of the spec."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from por import layout
from por.hashing import user_hash
from por.kdf import derive, round_key
from por.plain import hashing
from por.plain.build import build_plain
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances

SECRET = bytes(range(1, 33))


def reference_root(ids: list[str], amounts: np.ndarray, round_id: str, tokens, pad_to: int = 0) -> bytes:
    """docs/SPEC.md written out leaf by leaf, without numpy tricks."""
    prk = round_key(SECRET, round_id)
    depth = layout.depth_for(len(ids), pad_to)
    slot_user = {int(s): i for i, s in enumerate(layout.user_slots(prk, depth, len(ids)))}
    level = []
    for slot in range(1 << depth):
        if slot in slot_user:
            i = slot_user[slot]
            uhash = user_hash(ids[i], derive(prk, "leaf-salt", slot))
            sums = [int(x) for x in amounts[i]]
        else:
            uhash, sums = derive(prk, "padding-user", slot), [0] * len(tokens)
        level.append((hashing.leaf_hash(uhash, sums), sums))
    height = 0
    while len(level) > 1:
        height += 1
        level = [(hashing.node_hash(height, lh, rh, ls, rs), [a + b for a, b in zip(ls, rs, strict=True)])
                 for (lh, ls), (rh, rs) in zip(level[0::2], level[1::2], strict=True)]
    top, totals = level[0]
    return hashing.root_hash("plain", round_id, depth, tokens, top, totals)


@pytest.mark.parametrize("users,pad_to", [(1, 0), (2, 0), (3, 0), (37, 0), (37, 200), (129, 0)])
def test_root_matches_reference_transcription_of_spec(tmp_path: Path, users: int, pad_to: int) -> None:
    tokens, ids, amounts = synthetic_balances(users, seed=users)
    secret = tmp_path / "s.hex"
    secret.write_text(SECRET.hex())
    secret.chmod(0o600)
    result = build_plain(tokens, ids, amounts, tmp_path / "out", secret_path=secret, round_id="R", pad_to=pad_to, workers=1)
    assert result.root["root"] == reference_root(ids.to_pylist(), amounts, "R", tokens, pad_to).hex()
    assert result.root["leaf_count"] == 1 << layout.depth_for(users, pad_to)


def test_partitioned_build_is_byte_identical_to_single_process(tmp_path: Path) -> None:
    tokens, ids, amounts = synthetic_balances(1000, seed=3)
    secret = tmp_path / "s.hex"
    secret.write_text(SECRET.hex())
    secret.chmod(0o600)
    roots = set()
    for workers in (1, 2, 4):
        out = tmp_path / f"w{workers}"
        roots.add(build_plain(tokens, ids, amounts, out, secret_path=secret, round_id="R", workers=workers).root["root"])
    assert len(roots) == 1


def test_padding_leaves_are_spread_not_appended(tmp_path: Path) -> None:
    prk = round_key(SECRET, "R")
    slots = layout.user_slots(prk, 12, 1000)  # 1000 users in 4096 leaves
    assert len(slots) == 1000 and len(set(slots.tolist())) == 1000
    assert slots.max() > 3000  # users reach the far end: the padding is not a visible block at the edge
    assert np.all(np.diff(slots) > 0)  # input order is kept


def test_layout_differs_between_rounds_and_secrets() -> None:
    a = layout.user_slots(round_key(SECRET, "R1"), 12, 1000)
    b = layout.user_slots(round_key(SECRET, "R2"), 12, 1000)
    c = layout.user_slots(round_key(bytes(range(2, 34)), "R1"), 12, 1000)
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_fresh_salts_every_round(tmp_path: Path, secret_file: Path) -> None:
    tokens, ids, amounts = synthetic_balances(50, seed=1)
    salts = []
    for round_id in ("R1", "R2"):
        build_plain(tokens, ids, amounts, tmp_path / round_id, secret_path=secret_file, round_id=round_id, workers=1)
        snap = Snapshot(tmp_path / round_id, secret_path=secret_file)
        salts.append(snap.salt(snap.slot_of(ids[0].as_py())))
    assert salts[0] != salts[1]


def test_snapshot_files_and_permissions(small_snapshot: Snapshot) -> None:
    root = read_root(small_snapshot.root_file)
    assert root["mode"] == "plain" and root["hash"] == "sha256" and root["leaf_count"] == 512
    assert set(root["totals"]) == {"BTC", "ETH", "USDT", "SOL", "DOGE"}
    assert (small_snapshot.dir / "operator").stat().st_mode & 0o077 == 0
    assert not list(small_snapshot.dir.glob(".staging-*"))


def test_user_ids_are_kept_exactly(tmp_path: Path, secret_file: Path) -> None:
    ids = pa.array(["ålice", " bob", "bob ", "键"], type=pa.large_string())
    amounts = np.array([[1], [2], [3], [4]], dtype=np.uint64)
    from por.amounts import Token

    build_plain([Token("BTC", 8)], ids, amounts, tmp_path / "o", secret_path=secret_file, round_id="R", workers=1)
    snap = Snapshot(tmp_path / "o", secret_path=secret_file)
    assert len({snap.slot_of(u) for u in ids.to_pylist()}) == 4


def test_prove_all_lines_equal_single_proofs(small_snapshot: Snapshot, tmp_path: Path) -> None:
    import json

    from por.plain.prove import prove_user, write_all_proofs

    count = write_all_proofs(small_snapshot, tmp_path / "all.jsonl", chunk=64)
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert count == len(lines) == 300
    for line in lines[::23]:
        proof = json.loads(line)
        assert proof == prove_user(small_snapshot, proof["user"]["id"])
        assert line == json.dumps(proof, separators=(",", ":"), ensure_ascii=False)


def test_prove_all_escapes_awkward_user_ids(tmp_path: Path, secret_file: Path) -> None:
    import json

    from por.amounts import Token
    from por.plain.prove import prove_user, write_all_proofs

    ids = pa.array(['quote"d', "back\\slash", "tab\there", "naïve"])
    build_plain([Token("X", 2)], ids, np.array([[1], [2], [3], [4]], dtype=np.uint64), tmp_path / "s",
                secret_path=secret_file, round_id="R", workers=1)
    snap = Snapshot(tmp_path / "s", secret_path=secret_file)
    write_all_proofs(snap, tmp_path / "all.jsonl")
    proofs = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert sorted(p["user"]["id"] for p in proofs) == sorted(ids.to_pylist())
    assert all(p == prove_user(snap, p["user"]["id"]) for p in proofs)


def test_prove_all_of_a_partitioned_snapshot_equals_single_proofs(tmp_path: Path, secret_file: Path) -> None:
    import json

    from por.plain.prove import prove_user, write_all_proofs
    from por.plain.tree import stored_tree

    tokens, ids, amounts = synthetic_balances(200, seed=5)
    build_plain(tokens, ids, amounts, tmp_path / "s", secret_path=secret_file, round_id="R", workers=4)
    snap = Snapshot(tmp_path / "s", secret_path=secret_file)
    assert stored_tree(snap).shape.partitions == 4
    write_all_proofs(snap, tmp_path / "all.jsonl", chunk=16)
    proofs = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert len(proofs) == 200
    assert all(p == prove_user(snap, p["user"]["id"]) for p in proofs[::7])


@pytest.mark.parametrize("block_leaves", [2, 8, 64])
def test_block_by_block_build_matches_the_reference(tmp_path: Path, monkeypatch, block_leaves: int) -> None:
    from por.plain import tree

    monkeypatch.setattr(tree, "BLOCK_LEAVES", block_leaves)
    tokens, ids, amounts = synthetic_balances(300, seed=11)
    secret = tmp_path / "s.hex"
    secret.write_text(SECRET.hex())
    secret.chmod(0o600)
    result = build_plain(tokens, ids, amounts, tmp_path / "out", secret_path=secret, round_id="R", workers=2)
    assert result.root["root"] == reference_root(ids.to_pylist(), amounts, "R", tokens).hex()
    snap = Snapshot(tmp_path / "out", secret_path=secret)
    from por.plain.prove import prove_user
    from por.plain.verify import verify_plain

    for user in ids.to_pylist()[::37]:
        assert verify_plain(prove_user(snap, user), snap.root, user_id=user).valid
