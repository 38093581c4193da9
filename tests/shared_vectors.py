"""Where the third-party proof vectors are, and how tests that need them behave without them.

The vectors (real proof files of other exchanges, each with its SOURCE.md) live outside the repository, in
``../shared/vectors`` beside the checkout, or wherever ``POR_VECTORS=DIR`` points. A clone without them runs every
other test and skips these with one reason; CI sets ``POR_REQUIRE_VECTORS=1``, which turns their absence into an
error, so they can never be skipped silently there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

VECTORS = Path(os.environ.get("POR_VECTORS") or Path(__file__).resolve().parents[1].parent / "shared" / "vectors")
AVAILABLE = VECTORS.is_dir()
REQUIRED = os.environ.get("POR_REQUIRE_VECTORS", "") not in ("", "0")
REASON = (f"the third-party proof vectors are not at {VECTORS}: put shared/vectors beside the checkout "
          "or set POR_VECTORS=DIR")

needs_vectors = pytest.mark.skipif(not AVAILABLE, reason=REASON)


def vector(*parts: str) -> Path:
    """A shared test vector. Without the vectors folder the test is skipped; a vector missing from an existing
    folder FAILS the test (a renamed or deleted file must not pass unnoticed)."""
    if not AVAILABLE:
        pytest.skip(REASON)
    path = VECTORS.joinpath(*parts)
    assert path.exists(), f"test vector {path} is missing"
    return path
