"""Attacks on private-mode (v3) proofs: each must make verification fail (exit 1), never pass."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from circuits import pedersen
from circuits.group import get_backend
from circuits.rangeproof import _prove
from circuits.scalars import ORDER
from por.amounts import Token
from por.cli import cli
from por.errors import InputError, WeakSecretError
from por.hashing import user_hash
from por.kdf import round_key
from por.private import container, hashing, keys
from por.private.build import build_private
from por.private.container import PrivateProof, Sibling
from por.private.prove import private_user_proof
from por.private.rangeproofs import group_shape
from por.private.verify import verify_private
from por.publish import root_document
from por.snapshot_store import Snapshot

BE = get_backend("fast")
TOKENS = [Token("USD", 2)]
SALT = bytes(range(32))
ARITY = 4


def _enc(value: int, blind: int) -> bytes:
    return BE.compress(pedersen.commit(value % ORDER, blind % ORDER, BE))


def forge_tree(leaf_values: list[int], width: int = 64, round_id: str = "R1") -> tuple[dict, PrivateProof]:
    """A dishonest operator's depth-2, 4-ary tree (one token, 16 leaves) with arbitrary, possibly negative or
    oversized, leaf values; group range proofs come from the raw prover, which happily 'proves' out-of-range
    values. Returns (root, proof of the user at slot 0, "victim")."""
    values = leaf_values + [0] * (16 - len(leaf_values))
    blinds = [1000 + i for i in range(16)]
    leaves = [(hashing.leaf_hash(user_hash("victim" if i == 0 else f"x{i}", SALT), _enc(v, r)), v, r)
              for i, (v, r) in enumerate(zip(values, blinds, strict=True))]
    parents = []
    for p in range(4):
        kids = leaves[4 * p:4 * p + 4]
        parents.append((hashing.node_hash(1, [k[0] for k in kids], [_enc(k[1], k[2]) for k in kids]),
                        sum(k[1] for k in kids), sum(k[2] for k in kids)))
    top = (hashing.node_hash(2, [k[0] for k in parents], [_enc(k[1], k[2]) for k in parents]),
           sum(k[1] for k in parents), sum(k[2] for k in parents))
    root_hash = hashing.root_hash(round_id, ARITY, 2, TOKENS, [width], top[0], _enc(top[1], top[2]))
    root = root_document("private", round_id, TOKENS, 2, root_hash, version=3, arity=ARITY,
                         token_fields=[{"range_bits": width}], commitments={"USD": _enc(top[1], top[2]).hex()})
    statement = group_shape([width], ARITY)
    levels = []
    for height, (kids, parent) in enumerate(((leaves[:4], 0), (parents, 0))):
        proof, _ = _prove(BE, statement, [k[1] % ORDER for k in kids], [k[2] for k in kids],
                          hashing.group_context(root_hash, height + 1, parent), None)
        siblings = [Sibling(k[0], _enc(k[1], k[2])) for k in kids[1:]]
        levels.append((siblings, proof.to_bytes()))
    proof = PrivateProof(round_id, root_hash, ARITY, 2, TOKENS, [width], "victim", SALT, 0, [values[0] % (1 << 64)],
                         [blinds[0]], levels)
    return root, proof


def _failed(verdict) -> list[str]:
    return [c.name for c in verdict.failures]


def test_forged_tree_with_honest_values_verifies() -> None:
    root, proof = forge_tree([500, 300, 200, 100, 7, 8])
    verdict = verify_private(proof, root, user_id="victim")
    assert verdict.valid, verdict.failures  # the forger itself is sound: the attacks below are real


def test_negative_sibling_leaf_is_rejected() -> None:
    root, proof = forge_tree([500, -500, 200, 100])
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and _failed(verdict) == ["range proofs"]


def test_negative_sibling_subtree_is_rejected() -> None:
    # Path-only range proofs would pass here: every path node sum is non-negative, the sibling subtree is −700.
    root, proof = forge_tree([500, 300, 200, 100, -800, 100])
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and _failed(verdict) == ["range proofs"]


def test_sibling_value_above_the_published_width_is_rejected() -> None:
    root, proof = forge_tree([5, 300, 2, 1], width=8)  # 300 ≥ 2^8, though positive
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and _failed(verdict) == ["range proofs"]
    root, proof = forge_tree([5, 200, 2, 1], width=8)  # every node (the total too) below 2^8
    assert verify_private(proof, root, user_id="victim").valid


def test_own_balance_above_the_published_width_is_rejected() -> None:
    root, proof = forge_tree([256, 3, 2, 1], width=8)
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and _failed(verdict) == ["own balances"]


def test_widths_relabelled_in_the_proof_do_not_match_the_root() -> None:
    root, proof = forge_tree([5, 3, 2, 1], width=8)
    relabelled = dataclasses.replace(proof, widths=[64])
    verdict = verify_private(relabelled, root, user_id="victim")
    assert not verdict.valid and _failed(verdict) == ["tokens"]
    with pytest.raises(InputError, match="truncated"):  # the bytes no longer have the size the widths imply
        container.decode(container.encode(relabelled))


@pytest.fixture
def honest(tmp_path: Path, secret_file: Path) -> tuple[Snapshot, PrivateProof]:
    amounts = np.array([[5, 1], [7, 2], [9, 3], [11, 4], [13, 5], [1, 1]], dtype=np.uint64)
    ids = pa.array([f"u{i}" for i in range(6)], pa.large_string())
    build_private([Token("A", 0), Token("B", 0)], ids, amounts, tmp_path / "snap", secret_path=secret_file,
                  round_id="R1", pad_to=64, workers=1, range_bits={"A": 16, "B": 8})
    snapshot = Snapshot(tmp_path / "snap", secret_path=secret_file)
    return snapshot, private_user_proof(snapshot, "u2")


def _with_sibling(proof: PrivateProof, height: int, j: int, **changes) -> PrivateProof:
    levels = [(list(siblings), group) for siblings, group in proof.levels]
    levels[height][0][j] = dataclasses.replace(levels[height][0][j], **changes)
    return dataclasses.replace(proof, levels=levels)


def test_substituted_sibling_commitment_is_rejected(honest) -> None:
    snapshot, proof = honest
    forged = _with_sibling(proof, 1, 0, commitments=_enc(0, 12345) + _enc(0, 999))
    verdict = verify_private(forged, snapshot.root, user_id="u2")
    assert not verdict.valid and "root hash" in _failed(verdict)


def test_identity_point_commitment_is_rejected(honest) -> None:
    snapshot, proof = honest
    forged = _with_sibling(proof, 0, 1, commitments=BE.compress(BE.identity()) * 2)
    verdict = verify_private(forged, snapshot.root, user_id="u2")
    assert not verdict.valid and _failed(verdict)[0] == "level 0 commitments"


def test_group_proof_taken_from_another_node_is_rejected(honest) -> None:
    snapshot, proof = honest
    other = private_user_proof(snapshot, "u5")  # u5's level-0 group is node (1, 1): a different node
    levels = list(proof.levels)
    levels[0] = (levels[0][0], other.levels[0][1])
    verdict = verify_private(dataclasses.replace(proof, levels=levels), snapshot.root, user_id="u2")
    assert not verdict.valid and _failed(verdict) == ["range proofs"]


def test_group_proof_moved_to_another_level_is_rejected(honest) -> None:
    snapshot, proof = honest
    levels = list(proof.levels)
    levels[1], levels[2] = (levels[1][0], levels[2][1]), (levels[2][0], levels[1][1])
    verdict = verify_private(dataclasses.replace(proof, levels=levels), snapshot.root, user_id="u2")
    assert not verdict.valid and _failed(verdict) == ["range proofs"]


def test_proof_replayed_from_another_round_is_rejected(honest, tmp_path: Path, secret_file: Path) -> None:
    snapshot, proof = honest
    build_private([Token("A", 0), Token("B", 0)], pa.array([f"u{i}" for i in range(6)], pa.large_string()),
                  np.array([[5, 1], [7, 2], [9, 3], [11, 4], [13, 5], [1, 1]], dtype=np.uint64), tmp_path / "r2",
                  secret_path=secret_file, round_id="R2", pad_to=64, workers=1, range_bits={"A": 16, "B": 8})
    next_root = Snapshot(tmp_path / "r2", secret_path=secret_file).root
    verdict = verify_private(proof, next_root, user_id="u2")
    assert not verdict.valid and {"round"} <= set(_failed(verdict))
    relabelled = dataclasses.replace(proof, round="R2", root=bytes.fromhex(next_root["root"]))
    assert not verify_private(relabelled, next_root, user_id="u2").valid


def test_opening_of_another_user_is_rejected(honest, tmp_path: Path) -> None:
    snapshot, proof = honest
    assert not verify_private(proof, snapshot.root, user_id="u3").valid
    renamed = dataclasses.replace(proof, user_id="u3")
    verdict = verify_private(renamed, snapshot.root, user_id="u3")
    assert not verdict.valid and "root hash" in _failed(verdict)
    (tmp_path / "p.bin").write_bytes(container.encode(renamed))
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "p.bin"), "--root", str(snapshot.root_file),
                                      "--user", "u3"])
    assert result.exit_code == 1


def test_a_legacy_proof_is_not_accepted_for_a_v3_root(honest) -> None:
    snapshot, _ = honest
    legacy = (Path(__file__).parent / "vectors" / "private-v2" / "small-alice.bin").read_bytes()
    verdict = verify_private(legacy, snapshot.root, user_id="alice")
    assert not verdict.valid and _failed(verdict) == ["proof version"]


def test_build_refuses_a_width_the_total_does_not_fit(tmp_path: Path, secret_file: Path) -> None:
    with pytest.raises(InputError, match="the total of A needs 9 bits but its range width is 8"):
        build_private([Token("A", 0)], pa.array(["a", "b"], pa.large_string()),
                      np.array([[200], [100]], dtype=np.uint64), tmp_path / "snap", secret_path=secret_file,
                      round_id="R1", range_bits={"A": 8})
    assert not (tmp_path / "snap").exists()


def test_master_secret_under_128_bits_is_refused(tmp_path: Path) -> None:
    weak = tmp_path / "weak.hex"
    weak.write_text("0123456789abcdef\n")
    weak.chmod(0o600)
    with pytest.raises(WeakSecretError):
        build_private(TOKENS, pa.array(["a"], pa.large_string()), np.array([[1]], dtype=np.uint64),
                      tmp_path / "snap", secret_path=weak, round_id="R1")
    assert not (tmp_path / "snap").exists()


def test_blindings_and_commitments_differ_across_rounds(tmp_path: Path, secret_file: Path) -> None:
    secret = bytes.fromhex(secret_file.read_text().strip())
    prk1, prk2 = round_key(secret, "R1"), round_key(secret, "R2")
    assert keys.blinding(prk1, 0, 0, 0) != keys.blinding(prk2, 0, 0, 0)
    roots = []
    for round_id in ("R1", "R2"):
        build_private(TOKENS, pa.array(["a", "b"], pa.large_string()), np.array([[1], [2]], dtype=np.uint64),
                      tmp_path / round_id, secret_path=secret_file, round_id=round_id, workers=1)
        roots.append(Snapshot(tmp_path / round_id, secret_path=secret_file).root["commitments"]["USD"])
    assert roots[0] != roots[1]


def test_padding_siblings_look_like_real_subtrees(honest) -> None:
    snapshot, _ = honest
    proof = private_user_proof(snapshot, "u5")  # level 0: u4 and padding leaves 6, 7; level 1: padding (1, 2), (1, 3)
    assert verify_private(proof, snapshot.root, user_id="u5").valid
    for siblings, _ in proof.levels:
        for sibling in siblings:
            points = [sibling.commitments[48 * t:48 * (t + 1)] for t in range(2)]
            assert sibling.hash != bytes(32) and all(not BE.is_identity(BE.decompress(p)) for p in points)


def test_operator_files_are_0600_and_operator_is_0700(honest) -> None:
    snapshot, _ = honest
    assert (snapshot.operator.stat().st_mode & 0o777) == 0o700
    for path in snapshot.operator.rglob("*"):
        if path.is_file() and path.name != ".lock":
            assert path.stat().st_mode & 0o077 == 0, path
