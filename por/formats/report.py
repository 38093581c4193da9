"""Plain-language rendering of verdicts for people (rich) and machines (JSON).

Everything in a verdict came from a file someone else wrote, so it is shown as ``rich.text.Text`` through
``por.printable``: control characters are escaped and ``[red]`` in a user id is printed as is, never read as markup.
A verdict leads with one plain sentence (``Verdict.headline``); hashes and heights follow in the checks below it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from por.printable import printable
from por.verdict import Tally, Verdict

SHOWN_IN_FULL = 5
"""A run of at most this many verdicts shows each in full; a longer one (a bundle) shows only the invalid ones."""
INVALID_SHOWN = 20
"""At most this many invalid verdicts of a bundle are shown in full; the rest are counted."""
WARNINGS_SHOWN = 10
"""Distinct warnings shown once under a bundle's summary."""


def _text(*parts: str | tuple[str, str]) -> Text:
    """A line from plain parts (file-derived, escaped) and (text, style) pairs of our own."""
    line = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, "")
        line.append(printable(text), style=style)
    return line


def write_json_stream(verdicts: Iterable[Verdict], out: TextIO) -> Tally:
    """A JSON array of every verdict, written as they come (constant memory). The array is closed even when the
    input turns out unreadable halfway, so that what was written stays one JSON document."""
    tally = Tally()
    try:
        for verdict in verdicts:
            out.write("[\n" if not tally.checked else ",\n")
            out.write(json.dumps(verdict.to_json(), indent=2))
            tally.add(verdict)
    finally:
        if tally.checked:
            out.write("\n]\n")
    return tally


def render(verdicts: Iterable[Verdict], console: Console, *, details: bool = False) -> Tally:
    """Show a run of verdicts: each in full when there are at most ``SHOWN_IN_FULL``; for a bundle, the invalid
    ones (up to ``INVALID_SHOWN``), one line ``N valid, M invalid`` and the distinct warnings once. Memory stays
    flat in the number of verdicts."""
    tally = Tally()
    held: list[Verdict] | None = []
    shown = 0
    warnings: dict[str, None] = {}

    def show_if_invalid(verdict: Verdict) -> None:
        nonlocal shown
        if len(warnings) < WARNINGS_SHOWN:
            warnings.update(dict.fromkeys(verdict.warnings))
        if not verdict.valid and shown < INVALID_SHOWN:
            shown += 1
            render_verdict(verdict, console, details=details)

    for verdict in verdicts:
        tally.add(verdict)
        if held is None:
            show_if_invalid(verdict)
            continue
        held.append(verdict)
        if len(held) > SHOWN_IN_FULL:  # a bundle: from now on only invalid verdicts are shown
            for earlier in held:
                show_if_invalid(earlier)
            held = None
    for verdict in held or []:
        render_verdict(verdict, console, details=details)
    if tally.checked > 1:
        hidden = tally.invalid_count - shown if held is None else 0
        more = f" ({hidden} more invalid proofs not shown)" if hidden else ""
        console.print(_text((f"{tally.summary}{more}", "bold green" if tally.valid else "bold red")))
        for warning in warnings:
            console.print(_text(("warning", "yellow"), ": ", warning))
    return tally


def render_verdict(verdict: Verdict, console: Console, *, details: bool = False) -> None:
    """One verdict: the plain-sentence headline, balances against root totals, then the checks and warnings."""
    mark = ("VALID", "bold green") if verdict.valid else ("INVALID", "bold red")
    console.print(_text(mark, " ", verdict.source, ": ", verdict.headline))
    if verdict.balances or verdict.totals:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("token")
        table.add_column("your balance", justify="right")
        table.add_column("root total", justify="right")
        for symbol in dict.fromkeys([*verdict.balances, *verdict.totals]):
            table.add_row(_text(symbol), _text(verdict.balances.get(symbol, "–")), _text(verdict.totals.get(symbol, "–")))
        console.print(table)
    for key, value in verdict.info.items():
        console.print(_text(f"  {key}: ", value))
    if verdict.root:
        console.print(_text("  root: ", verdict.root))
    if details or not verdict.valid:
        for check in verdict.checks:
            console.print(_text("  ", ("ok", "green") if check.ok else ("FAILED", "red"), f" {check.name}: ",
                                check.detail))
    for warning in verdict.warnings:
        console.print(_text("  ", ("warning", "yellow"), ": ", warning))
