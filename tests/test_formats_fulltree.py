"""Full-tree formats (BitMEX, Silver Sixpence): every node is re-checked, and any altered node fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import bitmex, detect, silversixpence
from por.formats.base import VerifyOptions
from tests.shared_vectors import VECTORS, needs_vectors

BITMEX = VECTORS / "bitmex" / "derived_from_README" / "liabilities-100-proof.csv"
SIXPENCE = VECTORS / "silversixpence"
SIXPENCE_ROOT = "0d955039b7944c33a7721745870254532d0c904f2804b2a4cde52afaaa3cbba0"
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@needs_vectors
def test_vectors_directory_is_present() -> None:
    assert BITMEX.is_file() and SIXPENCE.is_dir(), f"test vectors missing under {VECTORS}"


# --- BitMEX -------------------------------------------------------------------------------------------------


@needs_vectors
def test_bitmex_published_tree_is_valid_and_detected() -> None:
    assert detect([BITMEX]) is bitmex.FORMAT
    [verdict] = bitmex.FORMAT.verify([BITMEX], VerifyOptions())
    assert verdict.valid, verdict.failures
    assert verdict.root == "ceb08dfd693430ece544df853a989684056c0800088d61bfcc38c0d16cc1e1c7"
    assert verdict.totals == {"XBt": "4000004000"}


@needs_vectors
def test_bitmex_readme_nonces_decode_no_leaf_so_balance_is_zero_with_warning() -> None:
    nonce = "b88860add96111d84d38a500266df715158f91375d9aaa98aa58356f9a872412"
    [verdict] = bitmex.FORMAT.verify([BITMEX], VerifyOptions(user="2", extra={"account_nonce": nonce}))
    assert verdict.valid and verdict.balances == {"XBt": "0"}
    assert any("no leaf decodes" in w for w in verdict.warnings)


def _bitmex_file(path: Path, leaves: list[tuple[bytes, int]], height: int = 7) -> Path:
    levels = [leaves]
    while len(levels[0]) > 1:
        below = levels[0]
        levels.insert(0, [bitmex.parent(below[i], below[i + 1]) for i in range(0, len(below), 2)])
    lines = [f"block_height:{height}"] + [f"{d.hex()},{v}" for level in levels for d, v in level]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bitmex_account_finds_its_own_leaves(tmp_path: Path) -> None:
    account_nonce = bytes(range(32))
    sub = bitmex.sub_nonce(account_nonce, 7, 42)
    other = bytes(32)
    leaves = [
        (bitmex.leaf_hash(500, sub, 0), 500),
        (bitmex.leaf_hash(9, other, 1), 9),
        (bitmex.leaf_hash(9, other, 2), 9),
        (bitmex.leaf_hash(250, sub, 3), 250),
    ]
    path = _bitmex_file(tmp_path / "proof.csv", leaves)
    [verdict] = bitmex.FORMAT.verify(
        [path], VerifyOptions(user="42", extra={"account_nonce": account_nonce.hex()})
    )
    assert verdict.valid and verdict.balances == {"XBt": "750"} and verdict.info["your leaves"] == "0, 3"
    [by_nonce] = bitmex.FORMAT.verify([path], VerifyOptions(user="42", extra={"nonce": sub.hex()}))
    assert by_nonce.balances == {"XBt": "750"}


@needs_vectors
@FAST
@given(
    line=st.integers(min_value=1, max_value=15),
    what=st.sampled_from(["hash", "value"]),
    bit=st.integers(0, 63),
)
def test_bitmex_altering_any_node_fails(tmp_path: Path, line: int, what: str, bit: int) -> None:
    lines = BITMEX.read_text().splitlines()
    digest, value = lines[line].split(",")
    if what == "hash":
        digest = f"{int(digest, 16) ^ (1 << (bit * 4)):064x}"
    else:
        value = str(int(value) ^ (1 << (bit % 40)))
    lines[line] = f"{digest},{value}"
    path = tmp_path / "proof.csv"
    path.write_text("\n".join(lines) + "\n")
    [verdict] = bitmex.FORMAT.verify([path], VerifyOptions())
    assert not verdict.valid


def test_bitmex_value_beyond_64_bits_fails(tmp_path: Path) -> None:
    big = 2**64
    leaves = [(bytes([i]) * 32, v) for i, v in enumerate([big, 1])]
    path = _bitmex_file(tmp_path / "proof.csv", [(d, v % big) for d, v in leaves])
    lines = path.read_text().splitlines()
    lines[2] = f"{leaves[0][0].hex()},{big}"
    path.write_text("\n".join(lines) + "\n")
    [verdict] = bitmex.FORMAT.verify([path], VerifyOptions())
    assert any("outside 0..2^64-1" in c.detail for c in verdict.failures)


@needs_vectors
def test_bitmex_incomplete_tree_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "proof.csv"
    path.write_text("\n".join(BITMEX.read_text().splitlines()[:-1]) + "\n")
    with pytest.raises(InputError, match="complete binary tree"):
        bitmex.FORMAT.verify([path], VerifyOptions())


@needs_vectors
def test_bitmex_account_without_nonce_is_bad_input() -> None:
    with pytest.raises(InputError, match="nonce"):
        bitmex.FORMAT.verify([BITMEX], VerifyOptions(user="2"))


# --- Silver Sixpence -------------------------------------------------------------------------------------------


def test_sixpence_known_answers_from_merkletree_verify() -> None:
    left = bytes.fromhex("e5f039b0905c0b6c82bdd7edf6f87ac7b3e983b0124acfaaeb4ed1c05302ec1f")
    right = bytes.fromhex("ff9345288cc66a29dd711784a0cf0b499ad99159bfd982d8537b12bd1449c61f")
    assert (
        silversixpence.parent(left, right).hex()
        == "917c99591ea45feb6096b83b7e265f7b3040db5a659497c42c5a02f4076fa7eb"
    )
    record = "18fc922081c123456eccad04cf52514942b83bb97e50b3a9f9876fa72fefd04c" + "9713e8bd" + "PR31DEC22"
    record += "BTC=1.0000|ETH=2.0000|USDC=3.0000|USDT=4.0000"
    assert (
        silversixpence.leaf(record).hex()
        == "478cdca13278b1bdb273f9dcc671bf0e6989cd7b452332485412e2eb8cfbba46"
    )


@needs_vectors
def test_sixpence_published_levels_are_valid_as_directory_or_files() -> None:
    files = sorted(SIXPENCE.glob("tree-level*.csv"))
    assert detect([SIXPENCE]) is silversixpence.FORMAT and detect(files) is silversixpence.FORMAT
    for given_files in ([SIXPENCE], files):
        [verdict] = silversixpence.FORMAT.verify(given_files, VerifyOptions())
        assert verdict.valid, verdict.failures
        assert verdict.root == SIXPENCE_ROOT and verdict.info["leaves"] == "10000"
    assert any("carry no balances" in w for w in verdict.warnings)


@needs_vectors
def test_sixpence_user_leaf_is_found_or_reported_missing() -> None:
    first_leaf = (SIXPENCE / "tree-level1.csv").read_text().split(",")[2]
    [found] = silversixpence.FORMAT.verify([SIXPENCE], VerifyOptions(extra={"leaf": first_leaf}))
    assert found.valid
    [missing] = silversixpence.FORMAT.verify(
        [SIXPENCE], VerifyOptions(user="me", extra={"balances": "BTC=1.5"})
    )
    assert [c.name for c in missing.failures] == ["your leaf"] and missing.balances == {"BTC": "1.5"}


def _copy_levels(tmp_path: Path) -> Path:
    target = tmp_path / "levels"
    target.mkdir(exist_ok=True)
    for path in SIXPENCE.glob("tree-level*.csv"):
        shutil.copy(path, target / path.name)
    return target


@needs_vectors
@FAST
@given(level=st.integers(1, 14), column=st.sampled_from([0, 2, 3]), bit=st.integers(0, 255))
def test_sixpence_altering_any_hash_fails(tmp_path: Path, level: int, column: int, bit: int) -> None:
    target = _copy_levels(tmp_path)
    path = target / f"tree-level{level}.csv"
    lines = path.read_text().splitlines()
    row = bit % len(lines)
    cells = lines[row].split(",")
    cells[column] = f"{int(cells[column], 16) ^ (1 << bit):064x}"
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    [verdict] = silversixpence.FORMAT.verify([target], VerifyOptions())
    assert not verdict.valid


@needs_vectors
def test_sixpence_swapped_rows_fail(tmp_path: Path) -> None:
    target = _copy_levels(tmp_path)
    path = target / "tree-level3.csv"
    lines = path.read_text().splitlines()
    lines[0], lines[1] = lines[1], lines[0]
    path.write_text("\n".join(lines) + "\n")
    [verdict] = silversixpence.FORMAT.verify([target], VerifyOptions())
    assert any("not the" in c.detail for c in verdict.failures)


def test_sixpence_odd_leaf_count_promotes_the_last_leaf(tmp_path: Path) -> None:
    leaves = [bytes([i]) * 32 for i in range(5)]
    p1 = [silversixpence.parent(leaves[0], leaves[1]), silversixpence.parent(leaves[2], leaves[3])]
    p2 = [silversixpence.parent(p1[0], p1[1])]
    root = silversixpence.parent(p2[0], leaves[4])
    rows = {
        1: [(p1[0], leaves[0], leaves[1]), (p1[1], leaves[2], leaves[3])],
        2: [(p2[0], *p1)],
        3: [(root, p2[0], leaves[4])],
    }
    for level, items in rows.items():
        text = "".join(f"{a.hex()},{level},{b.hex()},{c.hex()}\n" for a, b, c in items)
        (tmp_path / f"tree-level{level}.csv").write_text(text)
    [verdict] = silversixpence.FORMAT.verify([tmp_path], VerifyOptions(extra={"leaf": leaves[4].hex()}))
    assert verdict.valid and verdict.root == root.hex() and verdict.info["leaves"] == "5"


@needs_vectors
def test_sixpence_missing_level_is_bad_input(tmp_path: Path) -> None:
    target = _copy_levels(tmp_path)
    (target / "tree-level7.csv").unlink()
    with pytest.raises(InputError, match="level 7 is missing"):
        silversixpence.FORMAT.verify([target], VerifyOptions())


def test_sixpence_malformed_hash_names_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "tree-level1.csv"
    path.write_text("zz" * 32 + ",1," + "00" * 32 + "," + "00" * 32 + "\n")
    with pytest.raises(InputError) as err:
        silversixpence.FORMAT.verify([path], VerifyOptions())
    assert "tree-level1.csv" in str(err.value) and "row 1" in str(err.value)


@needs_vectors
@pytest.mark.parametrize(
    ("args", "fmt"),
    [
        ([str(BITMEX)], "bitmex"),
        ([str(p) for p in sorted(SIXPENCE.glob("tree-level*.csv"))], "silversixpence"),
    ],
)
def test_cli_verify_valid_full_trees_exit_zero(args: list[str], fmt: str) -> None:
    from por.cli import cli

    result = CliRunner().invoke(cli, ["verify", *args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["format"] == fmt


@needs_vectors
def test_cli_verify_tampered_bitmex_exits_one(tmp_path: Path) -> None:
    from por.cli import cli

    lines = BITMEX.read_text().splitlines()
    digest, value = lines[5].split(",")
    lines[5] = f"{digest},{int(value) + 1}"
    path = tmp_path / "proof.csv"
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["verify", str(path), "--json"])
    assert result.exit_code == 1, result.output
