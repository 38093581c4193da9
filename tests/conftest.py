"""Shared fixtures: small snapshots built through the library API."""

from __future__ import annotations

from pathlib import Path

import pytest

from por.plain.build import build_plain
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances
from tests.shared_vectors import AVAILABLE, REQUIRED, VECTORS


def pytest_sessionstart(session: pytest.Session) -> None:
    """CI (POR_REQUIRE_VECTORS=1) must run the third-party vector tests: their absence there is an error."""
    if REQUIRED and not AVAILABLE:
        raise pytest.UsageError(f"POR_REQUIRE_VECTORS is set but there are no vectors at {VECTORS}")


SECRET_HEX = "8f4b1c2d3e5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.hex"
    path.write_text(SECRET_HEX + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def small_snapshot(tmp_path: Path, secret_file: Path) -> Snapshot:
    tokens, ids, amounts = synthetic_balances(300, seed=7)
    build_plain(tokens, ids, amounts, tmp_path / "snap", secret_path=secret_file, round_id="2026-11-R1", workers=1)
    return Snapshot(tmp_path / "snap", secret_path=secret_file)


@pytest.fixture(scope="session")
def materials(tmp_path_factory: pytest.TempPathFactory):
    """Every kind of file por makes (tests/fuzzing.py), built once per test process for the hostile-input tests."""
    from tests.fuzzing import build_materials

    return build_materials(tmp_path_factory.mktemp("materials"))
