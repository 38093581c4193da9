"""Bitunix, Bybit (asset lists v1..v5), MEXC and CoinEx proofs, plus the shared exact-decimal helpers."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import _merkle_common as mc
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

BITUNIX = ("bitunix", "merkle_tree_bitunix.json")
MEXC = ("mexc", "merkle_proof.json")
COINEX = ("coinex", "merkle_proof_file.json")
BYBIT = {
    f"v{n}": ("bybit", f"mock_user_merkle_tree_path_40{'' if n == 1 else f'_v{n}'}.json") for n in range(1, 6)
}
ALL = {"bitunix": [BITUNIX], "mexc": [MEXC], "coinex": [COINEX], "bybit": list(BYBIT.values())}


def rewritten(tmp_path: Path, parts: tuple[str, ...], change) -> Path:
    doc = load(vector(*parts))
    change(doc)
    path = tmp_path / parts[-1]
    path.write_text(dump(doc))
    return path


# ---------------------------------------------------------------------------------------- shared helpers


def test_decimal_printing_matches_java_and_go() -> None:
    assert mc.java_string(Decimal("2020155332.95708230")) == "2020155332.95708230"
    assert mc.java_string(Decimal("0.00000000")) == "0E-8"  # BigDecimal("0.00000000").toString()
    assert mc.plain(Decimal("0E-8")) == "0.00000000"
    assert mc.stripped(Decimal("1.50000")) == "1.5" and mc.stripped(Decimal("100")) == "100"
    assert mc.stripped(Decimal("-0.000")) == "0"
    assert mc.round_down(Decimal("-1.999999999"), 8) == Decimal("-1.99999999")


def test_java_hashmap_order_follows_string_hashcode_buckets() -> None:
    assert mc.java_hashmap_order(["USDT", "ETH", "BTC"]) == ["BTC", "ETH", "USDT"]
    assert mc.java_hashmap_order(["USDC", "USDT", "BTC", "ETH"]) == ["BTC", "ETH", "USDT", "USDC"]
    # "Aa" and "BB" share hashCode 2112 (bucket 0): insertion order decides between them
    assert mc.java_hashmap_order(["b", "BB", "a", "Aa"]) == ["BB", "Aa", "a", "b"]


def test_amounts_refuse_floats_junk_and_huge_values() -> None:
    for bad in ("1,5", "NaN", "Infinity", "0x10", "1" * 80, True, 1.5):
        with pytest.raises(InputError):
            mc.parse_amount_value(bad, path=Path("p.json"), field="x")
    assert mc.parse_amount_value("-0.00000001", path=Path("p.json"), field="x") == Decimal("-1E-8")


# ------------------------------------------------------------------------------------------ valid vectors


@pytest.mark.parametrize(("name", "parts"), [(n, p) for n, ps in ALL.items() for p in ps])
def test_vector_is_valid_and_detected_as_exactly_its_format(name: str, parts: tuple[str, ...]) -> None:
    assert detect([vector(*parts)]).name == name
    (v,) = run(name, [vector(*parts)])
    assert v.valid, v.failures
    assert v.totals and v.balances and v.root


def test_bitunix_root_and_totals_are_reproduced() -> None:
    (v,) = run("bitunix", [vector(*BITUNIX)])
    assert v.root == "7d409a80ebbbf4cef17f3f9c5f56f6e26040f1ca285395897cf695b21391679d"
    assert v.totals["USDT"] == "1104067001417930580.14728307" and v.balances == {
        "BTC": "0",
        "ETH": "0",
        "USDT": "10000",
    }
    assert any("neighbouring user's leaf" in w for w in v.warnings)


def test_bitunix_hashes_hashmap_order_not_file_order(tmp_path: Path) -> None:
    """fastjson prints Java HashMaps in bucket order, so reordering keys in the file changes nothing."""

    def reverse_keys(doc: dict) -> None:
        for node in [doc["self"], *doc["path"]]:
            node["balances"] = dict(reversed(list(node["balances"].items())))

    (v,) = run("bitunix", [rewritten(tmp_path, BITUNIX, reverse_keys)])
    assert v.valid, v.failures


def test_bitunix_precision_cut_is_part_of_the_hash(tmp_path: Path) -> None:
    (v,) = run("bitunix", [rewritten(tmp_path, BITUNIX, lambda d: d["self"]["precisions"].update(USDT=6))])
    assert "root hash" in failed(v)


@pytest.mark.parametrize("release", sorted(BYBIT))
def test_bybit_release_is_recognised_from_the_root_asset_list(release: str) -> None:
    (v,) = run("bybit", [vector(*BYBIT[release])])
    assert v.info["asset list"] == release and v.valid


@pytest.mark.parametrize(("release", "forced"), [("v5", "v4"), ("v3", "v4"), ("v2", "v1"), ("v1", "v2")])
def test_bybit_file_does_not_verify_against_another_release(release: str, forced: str) -> None:
    try:
        (v,) = run("bybit", [vector(*BYBIT[release])], extra={"asset-list": forced})
    except InputError as err:
        assert "asset" in str(err)
    else:
        assert not v.valid


def test_bybit_root_balance_must_match_string_for_string(tmp_path: Path) -> None:
    """Bybit compares the root's balance strings: 24429.93374952 written as 24429.933749520 is a mismatch."""
    path = rewritten(tmp_path, BYBIT["v2"], lambda d: d["path"][-1]["balance"].update(AGLA="24429.933749520"))
    (v,) = run("bybit", [path])
    assert failed(v) == {"root balances"}


def test_mexc_root_reproduced_with_empty_siblings_not_added() -> None:
    (v,) = run("mexc", [vector(*MEXC)])
    assert v.root == "35d01ffef2beec3ff0166c03f3d9b0cc" and v.balances == {"ETH": "195462.73"}
    assert "2 empty siblings" in next(c.detail for c in v.checks if c.name == "root hash")
    assert any("128 bits" in w for w in v.warnings) and any("public proof id" in w for w in v.warnings)


def test_mexc_root_balances_are_checked_though_mexc_tool_skips_them(tmp_path: Path) -> None:
    (v,) = run("mexc", [rewritten(tmp_path, MEXC, lambda d: d["pathList"][-1]["balances"].update(USDC="5"))])
    assert failed(v) == {"root balances"}


def test_mexc_account_id_is_the_user_id() -> None:
    (ok,) = run("mexc", [vector(*MEXC)], user="1745297673")
    (other,) = run("mexc", [vector(*MEXC)], user="1745297674")
    assert ok.valid and not other.valid


def test_coinex_default_reports_the_empty_sibling_ambiguity_instead_of_guessing_silently() -> None:
    (v,) = run("coinex", [vector(*COINEX)])
    assert v.valid and v.info["empty-sibling rule"] == "hash-once"
    assert any("ambiguous" in w and "main.go" in w for w in v.warnings)
    assert v.totals["USDT"] == "4837050599.79548026"


def test_coinex_rule_of_the_published_main_go_does_not_reproduce_the_root() -> None:
    (v,) = run("coinex", [vector(*COINEX)], extra={"empty-sibling": "hash-twice"})
    assert failed(v) == {"root hash"}
    assert "6bf6716d" in v.failures[0].detail


def test_coinex_unknown_rule_is_input_error() -> None:
    with pytest.raises(InputError, match="empty-sibling"):
        run("coinex", [vector(*COINEX)], extra={"empty-sibling": "guess"})


def test_coinex_extra_root_token_fails(tmp_path: Path) -> None:
    (v,) = run("coinex", [rewritten(tmp_path, COINEX, lambda d: d["root"]["balances"].update(XRP="1"))])
    assert not v.valid and "root balances" in failed(v)


# ------------------------------------------------------------------------------------------ property tests

# Unverifiable by design, so not mutated: Bybit's nonce (only inside userHash, which the user cannot recompute).
# Bybit v2..v5 pad every level with a copy of the user's own node (path[0].hash == self.hash), so flipping
# left/right there swaps two identical children: a no-op, not an attack. MEXC's entries are placed by "level"
# (swapped in its own test below), and its empty siblings (hash "") are neither hashed nor added.
MUTABLE = [
    ("bitunix", BITUNIX, {}),
    ("coinex", COINEX, {}),
    ("mexc", MEXC, {"skip": frozenset({"level"})}),
] + [
    ("bybit", p, {"skip": frozenset({"nonce"} | ({"type"} if r != "v1" else set()))})
    for r, p in BYBIT.items()
]


@PROPERTY
@given(data=st.data(), case=st.sampled_from(MUTABLE))
def test_any_altered_balance_hash_nonce_or_position_fails(data: st.DataObject, case: tuple) -> None:
    name, parts, kwargs = case
    if name == "mexc":
        kwargs = {**kwargs, "swap_lists": frozenset()}
    assert_mutations_fail(name, vector(*parts), data, **kwargs)


@PROPERTY
@given(data=st.data())
def test_mexc_swapping_two_levels_fails(data: st.DataObject) -> None:
    doc = load(vector(*MEXC))
    i = data.draw(st.integers(0, len(doc["pathList"]) - 2))
    a, b = doc["pathList"][i], doc["pathList"][i + 1]
    a["level"], b["level"] = b["level"], a["level"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.json"
        path.write_text(dump(doc))
        (v,) = run("mexc", [path])
    assert not v.valid


# ------------------------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("parts", [BITUNIX, MEXC, COINEX, *BYBIT.values()])
def test_cli_verify_exits_0_for_valid_vectors(parts: tuple[str, ...]) -> None:
    code, output = cli_exit_code([vector(*parts)])
    assert code == 0, output
    assert json.loads(output)[0]["valid"] is True


@pytest.mark.parametrize("parts", [BITUNIX, MEXC, COINEX, BYBIT["v5"]])
def test_cli_verify_exits_1_for_a_tampered_leaf(parts: tuple[str, ...], tmp_path: Path) -> None:
    def tamper(doc: dict) -> None:
        me = doc["self"]
        bal = me.get("balances", me.get("balance"))
        token = next(iter(bal))
        bal[token] = str(Decimal(bal[token]) + 1)

    code, output = cli_exit_code([rewritten(tmp_path, parts, tamper)])
    assert code == 1, output


def test_cli_verify_exits_2_for_unreadable_proof(tmp_path: Path) -> None:
    path = rewritten(tmp_path, MEXC, lambda d: d["self"]["balances"].update(ETH="12,5"))
    code, output = cli_exit_code([path], "--format", "mexc")
    assert code == 2, output
