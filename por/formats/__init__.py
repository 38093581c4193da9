"""Proof formats that ``por verify`` understands: the native por format and other exchanges' formats.

Each module in this package is one format and exposes module-level ``FORMAT: ProofFormat``. The registry
discovers them, so adding a format is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from por.errors import InputError
from por.formats.base import ProofFormat


@cache
def registry() -> dict[str, ProofFormat]:
    formats: dict[str, ProofFormat] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in {"base", "report"}:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if fmt is not None:
            formats[fmt.name] = fmt
    return formats


def detect(files: list[Path]) -> ProofFormat:
    """The one format that recognises ``files`` by content; InputError when none or several do."""
    matches = [fmt for fmt in registry().values() if fmt.sniff(files)]
    if not matches:
        raise InputError("not a proof file of any format por knows (use --format to name one)", path=files[0])
    if len(matches) > 1:
        names = ", ".join(sorted(f.name for f in matches))
        raise InputError(f"the content matches several formats ({names}); choose one with --format", path=files[0])
    return matches[0]


def by_name(name: str) -> ProofFormat:
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise InputError(f"unknown format {name!r}; known formats: {known}") from None
