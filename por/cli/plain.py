"""Commands of the core workflow: build, prove, verify, audit, inspect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from por.cli.options import signers_option, threshold_option
from por.cli.output import console, progress_bar, safe
from por.errors import EXIT_INVALID, InputError
from por.jsonio import loads, read_json

existing = click.Path(exists=True, dir_okay=False, path_type=Path)
existing_dir = click.Path(exists=True, file_okay=False, path_type=Path)
root_path_type = click.Path(exists=True, path_type=Path)  # root.json or a snapshot directory (por.snapshot.read_root)


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Snapshot directory: DIR/public/ holds what may be published (root.json); DIR/operator/ "
                   "(mode 0700) holds the master secret and the operator's state and must never be published.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "summa", "dapol"]), help="Input format (default: detected).")
@click.option("--decimals", "decimals", multiple=True, help="N for every token, or SYM=N (repeatable). Default 8.")
@click.option("--rounding", type=click.Choice(["exact", "up"]), default="exact", show_default=True,
              help="'up' rounds amounts with too many decimals up (liabilities are never rounded down).")
@click.option("--round", "round_id", help="Round id bound into the root (default: current UTC date-time).")
@click.option("--pad-to", type=click.IntRange(min=0), default=0, help="Pad to this capacity (hides the user count).")
@click.option("--capacity", type=click.IntRange(min=0), default=0, help="Alias of --pad-to.")
@click.option("--secret", "secret_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Master secret file (default DIR/operator/master-secret.hex; generated, mode 0600, when absent).")
@click.option("--force", is_flag=True, help="Replace the snapshot already in DIR (its signatures are lost).")
@click.option("--mode", type=click.Choice(["plain", "private"]), default="plain", show_default=True)
@click.option("--range-bits", "range_bits", multiple=True, metavar="N|SYM=N",
              help="Private mode: range width in bits of every token (N) or of one (SYM=N); default 64. Public: it "
                   "bounds the liabilities (total < 2^N); narrower is faster.")
@click.option("--range-bits-from", "range_bits_from", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Private mode: derive each token's range width from this reserves file (bit length of the "
                   "verified reserves).")
@click.option("--arity", type=click.Choice(["4", "8"]), default="4", show_default=True,
              help="Private mode: children per node of the commitment tree.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes to use (default: all cores).")
@click.option("--scheduler", help="Run the build on a Dask cluster (tcp://HOST:PORT); paths must be shared.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON: root.json under \"root\", and what --rounding up changed per token.")
def build(input_path, out_dir, fmt, decimals, rounding, round_id, pad_to, capacity, secret_path, force, mode,
          range_bits, range_bits_from, arity, workers, scheduler, as_json):
    """Build the Merkle sum tree from a balances export (a file or a directory of partition files) and publish it."""
    from por.ingest import load_balances, parse_decimals

    spec = parse_decimals(list(decimals))
    round_up = rounding == "up"
    kwargs = dict(secret_path=secret_path, round_id=round_id, pad_to=max(pad_to, capacity), force=force,
                  round_up=round_up)
    if mode == "plain" and (range_bits or range_bits_from or arity != "4"):
        raise InputError("--range-bits, --range-bits-from and --arity are for private mode (--mode private)")
    if input_path.is_dir() or scheduler:
        if mode == "private":
            raise InputError("private mode builds from one input file on this machine (no directory or --scheduler)")
        from por.plain.partitioned import build_partitioned
        from por.scale.engine import open_engine

        engine = open_engine(scheduler, workers)
        try:
            result = build_partitioned(input_path, out_dir, engine=engine, fmt=fmt, decimals=spec, **kwargs)
        finally:
            engine.close()
    else:
        balances = load_balances(input_path, fmt=fmt, decimals=spec, round_up=round_up)
        if mode == "private":
            from por.private.build import build_private
            from por.private.widths import parse_range_bits, widths_from_reserves

            if range_bits and range_bits_from:
                raise InputError("give either --range-bits or --range-bits-from, not both")
            widths = (widths_from_reserves(range_bits_from, balances.tokens) if range_bits_from
                      else parse_range_bits(range_bits, balances.tokens))
            result = build_private(balances.tokens, balances.user_ids, balances.amounts, out_dir, workers=workers,
                                   range_bits=widths, arity=int(arity), **kwargs)
        else:
            from por.plain.build import build_plain

            result = build_plain(balances.tokens, balances.user_ids, balances.amounts, out_dir, workers=workers,
                                 **kwargs)
        result.rounded = balances.rounded
    _build_summary(result, mode, as_json)


def _build_summary(result, mode: str, as_json: bool) -> None:
    from por.ingest.balances import Rounded

    root = result.root
    users = read_json(result.out_dir / "operator" / "tree.json", "tree description")["users"]
    rounded = {t["symbol"]: (result.rounded.get(t["symbol"]) or Rounded(), t["decimals"]) for t in root["tokens"]}
    if as_json:
        click.echo(json.dumps({"root_file": str(result.root_file), "users": users, "root": root,
                               "rounding": root["rounding"],
                               "rounded": {s: r.to_json(d) for s, (r, d) in rounded.items()}}, indent=2))
        return
    out = console()
    if result.secret_created:
        out.print(f"New master secret written to {result.secret_path} (mode 0600). Keep it safe.")
    out.print(safe(f"Published {result.root_file}: {mode} mode, round {root['round']}, {users} users "
                   f"in {root['leaf_count']} leaves."))
    out.print(f"Publish {result.out_dir / 'public'}/ only; {result.out_dir / 'operator'}/ holds the secret and the "
              "operator's state.")
    out.print(f"root: {root['root']}")
    for symbol, total in root.get("totals", {}).items():
        out.print(f"  {symbol}: {total}")
    if root["rounding"] == "up":
        out.print("Rounded up (--rounding up, recorded in root.json for the audit):")
        for symbol, (tally, places) in rounded.items():
            added = tally.to_json(places)
            out.print(f"  {symbol}: {tally.count} amount{'s' if tally.count != 1 else ''} rounded up"
                      + (f", +{added['added']} {symbol} ({added['added_base_units']} base units) in total"
                         if tally.count else ""))


@click.command()
@click.argument("snapshot_dir", metavar="DIR", type=existing_dir)
@click.option("--user", "user_id", help="User id to prove.")
@click.option("--all", "all_users", is_flag=True,
              help="Prove every user (plain: JSONL, one proof per line; private: one binary proof bundle).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default stdout for --user).")
@click.option("--secret", "secret_path", type=click.Path(dir_okay=False, path_type=Path), help="Master secret file.")
@click.option("--scheduler", help="Private mode: make the node range proofs on this Dask cluster (tcp://HOST:PORT).")
@click.option("--workers", type=click.IntRange(min=1), help="Plain --all: processes to use (default: all cores).")
def prove(snapshot_dir, user_id, all_users, out_path, secret_path, scheduler, workers):
    """Write inclusion proofs for one user (--user) or everyone (--all)."""
    from por.snapshot_store import Snapshot

    if bool(user_id) == bool(all_users):
        raise InputError("give exactly one of --user ID or --all")
    snapshot = Snapshot(snapshot_dir, secret_path=secret_path)
    if scheduler and not (all_users and snapshot.root["mode"] == "private"):
        raise InputError("--scheduler distributes private-mode range proofs: use it with --all on a private snapshot")
    if snapshot.root["mode"] == "private":
        from por.private.prove import prove_private_all, prove_private_user_binary

        if user_id:
            data = prove_private_user_binary(snapshot, user_id)  # version-2 binary container
            if out_path is not None:
                from por.files import write_bytes

                write_bytes(out_path, data)
            elif sys.stdout.isatty():
                raise InputError("a private-mode proof is binary: give --out FILE or redirect standard output")
            else:
                click.get_binary_stream("stdout").write(data)
        else:
            if out_path is None:
                raise InputError("--all needs --out FILE (a binary bundle of every private proof)")
            engine = None
            if scheduler:
                from por.scale.engine import open_engine

                engine = open_engine(scheduler=scheduler)
            try:
                with progress_bar() as bar:
                    task = bar.add_task("proving", total=int(snapshot.meta["users"]))
                    count = prove_private_all(snapshot, out_path, progress=lambda n: bar.advance(task, n), engine=engine)
            finally:
                if engine is not None:
                    engine.close()
            console(stderr=True).print(f"{count} proofs written to {out_path}")
        return
    from por.plain.prove import prove_user, write_all_proofs

    if user_id:
        _emit(prove_user(snapshot, user_id), out_path)
        return
    if out_path is None:
        raise InputError("--all needs --out FILE.jsonl")
    with progress_bar() as bar:
        task = bar.add_task("proving", total=int(snapshot.meta["users"]))
        count = write_all_proofs(snapshot, out_path, progress=lambda n: bar.advance(task, n), workers=workers)
    console(stderr=True).print(f"{count} proofs written to {out_path}")


def _emit(proof: dict, out_path: Path | None) -> None:
    from por.files import write_json

    if out_path is None:
        click.echo(json.dumps(proof, indent=2, ensure_ascii=False))
    else:
        write_json(out_path, proof)


@click.command()
@click.argument("files", metavar="PROOF...", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--root", "root_path", type=existing, help="Published root.json (por proofs only; required for them).")
@click.option("--user", "user_id",
              help="Your user id (or credential): only your proof is checked, and the id inside it is not trusted.")
@click.option("--format", "fmt", metavar="NAME",
              help="Proof format (default: recognised from the content): por, okx-v1, okx-v2, bitget, bitunix, bybit, "
                   "mexc, coinex, swissborg, silversixpence, bitmex, gate.")
@click.option("--option", "extra", multiple=True, help="KEY=VALUE passed to another exchange's format (see docs).")
@click.option("--backend", type=click.Choice(["blst", "fast", "pure"]),
              help="Group backend for por private-mode proofs (default: the fastest that loads here).")
@signers_option()
@threshold_option()
@click.option("--details", is_flag=True, help="List every check of the verdicts shown, not only failures.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable verdicts (a JSON array, streamed).")
def verify(files, root_path, user_id, fmt, extra, backend, signer_files, threshold, details, as_json):
    """Verify inclusion proofs: por's own (plain or private, one proof or a whole bundle) or another exchange's.

    With --user only that user's proof is checked; a bundle without --user is checked proof by proof and
    summarised as "N valid, M invalid". A file that holds no proof is never valid."""
    from por.formats import verify_files
    from por.formats.base import VerifyOptions
    from por.formats.report import render, write_json_stream

    if backend:
        from circuits.group import unavailable_reason

        if reason := unavailable_reason(backend):
            raise InputError(f"--backend {backend}: {reason}")
    options = VerifyOptions(user=user_id, root=root_path, extra=_key_values(extra), signers=list(signer_files),
                            threshold=threshold, backend=backend)
    verdicts = _with_progress(verify_files(list(files), options, fmt), files, options)
    tally = write_json_stream(verdicts, sys.stdout) if as_json else render(verdicts, console(), details=details)
    if not tally.valid:
        sys.exit(EXIT_INVALID)


def _with_progress(verdicts, files, options):
    """The verdicts, with a progress bar over the input's bytes on stderr while they come (only when stderr is a
    terminal); the bar is gone before whatever is printed after the last verdict."""
    bar = progress_bar(percent=True)
    if not bar.console.is_terminal:
        yield from verdicts
        return
    with bar:
        task = bar.add_task("verifying", total=sum(path.stat().st_size for path in files if path.is_file()))
        options.progress = lambda size: bar.advance(task, size)  # read when the first verdict is asked for
        yield from verdicts


def _key_values(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--option {pair!r} must be KEY=VALUE")
        out[key] = value
    return out


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--root", "root_path", required=True, type=root_path_type,
              help="Published root.json, or the snapshot directory (its public/root.json).")
@click.option("--secret", "secret_path", required=True, type=existing, help="The operator's master secret.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "summa", "dapol"]))
@click.option("--totals", "totals_path", type=existing,
              help="Private mode: opened totals from `por open-totals`, checked against the root commitments.")
@click.option("--json", "as_json", is_flag=True)
def audit(input_path, root_path, secret_path, fmt, totals_path, as_json):
    """Rebuild the tree from the data and the secret; compare root and totals with root.json."""
    from rich.table import Table

    from por.snapshot import read_root

    if read_root(root_path)["mode"] == "private":
        from por.private.audit import audit_private

        report = audit_private(input_path, root_path, secret_path, fmt=fmt, totals_path=totals_path)
    else:
        if totals_path is not None:
            raise InputError("--totals is for private-mode roots; a plain root publishes its totals")
        from por.plain.audit import audit_plain

        report = audit_plain(input_path, root_path, secret_path, fmt=fmt)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        out = console()
        table = Table("token", "published", "recomputed", "match")
        for row in report.rows:
            table.add_row(row.symbol, row.published, row.recomputed, "yes" if row.ok else "[red]NO[/]")
        out.print(table)
        if report.ok:
            out.print(f"[bold green]AUDIT PASSED[/]: the data and secret reproduce root {report.published_root}.")
        else:
            out.print(f"[bold red]AUDIT FAILED[/]: {report.first_mismatch or 'root differs'}; "
                      f"recomputed root {report.recomputed_root}, published {report.published_root}.")
    if not report.ok:
        sys.exit(EXIT_INVALID)


@click.command()
@click.argument("path", metavar="FILE", type=existing)
def inspect(path):
    """Pretty-print a root.json or a proof file (binary private proofs are shown as JSON)."""
    from rich.highlighter import JSONHighlighter
    from rich.text import Text

    from por.printable import printable_json

    with open(path, "rb") as handle:
        head = handle.read(8)
    if head in (b"\x89PORPRV\n", b"\x89PORBDL\n"):  # por.private.container magic bytes
        from por.private.container import binary_json_view

        data = binary_json_view(path.read_bytes(), str(path))
    elif path.suffix == ".jsonl":
        data = _first_jsonl_document(path)
    else:
        data = read_json(path, "file")
    # Escaped and never read as markup: the file's strings are shown exactly, as JSON (docs/SPEC.md §16.2).
    text = Text(printable_json(json.dumps(data, indent=2, ensure_ascii=False)))
    console().print(JSONHighlighter()(text))


def _first_jsonl_document(path: Path) -> object:
    """The first proof of a JSON Lines file (``prove --all`` output), read without loading the whole file."""
    with open(path, "rb") as handle:
        first = handle.readline()
        count = 1 + sum(1 for line in handle if line.strip())
    document = loads(first, path=path, row=1, what="first line")
    console(stderr=True).print(safe(f"{path}: showing the first of {count} proofs"))
    return document


def register(cli: click.Group) -> None:
    for command in (build, prove, verify, audit, inspect):
        cli.add_command(command)
