"""Every grammar check matches the WHOLE value: a trailing newline, or anything else after a valid value, is refused.

`re.match(r"^...$")` accepts "BTC\\n" (``$`` also matches before a final newline), so two different root.json files
had one root digest. The source scan pins the class for every pattern in por/ (``$``, ``\\d`` which also matches
non-ASCII digits, and ``.match`` which accepts a valid prefix); the property tests pin each grammar's behaviour.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from por.amounts import AmountError, parse_amount, parse_integer, split_amount, valid_symbol
from por.errors import InputError
from por.ingest.decimals import parse_decimals
from por.reserves import evm
from por.snapshot import is_hex, read_root, valid_round_id

POR = Path(__file__).resolve().parents[1] / "por"
RE_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}
TAILS = ["\n", "\r\n", " ", "\t", "\x00", "/", "\u2028"]


def regex_literals() -> list[tuple[str, int, str]]:
    """(file, line, pattern) of every string literal passed to a function of ``re`` in por/."""
    found = []
    for path in sorted(POR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RE_FUNCTIONS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((str(path.relative_to(POR.parent)), node.lineno, node.args[0].value))
    return found


def pattern_flaws(pattern: str) -> list[str]:
    """``$`` anchors (outside a character class) and ``\\d`` escapes in a regular expression."""
    flaws, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if pattern[index + 1 : index + 2] == "d":
                flaws.append("\\d matches non-ASCII digits; use [0-9]")
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            index += 2 if pattern[index + 1 : index + 2] == "]" else 1
            continue
        if char == "]":
            in_class = False
        elif char == "$" and not in_class:
            flaws.append("$ also matches before a final newline; use fullmatch or \\Z")
        index += 1
    return flaws


def test_the_source_scan_sees_the_patterns() -> None:
    assert len(regex_literals()) >= 10


@pytest.mark.parametrize(("where", "line", "pattern"), regex_literals(), ids=lambda v: str(v)[:40])
def test_no_pattern_in_por_uses_dollar_or_unicode_digits(where: str, line: int, pattern: str) -> None:
    assert not pattern_flaws(pattern), f"{where}:{line}: {pattern!r}: {pattern_flaws(pattern)}"


def test_the_pattern_check_finds_both_flaws() -> None:
    assert len(pattern_flaws(r"^[0-9]+$")) == 1 and len(pattern_flaws(r"\d+")) == 1
    assert not pattern_flaws(r"[$]\$[0-9]+\\") and not pattern_flaws(r"[]$]x")


def test_no_grammar_check_in_por_uses_match() -> None:
    """``Pattern.match`` accepts any valid prefix ("1.5abc" for an amount); grammars use ``fullmatch``."""
    calls = []
    for path in sorted(POR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "match":
                calls.append(f"{path.relative_to(POR.parent)}:{node.lineno}")
    assert not calls, f".match() calls (use .fullmatch): {calls}"


symbols = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}", fullmatch=True)
amounts = st.from_regex(r"[0-9]{1,10}(\.[0-9]{1,8})?", fullmatch=True)
integers = st.from_regex(r"-?[0-9]{1,20}", fullmatch=True)
round_ids = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1, max_size=32)
hex64 = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(symbol=symbols, tail=st.sampled_from(TAILS))
def test_a_symbol_with_anything_after_it_is_not_a_symbol(symbol: str, tail: str) -> None:
    assert valid_symbol(symbol)
    assert not valid_symbol(symbol + tail)
    assert not valid_symbol(tail + symbol)


@settings(max_examples=100, deadline=None)
@given(amount=amounts, tail=st.sampled_from(TAILS))
def test_an_amount_with_anything_after_it_is_refused(amount: str, tail: str) -> None:
    assert parse_amount(amount, 8) >= 0
    for bad in (amount + tail, tail + amount):
        with pytest.raises(AmountError):
            split_amount(bad)


@settings(max_examples=100, deadline=None)
@given(number=integers, tail=st.sampled_from(TAILS))
def test_an_integer_with_anything_after_it_is_refused(number: str, tail: str) -> None:
    assert parse_integer(number, signed=True) == int(number)
    with pytest.raises(AmountError):
        parse_integer(number + tail, signed=True)


@settings(max_examples=100, deadline=None)
@given(round_id=round_ids, tail=st.sampled_from(["\n", "\r", "\x1b[2J", "\x00", "\x85"]))
def test_a_round_id_with_a_control_character_is_refused(round_id: str, tail: str) -> None:
    assert valid_round_id(round_id)
    assert not valid_round_id(round_id + tail)


@settings(max_examples=50, deadline=None)
@given(digest=hex64, tail=st.sampled_from(TAILS))
def test_hex_with_anything_after_it_is_refused(digest: str, tail: str) -> None:
    assert is_hex(digest, 64) and not is_hex(digest + tail, 64) and not is_hex("A" + digest[1:], 64)


@settings(max_examples=30, deadline=None)
@given(body=st.from_regex(r"[0-9a-f]{40}", fullmatch=True), tail=st.sampled_from(TAILS))
def test_an_evm_address_with_anything_after_it_is_refused(body: str, tail: str) -> None:
    assert evm.check_address("0x" + body) is None
    assert evm.check_address("0x" + body + tail) is not None
    with pytest.raises(evm.BadSignature):
        evm.parse_signature("ab" * 65 + tail)


@pytest.mark.parametrize("spec", ["8\n", "BTC=8\n", "٨", "08 "])
def test_a_decimals_option_with_anything_after_the_number_is_refused(spec: str) -> None:
    with pytest.raises(InputError):
        parse_decimals([spec])


@pytest.fixture
def root_file(small_snapshot, tmp_path: Path) -> tuple[Path, dict]:
    root = json.loads(small_snapshot.root_file.read_text())
    return tmp_path / "root.json", root


@pytest.mark.parametrize("change", [
    lambda r: r["totals"].update({next(iter(r["totals"])): r["totals"][next(iter(r["totals"]))] + "\n"}),
    lambda r: r["totals"].update({next(iter(r["totals"])): "0" + r["totals"][next(iter(r["totals"]))]}),
    lambda r: r.update(tokens=[{**r["tokens"][0], "symbol": r["tokens"][0]["symbol"] + "\n"}, *r["tokens"][1:]],
                       totals={(k + "\n" if i == 0 else k): v for i, (k, v) in enumerate(r["totals"].items())}),
    lambda r: r.update(root=r["root"].upper()),
    lambda r: r.update(round=r["round"] + "\n"),
    lambda r: r.update(note="an extra field"),
    lambda r: r["tokens"][0].update(name="Bitcoin"),
    lambda r: r["totals"].update(EXTRA="1"),
], ids=["total+newline", "total with a leading zero", "symbol+newline", "upper-case root", "round+newline",
        "extra field", "extra token field", "extra total"])
def test_a_root_file_that_differs_from_what_por_wrote_but_keeps_its_digest_is_refused(root_file, change) -> None:
    path, root = root_file
    path.write_text(json.dumps(root))
    read_root(path)
    change(root)
    path.write_text(json.dumps(root))
    with pytest.raises(InputError):
        read_root(path)
