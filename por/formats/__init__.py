"""Proof formats that ``por verify`` understands: the native por format and other exchanges' formats.

Each module in this package is one format and exposes module-level ``FORMAT: ProofFormat``. The registry
discovers them, so adding a format is adding a module. Every verification goes through ``verify_files``, the one
place that guarantees what a verdict means whatever the format (docs/SPEC.md §8.1).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from por.errors import InputError
from por.formats.base import ProofFormat, VerifyOptions
from por.verdict import Verdict

BLANK_PROBE = 1 << 16  # bytes read to tell a blank file from a proof


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
        if files[0].is_dir():
            raise InputError("is a directory, not a proof file of any format por knows", path=files[0])
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


def verify_files(files: list[Path], options: VerifyOptions, fmt: str | None = None) -> Iterator[Verdict]:
    """Verdicts on ``files`` in the named or recognised format, lazily (a bundle streams in constant memory).

    Whatever the format: a file that holds nothing is refused; options a format cannot honour are refused, not
    ignored; with ``options.user`` a verdict that nothing tied to that user fails; and a run that found no proof
    ends with a failed verdict saying so, never quietly: "nothing checked" is never valid.
    """
    for path in files:
        _refuse_empty(path)
    if options.threshold is not None and not options.signers:
        raise InputError("--threshold needs --signers: it says how many of those signers must have signed the root")
    proof_format = by_name(fmt) if fmt else detect(files)
    _refuse_foreign_root_options(proof_format, options, files[0])
    used = _UsedKeys(options.extra)
    options = dataclasses.replace(options, extra=used)
    count = 0
    for verdict in proof_format.verify(files, options):
        if count == 0:
            used.refuse_unused(proof_format)
        if options.user is not None:
            _require_owner(verdict, options.user)
        count += 1
        yield verdict
    used.refuse_unused(proof_format)
    if count == 0:
        yield _nothing_checked(proof_format, files, options.user)


def _nothing_checked(proof_format: ProofFormat, files: list[Path], user: str | None) -> Verdict:
    """The verdict on files that held no proof (for that user): a failure, so that a run is never empty."""
    verdict = Verdict(format=proof_format.name, source=", ".join(str(f) for f in files), user=user)
    if user is None:
        verdict.check("proofs", False, "the file holds no proof at all", summary="This file holds no proof: nothing "
                      "was checked.")
    else:
        verdict.check("proof is for you", False, f"none of the proofs in the file is for user {user!r}",
                      summary=f"There is no proof for user {user!r} in this file.", owner=True)
    return verdict


def _refuse_empty(path: Path) -> None:
    """A precise sentence for a path that cannot hold a proof (missing, empty, only blank lines)."""
    if path.is_dir():
        return  # some formats read a directory of files; the format (or detect) says when it is not one
    try:
        with open(path, "rb") as handle:
            head = handle.read(BLANK_PROBE)
            more = bool(handle.read(1))
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc.__class__.__name__})", path=path) from None
    if not head:
        raise InputError("is empty: it holds no proof", path=path)
    if not more and not head.strip():
        raise InputError("holds only blank lines: it holds no proof", path=path)


def _refuse_foreign_root_options(proof_format: ProofFormat, options: VerifyOptions, path: Path) -> None:
    if getattr(proof_format, "checks_por_root", False):
        if options.extra:
            raise InputError(f"--option {next(iter(options.extra))}: the por format takes no --option", path=path)
        return
    given = [name for name, value in (("--root", options.root), ("--signers", options.signers),
                                      ("--threshold", options.threshold), ("--backend", options.backend)) if value]
    if given:
        names = " and ".join([", ".join(given[:-1]), given[-1]] if len(given) > 1 else given)
        raise InputError(f"{names} {'apply' if len(given) > 1 else 'applies'} only to por's own proofs; this is "
                         f"another exchange's proof ({proof_format.title}), which carries its own root, so nothing in "
                         "it could be checked against them (pin its root with --option root=HASH where the format "
                         "supports it)", path=path)


def _require_owner(verdict: Verdict, user: str) -> None:
    """With --user, a verdict is about that user only if one of its checks compared the proof's owner with it."""
    if not any(check.owner for check in verdict.checks):
        verdict.check("proof is for you", False,
                      f"the {verdict.format} format could not tie this proof to the user id you gave",
                      summary=f"Nothing in this proof was checked against user {user!r}: it is not shown to be theirs.",
                      owner=True)


class _UsedKeys(dict):
    """``--option`` values that remember which keys the format read: a key it never read was ignored, and an
    ignored option (a typo'd ``root=`` pin, say) is refused rather than silently leaving a check undone."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return super().__contains__(key)

    def refuse_unused(self, proof_format: ProofFormat) -> None:
        unused = sorted(set(self) - self.read)
        if unused:
            raise InputError(f"--option {', '.join(unused)}: the {proof_format.name} format did not use "
                             f"{'it' if len(unused) == 1 else 'them'} here (see docs/SPEC.md §15 for its options)")
