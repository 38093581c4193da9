"""The files of a DKG or share-refresh run (docs/SPEC.md §14.5.4): their names, the run they belong to, reading.

Every file carries the run's parameters (kind, session, threshold, parties; for a refresh also the group key and
epoch) and is refused when they differ from the reader's own: files of two runs can never be mixed. Which files are
public and which must travel privately is said in the spec; dealt shares and dealer secrets are written 0600.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from por.errors import InputError
from por.snapshot import read_json
from por.threshold.curve import G1_SIZE
from por.threshold.files import TSS_VERSION, hex_field, int_field, read_private_json
from por.threshold.shares import MAX_SHARES, check_parameters

DKG, REFRESH = "dkg", "refresh"
SESSION_TAG = b"por/v1/tss-dkg-session\x00"
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

COMMITMENTS = "por-tss-dkg-commitments"
DEALT_SHARE = "por-tss-dkg-share"
DEALER_SECRET = "por-tss-dkg-dealer-secret"
COMPLAINTS = "por-tss-dkg-complaints"
ANSWER = "por-tss-dkg-answer"
RESULT = "por-tss-dkg-result"


def commitments_name(dealer: int) -> str:
    return f"commitments-{dealer}.json"


def dealt_share_name(dealer: int, recipient: int) -> str:
    return f"share-{dealer}-for-{recipient}.json"


def dealer_secret_name(dealer: int) -> str:
    return f"dealer-secret-{dealer}.json"


def complaints_name(party: int) -> str:
    return f"complaints-{party}.json"


def answer_name(dealer: int) -> str:
    return f"answer-{dealer}.json"


def result_name(party: int) -> str:
    return f"result-{party}.json"


def pop_name(party: int) -> str:
    return f"pop-{party}.json"


@dataclass(frozen=True)
class Session:
    """One run: a fresh key (kind "dkg") or new shares of ``group_public_key`` at ``epoch`` (kind "refresh")."""

    kind: str
    session: str
    threshold: int
    parties: int
    group_public_key: bytes = b""
    epoch: int = 0

    def __post_init__(self) -> None:
        check_parameters(self.threshold, self.parties)
        if self.kind not in (DKG, REFRESH) or not SESSION_ID.fullmatch(self.session):
            raise ValueError("the session id must be 1–128 characters of A–Z a–z 0–9 . _ : - (starting alphanumeric)")
        if (self.kind == REFRESH) != (len(self.group_public_key) == G1_SIZE):
            raise ValueError("a refresh names its group key; a DKG does not")

    def to_json(self) -> dict:
        doc = {"kind": self.kind, "session": self.session, "threshold": self.threshold, "parties": self.parties}
        if self.kind == REFRESH:
            doc.update(group_public_key=self.group_public_key.hex(), epoch=self.epoch)
        return doc

    @property
    def context(self) -> bytes:
        """SHA-256(tag ‖ the run's parameters as sorted compact JSON): what proofs of knowledge are bound to."""
        return hashlib.sha256(SESSION_TAG + canonical_json(self.to_json())).digest()

    @property
    def new_epoch(self) -> int:
        return self.epoch + 1 if self.kind == REFRESH else 0

    def document(self, fmt: str, **fields: object) -> dict:
        return {"format": fmt, "version": TSS_VERSION, **self.to_json(), **fields}


def canonical_json(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def session_from_json(doc: dict, path: str | Path) -> Session:
    kind = doc.get("kind")
    refresh = kind == REFRESH
    try:
        return Session(kind, doc.get("session"), int_field(doc, "threshold", path, 2, MAX_SHARES),
                       int_field(doc, "parties", path, 2, MAX_SHARES),
                       hex_field(doc, "group_public_key", G1_SIZE, path) if refresh else b"",
                       int_field(doc, "epoch", path, 0, 2**63) if refresh else 0)
    except (TypeError, ValueError) as exc:
        raise InputError(f"not a valid run: {exc}", path=path, field="session") from None


def read_document(path: str | Path, fmt: str, session: Session, *, private: bool = False) -> dict:
    """A DKG file of format ``fmt`` that belongs to ``session``; InputError naming the first field that differs."""
    what = f"{fmt} file"
    doc = read_private_json(path, what) if private else read_json(path, what)
    if not isinstance(doc, dict) or doc.get("format") != fmt or doc.get("version") != TSS_VERSION:
        raise InputError(f"not a {fmt} file of version {TSS_VERSION}", path=path, field="format")
    for name, value in session.to_json().items():
        if doc.get(name) != value:
            raise InputError(f"belongs to another run ({name} is {doc.get(name)!r}, expected {value!r})", path=path,
                             field=name)
    return doc


def read_dealer_secret(directory: Path, index: int) -> tuple[Session, dict]:
    """A party's own dealer secret: the run it takes part in, and its polynomial."""
    path = directory / dealer_secret_name(index)
    doc = read_private_json(path, "dealer secret file")
    if doc.get("format") != DEALER_SECRET:
        raise InputError(f"not a {DEALER_SECRET} file", path=path, field="format")
    session = session_from_json(doc, path)
    return session, read_document(path, DEALER_SECRET, session, private=True)


def party_field(doc: dict, name: str, session: Session, path: str | Path) -> int:
    return int_field(doc, name, path, 1, session.parties)
