"""The version-3 binary private proof container: round trip, verification through the library and the CLI, that
every malformed byte string is bad input (exit 2, one sentence) or an invalid proof (exit 1), never valid — and
that proofs of the earlier versions (frozen in tests/vectors/private-v2) still verify against their own roots."""

from __future__ import annotations

import dataclasses
import json
import struct
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from por.amounts import Token
from por.cli import cli
from por.errors import InputError
from por.formats import native
from por.private import container
from por.private.build import build_private
from por.private.container import PrivateProof, Sibling
from por.private.legacy.container import LegacyProof
from por.private.prove import (
    private_user_proof,
    prove_private_all,
    prove_private_user_binary,
    write_private_user_proof,
)
from por.private.rangeproofs import group_shape
from por.private.verify import verify_private
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from tests.conftest import SECRET_HEX

TOKENS = [Token("BTC", 8), Token("ETH", 6)]
IDS = ["alice", "bob", "carol", "dave"]
LEGACY = Path(__file__).parent / "vectors" / "private-v2"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    tmp = tmp_path_factory.mktemp("container")
    secret = tmp / "secret.hex"
    secret.write_text(SECRET_HEX + "\n")
    secret.chmod(0o600)
    amounts = np.array([[5, 0], [7, 3_000_000], [0, 11], [2**40, 1]], dtype=np.uint64)
    build_private(TOKENS, pa.array(IDS, pa.large_string()), amounts, tmp / "snap", secret_path=secret,
                  round_id="R1", pad_to=16, workers=1, range_bits={"BTC": 48, "ETH": 32})
    return Snapshot(tmp / "snap", secret_path=secret)


@pytest.fixture(scope="module")
def binary(snapshot: Snapshot) -> bytes:
    return prove_private_user_binary(snapshot, "bob")


def _verify_cli(proof: Path, root: Path, *extra: str):
    return CliRunner().invoke(cli, ["verify", str(proof), "--root", str(root), *extra])


def _path_start(proof: PrivateProof) -> int:
    """Offset of the first level in the encoded proof."""
    return len(container.encode(dataclasses.replace(proof, levels=[], depth=0)))


def test_binary_proof_round_trips_and_verifies_with_both_backends(snapshot: Snapshot, binary: bytes) -> None:
    decoded = container.decode(binary)
    assert container.encode(decoded) == binary
    assert decoded == private_user_proof(snapshot, "bob")
    assert decoded.arity == 4 and decoded.widths == [48, 32] and len(decoded.levels) == 2
    fast = verify_private(binary, snapshot.root, user_id="bob", backend="fast")
    assert fast.valid, fast.failures
    assert fast.balances == {"BTC": "0.00000007", "ETH": "3"} and fast.info["encoding"] == "binary v3"
    assert verify_private(decoded, snapshot.root, user_id="bob", backend="pure").valid


def test_the_proof_size_at_capacity_2_20_with_10_tokens_meets_the_32_kb_goal() -> None:
    tokens = [Token(f"T{t}", 8) for t in range(10)]
    widths = [64] * 10
    group = group_shape(widths, 4).proof_bytes
    siblings = [Sibling(bytes(32), bytes(48 * 10))] * 3
    proof = PrivateProof("2026-11-25T00:00:00Z", bytes(32), 4, 10, tokens, widths, "user-123456", bytes(32), 7,
                         [10**12] * 10, [1] * 10, [(siblings, bytes(group))] * 10)
    size = len(container.encode(proof))
    assert group == 288 + 96 * 9 + 64 * 5  # 2,560 bits = 5·2^9
    assert size <= 32_000 and size - 10 * (3 * 512 + group) < 700  # header + opening are a few hundred bytes


def test_cli_verifies_a_binary_proof_file_and_rejects_another_user(snapshot: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "bob.porp"
    assert write_private_user_proof(snapshot, "bob", path) == path.stat().st_size
    assert native.FORMAT.sniff([path])
    assert _verify_cli(path, snapshot.root_file, "--user", "bob").exit_code == 0
    assert _verify_cli(path, snapshot.root_file, "--user", "alice").exit_code == 1


def test_prove_all_bundle_holds_one_valid_binary_proof_per_user(snapshot: Snapshot, tmp_path: Path) -> None:
    out = tmp_path / "all.porb"
    assert prove_private_all(snapshot, out) == len(IDS)
    entries = list(container.split_bundle(out.read_bytes(), str(out)))
    assert [container.decode(e).user_id for _, e in entries] == IDS
    assert [container.peek_user_id(e) for _, e in entries] == IDS
    for user, (_, entry) in zip(IDS, entries, strict=True):
        assert verify_private(entry, snapshot.root, user_id=user).valid
    result = _verify_cli(out, snapshot.root_file, "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == len(IDS)
    cli_out = tmp_path / "cli.porb"
    result = CliRunner().invoke(cli, ["prove", str(snapshot.dir), "--all", "--out", str(cli_out),
                                      "--secret", str(snapshot.secret_path)])
    assert result.exit_code == 0, result.output
    assert container.is_bundle(cli_out.read_bytes()) and _verify_cli(cli_out, snapshot.root_file).exit_code == 0
    truncated = tmp_path / "cut.porb"
    truncated.write_bytes(out.read_bytes()[:-1])
    result = _verify_cli(truncated, snapshot.root_file)
    assert result.exit_code == 2 and "truncated" in result.output


def test_inspect_shows_a_binary_proof_and_a_bundle_as_json(snapshot: Snapshot, binary: bytes, tmp_path: Path) -> None:
    (tmp_path / "bob.porp").write_bytes(binary)
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "bob.porp")])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output, strict=False)  # rich wraps long strings at the terminal width
    assert view["version"] == 3 and view["user"]["id"] == "bob" and view["user"]["balances"]["ETH"] == "3"
    assert view["arity"] == 4 and view["range_bits"] == {"BTC": 48, "ETH": 32}
    assert [len(level["siblings"]) for level in view["levels"]] == [3, 3]
    prove_private_all(snapshot, tmp_path / "all.porb")
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "all.porb")])
    assert result.exit_code == 0 and [v["user"]["id"] for v in json.loads(result.output, strict=False)] == IDS
    (tmp_path / "cut.porp").write_bytes(binary[:100])
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "cut.porp")])
    assert result.exit_code == 2 and "truncated" in result.output and "Traceback" not in result.output


def test_native_format_knows_the_container_magic_bytes() -> None:
    assert native.PRIVATE_MAGICS == (container.MAGIC, container.BUNDLE_MAGIC)


def test_every_truncation_is_bad_input_naming_a_field(binary: bytes) -> None:
    for cut in range(len(binary)):
        with pytest.raises(InputError) as err:
            container.decode(binary[:cut], "p.bin")
        assert err.value.field and str(err.value).startswith("p.bin, field ")


def test_trailing_bytes_bad_magic_and_bad_version_are_bad_input(binary: bytes) -> None:
    cases = {binary + b"\0": "unexpected bytes", b"\x89PORPRX\n" + binary[8:]: "magic",
             binary[:8] + struct.pack(">H", 4) + binary[10:]: "version 4"}
    for data, words in cases.items():
        with pytest.raises(InputError, match=words):
            container.decode(data)


HEADER_ARITY = 10 + 2 + 2 + 32  # magic, version, label("R1"), root


@pytest.mark.parametrize("offset, value, words", [
    (HEADER_ARITY, b"\x01", "header.arity"),
    (HEADER_ARITY, b"\x11", "header.arity"),
    (HEADER_ARITY + 1, b"\x00", "header.depth"),
    (HEADER_ARITY + 1, b"\x31", "header.depth"),
    (HEADER_ARITY + 2, b"\x00\x00", "header.token_count"),
    (HEADER_ARITY + 2, b"\x01\x01", "header.token_count"),
    (HEADER_ARITY + 4 + 2 + 3 + 1, b"\x00", "range_bits"),
    (HEADER_ARITY + 4 + 2 + 3 + 1, b"\x41", "range_bits"),
])
def test_out_of_range_header_fields_are_bad_input(binary: bytes, offset: int, value: bytes, words: str) -> None:
    data = binary[:offset] + value + binary[offset + len(value):]
    with pytest.raises(InputError, match=words):
        container.decode(data)


def test_blinding_not_below_the_group_order_is_bad_input(binary: bytes) -> None:
    start = _path_start(container.decode(binary)) - 64
    data = binary[:start] + b"\xff" * 32 + binary[start + 32:]
    with pytest.raises(InputError, match="opening.blindings"):
        container.decode(data)


def _positions(binary: bytes) -> list[int]:
    """Every byte of the header and opening, and a spread of bytes over every field of every level."""
    decoded = container.decode(binary)
    head = _path_start(decoded)
    level = (len(binary) - head) // decoded.depth
    spread = [0, 31, 32, 33, 79, 80, 127, 128, 129, 200, 313, 400, 479, 480, 577, 801, 1100, 1149, 1300, 1535, 1536,
              1537, 1700, level - 33, level - 1]
    return list(range(head)) + [head + h * level + o for h in range(decoded.depth) for o in spread if 0 <= o < level]


def test_no_flipped_byte_ever_verifies(snapshot: Snapshot, binary: bytes) -> None:
    outcomes = set()
    for pos in _positions(binary):
        data = bytearray(binary)
        data[pos] ^= 0x01 if pos % 2 else 0x80
        try:
            verdict = verify_private(bytes(data), snapshot.root, user_id="bob")
        except InputError:
            outcomes.add("bad input")
            continue
        assert not verdict.valid, f"flipping byte {pos} still verified"
        outcomes.add("invalid")
    assert outcomes == {"bad input", "invalid"}


def test_cli_exit_codes_for_flipped_and_truncated_binary_proofs(snapshot: Snapshot, binary: bytes,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "p.bin"
    head = _path_start(container.decode(binary))
    for data, code in ((binary[:head + 5], 2), (binary[:9], 2), (binary + b"x", 2),
                       (binary[:head + 40] + bytes([binary[head + 40] ^ 1]) + binary[head + 41:], 1),
                       (binary[:-1] + bytes([binary[-1] ^ 1]), 1)):
        path.write_bytes(data)
        result = _verify_cli(path, snapshot.root_file, "--user", "bob")
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        if code == 2:
            assert len(result.output.strip().splitlines()) == 1


# ------------------------------------------------------------------ proofs of earlier versions keep verifying


@pytest.mark.parametrize(("proof", "root", "user"), [
    ("small-alice.bin", "small-root.json", "alice"),
    ("small-carol.json", "small-root.json", "carol"),
    ("wide-user.bin", "wide-root.json", (LEGACY / "wide-user.txt").read_text().strip()),
])
def test_version_1_and_2_proofs_still_verify_against_their_roots(proof: str, root: str, user: str) -> None:
    data = (LEGACY / proof).read_bytes()
    parsed = json.loads(data) if proof.endswith(".json") else data
    verdict = verify_private(parsed, read_root(LEGACY / root), user_id=user)
    assert verdict.valid, verdict.failures
    assert _verify_cli(LEGACY / proof, LEGACY / root, "--user", user).exit_code == 0
    assert _verify_cli(LEGACY / proof, LEGACY / root, "--user", user + "x").exit_code == 1


def test_a_legacy_bundle_still_verifies_and_a_tampered_legacy_proof_fails() -> None:
    root = read_root(LEGACY / "small-root.json")
    entries = list(container.split_bundle((LEGACY / "small-all.bundle").read_bytes()))
    assert [container.peek_user_id(e) for _, e in entries] == ["alice", "bob", "carol"]
    for (_, entry), user in zip(entries, ["alice", "bob", "carol"], strict=True):
        assert isinstance(container.decode(entry), LegacyProof)
        assert verify_private(entry, root, user_id=user).valid
    data = bytearray((LEGACY / "small-alice.bin").read_bytes())
    data[-5] ^= 1
    assert not verify_private(bytes(data), root, user_id="alice").valid


def test_a_v3_proof_is_not_accepted_for_a_legacy_root(binary: bytes) -> None:
    verdict = verify_private(binary, read_root(LEGACY / "small-root.json"), user_id="bob")
    assert not verdict.valid and [c.name for c in verdict.failures] == ["proof version"]
