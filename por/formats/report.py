"""Plain-language rendering of verdicts for people (rich) and machines (JSON)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from por.verdict import Verdict


def verdicts_json(verdicts: list[Verdict]) -> str:
    return json.dumps([v.to_json() for v in verdicts], indent=2)


def render(verdicts: list[Verdict], console: Console, *, details: bool = False) -> None:
    """One headline per proof, the user's balances against the root totals, failures in plain words."""
    for verdict in verdicts:
        who = f" for user {verdict.user!r}" if verdict.user else ""
        if verdict.valid:
            console.print(f"[bold green]VALID[/] {verdict.source}: {verdict.format} proof{who} checks out.")
        else:
            first = verdict.failures[0] if verdict.failures else None
            reason = f"{first.name}: {first.detail}" if first else "no check could be run"
            console.print(f"[bold red]INVALID[/] {verdict.source}: {verdict.format} proof{who} fails. {reason}")
        if verdict.balances or verdict.totals:
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            table.add_column("token")
            table.add_column("your balance", justify="right")
            table.add_column("root total", justify="right")
            for symbol in dict.fromkeys([*verdict.balances, *verdict.totals]):
                table.add_row(symbol, verdict.balances.get(symbol, "–"), verdict.totals.get(symbol, "–"))
            console.print(table)
        for key, value in verdict.info.items():
            console.print(f"  {key}: {value}")
        if verdict.root:
            console.print(f"  root: {verdict.root}")
        if details or not verdict.valid:
            for check in verdict.checks:
                mark = "[green]ok[/]" if check.ok else "[red]FAILED[/]"
                console.print(f"  {mark} {check.name}: {check.detail}")
        for warning in verdict.warnings:
            console.print(f"  [yellow]warning[/]: {warning}")
