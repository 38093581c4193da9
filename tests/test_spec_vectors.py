"""docs/SPEC.md's test vectors: the code reproduces them byte for byte, and the spec text quotes the same values."""

from __future__ import annotations

import json
import re
from pathlib import Path

from por import kdf
from por.hashing import user_hash
from por.plain import hashing
from por.plain.verify import verify_plain
from por.snapshot import read_root, rounds_up

HERE = Path(__file__).resolve().parent
VECTORS = HERE / "vectors" / "plain-v2"
VECTORS_V1 = HERE / "vectors" / "plain-v1"
SPEC = (HERE.parent / "docs" / "SPEC.md").read_text()


def spec_value(name: str) -> str:
    match = re.search(rf"^\| {re.escape(name)}[^|]*\| `([0-9a-f]{{64}})` \|$", SPEC, re.MULTILINE)
    assert match, f"SPEC.md has no vector row for {name}"
    return match.group(1)


def test_regenerating_the_vectors_reproduces_them_byte_for_byte(tmp_path: Path) -> None:
    _generator().generate(tmp_path)
    for name in ("input.csv", "root.json", "proof-alice.json"):
        assert (tmp_path / name).read_text() == (VECTORS / name).read_text(), name


def _generator():
    import sys

    sys.path.insert(0, str(HERE / "vectors"))
    import generate_plain

    return generate_plain


def test_intermediate_values_quoted_in_the_spec() -> None:
    secret = bytes.fromhex((VECTORS / "master-secret.hex").read_text().strip())
    prk = kdf.round_key(secret, "2026-11-25T00:00:00Z")
    assert prk.hex() == spec_value("`round_key`")
    salt = kdf.derive(prk, "leaf-salt", 0)
    assert salt.hex() == spec_value("alice's salt")
    uhash = user_hash("alice", salt)
    assert uhash.hex() == spec_value("alice's `user_hash`")
    assert hashing.leaf_hash(uhash, [150_000_000, 250_000_000]).hex() == spec_value("alice's leaf")
    assert read_root(VECTORS_V1 / "root.json")["root"] == spec_value("`root` of plain-v1")
    assert read_root(VECTORS / "root.json")["root"] == spec_value("`root` of plain-v2")


def test_version_1_vectors_are_kept_as_published_and_still_verify() -> None:
    root = read_root(VECTORS_V1 / "root.json")
    assert root["version"] == 1 and "rounding" not in root and not rounds_up(root)
    assert (VECTORS_V1 / "input.csv").read_text() == _generator().INPUT_V1
    proof = json.loads((VECTORS_V1 / "proof-alice.json").read_text())
    assert verify_plain(proof, root, user_id="alice").valid


def test_version_2_adds_only_the_rounding_field_and_keeps_the_digest(tmp_path: Path) -> None:
    """The same export built today: root.json differs from the version-1 vector only by version and rounding,
    and the proof (which copies round, root, depth and tokens) is byte-identical."""
    from por.ingest import load_balances, parse_decimals
    from por.plain.build import build_plain
    from por.plain.prove import prove_user
    from por.snapshot_store import Snapshot

    secret = tmp_path / "secret.hex"
    secret.write_text((VECTORS_V1 / "master-secret.hex").read_text())
    secret.chmod(0o600)
    balances = load_balances(VECTORS_V1 / "input.csv", decimals=parse_decimals(["BTC=8", "ETH=9"]))
    root = build_plain(balances.tokens, balances.user_ids, balances.amounts, tmp_path / "snap", secret_path=secret,
                       round_id=_generator().ROUND, workers=1).root
    v1 = json.loads((VECTORS_V1 / "root.json").read_text())
    assert {**v1, "version": 2, "rounding": "exact"} == root
    proof = prove_user(Snapshot(tmp_path / "snap", secret_path=secret), "alice")
    assert json.dumps(proof, indent=2) + "\n" == (VECTORS_V1 / "proof-alice.json").read_text()


def test_vector_proof_verifies_and_its_tampered_copy_does_not() -> None:
    root = read_root(VECTORS / "root.json")
    assert root["rounding"] == "up" and root["totals"]["ETH"] == "1000.37345679"  # bob's 0.0000000001 rounded up
    proof = json.loads((VECTORS / "proof-alice.json").read_text())
    assert verify_plain(proof, root, user_id="alice").valid
    proof["user"]["balances"]["BTC"] = "1.50000001"
    assert not verify_plain(proof, root, user_id="alice").valid
