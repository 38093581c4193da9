"""Hostile values in well-formed files: each is exit 2 with one sentence naming the file and field, or a proper
exit-1 verdict — never a traceback. The cases an adversarial review found, one test per class."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from por.amounts import MAX_AMOUNT_CHARS, AmountError, parse_amount, parse_amount_down, parse_integer
from tests.fuzzing import Materials, Raw, dump, run_cli

LONG = "9" * 5000
ZEROS = "0" * 5000 + "1.5"


def expect(args: list, code: int, *words: str) -> str:
    outcome = run_cli([str(a) for a in args])
    assert outcome.crash is None and "Traceback" not in outcome.stdout + outcome.stderr, outcome.crash
    text = outcome.stderr if code == 2 else outcome.stdout
    assert outcome.code == code, (args, outcome)
    if code == 2:
        assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
    for word in words:
        assert word in text, (word, text)
    return text


def edited(materials: Materials, name: str, tmp_path: Path, change, *, raw: bool = False) -> Path:
    """A copy of a material JSON file with ``change`` applied to its document (or, ``raw``, to its text)."""
    source = getattr(materials, name)
    target = tmp_path / source.name
    if raw:
        target.write_text(change(source.read_text()))
    else:
        doc = json.loads(source.read_text())
        change(doc)
        target.write_text(dump(doc))
    return target


# ------------------------------------------------------------------- numbers longer than Python converts


def test_amounts_and_integers_are_bounded_before_conversion() -> None:
    for parse in (lambda t: parse_amount(t, 8), lambda t: parse_amount_down(t, 8), parse_integer):
        with pytest.raises(AmountError, match="characters|digits"):
            parse(ZEROS if parse is not parse_integer else LONG)
    assert parse_amount("0" * 60 + "1.5", 8) == 150_000_000  # leading zeros stay legal (docs/SPEC.md §2.2)
    assert parse_amount("1." + "0" * (MAX_AMOUNT_CHARS - 2), 8) == 100_000_000
    with pytest.raises(AmountError, match="at most 100"):
        parse_amount("1." + "0" * (MAX_AMOUNT_CHARS - 1), 8)


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(leaf_index=Raw(LONG)), None),
    (lambda d: d["siblings"][0].update(sums=[LONG] * len(d["siblings"][0]["sums"])), "siblings[0].sums"),
    (lambda d: d.update(depth=Raw("-" + LONG)), None),
], ids=["leaf index", "sibling sums", "depth"])
def test_a_proof_with_an_over_long_number_is_bad_input(materials: Materials, tmp_path: Path, change, field) -> None:
    proof = edited(materials, "proof", tmp_path, change)
    expect(["verify", proof, "--root", materials.plain_root], 2, proof.name, *([f"'{field}'"] if field else []))
    expect(["inspect", proof], 0 if field else 2)


def test_a_balance_with_thousands_of_leading_zeros_fails_verification(materials: Materials, tmp_path: Path) -> None:
    proof = edited(materials, "proof", tmp_path, lambda d: d["user"]["balances"].update(BTC=ZEROS))
    expect(["verify", proof, "--root", materials.plain_root], 1, "own balances", "at most 100")


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(version=Raw(LONG)), None),
    (lambda d: d["totals"].update(BTC="0" * 5000 + d["totals"]["BTC"]), "totals.BTC"),
    (lambda d: d.update(depth=Raw(LONG)), None),
], ids=["version", "total", "depth"])
def test_a_root_with_an_over_long_number_is_bad_input(materials: Materials, tmp_path: Path, change, field) -> None:
    root = edited(materials, "plain_root", tmp_path, change)
    for args in (["verify", materials.proof, "--root", root], ["verify-root", root, "--signers", materials.key_pub],
                 ["log", "append", root, "--log", tmp_path / "log.jsonl"], ["inspect", root]):
        if args[0] != "inspect" or field is None:
            expect(args, 2, root.name, *([f"'{field}'"] if field else []))


def test_a_log_entry_with_an_over_long_number_is_bad_input(materials: Materials, tmp_path: Path) -> None:
    log = edited(materials, "log", tmp_path, lambda text: text.replace('"seq":0', f'"seq":{LONG}'), raw=True)
    expect(["log", "verify", log], 2, log.name, "row 1")


@pytest.mark.parametrize(("column", "value"), [("block_height", LONG), ("balance", ZEROS), ("block_height", "١٢٣")])
def test_a_reserves_csv_with_an_over_long_or_non_ascii_number_is_bad_input(materials: Materials, tmp_path: Path,
                                                                            column: str, value: str) -> None:
    lines = materials.reserves_csv.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = value
    reserves = tmp_path / "reserves.csv"
    reserves.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    expect(["reserves", "verify", reserves], 2, reserves.name, "row 2", f"'{column}'")
    expect(["solvency", materials.plain_root, "--reserves", reserves], 2, reserves.name)


def test_a_reserves_json_with_an_over_long_block_height_is_bad_input(materials: Materials, tmp_path: Path) -> None:
    reserves = edited(materials, "reserves_json", tmp_path, lambda d: d["wallets"][0].update(block_height=Raw(LONG)))
    expect(["reserves", "verify", reserves], 2, reserves.name, "longer than 100")


def test_a_balances_export_with_an_over_long_amount_is_bad_input(materials: Materials, tmp_path: Path) -> None:
    data = tmp_path / "balances.csv"
    data.write_text("user_id,BTC\nalice,1.5\nbob," + "0" * 200 + "1.5\n")  # Arrow's own parser would take it
    expect(["build", data, "--out", tmp_path / "snap", "--workers", "1"], 2, data.name, "row 3", "at most 100")


# ------------------------------------------------------------------- other tracebacks the review found


def test_a_plain_proof_against_a_private_root_fails_on_the_mode(materials: Materials) -> None:
    expect(["verify", materials.proof, "--root", materials.private_root], 1,
           "proof mode 'plain', published mode 'private'")


def test_a_private_proof_against_a_plain_root_names_both_modes_right(materials: Materials) -> None:
    expect(["verify", materials.private_proof, "--root", materials.plain_root], 1,
           "proof mode 'private', published mode 'plain'")


@pytest.mark.parametrize(("which", "field"), [("plain_root", "totals"), ("private_root", "commitments")])
def test_a_root_must_have_exactly_one_total_or_commitment_per_token(materials: Materials, tmp_path: Path,
                                                                    which: str, field: str) -> None:
    extra = "1" if field == "totals" else "00" * 48
    root = edited(materials, which, tmp_path, lambda d: d[field].update(XRP=extra))
    expect(["verify-root", root, "--signers", materials.key_pub], 2, root.name, f"'{field}'")
    missing = edited(materials, which, tmp_path, lambda d: d[field].pop(next(iter(d[field]))))
    expect(["verify-root", missing, "--signers", materials.key_pub], 2, root.name, f"'{field}'")


@pytest.mark.parametrize("round_id", ["r" * 70_000, "R1\x1b[2J\x1b[32mVALID", "R1\n", "", 7, ["R1"]],
                         ids=["70,000 bytes", "terminal escape", "newline", "empty", "number", "list"])
def test_the_round_id_grammar_is_enforced_when_a_root_is_read(materials: Materials, tmp_path: Path, round_id) -> None:
    root = edited(materials, "plain_root", tmp_path, lambda d: d.update(round=round_id))
    for args in (["verify", materials.proof, "--root", root], ["log", "append", root, "--log", tmp_path / "l.jsonl"],
                 ["solvency", root, "--reserves", materials.reserves_csv]):
        expect(args, 2, root.name, "'round'")


@pytest.mark.parametrize(("field", "value"), [("round", ["R1"]), ("seq", "0"), ("seq", True), ("mode", 1),
                                              ("root", "AB" * 32), ("prev", None), ("entry_hash", {})])
def test_a_log_entry_with_a_field_of_the_wrong_type_is_bad_input(materials: Materials, tmp_path: Path,
                                                                  field: str, value: object) -> None:
    lines = materials.log.read_text().splitlines()
    entry = json.loads(lines[0])
    entry[field] = value
    log = tmp_path / "roots.jsonl"
    log.write_text("\n".join([json.dumps(entry), *lines[1:]]) + "\n")
    expect(["log", "verify", log], 2, log.name, "row 1", f"'{field}'")
    expect(["log", "append", materials.private_root, "--log", log], 2, log.name, f"'{field}'")
    expect(["log", "verify", materials.log, "--against", log], 2, log.name)


@pytest.mark.parametrize(("key", "value"), [("blinding", 5), ("blinding", "AB" * 32), ("total", 1.5),
                                            ("total", None), ("extra", "x")])
def test_opened_totals_with_a_field_of_the_wrong_type_are_bad_input(materials: Materials, tmp_path: Path,
                                                                     key: str, value: object) -> None:
    totals = edited(materials, "opened_totals", tmp_path, lambda d: d["totals"]["BTC"].update({key: value}))
    totals.chmod(0o600)
    expect(["audit", materials.balances, "--root", materials.private_root, "--secret", materials.secret,
            "--totals", totals], 2, totals.name, "'totals.BTC")


@pytest.mark.parametrize("signatures", [5, "x", [5], [None], {"a": 1}])
def test_sign_refuses_a_root_whose_signatures_are_not_a_list_of_objects(materials: Materials, tmp_path: Path,
                                                                        signatures: object) -> None:
    root = edited(materials, "plain_root", tmp_path, lambda d: d.update(signatures=signatures))
    before = root.read_bytes()
    expect(["sign", root, "--key", materials.key], 2, root.name, "'signatures'")
    expect(["verify-root", root, "--signers", materials.key_pub], 2, root.name, "'signatures'")
    assert root.read_bytes() == before


@pytest.mark.parametrize("entry", [{"scheme": ["x"]}, {"scheme": "bls12381-pop", "public_key": 5, "signature": None},
                                   {"scheme": "bls12381-pop", "public_key": "zz", "signature": "00"}, {}])
def test_malformed_signature_entries_are_reported_never_a_traceback(materials: Materials, tmp_path: Path,
                                                                    entry: dict) -> None:
    root = edited(materials, "plain_root", tmp_path, lambda d: d["signatures"].insert(0, entry))
    expect(["verify-root", root, "--signers", materials.key_pub], 0, "signature 1 is malformed")
    signed = tmp_path / "signed.json"
    shutil.copy(root, signed)
    expect(["sign", signed, "--key", materials.key], 0)
    expect(["verify-root", signed, "--signers", materials.key_pub], 0)


@pytest.mark.parametrize(("mode", "change", "culprit"), [
    ("plain", lambda d: d.pop("depth"), "tree.json"), ("plain", lambda d: d.update(users="4"), "tree.json"),
    ("plain", lambda d: d.update(tokens=99), "tree.json"),
    ("plain", lambda d: d.update(partition_bits=1), "part-0.hashes.npy"),
    ("private", lambda d: d.update(users=0), "tree.json"), ("private", lambda d: d.update(users=1), ".npy"),
], ids=["no depth", "users as text", "wrong token count", "another partitioning", "no users", "fewer users"])
def test_operator_state_that_disagrees_with_the_root_is_refused(materials: Materials, tmp_path: Path, mode: str,
                                                                change, culprit: str) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(getattr(materials, mode), snapshot)
    meta = json.loads((snapshot / "operator" / "tree.json").read_text())
    change(meta)
    (snapshot / "operator" / "tree.json").write_text(json.dumps(meta))
    expect(["prove", snapshot, "--user", "alice", "--secret", materials.secret, "--out", tmp_path / "p"], 2, culprit)
    if mode == "private":
        expect(["open-totals", snapshot, "--secret", materials.secret, "--out", tmp_path / "t.json"], 2, culprit)


@pytest.mark.parametrize("command", [
    lambda m, s: ["verify", m.proof, "--root", m.plain_root, "--user", "a\udcff"],
    lambda m, s: ["verify", m.private_proof, "--root", m.private_root, "--user", "\udcff"],
    lambda m, s: ["prove", m.plain, "--user", "\udcff", "--secret", m.secret, "--out", s / "p.json"],
    lambda m, s: ["keygen", "--out", s / "k", "--label", "\udcff"],
], ids=["verify plain", "verify private", "prove", "keygen"])
def test_an_argument_that_is_not_utf8_is_a_usage_error(materials: Materials, tmp_path: Path, command) -> None:
    outcome = run_cli([str(a) for a in command(materials, tmp_path)])  # what Python makes of the bytes b"\xff"
    assert outcome.code == 2 and outcome.crash is None, outcome
    assert "is not valid UTF-8 text" in outcome.stderr and "Traceback" not in outcome.stderr
