"""The test vectors of docs/SPEC.md §13.9: an independent implementation must reproduce these bytes, and the spec
quotes the same values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from circuits import pedersen
from circuits.group import get_backend
from por.amounts import Token
from por.kdf import round_key
from por.private import hashing, keys
from por.private.build import build_private
from por.private.prove import prove_private_user_binary
from por.private.rangeproofs import group_shape
from por.snapshot_store import Snapshot

SPEC = (Path(__file__).resolve().parent.parent / "docs" / "SPEC.md").read_text()
SECRET_HEX = "8f4b1c2d3e5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
ROUND = "vector-3"
PRK = "d211836fafcfa7ccc338442291291fb779db95e12e160011a00b7a37070a55bc"
BLINDING_0_0_0 = "324697665c599aa3d19270c1fdb83da566801b7a9effa33821a074772c7a4518"
BLINDING_0_0_1 = "377fa30861fdb68074ad03d391c18fe9399ce89e56246a97b342c4a61299baf4"
SALT_0 = "7dabb4961e8f68e451e07a7aa03f98cc3f787710085ce922a2723273abc45ce3"
PADDING_HASH_0_3 = "bdb364a28155913fcab4fad4e63b2aff6bf009c500aa837dd89a1faa334ba46f"
ROOT = "0c58e2dbf8d16656555d74777f2dd3ac6f9b41c6af476aac759860845a84a99b"
COMMIT_A = ("a651dd250fd1ffd2a80704f4bda1bd0da6c7e71aa42f6ce93357abe3171ab18f"
            "696bea1edcb8a687db9cc493118ef447")
CONTAINER_PREFIX = (
    "89504f525052560a0003" "0008766563746f722d33" + ROOT + "04" "02" "0002" "000141" "00" "08" "000142" "02" "10"
    "0005616c696365" + SALT_0 + "0000000000000000" "0000000000000005" "0000000000000064" + BLINDING_0_0_0
    + BLINDING_0_0_1)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    tmp = tmp_path_factory.mktemp("vectors")
    secret = tmp / "s.hex"
    secret.write_text(SECRET_HEX)
    secret.chmod(0o600)
    build_private([Token("A", 0), Token("B", 2)], pa.array(["alice", "bob", "carol"], pa.large_string()),
                  np.array([[5, 100], [7, 0], [9, 250]], dtype=np.uint64), tmp / "snap", secret_path=secret,
                  round_id=ROUND, pad_to=16, workers=1, range_bits={"A": 8, "B": 16})
    return Snapshot(tmp / "snap", secret_path=secret)


def test_key_derivation_vectors() -> None:
    prk = round_key(bytes.fromhex(SECRET_HEX), ROUND)
    assert prk.hex() == PRK
    assert f"{keys.blinding(prk, 0, 0, 0):064x}" == BLINDING_0_0_0
    assert f"{keys.blinding(prk, 0, 0, 1):064x}" == BLINDING_0_0_1
    assert keys.padding_hash(prk, 0, 3).hex() == PADDING_HASH_0_3
    assert keys.salt(prk, 0).hex() == SALT_0


def test_snapshot_vector_root_and_commitments(snapshot: Snapshot) -> None:
    root = snapshot.root
    assert root["root"] == ROOT and (root["arity"], root["depth"], root["leaf_count"]) == (4, 2, 16)
    assert root["tokens"] == [{"symbol": "A", "decimals": 0, "range_bits": 8},
                              {"symbol": "B", "decimals": 2, "range_bits": 16}]
    assert root["commitments"]["A"] == COMMIT_A


def test_root_commitment_opens_to_the_total_with_the_summed_blindings() -> None:
    prk = round_key(bytes.fromhex(SECRET_HEX), ROUND)
    # depth 2, 3 users: the root's blinding sums leaves 0..2 and padding leaf 3 (children of the real node (1, 0))
    # and the padding nodes (1, 1), (1, 2), (1, 3).
    blinding = (sum(keys.blinding(prk, 0, i, 0) for i in range(4))
                + sum(keys.blinding(prk, 1, i, 0) for i in range(1, 4))) % keys.ORDER
    be = get_backend("fast")
    assert be.compress(pedersen.commit(21, blinding, be)).hex() == COMMIT_A


def test_group_context_and_shape() -> None:
    assert hashing.group_context(bytes.fromhex(ROOT), 1, 0).hex() == (
        "706f722f76332f707269766174652d67726f757000" + ROOT + "01" + "0000000000000000")
    statement = group_shape([8, 16], 4)
    assert (statement.c, statement.k, statement.proof_bytes) == (3, 5, 960)  # 96 bits = 3·2^5
    assert group_shape([64] * 10, 4).proof_bytes == 1472 and group_shape([64] * 5, 4).proof_bytes == 1376


def test_binary_proof_vector_header_and_opening(snapshot: Snapshot) -> None:
    data = prove_private_user_binary(snapshot, "alice")
    assert data.hex().startswith(CONTAINER_PREFIX)
    assert len(data) == len(CONTAINER_PREFIX) // 2 + 2 * (3 * (32 + 96) + 960) == 193 + 2688


@pytest.mark.parametrize("value", [PRK, BLINDING_0_0_0, BLINDING_0_0_1, SALT_0, PADDING_HASH_0_3, ROOT, COMMIT_A])
def test_the_spec_quotes_the_vectors(value: str) -> None:
    assert value in SPEC.replace("\n", "")
