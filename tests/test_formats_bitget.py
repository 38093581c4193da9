"""Bitget proofs, all three vintages: real vectors, weaknesses, property tests, CLI contract."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import detect
from tests.test_formats_okx import (
    PROPERTY,
    assert_mutations_fail,
    cli_exit_code,
    dump,
    failed,
    load,
    run,
    vector,
)

VINTAGES = {
    "main_2025": ("8eac815c495e6a67", {"BTC": "9935.73595927", "USDC": "122140146.79859507"}),
    "v1.0.3_2023": ("fc76a155015f04ee", {}),
    "v1_2022": ("ffedeaf82363b23c", {}),
}


def proof(vintage: str) -> Path:
    return vector("bitget", vintage, "merkel_tree_bg.json")


@pytest.mark.parametrize("vintage", sorted(VINTAGES))
def test_bitget_vintage_is_valid_with_published_root(vintage: str) -> None:
    root, some_totals = VINTAGES[vintage]
    (v,) = run("bitget", [proof(vintage)])
    assert v.valid, v.failures
    assert v.root == root
    assert some_totals.items() <= v.totals.items()


@pytest.mark.parametrize("vintage", sorted(VINTAGES))
def test_bitget_vintage_is_detected_as_bitget_only(vintage: str) -> None:
    assert detect([proof(vintage)]).name == "bitget"


def test_bitget_2025_warns_about_truncated_hashes_maxwell_and_negative_internal_sum() -> None:
    (v,) = run("bitget", [proof("main_2025")])
    text = " ".join(v.warnings)
    assert "truncated to 64 bits" in text and "Maxwell" in text
    assert "negative" in text and "USDC -1536.70659782" in text


def test_bitget_old_vintages_warn_that_the_neighbours_uid_and_nonce_are_exposed() -> None:
    for vintage in ("v1.0.3_2023", "v1_2022"):
        (v,) = run("bitget", [proof(vintage)])
        assert "neighbour leaf hash" in {c.name for c in v.checks}
        assert any("encrypted uid" in w for w in v.warnings)


def test_bitget_number_vintage_hashes_the_java_scale_as_written(tmp_path: Path) -> None:
    """Old files hash BigDecimal.toString(): the leaf's 5560.49 and 5560.490 are different leaves."""
    doc = load(proof("v1_2022"))
    doc["self"]["balances"]["USDT"] = Decimal("5560.490")
    path = tmp_path / "p.json"
    path.write_text(dump(doc))
    (v,) = run("bitget", [path])
    assert v.info["amounts"] == "numbers" and "leaf hash" in failed(v)


def test_bitget_changed_key_order_fails_because_fastjson_keeps_file_order(tmp_path: Path) -> None:
    doc = load(proof("main_2025"))
    doc["self"]["balances"] = dict(reversed(list(doc["self"]["balances"].items())))
    path = tmp_path / "p.json"
    path.write_text(dump(doc))
    (v,) = run("bitget", [path])
    assert "leaf hash" in failed(v)


def test_bitget_wrong_user_is_someone_elses_proof() -> None:
    (v,) = run("bitget", [proof("main_2025")], user="0" * 64)
    assert not v.valid and failed(v) == {"proof is for this user"}


def test_bitget_mixed_string_and_number_amounts_is_input_error(tmp_path: Path) -> None:
    doc = load(proof("main_2025"))
    doc["path"][2]["balances"]["BTC"] = 0
    path = tmp_path / "p.json"
    path.write_text(dump(doc))
    with pytest.raises(InputError, match=r"path\[2\]\.balances"):
        run("bitget", [path])


@PROPERTY
@given(data=st.data(), vintage=st.sampled_from(sorted(VINTAGES)))
def test_bitget_any_altered_balance_hash_nonce_or_position_fails(data: st.DataObject, vintage: str) -> None:
    assert_mutations_fail("bitget", proof(vintage), data)


@pytest.mark.parametrize("vintage", sorted(VINTAGES))
def test_bitget_cli_verify_exits_0_for_valid_vintages(vintage: str) -> None:
    code, output = cli_exit_code([proof(vintage)])
    assert code == 0, output
    assert json.loads(output)[0]["format"] == "bitget"


def test_bitget_cli_verify_exits_1_for_a_tampered_root(tmp_path: Path) -> None:
    doc = load(proof("main_2025"))
    doc["path"][-1]["balances"]["BTC"] = "9935.73595928"
    path = tmp_path / "p.json"
    path.write_text(dump(doc))
    code, output = cli_exit_code([path])
    assert code == 1, output
