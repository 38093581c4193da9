"""The fuzz campaign: every kind of input file, mutated, through every command that reads it.

Whatever a file holds, por answers with exit 0, 1 or 2 — for 2 one sentence naming the file — and never a traceback
or a signal. Inputs are what por itself makes at test time (so format changes are fuzzed as they happen) and every
proof format of the registry, on the published vectors it recognises. Derandomised and short by default;
``POR_FUZZ_EXAMPLES=N`` runs N examples per input kind, ``POR_FUZZ_SEED=S`` other examples. A mutated native proof or root never verifies.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from por import formats
from tests import fuzzing
from tests.fuzzing import KINDS, Kind, Materials, run_cli, run_in_subprocess
from tests.shared_vectors import AVAILABLE, VECTORS, vector

EXAMPLES = int(os.environ.get("POR_FUZZ_EXAMPLES", "30"))
SEED = os.environ.get("POR_FUZZ_SEED")  # a long run with another seed explores other inputs
_SETTINGS = settings(derandomize=SEED is None, max_examples=EXAMPLES, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])


def FUZZ(test):  # noqa: N802 - used like hypothesis' own decorators
    return _SETTINGS(seed(int(SEED))(test) if SEED is not None else test)
FOREIGN = sorted(name for name in formats.registry() if name != "por")


def foreign_samples(name: str) -> list[Path]:
    """The published vectors (files or folders) that this format recognises by content."""
    fmt = formats.by_name(name)
    found = sorted(p for p in VECTORS.rglob("*") if not any(part.startswith(".") for part in p.relative_to(VECTORS).parts)
                   and p.name != "SOURCE.md" and fmt.sniff([p]))
    return [p for p in found if p.is_file()][:4] or found[:1]


def fuzz_one(materials: Materials, kind: Kind, data, label: str) -> None:
    if not kind.source(materials).exists():
        pytest.skip(f"por no longer writes a {kind.name}")
    scratch = fuzzing.scratch_dir()
    try:
        original = kind.source(materials).read_bytes()
        mutated = data.draw(fuzzing.mutated_bytes(original, kind.shape), label="mutated file")
        target = kind.place(materials, scratch, mutated)
        command = data.draw(st.sampled_from(kind.commands), label="command")
        args = command(materials, target, scratch)
        outcome = run_cli(args)
        problems = outcome.problems(named=target)
        assert not problems, f"{label}: por {' '.join(map(str, args))}\n" + "\n".join(problems)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_command_accepts_the_unmutated_file(materials: Materials, kind: Kind, tmp_path: Path) -> None:
    """The harness exercises the real readers: on the file por made, every command succeeds."""
    if not kind.source(materials).exists():
        pytest.skip(f"por no longer writes a {kind.name}")
    for index, command in enumerate(kind.commands):
        scratch = tmp_path / f"c{index}"
        scratch.mkdir()
        target = kind.place(materials, scratch, kind.source(materials).read_bytes())
        args = command(materials, target, scratch)
        outcome = run_cli(args)
        assert outcome.code == 0 and not outcome.problems(named=None), (args, outcome)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
@FUZZ
@given(data=st.data())
def test_mutated_inputs_get_exit_0_1_or_2_and_never_a_traceback(materials: Materials, kind: Kind, data) -> None:
    fuzz_one(materials, kind, data, kind.name)


@pytest.mark.parametrize("name", FOREIGN)
def test_every_format_has_a_vector_to_fuzz(name: str) -> None:
    if not AVAILABLE:
        vector()  # skips with the reason
    assert foreign_samples(name), f"no published vector is recognised as {name}: the fuzz campaign cannot cover it"


@pytest.mark.parametrize("name", FOREIGN)
@FUZZ
@given(data=st.data())
def test_mutated_foreign_proofs_get_exit_0_1_or_2_and_never_a_traceback(materials: Materials, name: str, data) -> None:
    if not AVAILABLE:
        vector()
    samples = [p for p in foreign_samples(name) if p.is_file()]
    if not samples:
        pytest.skip(f"no single-file vector for {name}")
    sample = data.draw(st.sampled_from(samples), label="vector")
    kind = Kind(name, str(sample), fuzzing.shape_of(sample), fuzzing.foreign_commands(name))
    fuzz_one(materials, kind, data, name)


def test_hostile_files_never_kill_the_interpreter(materials: Materials, tmp_path: Path) -> None:
    """The worst cases of every kind, through every command, in a separate interpreter so that a signal (a stack
    overflow) is caught: nesting 100,000 levels deep and 5,000-digit numbers are refused with exit 2."""
    jobs, expected = [], []
    for number, kind in enumerate(k for k in KINDS if k.source(materials).exists()):
        for index, (hostile, refused) in enumerate(fuzzing.worst_cases(kind.source(materials).read_bytes(), kind.shape)):
            scratch = tmp_path / f"{number}-{index}"
            scratch.mkdir()
            target = kind.place(materials, scratch, hostile)
            for command in kind.commands:
                jobs.append([str(a) for a in command(materials, target, scratch)])
                expected.append((target, refused))
    for (target, refused), result in zip(expected, run_in_subprocess(jobs), strict=True):
        outcome = fuzzing.Outcome(result["code"], result["stdout"], result["stderr"], result["crash"])
        assert not outcome.problems(target), (result["args"], outcome.problems(target))
        assert outcome.code == 2 or not refused, (result["args"], outcome)
