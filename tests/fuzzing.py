"""The fuzz harness: every kind of file por reads, the commands that read it, and structural mutations of it.

Used by tests/test_fuzz.py (the hypothesis campaign) and the hostile-input tests. A ``Kind`` is one input file
made by por itself (or a published vector of another exchange) plus the commands that consume it; the mutators turn
its bytes into hostile variants: deleted, duplicated and retyped fields, huge and deeply nested values, long numbers,
control characters, truncation and bit flips. Whatever a mutated file holds, every command must answer with exit
code 0, 1 or 2 and, for 2, one sentence naming the file — never a traceback or a signal.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

from por.cli import cli
from tests.conftest import SECRET_HEX

REPO = Path(__file__).resolve().parents[1]
BALANCES = "user_id,BTC,ETH,USDT\nalice,1.5,2,250.75\nbob,0.00000001,12.25,0\n\"carol, jr.\",0,0.5,1000\ndave,3,3.14159265,0.000001\n"
ROUND = "2026-11-R1"


# ------------------------------------------------------------------------------------------------ running por


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    crash: str | None  # the traceback of an exception that escaped the CLI, if any

    def problems(self, named: Path | None) -> list[str]:
        """What breaks the contract: an exit code other than 0/1/2, a traceback, or an exit-2 message that is not
        one line naming the file (``named``, or its folder: a format reads a folder, a snapshot's files must agree)
        or the option or field at fault."""
        found = []
        if self.crash is not None:
            found.append(f"uncaught exception:\n{self.crash}")
        if self.code not in (0, 1, 2):
            found.append(f"exit code {self.code}")
        if "Traceback" in self.stdout + self.stderr:
            found.append("a traceback was printed")
        if self.code == 2 and self.crash is None:
            lines = self.stderr.strip().splitlines() or _json_error(self.stdout)
            if len(lines) != 1 or not lines[0].lower().startswith("error"):
                found.append(f"exit 2 without exactly one error line: {self.stderr[:500]!r}")
            elif named is not None and not any(where in lines[0] for where in (named.name, str(named.parent), "field '")):
                found.append(f"exit 2 naming neither {named.name} nor a field: {lines[0][:500]!r}")
        return found


def _json_error(stdout: str) -> list[str]:
    """With --json an error is a JSON object on stdout's last line: its sentence, as the one error line."""
    try:
        last = json.loads(stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return []
    if isinstance(last, dict) and last.get("exit_code") == 2 and isinstance(last.get("error"), str):
        return [f"error: {last['error']}"]
    return []


def run_cli(args: list[str]) -> Outcome:
    """``por ARGS`` in this process (click's CliRunner over the same command group as the console script)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        crash = "".join(traceback.format_exception(*result.exc_info))
    return Outcome(result.exit_code, result.stdout, result.stderr, crash)


def run_in_subprocess(jobs: list[list[str]], timeout: int = 900) -> list[dict]:
    """Run each ``por ARGS`` job in ONE fresh interpreter, so a signal (SIGSEGV, stack overflow) is seen as a
    negative return code instead of killing the test run. Returns one result per job; fails the test on a signal."""
    script = (
        "import json, sys\n"
        "from tests.fuzzing import run_cli\n"
        "for args in json.load(sys.stdin):\n"
        "    o = run_cli(args)\n"
        "    print(json.dumps({'args': args, 'code': o.code, 'stdout': o.stdout[:2000], 'stderr': o.stderr[:2000],"
        " 'crash': o.crash}), flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(jobs), capture_output=True, text=True,
                          cwd=REPO, timeout=timeout)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0:
        after = jobs[len(results)] if len(results) < len(jobs) else None
        pytest.fail(f"the interpreter died with return code {done.returncode} (a negative code is a signal) while "
                    f"running por {after}; stderr: {done.stderr[-2000:]}")
    return results


def invoke_ok(*args: object) -> None:
    outcome = run_cli([str(a) for a in args])
    assert outcome.code == 0 and outcome.crash is None, (args, outcome)


# ------------------------------------------------------------------------------------------------ materials


@dataclass
class Materials:
    """Everything por makes, once per test session: two snapshots, proofs, keys, a log, reserves, totals."""

    dir: Path

    def __getattr__(self, name: str) -> Path:  # materials.proof -> dir / "alice.json"
        if name not in FILES:
            raise AttributeError(name)
        return self.dir / FILES[name]


FILES = {
    "balances": "balances.csv", "secret": "master-secret.hex", "plain": "plain", "private": "private",
    "plain_root": "root-plain.json", "private_root": "root-private.json", "proof": "alice.json",
    "proofs": "all.jsonl", "private_proof": "alice.prv", "bundle": "all.prv", "key": "signer.key",
    "key_pub": "signer.key.pub", "log": "roots.jsonl", "reserves_csv": "reserves.csv", "reserves_json": "reserves.json",
    "reserve_totals": "reserve-totals.json", "opened_totals": "opened-totals.json", "solvency_proof": "solvency.json",
    "balances_jsonl": "native.jsonl", "summa": "summa.csv", "dapol": "dapol.csv", "private_json": "alice-v1.json",
}


def build_materials(directory: Path) -> Materials:
    m = Materials(directory)
    m.balances.write_text(BALANCES)
    m.secret.write_text(SECRET_HEX + "\n")
    m.secret.chmod(0o600)
    for name in ("reserves.csv", "reserves.json"):
        shutil.copy(REPO / "examples" / "reserves" / name, directory / name)
    for name in ("native.jsonl", "summa.csv", "dapol.csv"):
        shutil.copy(REPO / "examples" / "inputs" / name, directory / name)
    common = ["--secret", m.secret, "--decimals", "USDT=6", "--workers", "1"]
    invoke_ok("build", m.balances, "--out", m.plain, "--round", f"{ROUND}-plain", *common)
    invoke_ok("build", m.balances, "--out", m.private, "--mode", "private", "--round", f"{ROUND}-private", *common)
    invoke_ok("keygen", "--out", m.key, "--label", "operator")
    shutil.copy(m.plain / "public" / "root.json", m.plain_root)
    shutil.copy(m.private / "public" / "root.json", m.private_root)
    invoke_ok("sign", m.plain_root, "--key", m.key)
    invoke_ok("prove", m.plain, "--user", "alice", "--out", m.proof, "--secret", m.secret)
    invoke_ok("prove", m.plain, "--all", "--out", m.proofs, "--secret", m.secret)
    invoke_ok("prove", m.private, "--user", "alice", "--out", m.private_proof, "--secret", m.secret)
    invoke_ok("prove", m.private, "--all", "--out", m.bundle, "--secret", m.secret)
    _write_private_json_proof(m)
    invoke_ok("log", "append", m.plain_root, "--log", m.log)
    invoke_ok("log", "append", m.private_root, "--log", m.log)
    m.reserve_totals.write_text(json.dumps({"BTC": "100", "ETH": "1000", "USDT": "2000000"}))
    invoke_ok("open-totals", m.private, "--out", m.opened_totals, "--secret", m.secret)
    invoke_ok("prove-solvency", m.private, "--reserves", m.reserves_csv, "--out", m.solvency_proof, "--secret", m.secret)
    return m


def _write_private_json_proof(m: Materials) -> None:
    """The version-1 JSON private proof, which `por verify` still accepts (while the library can still write one)."""
    from por.private import prove
    from por.snapshot_store import Snapshot

    if hasattr(prove, "prove_private_user"):
        m.private_json.write_text(json.dumps(prove.prove_private_user(Snapshot(m.private, secret_path=m.secret), "alice")))


# ------------------------------------------------------------------------------------------------ kinds


Command = Callable[[Materials, Path, Path], list]  # (materials, the mutated file, a scratch dir) -> por arguments


@dataclass(frozen=True)
class Kind:
    name: str
    sample: str  # attribute of Materials, or a path below Materials.dir
    shape: str  # json, jsonl, lines, binary
    commands: tuple[Command, ...]
    snapshot: str | None = None  # the file lives in this snapshot (a copy is made per run); commands get the copy

    def source(self, materials: Materials) -> Path:
        return getattr(materials, self.sample) if self.sample in FILES else materials.dir / self.sample

    def place(self, materials: Materials, scratch: Path, data: bytes) -> Path:
        """Write ``data`` where the commands will read it: a scratch file, or the file inside a snapshot copy."""
        source = self.source(materials)
        if self.snapshot is None:
            return write_mutation(scratch, source.name, data)
        snapshot = getattr(materials, self.snapshot)
        shutil.copytree(snapshot, scratch / "snapshot")
        target = scratch / "snapshot" / source.relative_to(snapshot)
        target.write_bytes(data)
        return target


def _copy(path: Path, scratch: Path) -> Path:
    target = scratch / f"copy-{path.name}"
    shutil.copy(path, target)
    return target


KINDS = (
    Kind("plain proof", "proof", "json", (
        lambda m, f, s: ["verify", f, "--root", m.plain_root],
        lambda m, f, s: ["verify", f, "--root", m.plain_root, "--user", "alice", "--signers", m.key_pub],
        lambda m, f, s: ["verify", f, "--root", m.plain_root, "--format", "por", "--json"],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("plain proofs (JSON Lines)", "proofs", "jsonl", (
        lambda m, f, s: ["verify", f, "--root", m.plain_root],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("private proof", "private_proof", "binary", (
        lambda m, f, s: ["verify", f, "--root", m.private_root, "--user", "alice"],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("private proof (JSON, version 1)", "private_json", "json", (
        lambda m, f, s: ["verify", f, "--root", m.private_root, "--user", "alice"],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("private proof bundle", "bundle", "binary", (
        lambda m, f, s: ["verify", f, "--root", m.private_root],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("plain root", "plain_root", "json", (
        lambda m, f, s: ["verify", m.proof, "--root", f, "--signers", m.key_pub],
        lambda m, f, s: ["verify-root", f, "--signers", m.key_pub],
        lambda m, f, s: ["sign", f, "--key", m.key],
        lambda m, f, s: ["log", "append", f, "--log", s / "log.jsonl"],
        lambda m, f, s: ["log", "verify", m.log, "--root", f],
        lambda m, f, s: ["solvency", f, "--reserves", m.reserves_csv],
        lambda m, f, s: ["audit", m.balances, "--root", f, "--secret", m.secret],
        lambda m, f, s: ["inspect", f],
    )),
    Kind("private root", "private_root", "json", (
        lambda m, f, s: ["verify", m.private_proof, "--root", f],
        lambda m, f, s: ["solvency", f, "--reserves", m.reserves_csv, "--proof", m.solvency_proof],
        lambda m, f, s: ["audit", m.balances, "--root", f, "--secret", m.secret, "--totals", m.opened_totals],
    )),
    Kind("public key", "key_pub", "json", (
        lambda m, f, s: ["verify-root", m.plain_root, "--signers", f],
        lambda m, f, s: ["verify", m.proof, "--root", m.plain_root, "--signers", f],
    )),
    Kind("signing key", "key", "lines", (
        lambda m, f, s: ["sign", _copy(m.plain_root, s), "--key", f],
    )),
    Kind("master secret", "secret", "lines", (
        lambda m, f, s: ["audit", m.balances, "--root", m.plain_root, "--secret", f],
        lambda m, f, s: ["prove", m.plain, "--user", "bob", "--secret", f, "--out", s / "bob.json"],
    )),
    Kind("snapshot log", "log", "jsonl", (
        lambda m, f, s: ["log", "verify", f, "--root", m.plain_root],
        lambda m, f, s: ["log", "verify", m.log, "--against", f],
        lambda m, f, s: ["log", "append", m.plain_root, "--log", f],
    )),
    Kind("reserves (CSV)", "reserves_csv", "lines", (
        lambda m, f, s: ["reserves", "verify", f],
        lambda m, f, s: ["solvency", m.plain_root, "--reserves", f],
        lambda m, f, s: ["solvency", m.private_root, "--reserves", f, "--proof", m.solvency_proof],
        lambda m, f, s: ["prove-solvency", m.private, "--reserves", f, "--out", s / "solvency.json", "--secret",
                         m.secret],
    )),
    Kind("reserves (JSON)", "reserves_json", "json", (
        lambda m, f, s: ["reserves", "verify", f, "--json"],
        lambda m, f, s: ["solvency", m.plain_root, "--reserves", f],
    )),
    Kind("reserve totals", "reserve_totals", "json", (
        lambda m, f, s: ["prove-solvency", m.private, "--reserves", f, "--out", s / "solvency.json", "--secret",
                         m.secret],
    )),
    Kind("opened totals", "opened_totals", "json", (
        lambda m, f, s: ["audit", m.balances, "--root", m.private_root, "--secret", m.secret, "--totals", f],
    )),
    Kind("solvency proof", "solvency_proof", "json", (
        lambda m, f, s: ["solvency", m.private_root, "--reserves", m.reserves_csv, "--proof", f],
    )),
    Kind("balances (CSV)", "balances", "lines", (
        lambda m, f, s: ["build", f, "--out", s / "snap", "--round", "F", "--workers", "1", "--decimals", "USDT=6"],
        lambda m, f, s: ["audit", f, "--root", m.plain_root, "--secret", m.secret],
    )),
    Kind("balances (JSON Lines)", "balances_jsonl", "jsonl", (
        lambda m, f, s: ["build", f, "--out", s / "snap", "--round", "F", "--workers", "1"],
    )),
    Kind("balances (Summa)", "summa", "lines", (
        lambda m, f, s: ["build", f, "--out", s / "snap", "--round", "F", "--workers", "1"],
    )),
    Kind("balances (dapol)", "dapol", "lines", (
        lambda m, f, s: ["build", f, "--out", s / "snap", "--round", "F", "--workers", "1"],
    )),
    Kind("plain snapshot's tree description", "plain/operator/tree.json", "json", (
        lambda m, f, s: ["prove", s / "snapshot", "--user", "alice", "--secret", m.secret, "--out", s / "p.json"],
        lambda m, f, s: ["prove", s / "snapshot", "--all", "--secret", m.secret, "--out", s / "p.jsonl"],
    ), snapshot="plain"),
    Kind("private snapshot's tree description", "private/operator/tree.json", "json", (
        lambda m, f, s: ["prove", s / "snapshot", "--user", "alice", "--secret", m.secret, "--out", s / "p.prv"],
        lambda m, f, s: ["open-totals", s / "snapshot", "--secret", m.secret, "--out", s / "totals.json"],
    ), snapshot="private"),
)


def foreign_commands(name: str) -> tuple[Command, ...]:
    return (
        lambda m, f, s: ["verify", f, "--format", name],
        lambda m, f, s: ["verify", f, "--format", name, "--user", "alice", "--json"],
        lambda m, f, s: ["verify", f],
    )


def shape_of(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "binary"
    try:
        json.loads(text)
        return "json"
    except ValueError:
        pass
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        return "jsonl"
    return "lines"


# ------------------------------------------------------------------------------------------------ mutations


class Raw(str):
    """JSON text inserted as is (numbers too long for json.dumps, deep nesting, NaN)."""


class Pairs(list):
    """An object written with its keys in this order, duplicates included."""


def dump(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Pairs):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return dump(Pairs(value.items()))
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)


def parse(text: str) -> object:
    return json.loads(text, parse_float=Decimal)


DEEP = 100_000
HOSTILE_JSON = [
    Raw("9" * 5000), Raw("-" + "9" * 5000), Raw("0." + "0" * 5000 + "1"), Raw("1e99999"), Raw("1E-99999"),
    Raw("NaN"), Raw("-Infinity"), Raw("[" * DEEP + "]" * DEEP), Raw('{"a":' * 30_000 + "1" + "}" * 30_000),
    Raw('"' + "0" * 5000 + '1.5"'), Raw('"' + "9" * 5000 + '"'), Raw('"\\ud800"'), Raw('"x' + "\\u0000" * 3 + '"'),
]
HOSTILE_TEXT = ["", " ", "0", "-1", "1.5", "-0", "+1", "1e5", "NaN", "inf", "²", "١٢٣", "0x10", "18446744073709551616",
                "9" * 5000, "0" * 5000 + "1.5", "ff" * 32, "FF" * 32, "ff" * 31, "00" * 48, "\x1b[2J\x1b[32mVALID\x1b[0m",
                "a\nb", "tab\tx", "\u202eabc", "\x00", "\x7f", "\u2028", "a" * 140_000, "é", "\ufeff"]
SCALARS = [None, True, False, 0, -1, 1, 2**63, 2**64, -(2**64), 10**30, Decimal("1.5"), Decimal("-0.0"),
           Decimal("1e308"), [], {}, [None], {"": None}, *HOSTILE_TEXT]


def variants(value: object) -> list[object]:
    """Near misses of a value: the same text with a trailing newline, a leading zero, upper case, one character
    less, doubled; the same number as text and the other way round."""
    out: list[object] = []
    if isinstance(value, str):
        out += [value + "\n", " " + value, "0" + value, value.upper(), value[:-1], value * 2, value + "\x00"]
        if value.isascii() and value.replace(".", "", 1).isdigit():
            out.append(Raw(value))
    elif isinstance(value, bool):
        out += [int(value), str(value).lower()]
    elif isinstance(value, int | Decimal):
        out += [str(value), value + 1, -value - 1, Raw("0" * 200 + str(value))]
    return out


def paths(doc: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a JSON document (dict keys, and the first three and the last index of lists)."""
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index in sorted({*range(min(3, len(doc))), len(doc) - 1} - {-1}):
            found += paths(doc[index], (*prefix, index))
    return found


def _get(doc: object, path: tuple) -> object:
    for key in path:
        doc = doc[key]  # type: ignore[index]
    return doc


@st.composite
def json_mutation(draw, doc: object) -> str:
    """One structural change to a parsed document: replace, delete, duplicate or add a field, retype, clone."""
    path = draw(st.sampled_from(paths(doc)))
    target = _get(doc, path)
    op = draw(st.sampled_from(["replace", "replace", "variant", "delete", "duplicate", "add", "wrap", "clone"]))
    near = variants(target)
    value = draw(st.sampled_from(near if op == "variant" and near else [*SCALARS, *HOSTILE_JSON]))
    holder = [_deep_copy(doc)]  # the document is entry 0 of a list, so that every path has a parent
    full = (0, *path)
    parent, key = _get(holder, full[:-1]), full[-1]
    if op == "delete":
        if not path:
            return ""
        del parent[key]
    elif op == "duplicate" and isinstance(parent, dict):
        items = list(parent.items())
        items.insert(list(parent).index(key) + draw(st.integers(0, 1)), (key, value))
        _get(holder, full[:-2])[full[-2]] = Pairs(items)
    elif op == "add" and isinstance(target, dict):
        parent[key][draw(st.sampled_from(["x", "", "format", "version", "signatures", "totals", "\u0000"]))] = value
    elif op == "wrap":
        parent[key] = draw(st.sampled_from([[target], {"value": target}]))
    elif op == "clone" and isinstance(target, list) and target:
        parent[key] = target + target[: draw(st.integers(1, len(target)))]
    else:
        parent[key] = value
    return dump(holder[0])


def _deep_copy(doc: object) -> object:
    if isinstance(doc, dict):
        return {k: _deep_copy(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_deep_copy(v) for v in doc]
    return doc


@st.composite
def line_mutation(draw, text: str) -> str:
    """One change to a line-oriented file: a field replaced, a line deleted, duplicated, swapped or blanked."""
    lines = text.split("\n")
    index = draw(st.integers(0, max(0, len(lines) - 2)))
    line = lines[index]
    op = draw(st.sampled_from(["field", "field", "field", "delete", "duplicate", "swap", "blank", "extra", "json"]))
    if op == "json" and line.lstrip().startswith("{"):
        try:
            lines[index] = draw(json_mutation(parse(line)))
        except ValueError:
            op = "field"
    if op == "field":
        separator = ";" if line.count(";") > line.count(",") else ","
        cells = line.split(separator)
        cell = draw(st.integers(0, len(cells) - 1))
        cells[cell] = draw(st.sampled_from([*HOSTILE_TEXT, *map(str, variants(cells[cell]))]))
        lines[index] = separator.join(cells)
    elif op == "delete":
        del lines[index]
    elif op == "duplicate":
        lines.insert(index, line)
    elif op == "swap" and len(lines) > 2:
        other = draw(st.integers(0, len(lines) - 2))
        lines[index], lines[other] = lines[other], lines[index]
    elif op == "blank":
        lines.insert(index, "")
    elif op == "extra":
        lines[index] = line + "," + draw(st.sampled_from(HOSTILE_TEXT))
    return "\n".join(lines)


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    """Truncation, bit flips, overwritten length-like fields, inserted or repeated bytes (biased to the header)."""
    if not data:
        return draw(st.binary(max_size=64))
    size = len(data)
    at = draw(st.one_of(st.integers(0, min(size, 64) - 1), st.integers(0, size - 1)))
    op = draw(st.sampled_from(["truncate", "flip", "overwrite", "insert", "delete", "repeat", "append"]))
    if op == "truncate":
        return data[:at]
    if op == "flip":
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    if op == "overwrite":
        width = draw(st.sampled_from([1, 2, 4, 8]))
        fill = draw(st.sampled_from([b"\x00", b"\xff", b"\x7f", b"\x80"]))
        return data[:at] + fill * width + data[at + width:]
    if op == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if op == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)):]
    if op == "repeat":
        return data[:at] + data[at:] * 2
    return data + draw(st.sampled_from([b"\n", b"\x00" * 8, b"{}", b"\n{}\n", b"garbage"]))


@st.composite
def mutated_bytes(draw, data: bytes, shape: str) -> bytes:
    """A hostile variant of ``data``: mostly structural for the file's shape, sometimes raw byte damage on top."""
    if shape != "binary" and draw(st.integers(0, 4)):
        text = data.decode("utf-8-sig")
        text = draw(json_mutation(parse(text)) if shape == "json" else line_mutation(text))
        data = text.encode("utf-8", errors="surrogatepass")
        if draw(st.integers(0, 5)):
            return data
    return draw(byte_mutation(data))


def write_mutation(directory: Path, name: str, data: bytes, mode: int = 0o600) -> Path:
    target = directory / name
    target.write_bytes(data)
    target.chmod(mode)
    return target


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="por-fuzz-"))


def worst_cases(data: bytes, shape: str) -> list[tuple[bytes, bool]]:
    """Deterministic hostile variants of a file, each with whether it must be refused (exit 2): nesting far deeper
    than any parser's stack and numbers longer than Python converts, as the whole file and in each top-level field
    (or the first lines); then a string of 5,000 digits, and raw damage, which may also fail verification."""
    deep, long_number = "[" * DEEP + "]" * DEEP, "9" * 5000
    cases = [(deep.encode(), True), (data[: len(data) // 2], False), (data[:16] + b"\xff" * 64, False)]
    if shape == "json":
        doc = parse(data.decode("utf-8-sig"))
        for key in doc if isinstance(doc, dict) else []:
            cases += [(dump({**doc, key: Raw(deep)}).encode(), True), (dump({**doc, key: Raw(long_number)}).encode(), True),
                      (dump({**doc, key: "0" * 5000 + "1.5"}).encode(), False)]
    elif shape in ("jsonl", "lines"):
        rest = data.partition(b"\n")[2]
        cases += [(deep.encode() + b"\n" + rest, True), (long_number.encode() + b"\n" + rest, True)]
    return cases
