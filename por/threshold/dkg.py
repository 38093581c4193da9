"""Dealer-free set-up (joint-Feldman DKG) and proactive share refresh, run through files (docs/SPEC.md §14.5.4).

Each party i is a dealer: it draws f_i, publishes Feldman commitments to it (with a proof of knowledge of f_i(0)),
and sends f_i(j) privately to every party j. Each party checks what it received and publishes its complaints (a
dealer whose share fails the Feldman check is named); an accused dealer answers by revealing that share publicly.
Every party then computes the same qualified set QUAL from the public files alone, its share Σ_{i∈QUAL} f_i(j), and
the group commitments Σ_{i∈QUAL} C_{i,k}; the group key is their constant term. Nobody ever holds the group secret,
so the group key's proof of possession is itself threshold-signed: each party's finish writes a partial PoP and
``complete`` combines t of them. A refresh is the same run with f_i(0) = 0: new shares of the same key.

This module holds the first rounds (deal, check, answer); por.threshold.dkg_finish the last (finish, complete).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from por.errors import InputError
from por.threshold import pok
from por.threshold.curve import ORDER, Point, encode_g1, is_identity
from por.threshold.dkg_files import (
    ANSWER,
    COMMITMENTS,
    COMPLAINTS,
    DEALER_SECRET,
    DEALT_SHARE,
    REFRESH,
    Session,
    answer_name,
    commitments_name,
    complaints_name,
    dealer_secret_name,
    dealt_share_name,
    party_field,
    read_dealer_secret,
    read_document,
)
from por.threshold.files import hex_field, hex_value, point_field, write_files
from por.threshold.shares import Polynomial, ScalarSource, random_scalar, share_matches


def dealer_context(session: Session, dealer: int) -> bytes:
    return session.context + dealer.to_bytes(2, "big")


def deal(directory: str | Path, session: Session, dealer: int, *, draw: ScalarSource = random_scalar) -> list[Path]:
    """Dealer ``dealer``'s files: commitments (public), a share for each other party (private, to that party only)
    and its dealer secret (private, stays with it: it answers complaints and gives its own share)."""
    if not 1 <= dealer <= session.parties:
        raise InputError(f"the index must be from 1 to {session.parties}", field="index")
    while True:
        polynomial = Polynomial.random(session.threshold, zero_constant=session.kind == REFRESH, draw=draw)
        if all(polynomial.coefficients[1:]) and (session.kind == REFRESH or polynomial.coefficients[0]):
            break
    public = {commitments_name(dealer): session.document(
        COMMITMENTS, dealer=dealer, commitments=[encode_g1(p).hex() for p in polynomial.commitments()],
        **_proof_field(session, dealer, polynomial, draw))}
    private = {dealt_share_name(dealer, j): session.document(DEALT_SHARE, dealer=dealer, recipient=j,
                                                             share=scalar_hex(polynomial.at(j)))
               for j in range(1, session.parties + 1) if j != dealer}
    private[dealer_secret_name(dealer)] = session.document(
        DEALER_SECRET, dealer=dealer, coefficients=[scalar_hex(a) for a in polynomial.coefficients])
    return write_files(directory, public, private, last=commitments_name(dealer))


def _proof_field(session: Session, dealer: int, polynomial: Polynomial, draw: ScalarSource) -> dict:
    if session.kind == REFRESH:
        return {}
    nonce_commitment, response = pok.prove(polynomial.coefficients[0], dealer_context(session, dealer), draw=draw)
    return {"proof_of_knowledge": {"R": nonce_commitment.hex(), "z": response.hex()}}


@dataclass
class Dealer:
    """Dealer i's commitments as read from its public file, or why it is disqualified without further ado."""

    index: int
    points: list[Point] | None = None
    problem: str | None = None
    document: dict | None = None


@dataclass
class Party:
    """One party's view of a run: its own polynomial, and every dealer's public commitments."""

    directory: Path
    index: int
    session: Session
    polynomial: Polynomial
    dealers: dict[int, Dealer] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: str | Path, index: int) -> Party:
        folder = Path(directory)
        session, secret = read_dealer_secret(folder, index)
        path = folder / dealer_secret_name(index)
        if party_field(secret, "dealer", session, path) != index:
            raise InputError(f"is not party {index}'s dealer secret", path=path, field="dealer")
        coefficients = [int.from_bytes(hex_value(c, 32, path, "coefficients"), "big")
                        for c in (secret.get("coefficients") or [])]
        if len(coefficients) != session.threshold or not all(a < ORDER for a in coefficients):
            raise InputError(f"must hold {session.threshold} scalars below r", path=path, field="coefficients")
        party = cls(folder, index, session, Polynomial(tuple(coefficients)))
        party.dealers = {i: party._read_dealer(i) for i in range(1, session.parties + 1)}
        return party

    def _read_dealer(self, index: int) -> Dealer:
        path = self.directory / commitments_name(index)
        if not path.exists():
            return Dealer(index, problem="published no commitments")
        try:
            doc = read_document(path, COMMITMENTS, self.session)
            if party_field(doc, "dealer", self.session, path) != index:
                raise InputError(f"is not dealer {index}'s", path=path, field="dealer")
            points = _commitment_points(doc, self.session, index, path)
        except InputError as exc:
            return Dealer(index, problem=f"published invalid commitments ({exc})")
        return Dealer(index, points, document=doc)

    def received_share(self, dealer: int) -> int | str:
        """The share ``dealer`` sent this party (its own, for itself), or what is wrong with it."""
        if dealer == self.index:
            return self.polynomial.at(self.index)
        path = self.directory / dealt_share_name(dealer, self.index)
        if not path.exists():
            return "sent no share"
        try:
            doc = read_document(path, DEALT_SHARE, self.session, private=True)
            if (party_field(doc, "dealer", self.session, path), party_field(doc, "recipient", self.session, path)) \
                    != (dealer, self.index):
                raise InputError("names another dealer or recipient", path=path, field="recipient")
            value = int.from_bytes(hex_field(doc, "share", 32, path), "big")
        except InputError as exc:
            return f"sent an unreadable share ({exc})"
        points = self.dealers[dealer].points
        if points is not None and not share_matches(points, self.index, value):
            return f"sent party {self.index} a share that fails the Feldman check against its commitments"
        return value


def _commitment_points(doc: dict, session: Session, dealer: int, path: Path) -> list[Point]:
    values = doc.get("commitments")
    if not isinstance(values, list) or len(values) != session.threshold:
        raise InputError(f"must be a list of {session.threshold} commitments", path=path, field="commitments")
    points = [point_field(hex_value(v, 48, path, f"commitments[{k}]"), path, f"commitments[{k}]",
                          allow_identity=k == 0) for k, v in enumerate(values)]
    if session.kind == REFRESH:
        if not is_identity(points[0]):
            raise InputError("a refresh polynomial must have a zero constant term", path=path, field="commitments[0]")
        return points
    proof = doc.get("proof_of_knowledge")
    if is_identity(points[0]) or not isinstance(proof, dict) or not pok.verify(
            points[0], dealer_context(session, dealer), hex_field(proof, "R", 48, path), hex_field(proof, "z", 32, path)):
        raise InputError("the proof of knowledge of the constant term does not verify", path=path,
                         field="proof_of_knowledge")
    return points


@dataclass
class CheckReport:
    party: int
    complaints: dict[int, str]  # dealer -> what was wrong with its private share to this party
    disqualified: dict[int, str]  # dealer -> what is wrong with its public commitments

    @property
    def ok(self) -> bool:
        return not self.complaints and not self.disqualified


def check(directory: str | Path, index: int) -> tuple[CheckReport, Path]:
    """Check every dealer's commitments and the share it sent; write complaints-INDEX.json (public, maybe empty)."""
    party = Party.open(directory, index)
    complaints, disqualified = {}, {}
    for i, dealer in party.dealers.items():
        if dealer.problem:
            disqualified[i] = dealer.problem
        elif isinstance(outcome := party.received_share(i), str):
            complaints[i] = outcome
    doc = party.session.document(COMPLAINTS, party=index,
                                 complaints=[{"dealer": i, "reason": r} for i, r in sorted(complaints.items())])
    name = complaints_name(index)
    write_files(party.directory, {name: doc}, {}, last=name)
    return CheckReport(index, complaints, disqualified), party.directory / name


def answer(directory: str | Path, index: int) -> tuple[list[int], Path]:
    """Reveal, in answer-INDEX.json (public), this dealer's share for every party that complained about it."""
    party = Party.open(directory, index)
    accusers = sorted(k for k, dealers in read_complaints(party).items() if index in dealers)
    doc = party.session.document(ANSWER, dealer=index, revealed=[
        {"recipient": k, "share": scalar_hex(party.polynomial.at(k))} for k in accusers])
    name = answer_name(index)
    write_files(party.directory, {name: doc}, {}, last=name)
    return accusers, party.directory / name


def read_complaints(party: Party) -> dict[int, dict[int, str]]:
    """Every party's complaints (party -> dealer -> reason); each party's file is required, even an empty one."""
    found = {}
    for k in range(1, party.session.parties + 1):
        path = party.directory / complaints_name(k)
        if not path.exists():
            raise InputError("is missing: every party runs check, which writes it (empty when all is well), "
                             "before anyone answers or finishes", path=path)
        doc = read_document(path, COMPLAINTS, party.session)
        if party_field(doc, "party", party.session, path) != k or not isinstance(doc.get("complaints"), list):
            raise InputError(f"must be party {k}'s list of complaints", path=path, field="complaints")
        found[k] = {}
        for entry in doc["complaints"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("reason"), str):
                raise InputError("each complaint is {dealer, reason}", path=path, field="complaints")
            dealer = party_field(entry, "dealer", party.session, path)
            if dealer != k:
                found[k][dealer] = entry["reason"]
    return found


def scalar_hex(value: int) -> str:
    return value.to_bytes(32, "big").hex()
