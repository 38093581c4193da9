"""The test vectors of docs/SPEC.md §13.9: an independent implementation must reproduce these bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from circuits import pedersen
from circuits.group import get_backend
from por.amounts import Token
from por.kdf import round_key
from por.private import keys, rangeproofs
from por.private.build import build_private
from por.private.envelope import record_size
from por.private.prove import prove_private_user_binary
from por.snapshot_store import Snapshot

SECRET_HEX = "8f4b1c2d3e5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
ROOT = "56dd2e999db8c7736fa4f5a19167dfbfb1739d2e8633d7d83037a227d618e7af"
COMMIT_A = ("b9a15b9fd0d2332b84aa9029945279e0954b9b6a4c02ebe8ca791c7f7a0cbbf3"
            "44941011eb9f65a778711853ef9dc5c1")


def test_key_derivation_vectors() -> None:
    prk = round_key(bytes.fromhex(SECRET_HEX), "vector-1")
    assert prk.hex() == "1529687eda63605db12a9c70e6ebc3684e1763467f8e1042507c3180230c1b29"
    assert keys.blinding(prk, 0, 0, 0) == 0x38D7EE65E7AEC4A4A5902F1CC46C19B2C9497CB833003BE807E891410EDC78B4
    assert keys.padding_hash(prk, 0, 3).hex() == "dcc3632fc8e850ed07fa1fdf2ef092cb35109de8369701ae84edebd080291c68"
    assert keys.salt(prk, 0).hex() == "6dfb7bd45da15710ab0663fb233d791b75c2972a8ccb593f27b34c022003208a"


def test_snapshot_vector_root_and_commitments(tmp_path: Path) -> None:
    secret = tmp_path / "s.hex"
    secret.write_text(SECRET_HEX)
    secret.chmod(0o600)
    result = build_private([Token("A", 0), Token("B", 2)], pa.array(["alice", "bob", "carol"], pa.large_string()),
                           np.array([[5, 100], [7, 0], [9, 250]], dtype=np.uint64), tmp_path / "snap",
                           secret_path=secret, round_id="vector-1", pad_to=4, workers=1)
    assert result.root["root"] == ROOT and result.root["depth"] == 2
    assert result.root["commitments"]["A"] == COMMIT_A


def test_root_commitment_opens_to_total_with_summed_blindings() -> None:
    prk = round_key(bytes.fromhex(SECRET_HEX), "vector-1")
    # depth 2, 3 users: root blinding = leaves 0..2 + padding leaf 3 (its parent (1, 1) is real).
    blinding = sum(keys.blinding(prk, 0, i, 0) for i in range(4)) % keys.ORDER
    be = get_backend("fast")
    assert be.compress(pedersen.commit(21, blinding, be)).hex() == COMMIT_A


def test_context_and_sizes() -> None:
    assert rangeproofs.context(bytes.fromhex(ROOT), 1, 1).hex() == (
        "706f722f76312f707269766174652d6e6f64652d72616e676500" + ROOT + "01" + "0000000000000001")
    assert rangeproofs.proof_bytes(10) == 1312 and rangeproofs.proof_bytes(2) == 1024
    assert record_size(10) == 32 + 480 + 1312


CONTAINER_PREFIX = (
    "89504f525052560a0002" "0008766563746f722d31" + ROOT + "02" "40" "0002" "000141" "00" "000142" "02"
    "0005616c696365" "6dfb7bd45da15710ab0663fb233d791b75c2972a8ccb593f27b34c022003208a" "0000000000000000"
    "0000000000000005" "0000000000000064"
    "38d7ee65e7aec4a4a5902f1cc46c19b2c9497cb833003be807e891410edc78b4"
    "243496db060b4f3021302116256782263a66186afa3070d843d18c4cc1dde0cb")


def test_binary_proof_vector_header_and_opening(tmp_path: Path) -> None:
    secret = tmp_path / "s.hex"
    secret.write_text(SECRET_HEX)
    secret.chmod(0o600)
    build_private([Token("A", 0), Token("B", 2)], pa.array(["alice", "bob", "carol"], pa.large_string()),
                  np.array([[5, 100], [7, 0], [9, 250]], dtype=np.uint64), tmp_path / "snap",
                  secret_path=secret, round_id="vector-1", pad_to=4, workers=1)
    data = prove_private_user_binary(Snapshot(tmp_path / "snap", secret_path=secret), "alice")
    assert data.hex().startswith(CONTAINER_PREFIX)
    assert len(data) == len(CONTAINER_PREFIX) // 2 + 2 * record_size(2) == 191 + 2 * 1152
