"""The files of threshold signing (docs/SPEC.md §14.5.2): the group key, a share, a partial signature.

The group key file is an ordinary public key file (por.attest reads it like any signer's key) with an extra "tss"
member that holds the Feldman commitments; shareholders and the combiner need those, users ignore them. Shares are
secrets: written 0600, never over an existing file, never printed, and refused when readable by others.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from por.attest import SCHEME, PublicKey, public_key_from_json
from por.errors import InputError, WeakSecretError
from por.files import SECRET_MODE, staged_directory, write_json
from por.secretfile import check_strength
from por.snapshot import read_json
from por.threshold.curve import G1_SIZE, G2_SIZE, ORDER, Point, decode_g1, encode_g1
from por.threshold.shares import MAX_SHARES, check_parameters, commitment_at, share_matches

TSS_VERSION = 1
SHARE_FORMAT = "por-tss-share"
PARTIAL_FORMAT = "por-tss-partial"
ROOT_PURPOSE = "root"
POP_PURPOSE = "proof-of-possession"
PURPOSES = (ROOT_PURPOSE, POP_PURPOSE)


@dataclass(frozen=True)
class GroupKey:
    """A t-of-n group public key: the key users pin, plus the commitments C_0..C_{t-1} (C_0 is the key)."""

    public: PublicKey
    threshold: int
    shares: int
    commitments: tuple[bytes, ...]
    epoch: int = 0  # incremented by every share refresh
    points: tuple[Point, ...] = field(default=(), compare=False, repr=False)

    @property
    def key(self) -> bytes:
        return self.public.key

    @property
    def name(self) -> str:
        return self.public.label or self.key.hex()[:16]

    def verification_key(self, index: int) -> Point:
        """The public key of share ``index``: Σ_k index^k·C_k, derived from the commitments, never read."""
        return commitment_at(self.points, index)

    def share_problem(self, share: Share) -> str | None:
        """Why ``share`` is not a share of this group key and epoch, or None when it passes the Feldman check."""
        if share.group_public_key != self.key:
            return "the share belongs to another group key"
        if (share.threshold, share.shares) != (self.threshold, self.shares):
            return f"the share is of a {share.threshold}-of-{share.shares} key, the group is {self.threshold}-of-{self.shares}"
        if share.epoch != self.epoch:
            return (f"the share is of epoch {share.epoch} but the group key file is at epoch {self.epoch} "
                    "(shares before and after a refresh do not mix)")
        if not share_matches(self.points, share.index, share.value):
            return f"share {share.index} does not match the group's commitments (the Feldman check failed)"
        return None

    def to_json(self) -> dict:
        tss = {"version": TSS_VERSION, "threshold": self.threshold, "shares": self.shares, "epoch": self.epoch,
               "commitments": [c.hex() for c in self.commitments]}
        return {**self.public.to_json(), "tss": tss}


@dataclass(frozen=True)
class Share:
    """Shareholder ``index``'s secret f(index) for one group key and epoch. repr() never shows the value."""

    group_public_key: bytes
    threshold: int
    shares: int
    index: int
    epoch: int
    value: int = field(repr=False)

    def to_json(self) -> dict:
        return {"format": SHARE_FORMAT, "version": TSS_VERSION, "scheme": SCHEME,
                "group_public_key": self.group_public_key.hex(), "threshold": self.threshold, "shares": self.shares,
                "epoch": self.epoch, "index": self.index, "share": self.value.to_bytes(32, "big").hex()}


@dataclass(frozen=True)
class Partial:
    """Shareholder ``index``'s signature share over one message (a root, or the group key for its PoP)."""

    purpose: str
    group_public_key: bytes
    index: int
    epoch: int
    message_sha256: str
    signature: bytes
    round: str = ""
    source: str = ""

    @property
    def name(self) -> str:
        return self.source or f"the partial of share {self.index}"

    def to_json(self) -> dict:
        doc = {"format": PARTIAL_FORMAT, "version": TSS_VERSION, "scheme": SCHEME, "purpose": self.purpose,
               "group_public_key": self.group_public_key.hex(), "epoch": self.epoch, "index": self.index,
               "message_sha256": self.message_sha256}
        if self.purpose == ROOT_PURPOSE:
            doc["round"] = self.round
        return {**doc, "signature": self.signature.hex()}


def group_key_from_points(points: list[Point], proof_of_possession: bytes, shares: int, *, label: str = "",
                          epoch: int = 0) -> GroupKey:
    commitments = tuple(encode_g1(p) for p in points)
    return GroupKey(PublicKey(commitments[0], proof_of_possession, label), len(points), shares, commitments, epoch,
                    tuple(points))


def read_group_key(path: str | Path) -> GroupKey:
    """A group key file: a valid public key file (KeyValidate, PoP) whose "tss" commitments are valid and agree."""
    doc = read_json(path, "group key file")
    public = public_key_from_json(doc, path)
    tss = doc.get("tss")
    if not isinstance(tss, dict):
        raise InputError('is a single signer\'s public key, not a threshold group key (no "tss" member)', path=path,
                         field="tss")
    if tss.get("version") != TSS_VERSION:
        raise InputError(f"unsupported threshold key version (this tool reads {TSS_VERSION})", path=path,
                         field="tss.version")
    threshold = int_field(tss, "threshold", path, 2, MAX_SHARES, prefix="tss.")
    shares = int_field(tss, "shares", path, threshold, MAX_SHARES, prefix="tss.")
    epoch = int_field(tss, "epoch", path, 0, 2**63, prefix="tss.")
    values = tss.get("commitments")
    if not isinstance(values, list) or len(values) != threshold:
        raise InputError(f"must be a list of {threshold} commitments (one per coefficient)", path=path,
                         field="tss.commitments")
    commitments = tuple(hex_value(v, G1_SIZE, path, f"tss.commitments[{k}]") for k, v in enumerate(values))
    points = tuple(point_field(c, path, f"tss.commitments[{k}]") for k, c in enumerate(commitments))
    if commitments[0] != public.key:
        raise InputError("the first commitment must be the group public key", path=path, field="tss.commitments[0]")
    return GroupKey(public, threshold, shares, commitments, epoch, points)


def write_share(path: str | Path, share: Share) -> None:
    write_private_json(path, share.to_json())


def read_share(path: str | Path) -> Share:
    """A share file: 0600, well formed, index in [1, n], value in [1, r) and not visibly weak."""
    doc = read_private_json(path, "share file")
    if doc.get("format") != SHARE_FORMAT or doc.get("version") != TSS_VERSION or doc.get("scheme") != SCHEME:
        raise InputError(f"not a share file ({SHARE_FORMAT} version {TSS_VERSION})", path=path, field="format")
    threshold = int_field(doc, "threshold", path, 2, MAX_SHARES)
    shares = int_field(doc, "shares", path, threshold, MAX_SHARES)
    raw = hex_field(doc, "share", 32, path)
    value = int.from_bytes(raw, "big")
    if not 0 < value < ORDER:
        raise InputError("the share must be a scalar in [1, r)", path=path, field="share")
    check_strength(raw, what="share", path=path)
    return Share(hex_field(doc, "group_public_key", G1_SIZE, path), threshold, shares,
                 int_field(doc, "index", path, 1, shares), int_field(doc, "epoch", path, 0, 2**63), value)


def read_partial(path: str | Path) -> Partial:
    """A partial signature file, structurally checked; whether it is right is for por.threshold.sign to say."""
    doc = read_json(path, "partial signature file")
    if not isinstance(doc, dict) or doc.get("format") != PARTIAL_FORMAT or doc.get("version") != TSS_VERSION:
        raise InputError(f"not a partial signature file ({PARTIAL_FORMAT} version {TSS_VERSION})", path=path,
                         field="format")
    if doc.get("scheme") != SCHEME or doc.get("purpose") not in PURPOSES:
        raise InputError(f"scheme must be {SCHEME} and purpose one of {', '.join(PURPOSES)}", path=path,
                         field="purpose")
    round_id = doc.get("round", "")
    if not isinstance(round_id, str):
        raise InputError("must be a string", path=path, field="round")
    return Partial(doc["purpose"], hex_field(doc, "group_public_key", G1_SIZE, path),
                   int_field(doc, "index", path, -(2**63), 2**63), int_field(doc, "epoch", path, 0, 2**63),
                   hex_field(doc, "message_sha256", 32, path).hex(), hex_field(doc, "signature", G2_SIZE, path),
                   round_id, str(path))


def read_private_json(path: str | Path, what: str) -> dict:
    """A secret JSON object; refused (exit 2) when the file is readable by the group or others."""
    target = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        raise InputError(f"the {what} does not exist", path=target) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what} ({exc.__class__.__name__})", path=target) from None
    if mode & 0o077:
        raise WeakSecretError(f"{target}: the {what} is readable by others (mode {mode:o}); chmod 600 it.")
    doc = read_json(target, what)
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object", path=target)
    return doc


def write_private_json(path: str | Path, obj: dict) -> None:
    """Write a secret JSON file, 0600 from the start and atomically; never over an existing file."""
    target = Path(path)
    if target.exists():
        raise InputError("refusing to overwrite an existing secret file", path=target)
    write_json(target, obj, file_mode=SECRET_MODE)


def write_files(directory: str | Path, public: Mapping[str, dict], private: Mapping[str, dict], *,
                last: str) -> list[Path]:
    """Install several files into ``directory`` together (a new one is made 0700): all of them, or none.

    ``private`` files are written 0600. Nothing that exists is ever replaced: the call is refused first.
    """
    target = Path(directory)
    names = [*public, *private]
    existing = [name for name in names if (target / name).exists()]
    if existing:
        raise InputError(f"refusing to overwrite {existing[0]}", path=target)
    with staged_directory(target, last=last, dir_mode=0o700) as stage:
        for name, obj in public.items():
            write_json(stage / name, obj)
        for name, obj in private.items():
            write_json(stage / name, obj, file_mode=SECRET_MODE)
    return [target / name for name in names]


def int_field(doc: dict, name: str, path: str | Path, low: int, high: int, *, prefix: str = "") -> int:
    value = doc.get(name)
    if type(value) is not int or not low <= value <= high:
        raise InputError(f"must be an integer from {low} to {high}", path=path, field=prefix + name)
    return value


def hex_field(doc: dict, name: str, size: int, path: str | Path) -> bytes:
    return hex_value(doc.get(name), size, path, name)


def hex_value(value: object, size: int, path: str | Path, shown: str) -> bytes:
    """``size`` bytes from lowercase hex, else InputError naming the field as ``shown``."""
    raw = b""
    if isinstance(value, str) and value == value.lower():
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = b""
    if len(raw) != size:
        raise InputError(f"must be {size} bytes of lowercase hexadecimal", path=path, field=shown)
    return raw


def point_field(data: bytes, path: str | Path, shown: str, *, allow_identity: bool = False) -> Point:
    try:
        return decode_g1(data, allow_identity=allow_identity)
    except ValueError as exc:
        raise InputError(f"is not a valid G1 point: {exc}", path=path, field=shown) from None


def check_threshold(threshold: int, shares: int) -> None:
    """check_parameters as bad input (exit 2)."""
    try:
        check_parameters(threshold, shares)
    except ValueError as exc:
        raise InputError(str(exc)) from None
