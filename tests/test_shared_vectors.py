"""Tests that need the third-party vectors skip with one reason in a clone without them, and CI cannot skip them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("POR_VECTORS", "POR_REQUIRE_VECTORS")} | env
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/test_formats_gate.py::test_published_user_proof_reproduces_its_root",
                           "tests/test_formats_okx.py::test_okx_v1_vector_is_valid_with_published_root_and_totals"],
                          cwd=REPO, env=environment, capture_output=True, text=True, timeout=120)


def test_without_vectors_the_tests_that_need_them_skip_with_the_reason(tmp_path: Path) -> None:
    done = _pytest(tmp_path, POR_VECTORS=str(tmp_path / "absent"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout
    assert "the third-party proof vectors are not at" in done.stdout and "POR_VECTORS=DIR" in done.stdout


def test_ci_refuses_to_run_without_the_vectors(tmp_path: Path) -> None:
    done = _pytest(tmp_path, POR_VECTORS=str(tmp_path / "absent"), POR_REQUIRE_VECTORS="1")
    assert done.returncode != 0
    assert "POR_REQUIRE_VECTORS is set but there are no vectors" in done.stdout + done.stderr
