"""The end of a DKG or refresh run: the qualified set, each party's share, the group key (docs/SPEC.md §14.5.4).

Every party computes QUAL from the public files alone, so honest parties that saw the same files agree on it, on the
group commitments and on the transcript hash that each result file records; ``complete`` refuses results that
disagree. A DKG's group key gets its proof of possession from t partial PoPs, since nobody holds its secret.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from por.errors import InputError, VerificationError
from por.snapshot import read_json
from por.threshold.curve import ORDER, Point, encode_g1, is_identity
from por.threshold.dkg import Party, read_complaints
from por.threshold.dkg_files import (
    ANSWER,
    DKG,
    REFRESH,
    RESULT,
    Session,
    answer_name,
    canonical_json,
    party_field,
    pop_name,
    read_document,
    result_name,
    session_from_json,
)
from por.threshold.files import (
    GroupKey,
    Share,
    group_key_from_points,
    hex_field,
    hex_value,
    point_field,
    read_partial,
    write_files,
)
from por.threshold.shares import share_matches, sum_points
from por.threshold.sign import combine, pop_message, sign_partial

TRANSCRIPT_TAG = b"por/v1/tss-dkg-transcript\x00"
SHARE_FILE = "share-{}.json"

@dataclass
class Outcome:
    """What every party computes alike from the public files: QUAL, the group commitments, the transcript hash."""

    session: Session
    qualified: list[int]
    disqualified: dict[int, str]
    commitments: list[Point]
    transcript: str
    revealed: dict[tuple[int, int], int] = field(repr=False)

    def result(self, party: int) -> dict:
        return self.session.document(
            RESULT, party=party, qualified=self.qualified,
            disqualified=[{"dealer": i, "reason": r} for i, r in sorted(self.disqualified.items())],
            commitments=[encode_g1(p).hex() for p in self.commitments], transcript_sha256=self.transcript)


def qualify(party: Party, base: GroupKey | None = None) -> Outcome:
    """QUAL by the rule of docs/SPEC.md §14.5.4: valid commitments, fewer than t accusers, every accusation answered
    with a share that passes the Feldman check. ``base`` is the group being refreshed."""
    session, complaints = party.session, read_complaints(party)
    qualified, disqualified, revealed, answers = [], {}, {}, {}
    for i, dealer in party.dealers.items():
        accusers = sorted(k for k, dealers in complaints.items() if i in dealers)
        if dealer.problem:
            disqualified[i] = dealer.problem
        elif len(accusers) >= session.threshold:
            disqualified[i] = f"accused by {len(accusers)} parties ({', '.join(map(str, accusers))}): t or more"
        elif accusers:
            shown, answers[i] = _answer(party, i)
            bad = [k for k in accusers if not (k in shown and share_matches(dealer.points, k, shown[k]))]
            if bad:
                disqualified[i] = f"did not answer the complaint of party {bad[0]} with a share that passes the check"
            revealed.update({(i, k): shown[k] for k in accusers if k in shown})
        if i not in disqualified:
            qualified.append(i)
    if len(qualified) < session.threshold:
        raise VerificationError(f"only {len(qualified)} dealer(s) qualified ({_named(disqualified)}); the run needs "
                                f"at least t = {session.threshold}: start a new session")
    columns = [party.dealers[i].points for i in qualified]
    commitments = sum_points([list(base.points), *columns] if base else columns)
    if any(is_identity(p) for p in commitments):
        raise VerificationError("the group polynomial has a zero coefficient; start a new session")
    transcript = canonical_json({"run": session.to_json(), "commitments": [d.document for d in party.dealers.values()],
                                 "complaints": complaints, "answers": answers})
    digest = hashlib.sha256(TRANSCRIPT_TAG + transcript).hexdigest()
    return Outcome(session, qualified, disqualified, commitments, digest, revealed)


def _answer(party: Party, dealer: int) -> tuple[dict[int, int], dict | None]:
    path = party.directory / answer_name(dealer)
    if not path.exists():
        return {}, None
    try:
        doc = read_document(path, ANSWER, party.session)
        if party_field(doc, "dealer", party.session, path) != dealer or not isinstance(doc.get("revealed"), list):
            raise InputError(f"must be dealer {dealer}'s list of revealed shares", path=path, field="revealed")
        shown = {party_field(e, "recipient", party.session, path): int.from_bytes(hex_field(e, "share", 32, path), "big")
                 for e in doc["revealed"] if isinstance(e, dict)}
    except InputError:
        return {}, None
    return shown, doc


def finish(directory: str | Path, index: int, *, old_share: Share | None = None,
           old_group: GroupKey | None = None) -> tuple[Outcome, list[Path]]:
    """This party's share of the qualified dealers' sum (plus its old share in a refresh), written to share-INDEX.json
    (0600), with result-INDEX.json and, in a DKG, its partial proof of possession pop-INDEX.json."""
    party = Party.open(directory, index)
    session = party.session
    if session.kind == REFRESH:
        _check_refreshed(session, index, old_share, old_group)
    outcome = qualify(party, old_group if session.kind == REFRESH else None)
    value = old_share.value if old_share else 0
    for i in outcome.qualified:
        received = outcome.revealed[i, index] if (i, index) in outcome.revealed else party.received_share(i)
        if isinstance(received, str):
            raise VerificationError(f"dealer {i} {received}, and no answer to a complaint of yours corrects it: run "
                                    f"check (it files the complaint) and have dealer {i} answer before finish")
        value = (value + received) % ORDER
    group_key = encode_g1(outcome.commitments[0])
    share = Share(group_key, session.threshold, session.parties, index, session.new_epoch, value)
    if not value or not share_matches(outcome.commitments, index, value):
        raise VerificationError("your share does not match the group commitments; start a new session")
    public = {result_name(index): outcome.result(index)}
    if session.kind == DKG:
        public[pop_name(index)] = sign_partial(share, pop_message(group_key)).to_json()
    paths = write_files(party.directory, public, {SHARE_FILE.format(index): share.to_json()}, last=result_name(index))
    return outcome, paths


def _check_refreshed(session: Session, index: int, share: Share | None, group: GroupKey | None) -> None:
    if share is None or group is None:
        raise InputError("a refresh needs this party's current share (--share) and group key file (--refresh)")
    expected = (session.group_public_key, session.epoch, session.threshold, session.parties)
    if (group.key, group.epoch, group.threshold, group.shares) != expected:
        raise InputError("the group key file is not the one this refresh run is for", path=group.public.source)
    if (share.group_public_key, share.epoch, share.threshold, share.shares, share.index) != (*expected, index):
        raise InputError(f"is not share {index} of the group and epoch this refresh is for", field="share")


def complete(directory: str | Path, *, label: str = "", old_group: GroupKey | None = None) -> tuple[GroupKey, list[str]]:
    """The group key file once the parties have finished: every result must agree; a DKG's PoP is combined from the
    partial PoPs (at least t valid), a refresh keeps the key and PoP and moves to the next epoch."""
    folder = Path(directory)
    results = sorted(folder.glob("result-*.json"))
    if not results:
        raise InputError("holds no result-*.json: the parties run finish first", path=folder)
    first = _result(results[0])
    for path in results[1:]:
        if _result(path) != first:
            raise VerificationError(f"{results[0].name} and {path.name} disagree: the parties did not see the same "
                                    "public files (compare transcript_sha256) and must start a new session")
    session = session_from_json(first, results[0])
    points = [point_field(hex_value(c, 48, results[0], "commitments"), results[0], "commitments")
              for c in first["commitments"]]
    if session.kind == REFRESH:
        return _complete_refresh(session, points, results, old_group), []
    provisional = group_key_from_points(points, b"", session.parties, label=label)
    partials = [read_partial(p) for p in sorted(folder.glob("pop-*.json"))]
    combined = combine(provisional, pop_message(provisional.key), partials)
    if combined.signature is None:
        raise VerificationError("no proof of possession: " + "; ".join(combined.findings))
    public = replace(provisional.public, proof_of_possession=combined.signature)
    return replace(provisional, public=public), combined.findings


def _result(path: Path) -> dict:
    """A result file without its party number: what every party's result must agree on."""
    doc = read_json(path, "result file")
    if not isinstance(doc, dict) or doc.get("format") != RESULT:
        raise InputError(f"not a {RESULT} file", path=path, field="format")
    doc = read_document(path, RESULT, session_from_json(doc, path))
    if not isinstance(doc.get("commitments"), list):
        raise InputError("must be a list", path=path, field="commitments")
    return {k: v for k, v in doc.items() if k != "party"}


def _complete_refresh(session: Session, points: list[Point], results: list[Path], old: GroupKey | None) -> GroupKey:
    if old is None or (old.key, old.epoch) != (session.group_public_key, session.epoch):
        raise InputError("a refresh completes with the group key file it refreshed (--refresh GROUP.pub)")
    if encode_g1(points[0]) != old.key:
        raise VerificationError("the results' commitments are not of the refreshed group key")
    if len(results) < session.threshold:
        raise VerificationError(f"only {len(results)} of {session.parties} parties finished; at least t = "
                                f"{session.threshold} must hold new shares before old shares are deleted")
    return group_key_from_points(points, old.public.proof_of_possession, session.parties, label=old.public.label,
                                 epoch=session.new_epoch)


def _named(reasons: dict[int, str]) -> str:
    return "; ".join(f"dealer {i} {r}" for i, r in sorted(reasons.items())) or "none disqualified"
