"""Commands: reserves verify, solvency, keygen, sign, verify-root, log append, log verify.

A thin shell: each command calls the library (por.reserves, por.solvency, por.attest, por.history), prints a
rich table or --json, and exits 0 (ok), 1 (a check failed / under-reserved) or 2 (bad input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from por import attest, history
from por.cli.options import signers_option, threshold_option
from por.cli.output import console as _console
from por.errors import EXIT_INVALID, EXIT_OK, InputError
from por.files import write_json
from por.reserves import VALID, WHAT_A_SIGNATURE_PROVES, check_round, load_reserves, verify_wallets
from por.snapshot import read_root, root_file_of
from por.solvency import UNDER_RESERVED, solvency_report

DEFAULT_LOG = "por-roots.jsonl"
_STYLE = {"valid": "green", "invalid": "bold red", "unverified": "yellow"}


def _emit_json(obj: dict) -> None:
    click.echo(json.dumps(obj, indent=2))


def _finish(ok: bool) -> None:
    sys.exit(EXIT_OK if ok else EXIT_INVALID)


def _short(report) -> bool:
    """Under-reserved or a failed signature: what makes a report NOT SOLVENT by itself."""
    return bool(report.failed_wallets) or any(r.verdict == UNDER_RESERVED for r in report.rows)


@click.group("reserves")
def reserves_group() -> None:
    """Reserve wallets and their ownership signatures."""


ROOT_HELP = "the snapshot's root.json (or its snapshot directory): check that every signed message names its round"
REQUIRE_ROUND_HELP = "fail (exit 1) when a signed message does not name the snapshot's round (default: a warning)"


@reserves_group.command("verify")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--root", "root_file", type=click.Path(exists=True, path_type=Path), help=ROOT_HELP)
@click.option("--require-round", is_flag=True, help=REQUIRE_ROUND_HELP)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def reserves_verify(file: Path, root_file: Path | None, require_round: bool, as_json: bool) -> None:
    """Verify every wallet's ownership signature in FILE (por CSV/JSON, Summa signatures.csv, OKX por csv).

    A valid signature proves ownership of the address when it was signed, not its balance."""
    if require_round and root_file is None:
        raise InputError("--require-round needs --root ROOT.json (the round the messages must name)")
    reserves = load_reserves(file)
    results = verify_wallets(reserves)
    rounds = check_round(results, read_root(root_file)["round"], required=require_round) if root_file else None
    failed = [r for r in results if r.status == "invalid"]
    ok = not failed and (rounds is None or rounds.ok)
    if as_json:
        _emit_json({"file": str(file), "kind": reserves.kind, "ok": ok, "wallets": [r.to_json() for r in results],
                    "round_check": rounds.to_json() if rounds else None, "signatures_prove": WHAT_A_SIGNATURE_PROVES})
        _finish(ok)
    table = Table(title=f"Reserve wallets in {file} ({reserves.kind})")
    for name in ("row", "token", "chain", "address", "balance", "height", "result"):
        table.add_column(name, overflow="fold")
    for r in results:
        w = r.wallet
        table.add_row(
            str(w.row), w.token, w.chain, w.address, w.balance or "-", str(w.block_height or "-"),
            f"[{_STYLE[r.status]}]{r.status}[/]: {r.detail}",
        )
    console = _console()
    console.print(table)
    valid = sum(r.status == VALID for r in results)
    unverified = len(results) - valid - len(failed)
    verdict = ("[green]every signature checked is valid[/] (ownership only: the balances are as the file claims)"
               if not failed else f"[bold red]{len(failed)} signature(s) FAILED[/]")
    console.print(f"{valid} valid, {len(failed)} failed, {unverified} not checkable offline: {verdict}.")
    console.print(WHAT_A_SIGNATURE_PROVES)
    if rounds is None:
        console.print("The messages were not checked against a snapshot's round: give --root ROOT.json to check that "
                      "each names it (an old signature can be replayed).")
    elif rounds.stale:
        console.print(f"[{'bold red' if require_round else 'yellow'}]{'FAILED' if require_round else 'warning'}:[/] "
                      f"{rounds.finding()}.")
    else:
        console.print(f"Every signed message names round {rounds.round!r}.")
    _finish(ok)


@click.command("solvency")
@click.argument("root_file", metavar="ROOT.json", type=click.Path(path_type=Path))
@click.option("--reserves", "reserves_file", required=True, type=click.Path(path_type=Path), help="reserves file")
@click.option("--proof", "proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="private mode: the zero-knowledge solvency proofs from `por prove-solvency`")
@click.option("--require-round", is_flag=True, help=REQUIRE_ROUND_HELP)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def solvency(root_file: Path, reserves_file: Path, proof_file: Path | None, require_round: bool,
             as_json: bool) -> None:
    """Compare verified reserves with the root's liabilities, per token. Exit 1 if any token is under-reserved
    or any reserve signature fails. Private roots: verifies the zero-knowledge solvency proofs (--proof).
    ROOT.json may be the snapshot directory. A signed message that does not name the root's round is a warning
    (--require-round: a failure)."""
    root = read_root(root_file)
    zero_knowledge = None
    if proof_file is not None and root["mode"] != "private":
        raise InputError("--proof is for private-mode roots; this plain root publishes its totals, which are "
                         "compared with the reserves directly", path=proof_file)
    if proof_file is not None:
        from por.private.solvency import proof_checker

        zero_knowledge = proof_checker(proof_file, root)
    report = solvency_report(root, load_reserves(reserves_file), zero_knowledge=zero_knowledge,
                             require_round=require_round)
    if as_json:
        _emit_json(report.to_json())
        _finish(report.ok)
    table = Table(title=f"Solvency for round {report.round}")
    for name in ("token", "liabilities", "reserves", "ratio", "verdict", "wallets (ok/failed/unchecked)"):
        table.add_column(name, justify="right" if name in ("liabilities", "reserves", "ratio") else "left")
    for row in report.rows:
        data = row.to_json()
        style = "bold red" if row.verdict == UNDER_RESERVED else "green"
        table.add_row(
            row.token, data["liabilities"], data["reserves"], data["ratio"] or "-", f"[{style}]{row.verdict}[/]",
            f"{row.verified_wallets}/{row.failed_wallets}/{row.unverified_wallets}",
        )
    console = _console()
    console.print(table)
    for result in report.failed_wallets:
        w = result.wallet
        console.print(f"[bold red]failed[/] row {w.row} {w.token} {w.address}: {result.detail} (not counted)")
    for note in report.notes:
        console.print(f"note: {note}")
    if report.ok:
        console.print("[green]Solvent: every token is fully reserved.[/]")
    elif report.round_check and not report.round_check.ok and not _short(report):
        console.print("[bold red]NOT ACCEPTED:[/] reserves are signed for another round (--require-round).")
    else:
        console.print("[bold red]NOT SOLVENT.[/]")
    _finish(report.ok)


@click.command("keygen")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="secret key file (KEY.pub is written too)")
@click.option("--label", default="", help="signer name stored in the public key file (e.g. operator, auditor-1)")
def keygen(out: Path, label: str) -> None:
    """Create a BLS signing key: OUT (secret, 0600, never printed) and OUT.pub (public key + proof of possession)."""
    attest.write_keypair(out, label)
    click.echo(f"wrote secret key {out} (mode 600) and public key {out}.pub")


@click.command("sign")
@click.argument("root_file", metavar="ROOT.json", type=click.Path(path_type=Path))
@click.option("--key", "key_file", required=True, type=click.Path(path_type=Path), help="secret key from keygen")
@click.option("--label", default=None, help="signer name (default: the label in KEY.pub)")
def sign(root_file: Path, key_file: Path, label: str | None) -> None:
    """Add this key's BLS signature over the canonical root to ROOT.json (rewritten atomically); a snapshot
    directory stands for its public/root.json."""
    root_file = root_file_of(root_file)
    root = read_root(root_file)
    secret = attest.read_secret_key(key_file)
    if label is None:
        pub_path = Path(f"{key_file}.pub")
        label = attest.read_public_key(pub_path).label if pub_path.exists() else ""
    write_json(root_file, attest.sign_root(root, secret, label))
    click.echo(f"signed round {root['round']} of {root_file}" + (f" as {label}" if label else ""))


@click.command("verify-root")
@click.argument("root_file", metavar="ROOT.json", type=click.Path(path_type=Path))
@signers_option(required=True)
@threshold_option()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def verify_root(root_file: Path, signer_files: tuple[Path, ...], threshold: int | None, as_json: bool) -> None:
    """Check that at least THRESHOLD of the given signers signed exactly this root."""
    root = read_root(root_file)
    keys = attest.load_public_keys(list(signer_files))
    result = attest.verify_root_signatures(root, keys, threshold if threshold is not None else len(keys))
    if as_json:
        _emit_json(result.to_json())
        _finish(result.ok)
    console = _console()
    for line in result.findings:
        console.print(f"- {line}")
    signed_by = ", ".join(result.valid_signers) or "nobody"
    if result.ok:
        console.print(f"[green]Valid:[/] {len(result.valid_signers)} of {len(keys)} signers signed this root ({signed_by}).")
    else:
        console.print(f"[bold red]NOT VALID:[/] need {result.threshold} signers, valid signatures from {signed_by}.")
    _finish(result.ok)


@click.group("log")
def log_group() -> None:
    """The append-only, hash-chained log of published roots."""


@log_group.command("append")
@click.argument("root_file", metavar="ROOT.json", type=click.Path(path_type=Path))
@click.option("--log", "log_file", default=DEFAULT_LOG, show_default=True, type=click.Path(path_type=Path))
def log_append(root_file: Path, log_file: Path) -> None:
    """Record ROOT.json as the next round in the log."""
    entry = history.append(log_file, read_root(root_file))
    click.echo(f"round {entry['round']} is entry {entry['seq']} of {log_file}; log head {entry['entry_hash']}")


@log_group.command("verify")
@click.argument("log_file", metavar="[LOG]", type=click.Path(path_type=Path), default=DEFAULT_LOG, required=False)
@click.option("--against", type=click.Path(path_type=Path), help="another copy of the log (e.g. one you kept)")
@click.option("--root", "root_file", type=click.Path(path_type=Path), help="check this root.json is in the log")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def log_verify(log_file: Path, against: Path | None, root_file: Path | None, as_json: bool) -> None:
    """Check the log's hash chain, that it does not fork from another copy, and that a root appears in it.

    LOG defaults to por-roots.jsonl in the current directory."""
    result = history.verify_log(log_file, against=against)
    found = None
    if root_file is not None:
        root = read_root(root_file)
        digest = history.snapshot_digest(root)
        found = next((e for e in result.entries if e["round"] == root["round"] and e["snapshot_sha256"] == digest), None)
        if found is None:
            result.detail.append(f"the root in {root_file} (round {root['round']!r}) is not in the log")
            result.ok = False
    if as_json:
        _emit_json({**result.to_json(), "root_entry": found})
        _finish(result.ok)
    console = _console()
    for line in result.detail:
        console.print(f"- {line}")
    if result.ok:
        where = f"; your root is entry {found['seq']}" if found else ""
        console.print(f"[green]Log valid:[/] {len(result.entries)} entries, head {result.head}{where}.")
    else:
        console.print("[bold red]Log NOT valid.[/]")
    _finish(result.ok)


def register(cli: click.Group) -> None:
    for command in (reserves_group, solvency, keygen, sign, verify_root, log_group):
        cli.add_command(command)

