"""docs/SPEC.md's test vectors: the code reproduces them byte for byte, and the spec text quotes the same values."""

from __future__ import annotations

import json
import re
from pathlib import Path

from por import kdf
from por.hashing import user_hash
from por.plain import hashing
from por.plain.verify import verify_plain
from por.snapshot import read_root

HERE = Path(__file__).resolve().parent
VECTORS = HERE / "vectors" / "plain-v1"
SPEC = (HERE.parent / "docs" / "SPEC.md").read_text()


def spec_value(name: str) -> str:
    match = re.search(rf"^\| {re.escape(name)}[^|]*\| `([0-9a-f]{{64}})` \|$", SPEC, re.MULTILINE)
    assert match, f"SPEC.md has no vector row for {name}"
    return match.group(1)


def test_regenerating_the_vectors_reproduces_them_byte_for_byte(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(HERE / "vectors"))
    from generate_plain import generate

    generate(tmp_path)
    for name in ("root.json", "proof-alice.json"):
        assert (tmp_path / name).read_text() == (VECTORS / name).read_text(), name


def test_intermediate_values_quoted_in_the_spec() -> None:
    secret = bytes.fromhex((VECTORS / "master-secret.hex").read_text().strip())
    prk = kdf.round_key(secret, "2026-11-25T00:00:00Z")
    assert prk.hex() == spec_value("`round_key`")
    salt = kdf.derive(prk, "leaf-salt", 0)
    assert salt.hex() == spec_value("alice's salt")
    uhash = user_hash("alice", salt)
    assert uhash.hex() == spec_value("alice's `user_hash`")
    assert hashing.leaf_hash(uhash, [150_000_000, 250_000_000]).hex() == spec_value("alice's leaf")
    assert read_root(VECTORS / "root.json")["root"] == spec_value("`root`")


def test_vector_proof_verifies_and_its_tampered_copy_does_not() -> None:
    root = read_root(VECTORS / "root.json")
    proof = json.loads((VECTORS / "proof-alice.json").read_text())
    assert verify_plain(proof, root, user_id="alice").valid
    proof["user"]["balances"]["BTC"] = "1.50000001"
    assert not verify_plain(proof, root, user_id="alice").valid
