"""Attacks on private-mode proofs: each must make verification fail (exit 1), never pass."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from circuits import pedersen
from circuits.group import get_backend
from circuits.rangeproof import _prove
from circuits.scalars import ORDER
from por.amounts import Token, format_amount
from por.cli import cli
from por.errors import WeakSecretError
from por.hashing import user_hash
from por.kdf import round_key
from por.private import hashing, keys, rangeproofs
from por.private.build import build_private
from por.private.envelope import b64, envelope, record_size
from por.private.prove import prove_private_user
from por.private.verify import verify_private
from por.publish import root_document
from por.snapshot_store import Snapshot

BE = get_backend("fast")
TOKENS = [Token("USD", 2)]
SALT = bytes(range(32))


def _enc(values: list[int], blinds: list[int]) -> bytes:
    return b"".join(BE.compress(pedersen.commit(v % ORDER, r, BE)) for v, r in zip(values, blinds, strict=True))


def forge_tree(leaf_values: list[int], round_id: str = "R1") -> tuple[dict, dict]:
    """A dishonest operator's depth-2 tree (one token) with arbitrary, possibly negative, leaf values; node range
    proofs are produced by the raw prover, which happily 'proves' out-of-range values. Returns (root, proof of
    the user at slot 0, "victim")."""
    blinds = [1000 + i for i in range(4)]
    ids = ["victim", "x1", "x2", "x3"]
    level = [(hashing.leaf_hash(user_hash(u, SALT), _enc([v], [r])), v, r)
             for u, v, r in zip(ids, leaf_values, blinds, strict=True)]
    levels = [level]
    for h in range(2):
        level = [(hashing.node_hash(h + 1, a[0], b[0], _enc([a[1]], [a[2]]), _enc([b[1]], [b[2]])), a[1] + b[1],
                  a[2] + b[2]) for a, b in zip(level[0::2], level[1::2], strict=True)]
        levels.append(level)
    top = levels[2][0]
    root_hash = hashing.root_hash(round_id, 2, TOKENS, top[0], _enc([top[1]], [top[2]]))
    root = root_document("private", round_id, TOKENS, 2, root_hash,
                         commitments={"USD": _enc([top[1]], [top[2]]).hex()})
    records = []
    for h, i in ((0, 1), (1, 1)):
        node_hash, value, blind = levels[h][i]
        proof, _ = _prove(BE, [value % ORDER], [blind], 64, rangeproofs.context(root_hash, h, i), None)
        records.append(node_hash + _enc([value], [blind]) + proof.to_bytes())
    user = {"id": "victim", "salt": SALT.hex(), "balances": {"USD": format_amount(leaf_values[0], 2)},
            "blindings": b64(blinds[0].to_bytes(32, "big"))}
    return root, envelope(root, user, 0, records)


def test_forged_tree_with_honest_values_verifies() -> None:
    root, proof = forge_tree([500, 300, 200, 100])
    assert verify_private(proof, root, user_id="victim").valid  # the forger itself is sound: attacks below are real


def test_negative_leaf_sibling_is_rejected() -> None:
    root, proof = forge_tree([500, -500, 200, 100])
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and [c.name for c in verdict.failures] == ["range proofs"]


def test_negative_sibling_subtree_is_rejected() -> None:
    # Path-only range proofs would pass here: every path node sum is non-negative, the sibling subtree is −700.
    root, proof = forge_tree([500, 300, -800, 100])
    verdict = verify_private(proof, root, user_id="victim")
    assert not verdict.valid and [c.name for c in verdict.failures] == ["range proofs"]


def test_own_leaf_with_negative_balance_is_rejected() -> None:
    root, proof = forge_tree([500, 300, 200, 100])
    proof["user"]["balances"]["USD"] = "-5.00"
    assert not verify_private(proof, root, user_id="victim").valid


@pytest.fixture
def honest(tmp_path: Path, secret_file: Path) -> tuple[Snapshot, dict]:
    amounts = np.array([[5, 1], [7, 2], [9, 3], [11, 4], [13, 5]], dtype=np.uint64)
    ids = pa.array([f"u{i}" for i in range(5)], pa.large_string())
    build_private([Token("A", 0), Token("B", 0)], ids, amounts, tmp_path / "snap", secret_path=secret_file,
                  round_id="R1", pad_to=8, workers=1)
    snapshot = Snapshot(tmp_path / "snap", secret_path=secret_file)
    return snapshot, prove_private_user(snapshot, "u2")


def _edit_record(proof: dict, height: int, start: int, new: bytes) -> dict:
    blob = bytearray(base64.b64decode(proof["siblings"]))
    offset = height * record_size(2) + start
    blob[offset:offset + len(new)] = new
    return {**proof, "siblings": base64.b64encode(bytes(blob)).decode()}


def test_substituted_sibling_commitment_is_rejected(honest) -> None:
    snapshot, proof = honest
    forged = _edit_record(proof, 1, 32, BE.compress(pedersen.commit(0, 12345, BE)))
    verdict = verify_private(forged, snapshot.root, user_id="u2")
    assert not verdict.valid and "root hash" in [c.name for c in verdict.failures]


def test_identity_point_commitment_is_rejected(honest) -> None:
    snapshot, proof = honest
    forged = _edit_record(proof, 0, 32, BE.compress(BE.identity()))
    verdict = verify_private(forged, snapshot.root, user_id="u2")
    assert not verdict.valid and verdict.failures[0].name == "sibling 0 commitments"


def test_range_proof_taken_from_another_node_is_rejected(honest) -> None:
    snapshot, proof = honest
    other = prove_private_user(snapshot, "u0")  # u0's sibling at height 1 is node (1, 1): u2's path node
    size, start = record_size(2), 32 + 96
    other_proof = base64.b64decode(other["siblings"])[size + start:2 * size]
    forged = _edit_record(proof, 1, start, other_proof)
    verdict = verify_private(forged, snapshot.root, user_id="u2")
    assert not verdict.valid and [c.name for c in verdict.failures] == ["range proofs"]


def test_proof_replayed_from_another_round_is_rejected(honest, tmp_path: Path, secret_file: Path) -> None:
    snapshot, proof = honest
    build_private([Token("A", 0), Token("B", 0)], pa.array([f"u{i}" for i in range(5)], pa.large_string()),
                  np.array([[5, 1], [7, 2], [9, 3], [11, 4], [13, 5]], dtype=np.uint64), tmp_path / "r2",
                  secret_path=secret_file, round_id="R2", pad_to=8, workers=1)
    next_root = Snapshot(tmp_path / "r2", secret_path=secret_file).root
    verdict = verify_private(proof, next_root, user_id="u2")
    assert not verdict.valid and {"round", "root hash"} <= {c.name for c in verdict.failures}
    relabelled = {**proof, "round": "R2", "root": next_root["root"]}
    assert not verify_private(relabelled, next_root, user_id="u2").valid


def test_opening_of_another_user_is_rejected(honest, tmp_path: Path) -> None:
    snapshot, proof = honest
    assert not verify_private(proof, snapshot.root, user_id="u3").valid
    renamed = {**proof, "user": {**proof["user"], "id": "u3"}}
    verdict = verify_private(renamed, snapshot.root, user_id="u3")
    assert not verdict.valid and "root hash" in [c.name for c in verdict.failures]
    (tmp_path / "p.json").write_text(json.dumps(renamed))
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "p.json"), "--root", str(snapshot.root_file),
                                      "--user", "u3"])
    assert result.exit_code == 1


def test_master_secret_under_128_bits_is_refused(tmp_path: Path) -> None:
    weak = tmp_path / "weak.hex"
    weak.write_text("0123456789abcdef\n")
    weak.chmod(0o600)
    with pytest.raises(WeakSecretError):
        build_private(TOKENS, pa.array(["a"], pa.large_string()), np.array([[1]], dtype=np.uint64),
                      tmp_path / "snap", secret_path=weak, round_id="R1")
    assert not (tmp_path / "snap" / "public" / "root.json").exists()


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
    proof = prove_private_user(snapshot, "u4")  # siblings: padding leaf 5, padding node (1, 3), real node (2, 0)
    assert verify_private(proof, snapshot.root, user_id="u4").valid
    blob = base64.b64decode(proof["siblings"])
    size = record_size(2)
    for height in range(3):
        record = blob[height * size:(height + 1) * size]
        points = [record[32 + 48 * t:80 + 48 * t] for t in range(2)]
        assert record[:32] != bytes(32) and all(not BE.is_identity(BE.decompress(p)) for p in points)
