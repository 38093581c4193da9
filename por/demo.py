"""``por demo``: a synthetic exchange taken through the whole workflow, showing what each party sees.

Operator builds and publishes, proves every user; a user verifies their proof (and sees a forged one rejected); an
auditor rebuilds the root from the data. Every step calls the same library API as the CLI commands.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from por.audit import audit_plain
from por.build import build_plain
from por.formats.report import render
from por.ingest import load_balances, write_native_csv
from por.ingest.balances import Balances
from por.proof import prove_user, write_all_proofs
from por.snapshot import read_root
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances
from por.verify import verify_plain


def _step(console: Console, who: str, text: str) -> None:
    console.print()
    console.print(Panel.fit(f"[bold]{who}[/]: {text}", border_style="cyan"))


def run_demo(out: Path, users: int = 5000, console: Console | None = None) -> bool:
    """Run the demo into ``out``; True when every party saw the expected outcome."""
    console = console or Console(highlight=False)
    out.mkdir(parents=True, exist_ok=True)
    tokens, ids, amounts = synthetic_balances(users)
    export = out / "exchange.csv"
    write_native_csv(export, Balances(tokens=tokens, user_ids=ids, amounts=amounts, source=str(export)))

    _step(console, "Operator", f"reads the balances export {export} ({users} users × {len(tokens)} tokens)")
    started = time.perf_counter()
    balances = load_balances(export, decimals=_decimals(tokens))
    snapshot_dir = out / "snapshot"
    result = build_plain(balances.tokens, balances.user_ids, balances.amounts, snapshot_dir, round_id="demo-2026-11")
    console.print(f"Built the sum tree and published {snapshot_dir / 'root.json'} in {time.perf_counter() - started:.2f} s.")
    console.print("Public snapshot (root.json):")
    console.print_json(json.dumps(result.root))

    snapshot = Snapshot(snapshot_dir)
    started = time.perf_counter()
    count = write_all_proofs(snapshot, out / "proofs.jsonl")
    console.print(f"Wrote {count} inclusion proofs to {out / 'proofs.jsonl'} in {time.perf_counter() - started:.2f} s.")

    alice = ids[42].as_py()
    proof = prove_user(snapshot, alice)
    proof_path = out / "my-proof.json"
    proof_path.write_text(json.dumps(proof, indent=2))
    _step(console, "User", f"{alice} downloads {proof_path.name} and checks it offline against the published root")
    root = read_root(snapshot_dir / "root.json")
    honest = verify_plain(proof, root, user_id=alice, source=proof_path.name)
    render([honest], console)

    _step(console, "User", "is shown a forged proof: one sibling sum altered by a single base unit")
    forged = copy.deepcopy(proof)
    forged["siblings"][3]["sums"][0] = str(int(forged["siblings"][3]["sums"][0]) + 1)
    tampered = verify_plain(forged, root, user_id=alice, source="forged-proof.json")
    render([tampered], console)

    _step(console, "Auditor", "rebuilds the tree from the export and the operator's secret")
    report = audit_plain(export, snapshot_dir / "root.json", snapshot_dir / "master-secret.hex")
    table = Table("token", "published total", "recomputed", "match")
    for row in report.rows:
        table.add_row(row.symbol, row.published, row.recomputed, "yes" if row.ok else "NO")
    console.print(table)
    console.print("AUDIT PASSED" if report.ok else f"AUDIT FAILED: {report.first_mismatch}")

    ok = honest.valid and not tampered.valid and report.ok
    console.print()
    console.print("[bold green]Demo complete: every party saw the expected outcome.[/]" if ok
                  else "[bold red]Demo finished with unexpected outcomes.[/]")
    return ok


def _decimals(tokens):
    from por.ingest import DecimalsSpec

    return DecimalsSpec(per_token={t.symbol: t.decimals for t in tokens})
