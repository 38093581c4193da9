"""Private-mode commands: prove-solvency (zero-knowledge reserves ≥ liabilities) and open-totals (for auditors)."""

from __future__ import annotations

from pathlib import Path

import click

existing = click.Path(exists=True, dir_okay=False, path_type=Path)
existing_dir = click.Path(exists=True, file_okay=False, path_type=Path)


def _private_snapshot(snapshot_dir: Path, secret_path: Path | None):
    from por.errors import InputError
    from por.snapshot_store import Snapshot

    snapshot = Snapshot(snapshot_dir, secret_path=secret_path)
    if snapshot.root["mode"] != "private":
        raise InputError("this is a plain-mode snapshot: its totals are public already", path=snapshot_dir)
    return snapshot


@click.command("prove-solvency")
@click.argument("snapshot_dir", metavar="DIR", type=existing_dir)
@click.option("--reserves", "reserves_path", required=True, type=existing,
              help="Reserves file (por reserves format, or JSON {symbol: decimal total}).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Solvency proof file to write.")
@click.option("--secret", "secret_path", type=click.Path(dir_okay=False, path_type=Path), help="Master secret file.")
def prove_solvency(snapshot_dir, reserves_path, out_path, secret_path):
    """Prove, per token and in zero knowledge, that reserves cover the committed liabilities."""
    from por.private.solvency import prove_solvency_file, reserve_totals

    snapshot = _private_snapshot(snapshot_dir, secret_path)
    document = prove_solvency_file(snapshot, reserve_totals(reserves_path, snapshot.tokens), out_path,
                                   reserves_source=str(reserves_path))
    click.echo(f"solvency proofs for {', '.join(document['proofs'])} written to {out_path}")


@click.command("open-totals")
@click.argument("snapshot_dir", metavar="DIR", type=existing_dir)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (mode 0600: it opens the root commitments).")
@click.option("--secret", "secret_path", type=click.Path(dir_okay=False, path_type=Path), help="Master secret file.")
def open_totals(snapshot_dir, out_path, secret_path):
    """Give an auditor the per-token totals and root blindings of a private snapshot."""
    from por.private.totals import write_opened_totals

    write_opened_totals(_private_snapshot(snapshot_dir, secret_path), out_path)
    click.echo(f"opened totals written to {out_path} (mode 0600; give it to the auditor only)")


def register(cli: click.Group) -> None:
    for command in (prove_solvency, open_totals):
        cli.add_command(command)
