"""Commands: tss deal, check-share, sign, combine; tss dkg deal, check, answer, finish, complete (also refresh).

A thin shell over por.threshold: one group key users pin like any signer's key, t-of-n shares that never meet.
Shares and secrets are written 0600 and never printed. Exit 0 ok, 1 a check failed, 2 bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from por.errors import EXIT_INVALID, EXIT_OK, InputError
from por.files import write_json
from por.snapshot import read_root, root_file_of
from por.threshold import dkg, dkg_finish
from por.threshold.dealer import write_deal
from por.threshold.dkg_files import DKG, REFRESH, Session
from por.threshold.files import read_group_key, read_partial, read_share
from por.threshold.sign import combine_root, root_message, sign_partial

_path = click.Path(path_type=Path)
_dir = click.Path(file_okay=False, path_type=Path)


def _finish(ok: bool) -> None:
    sys.exit(EXIT_OK if ok else EXIT_INVALID)


@click.group("tss")
def tss_group() -> None:
    """Threshold signatures: one group key, signatures only when t of n shareholders take part."""


@tss_group.command("deal")
@click.option("--threshold", "threshold", required=True, type=int, help="shares needed to sign (t ≥ 2)")
@click.option("--shares", "shares", required=True, type=int, help="shareholders (n ≤ 255)")
@click.option("--out", "out_dir", required=True, type=_dir, help="directory for group.pub and share-1..n.json")
@click.option("--label", default="", help="name of the group key (e.g. operator)")
def deal(threshold: int, shares: int, out_dir: Path, label: str) -> None:
    """Trusted dealer: a new group key (group.pub) and n shares (0600), one per shareholder, to hand over privately."""
    group = write_deal(out_dir, threshold, shares, label=label)
    click.echo(f"wrote {out_dir / 'group.pub'} ({threshold}-of-{shares} group key {group.key.hex()[:16]}…) and "
               f"share-1.json … share-{shares}.json (mode 600): give each shareholder its own share file, privately.")


@tss_group.command("check-share")
@click.argument("share_file", metavar="SHARE", type=_path)
@click.option("--group", "group_file", required=True, type=_path, help="the group key file (group.pub)")
def check_share(share_file: Path, group_file: Path) -> None:
    """Check SHARE against the group's public commitments (Feldman), without trusting whoever dealt it."""
    share, group = read_share(share_file), read_group_key(group_file)
    problem = group.share_problem(share)
    if problem:
        click.echo(f"NOT VALID: {share_file}: {problem}.")
    else:
        click.echo(f"Valid: {share_file} is share {share.index} of the {group.threshold}-of-{group.shares} group key "
                   f"{group.name} (epoch {group.epoch}).")
    _finish(problem is None)


@tss_group.command("sign")
@click.argument("root_path", metavar="ROOT.json", type=_path)
@click.option("--share", "share_file", required=True, type=_path, help="this shareholder's share file")
@click.option("--out", "out_file", type=_path, help="partial signature file (default: partial-INDEX.json)")
def sign(root_path: Path, share_file: Path, out_file: Path | None) -> None:
    """Write this share's partial signature over exactly this root (public: it reveals nothing of the share)."""
    root = read_root(root_path)
    share = read_share(share_file)
    partial = sign_partial(share, root_message(root))
    target = out_file or Path(f"partial-{share.index}.json")
    write_json(target, partial.to_json())
    click.echo(f"wrote {target}: partial signature of share {share.index} over round {root['round']}")


@tss_group.command("combine")
@click.argument("root_path", metavar="ROOT.json", type=_path)
@click.argument("partial_files", metavar="PARTIALS...", nargs=-1, required=True, type=_path)
@click.option("--group", "group_file", required=True, type=_path, help="the group key file (group.pub)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def combine(root_path: Path, partial_files: tuple[Path, ...], group_file: Path, as_json: bool) -> None:
    """Check each partial, combine t valid ones and add the group's signature to ROOT.json (exit 1 if < t valid)."""
    root = read_root(root_path)
    group = read_group_key(group_file)
    result, signed = combine_root(root, group, [read_partial(p) for p in partial_files])
    if signed is not None:
        write_json(root_file_of(root_path), signed)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        _finish(result.ok)
    for line in result.findings:
        click.echo(f"- {line}")
    if result.ok:
        click.echo(f"Signed round {root['round']} of {root_path} with the {group.threshold}-of-{group.shares} group key "
                   f"{group.name} (shares {', '.join(map(str, result.used))}).")
    else:
        click.echo(f"NOT SIGNED: {len(result.valid)} valid partial signature(s), {group.threshold} needed.")
    _finish(result.ok)


@tss_group.group("dkg")
def dkg_group() -> None:
    """Dealer-free set-up (and share refresh) through files the parties exchange: deal, check, answer, finish,
    complete (docs/SPEC.md §14.5.4)."""


@dkg_group.command("deal")
@click.argument("directory", metavar="DIR", type=_dir)
@click.option("--session", required=True, help="the run's id, the same for every party (e.g. operator-2026-01)")
@click.option("--threshold", type=int, help="shares needed to sign (DKG)")
@click.option("--parties", type=int, help="number of parties (DKG)")
@click.option("--index", type=int, help="this party's index, 1..parties (DKG)")
@click.option("--refresh", "group_file", type=_path, help="refresh the shares of this group key instead")
@click.option("--share", "share_file", type=_path, help="refresh: this party's current share")
def dkg_deal(directory: Path, session: str, threshold: int | None, parties: int | None, index: int | None,
             group_file: Path | None, share_file: Path | None) -> None:
    """Deal: commitments-I.json (publish to all), share-I-for-J.json (send to party J only, privately) and
    dealer-secret-I.json (keep)."""
    if group_file is not None:
        if share_file is None:
            raise InputError("--refresh needs this party's current --share")
        group, share = read_group_key(group_file), read_share(share_file)
        problem = group.share_problem(share)
        if problem:
            raise InputError(problem, path=share_file)
        run = _session(REFRESH, session, group.threshold, group.shares, group.key, group.epoch)
        index = share.index
    else:
        if None in (threshold, parties, index):
            raise InputError("a DKG needs --threshold, --parties and --index (or --refresh GROUP.pub --share SHARE)")
        run = _session(DKG, session, threshold, parties)
    dkg.deal(directory, run, index)
    others = ", ".join(f"share-{index}-for-{j}.json → party {j}" for j in range(1, run.parties + 1) if j != index)
    click.echo(f"party {index} dealt in {directory}: publish commitments-{index}.json to every party; send privately "
               f"(encrypted, authenticated) {others}; keep dealer-secret-{index}.json.")


@dkg_group.command("check")
@click.argument("directory", metavar="DIR", type=_dir)
@click.option("--index", required=True, type=int, help="this party's index")
def dkg_check(directory: Path, index: int) -> None:
    """Check every dealer's commitments and share; write complaints-I.json (publish it, even when empty)."""
    report, path = dkg.check(directory, index)
    for dealer, reason in sorted(report.disqualified.items()):
        click.echo(f"- dealer {dealer} {reason}: disqualified")
    for dealer, reason in sorted(report.complaints.items()):
        click.echo(f"- dealer {dealer} {reason}: complaint filed")
    verdict = "every dealer's share checks out" if report.ok else "a dealer cheated or failed (named above)"
    click.echo(f"{verdict}; publish {path.name} to every party.")
    _finish(report.ok)


@dkg_group.command("answer")
@click.argument("directory", metavar="DIR", type=_dir)
@click.option("--index", required=True, type=int, help="this party's index")
def dkg_answer(directory: Path, index: int) -> None:
    """Answer the complaints against this dealer by revealing those shares in answer-I.json (publish it)."""
    accusers, path = dkg.answer(directory, index)
    said = f"revealed the shares of parties {', '.join(map(str, accusers))}" if accusers else "no complaints to answer"
    click.echo(f"{said}; publish {path.name} to every party.")


@dkg_group.command("finish")
@click.argument("directory", metavar="DIR", type=_dir)
@click.option("--index", required=True, type=int, help="this party's index")
@click.option("--refresh", "group_file", type=_path, help="refresh: the group key file being refreshed")
@click.option("--share", "share_file", type=_path, help="refresh: this party's current share")
def dkg_finish_command(directory: Path, index: int, group_file: Path | None, share_file: Path | None) -> None:
    """Compute the qualified dealers, this party's share (share-I.json, 0600) and result-I.json (publish it)."""
    old_group = read_group_key(group_file) if group_file else None
    old_share = read_share(share_file) if share_file else None
    outcome, paths = dkg_finish.finish(directory, index, old_share=old_share, old_group=old_group)
    for dealer, reason in sorted(outcome.disqualified.items()):
        click.echo(f"- dealer {dealer} disqualified: {reason}")
    click.echo(f"qualified dealers {', '.join(map(str, outcome.qualified))}; transcript {outcome.transcript} "
               "(compare it with the other parties)")
    click.echo(f"wrote {', '.join(p.name for p in paths)}: keep share-{index}.json secret, publish the others; then "
               f"delete dealer-secret-{index}.json and the share-*-for-{index}.json files"
               + (" and, once every party finished, the old share" if old_share else "") + ".")


@dkg_group.command("complete")
@click.argument("directory", metavar="DIR", type=_dir)
@click.option("--out", "out_file", required=True, type=_path, help="the group key file to write")
@click.option("--label", default="", help="name of the group key (DKG)")
@click.option("--refresh", "group_file", type=_path, help="refresh: the group key file that was refreshed")
def dkg_complete(directory: Path, out_file: Path, label: str, group_file: Path | None) -> None:
    """From the parties' results (and partial proofs of possession), write the group key file."""
    group, findings = dkg_finish.complete(directory, label=label,
                                          old_group=read_group_key(group_file) if group_file else None)
    for line in findings:
        click.echo(f"- {line}")
    write_json(out_file, group.to_json())
    click.echo(f"wrote {out_file}: {group.threshold}-of-{group.shares} group key {group.key.hex()[:16]}…, "
               f"epoch {group.epoch}. Each party now runs `por tss check-share` on its new share against it.")


def _session(kind: str, session: str, threshold: int, parties: int, key: bytes = b"", epoch: int = 0) -> Session:
    try:
        return Session(kind, session, threshold, parties, key, epoch)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def register(cli: click.Group) -> None:
    cli.add_command(tss_group)
