"""One JSON reader for every file (por.jsonio): nesting, numbers and size are bounded before anything can crash.

A file of 100,000 brackets used to kill por with SIGSEGV (py_ecc raises the recursion limit to 100,000, so Python's
own guard never fired) and a 5,000-digit number raised an uncaught ValueError. The readers are exercised in a
subprocess, where a signal fails the test instead of killing the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from por import jsonio
from por.errors import InputError

REPO = Path(__file__).resolve().parents[1]
DEEP = "[" * 100_000 + "]" * 100_000


def refused(text: str | bytes, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        jsonio.loads(text, path="f.json", **kwargs)
    return str(caught.value)


def depth(value: object) -> int:
    if isinstance(value, dict | list):
        items = value.values() if isinstance(value, dict) else value
        return 1 + max((depth(v) for v in items), default=0)
    return 0


tricky_text = st.text(alphabet='[]{}"\\ab\n', max_size=6)
documents = st.recursive(st.none() | st.integers(-5, 5) | tricky_text,
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
                         max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(doc=documents, limit=st.integers(0, 6), indent=st.sampled_from([None, 1]))
def test_the_depth_scan_agrees_with_the_parsed_depth_whatever_the_strings_hold(doc, limit, indent) -> None:
    assert jsonio.too_deep(json.dumps(doc, indent=indent, ensure_ascii=False), limit) == (depth(doc) > limit)


def test_nesting_is_bounded_before_parsing() -> None:
    assert jsonio.loads("[" * 64 + "]" * 64, path="f.json") is not None
    assert "more than 64 levels" in refused("[" * 65 + "]" * 65)
    assert "more than 64 levels" in refused(DEEP)
    assert "more than 64 levels" in refused('{"a":' * 100_000 + "1" + "}" * 100_000)


def test_brackets_inside_strings_do_not_count_but_an_escaped_backslash_ends_the_string() -> None:
    assert jsonio.loads('["' + "[" * 1000 + '"]', path="f.json") == ["[" * 1000]
    assert jsonio.loads('["\\"' + "{" * 1000 + '"]', path="f.json") == ['"' + "{" * 1000]
    assert "levels" in refused('["\\\\", ' + "[" * 70 + "]" * 70 + "]")


def test_numbers_are_bounded_in_length_and_exponent() -> None:
    assert jsonio.loads("[" + "9" * 100 + "]", path="f.json") == [int("9" * 100)]
    assert "longer than 100 characters" in refused("[" + "9" * 101 + "]")
    assert "longer than 100 characters" in refused("[" + "9" * 5000 + "]")  # Python's own limit is 4300 digits
    assert "longer than 100 characters" in refused("[0." + "0" * 5000 + "1]", exact=True)
    assert "exponent" in refused("[1e1000]", exact=True)
    assert jsonio.loads("[1e999]", path="f.json", exact=True) == [Decimal("1e999")]
    assert "binary float" in refused("[1e999]")
    assert jsonio.loads("[1.5]", path="f.json", exact=True) == [Decimal("1.5")]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    assert "not a JSON number" in refused(f'{{"x": {constant}}}')


def test_a_key_given_twice_is_refused_and_named() -> None:
    message = refused('{"totals": {"BTC": "1", "BTC": "2"}}')
    assert "field 'BTC'" in message and "twice" in message


def test_a_lone_surrogate_is_refused_and_named_but_a_surrogate_pair_is_text() -> None:
    message = refused('{"user": {"id": "\\ud800"}}')
    assert "field 'user.id'" in message and "lone surrogate" in message
    assert jsonio.loads('["\\ud83d\\ude00"]', path="f.json") == ["\U0001f600"]


def test_size_is_bounded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(jsonio, "MAX_DOCUMENT_BYTES", 1024)
    (tmp_path / "big.json").write_text(json.dumps(["x" * 2000]))
    with pytest.raises(InputError, match="larger than"):
        jsonio.read_json(tmp_path / "big.json", "proof")


def test_bad_utf8_and_bad_json_are_one_sentence_naming_the_file(tmp_path: Path) -> None:
    assert refused(b'{"a": "\xff"}').startswith("f.json: the file is not UTF-8")
    assert "line 1, column" in refused('{"a": }')
    with pytest.raises(InputError, match="does not exist"):
        jsonio.read_json(tmp_path / "missing.json", "root file")


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)


def test_the_recursion_limit_stays_at_pythons_default_whoever_imports_py_ecc_first() -> None:
    done = _python(
        "import sys\n"
        "import circuits.backend_pure, py_ecc.bls  # py_ecc raises the limit to 100,000 on its first import\n"
        "import por.attest, por.reserves.secp256k1\n"
        "print(sys.getrecursionlimit())\n"
    )
    assert done.returncode == 0 and int(done.stdout) <= 1000, done.stderr
    done = _python("import sys\nsys.setrecursionlimit(500)\nimport por.attest\nprint(sys.getrecursionlimit())\n")
    assert done.returncode == 0 and int(done.stdout) == 500, done.stderr


READERS = r'''
import sys, traceback
from pathlib import Path
from por.errors import InputError
from por.formats import registry
from por.formats.base import VerifyOptions

path = Path(sys.argv[1])
root = {"mode": "private", "root": "00" * 32, "round": "R", "tokens": [{"symbol": "BTC", "decimals": 8}],
        "commitments": {"BTC": "00" * 48}}

def readers():
    from por import attest, history, snapshot
    from por.ingest import load_balances
    from por.private import solvency, totals
    from por.reserves import load_reserves
    from por.amounts import Token
    yield "root", lambda: snapshot.read_root(path)
    yield "public key", lambda: attest.read_public_key(path)
    yield "log", lambda: history.read_entries(path)
    yield "reserves", lambda: load_reserves(path)
    yield "balances", lambda: load_balances(path, fmt="jsonl")
    yield "opened totals", lambda: totals.read_opened_totals(path, root)
    yield "solvency proof", lambda: solvency.verify_solvency_file(root, {}, path)
    yield "reserve totals", lambda: solvency.reserve_totals(path, [Token("BTC", 8)])
    for name, fmt in sorted(registry().items()):
        yield f"{name} sniff", lambda fmt=fmt: fmt.sniff([path]) and None
        yield f"{name} verify", lambda fmt=fmt: list(fmt.verify([path], VerifyOptions(root=path)))

for name, read in readers():
    try:
        read()
        print(f"{name}: accepted")
    except InputError as exc:
        print(f"{name}: InputError {exc}")
    except Exception:
        print(f"{name}: CRASH {traceback.format_exc()!r}")
'''


@pytest.mark.parametrize("content", [
    pytest.param('{"format": "por-root", "x": ' + DEEP + "}", id="deep nesting"),
    pytest.param('{"format": "por-root", "version": ' + "9" * 5000 + "}", id="5000-digit number"),
    pytest.param('{"user_id": "a", "balances": {"BTC": ' + DEEP + "}}", id="deep nesting in a JSON Lines record"),
])
def test_every_reader_refuses_hostile_json_with_one_sentence_in_a_subprocess(tmp_path: Path, content: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content)
    done = subprocess.run([sys.executable, "-c", READERS, str(path)], capture_output=True, text=True, cwd=REPO,
                          timeout=600)
    assert done.returncode == 0, f"the interpreter died (return code {done.returncode}): {done.stderr[-2000:]}"
    lines = done.stdout.splitlines()
    assert len(lines) > 10
    for line in lines:
        name, _, outcome = line.partition(": ")
        if name.endswith("sniff"):
            assert outcome == "accepted", line  # sniffing never raises: it just does not recognise the file
        else:
            assert outcome.startswith(f"InputError {path}"), line
