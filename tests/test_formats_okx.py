"""OKX v1 and v2 proofs: real vectors, tampered vectors, property tests, CLI contract.

Also holds the JSON mutation helpers the other exchange-format tests import (one copy, not three).
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import detect, registry
from por.formats.base import VerifyOptions
from por.verdict import Verdict
from tests.shared_vectors import vector  # noqa: F401  (re-exported to the other format tests)


def run(fmt: str, files: list[Path], **options: Any) -> list[Verdict]:
    return registry()[fmt].verify(files, VerifyOptions(**options))


def failed(verdict: Verdict) -> set[str]:
    return {c.name for c in verdict.failures}


# ------------------------------------------------------------------------------------------ JSON mutations

AMOUNT_PARENTS = {"balances", "balance", "totalBalances"}
HASH_KEYS = {"hash", "merkelLeaf", "merkleLeaf", "userHash"}
SECRET_KEYS = {"nonce", "encryptUid", "accountId", "proofId"}
SIDES = {"type": (1, 2), "role": (1, 2), "pos": ("left", "right")}


def load(path: Path) -> Any:
    return json.loads(path.read_text(), parse_float=Decimal)


def dump(node: Any) -> str:
    """JSON text that keeps JSON numbers exactly as parsed (Decimal)."""
    if isinstance(node, dict):
        return "{" + ",".join(json.dumps(k) + ":" + dump(v) for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ",".join(dump(v) for v in node) + "]"
    return str(node) if isinstance(node, Decimal) else json.dumps(node)


def mutation_sites(
    doc: Any, skip: frozenset[str] = frozenset(), swap_lists: frozenset[str] = frozenset({"path"})
) -> list:
    """Every balance, hash, nonce/uid and path position of a proof, as (kind, json path)."""
    sites: list[tuple[str, tuple]] = []

    def walk(node: Any, path: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                here = path + (key,)
                if key in skip or (key in AMOUNT_PARENTS and node.get("hash") == ""):
                    continue  # an empty sibling's (hash "") balances are neither hashed nor added
                if path and path[-1] in AMOUNT_PARENTS:
                    sites.append(("amount", here))
                elif key in HASH_KEYS and isinstance(value, str) and value:
                    sites.append(("hash", here))
                elif key in SECRET_KEYS and isinstance(value, str) and value:
                    sites.append(("secret", here))
                elif key in SIDES and value in SIDES[key]:
                    sites.append(("side", here))
                else:
                    walk(value, here)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (i,))
            if path and path[-1] in swap_lists:
                sites.extend(("swap", path + (i,)) for i in range(len(node) - 1) if node[i] != node[i + 1])

    walk(doc, ())
    return sites


def _get(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def bump(value: Any, delta: int) -> Any:
    """The same amount moved by ``delta`` units of its last decimal place, in the same JSON type."""
    if isinstance(value, int):
        return value + delta
    number = Decimal(value)
    exp = min(number.as_tuple().exponent, 0)
    moved = (number + Decimal(delta).scaleb(exp)).quantize(Decimal(1).scaleb(exp))
    return f"{moved:f}" if isinstance(value, str) else moved


def mutate(doc: Any, site: tuple[str, tuple], data: st.DataObject) -> Any:
    doc = json.loads(dump(doc), parse_float=Decimal)
    kind, path = site
    value = _get(doc, path)
    if kind == "amount":
        delta = data.draw(st.integers(1, 10**6)) * data.draw(st.sampled_from([1, -1]))
        _set(doc, path, bump(value, delta))
    elif kind in ("hash", "secret"):
        i = data.draw(st.integers(0, len(value) - 1))
        alphabet = "0123456789abcdef" if kind == "hash" else "0123456789abcdefghijklmnopqrstuvwxyz"
        new = data.draw(st.sampled_from([c for c in alphabet if c != value[i].lower()]))
        _set(doc, path, value[:i] + new + value[i + 1 :])
    elif kind == "side":
        a, b = SIDES[path[-1]]
        _set(doc, path, b if value == a else a)
    else:  # swap two neighbouring path entries
        items, i = _get(doc, path[:-1]), path[-1]
        items[i], items[i + 1] = items[i + 1], items[i]
    return doc


def assert_mutations_fail(fmt: str, original: Path, data: st.DataObject, **kwargs: Any) -> None:
    doc = load(original)
    site = data.draw(st.sampled_from(mutation_sites(doc, **kwargs)))
    changed = mutate(doc, site, data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / original.name
        path.write_text(dump(changed))
        try:
            verdicts = run(fmt, [path])
        except InputError:
            assert site[0] == "swap", f"altering {site} made the file unreadable instead of invalid"
            return  # e.g. the root moved into the path has no left/right role: refused as malformed
    assert not all(v.valid for v in verdicts), f"altering {site} went unnoticed"


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cli_exit_code(files: list[Path], *extra: str) -> tuple[int, str]:
    """Exit code of ``por verify FILE... --json``; an InputError escaping ``cli`` counts as its exit code 2
    (``por.cli.main`` maps it; CliRunner on the bare group reports it as an exception)."""
    from por.cli import cli

    result = CliRunner().invoke(cli, ["verify", *map(str, files), "--json", *extra])
    if isinstance(result.exception, InputError):
        return result.exception.exit_code, str(result.exception)
    return result.exit_code, result.output


# ------------------------------------------------------------------------------------------------- OKX v1

V1 = ("okx", "merkle_proof_file.json")


def test_okx_v1_vector_is_valid_with_published_root_and_totals() -> None:
    (v,) = run("okx-v1", [vector(*V1)])
    assert v.valid, v.failures
    assert v.root == "ac6b39d2a0aa8112bd1aadff5e7d4b5c2b91cd54d595262ba4367f5d2db4160d"
    assert v.totals == {"BTC": "95088.55505656", "ETH": "939953.49090361", "USDT": "3137909428.88369702"}
    assert v.balances == {"BTC": "1.000069", "ETH": "0.99908176", "USDT": "19398.33550812"}
    assert {"leaf hash", "neighbour leaf hash", "root hash", "root balances", "root height"} <= {
        c.name for c in v.checks
    }


def test_okx_v1_warns_about_maxwell_flaw_and_exposed_neighbour_nonce() -> None:
    (v,) = run("okx-v1", [vector(*V1)])
    text = " ".join(v.warnings)
    assert "Maxwell" in text and "neighbouring user's leaf" in text and "not a user id" in text


def test_okx_v1_tampered_own_balance_fails_on_leaf_hash() -> None:
    (v,) = run("okx-v1", [vector("okx", "derived", "merkle_proof_file.tampered_self_balance.json")])
    assert not v.valid and "leaf hash" in failed(v)


def test_okx_v1_tampered_path_balance_fails_on_root_hash_and_btc_total() -> None:
    (v,) = run("okx-v1", [vector("okx", "derived", "merkle_proof_file.tampered_path_balance.json")])
    assert failed(v) == {"root hash", "root balances"}
    assert "BTC" in next(c.detail for c in v.failures if c.name == "root balances")


def test_okx_v1_user_id_must_match_when_given() -> None:
    nonce = "580c5e814d180153ba6d28eb61a5b60b145450884f9931822b15fd9e0f50ae22"
    (ok,) = run("okx-v1", [vector(*V1)], user=nonce)
    (other,) = run(
        "okx-v1", [vector(*V1)], user="543f877d61a9c3806fc8feb38f0f94243a597f2c58e84764f52046a468318f66"
    )
    assert ok.valid and ok.user == nonce and not any("--user" in w for w in ok.warnings)
    assert not other.valid and "someone else's proof" in other.failures[0].detail


@PROPERTY
@given(data=st.data())
def test_okx_v1_any_altered_balance_hash_nonce_or_position_fails(data: st.DataObject) -> None:
    assert_mutations_fail("okx-v1", vector(*V1), data)


def test_okx_v1_malformed_amount_is_input_error_naming_file_and_field(tmp_path: Path) -> None:
    doc = load(vector(*V1))
    doc["path"][3]["balances"]["ETH"] = "1e400x"
    bad = tmp_path / "proof.json"
    bad.write_text(dump(doc))
    with pytest.raises(InputError) as err:
        run("okx-v1", [bad])
    assert str(bad) in str(err.value) and "path[3].balances.ETH" in str(err.value)


def test_okx_v1_not_json_is_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "proof.json"
    bad.write_text('{"self": ')
    with pytest.raises(InputError, match="not valid JSON"):
        run("okx-v1", [bad])


# ------------------------------------------------------------------------------------------------- OKX v2

USER = ("okx", "user_info_file.json")
TREE = ("okx", "full-liabilities-merkle-tree.txt")
TAMPERED_TREE = ("okx", "derived", "full-liabilities-merkle-tree.tampered_leaf_balance.txt")


def test_okx_v2_user_file_with_full_tree_is_valid() -> None:
    (v,) = run("okx-v2", [vector(*USER), vector(*TREE)])
    assert v.valid, v.failures
    assert v.root == "9e98ebde32ef22ded88a5fb2d5e53d76ed57cb9c6b2c966f250721defe6ab041"
    assert v.totals == {"BTC": "0.00005", "ETH": "0.1", "USDT": "1.42045977"}
    assert v.balances == {"BTC": "0.00005", "ETH": "0", "USDT": "0"}
    assert v.info["leaves"] == "21" and v.info["your leaves"] == "2" and v.info["nodes"] == "47"


def test_okx_v2_files_in_any_order_are_detected() -> None:
    assert detect([vector(*TREE), vector(*USER)]).name == "okx-v2"


def test_okx_v2_tampered_neighbour_leaf_fails_the_node_by_node_recheck() -> None:
    """OKX's own tool accepts this tree (it only looks the user's leaves up); the full re-check does not."""
    (v,) = run("okx-v2", [vector(*USER), vector(*TAMPERED_TREE)])
    assert not v.valid and failed(v) == {"full tree"}
    details = " ".join(c.detail for c in v.failures)
    assert "row 16 (height 2)" in details and "USDT 0.00019364 vs file's 0.00019363" in details


def test_okx_v2_tree_alone_is_checked_as_an_auditor() -> None:
    (v,) = run("okx-v2", [vector(*TREE)])
    (bad,) = run("okx-v2", [vector(*TAMPERED_TREE)])
    assert v.valid and v.user is None and v.totals["USDT"] == "1.42045977"
    assert not bad.valid


def test_okx_v2_user_file_without_tree_is_input_error() -> None:
    with pytest.raises(InputError, match="full liabilities tree"):
        run("okx-v2", [vector(*USER)])


def _tree_rows() -> list[str]:
    return vector(*TREE).read_text().splitlines()


@PROPERTY
@given(data=st.data())
def test_okx_v2_any_altered_tree_row_fails(data: st.DataObject) -> None:
    rows = _tree_rows()
    i = data.draw(st.integers(0, len(rows) - 1))
    node_hash, height, balances = rows[i].split(",", 2)
    kind = data.draw(st.sampled_from(["amount", "hash", "swap"]))
    if kind == "amount":
        bal = json.loads(balances)
        token = data.draw(st.sampled_from(sorted(bal)))
        bal[token] = bump(bal[token], data.draw(st.integers(1, 10**6)))
        rows[i] = f"{node_hash},{height},{json.dumps(bal, separators=(',', ':'))}"
    elif kind == "hash":
        j = data.draw(st.integers(0, 63))
        rows[i] = (
            node_hash[:j]
            + ("0" if node_hash[j] != "0" else "1")
            + node_hash[j + 1 :]
            + f",{height},{balances}"
        )
    else:
        same = [k for k, r in enumerate(rows) if r.split(",")[1] == height and r != rows[i]]
        if not same:
            return
        k = data.draw(st.sampled_from(same))
        rows[i], rows[k] = rows[k], rows[i]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree.txt"
        tree.write_text("\n".join(rows) + "\n")
        (v,) = run("okx-v2", [vector(*USER), tree])
    assert not v.valid


@PROPERTY
@given(data=st.data())
def test_okx_v2_any_altered_user_file_field_fails(data: st.DataObject) -> None:
    doc = load(vector(*USER))
    site = data.draw(st.sampled_from(mutation_sites(doc)))
    with tempfile.TemporaryDirectory() as tmp:
        user = Path(tmp) / "user.json"
        user.write_text(dump(mutate(doc, site, data)))
        (v,) = run("okx-v2", [user, vector(*TREE)])
    assert not v.valid, site


def test_okx_v2_bad_tree_line_is_input_error_naming_row(tmp_path: Path) -> None:
    rows = _tree_rows()
    node_hash, _, balances = rows[5].split(",", 2)
    rows[5] = f"{node_hash},two,{balances}"
    tree = tmp_path / "tree.txt"
    tree.write_text("\n".join(rows))
    with pytest.raises(InputError, match="row 6"):
        run("okx-v2", [tree])


# ------------------------------------------------------------------------------------------- detection, CLI


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ([V1], "okx-v1"),
        ([("okx", "derived", "merkle_proof_file.tampered_self_balance.json")], "okx-v1"),
        ([USER, TREE], "okx-v2"),
        ([TREE], "okx-v2"),
    ],
)
def test_okx_vectors_are_detected_as_exactly_their_format(files: list[tuple[str, ...]], name: str) -> None:
    assert detect([vector(*f) for f in files]).name == name


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([V1], 0),
        ([("okx", "derived", "merkle_proof_file.tampered_path_balance.json")], 1),
        ([USER, TREE], 0),
        ([USER, TAMPERED_TREE], 1),
    ],
)
def test_okx_cli_verify_exit_codes(files: list[tuple[str, ...]], code: int) -> None:
    exit_code, output = cli_exit_code([vector(*f) for f in files])
    assert exit_code == code, output
    assert json.loads(output)[0]["valid"] is (code == 0)
