"""BLS attestations of root.json: operator and auditors sign the canonical root; verifiers require k of n.

Scheme: IETF BLS signatures, ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ (py_ecc G2ProofOfPossession):
48-byte G1 public keys, 96-byte G2 signatures over por.snapshot.canonical_root_bytes(root). Because signatures
over one message aggregate, a rogue-key attack is possible unless every public key comes with a proof of
possession; the public key file carries one and it is checked before the key is trusted.
Verification: the distinct trusted signers' signatures are aggregated and checked with FastAggregateVerify
(one pairing check); if that fails, each is checked alone to say which is bad.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from py_ecc.bls import G2ProofOfPossession as bls

from por.errors import InputError
from por.files import write_json
from por.jsonio import read_json
from por.secretfile import read_secret, write_secret
from por.snapshot import SIGNATURE_FIELD, canonical_root_bytes

SCHEME = "bls12381-pop"
KEY_FORMAT = "por-bls-public-key"


@dataclass(frozen=True)
class PublicKey:
    key: bytes  # 48-byte compressed G1
    proof_of_possession: bytes  # 96-byte G2
    label: str = ""
    source: str = ""

    def to_json(self) -> dict:
        return {
            "format": KEY_FORMAT,
            "scheme": SCHEME,
            "public_key": self.key.hex(),
            "proof_of_possession": self.proof_of_possession.hex(),
            "label": self.label,
        }


@dataclass
class AttestationResult:
    ok: bool
    threshold: int
    valid_signers: list[str]  # labels (or key hex) of distinct trusted keys with a valid signature
    findings: list[str]  # plain-words findings: bad signatures, unknown signers, duplicates

    @property
    def detail(self) -> str:
        """One line for a verdict's Check: who signed, and what was wrong."""
        signed = ", ".join(self.valid_signers) or "nobody"
        head = f"{len(self.valid_signers)} valid signer(s) of {self.threshold} required ({signed})"
        return "; ".join([head, *self.findings])

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "threshold": self.threshold,
            "valid_signers": self.valid_signers,
            "findings": self.findings,
        }


def generate_key() -> int:
    """A fresh BLS secret key from 32 bytes of OS randomness (KeyGen, RFC draft-irtf-cfrg-bls-signature)."""
    return bls.KeyGen(secrets.token_bytes(32))


def public_key_of(secret: int, label: str = "") -> PublicKey:
    return PublicKey(bls.SkToPk(secret), bls.PopProve(secret), label)


def write_keypair(out: str | Path, label: str = "") -> PublicKey:
    """Write the secret key to ``out`` (0600, hex, never printed) and the public key file to ``out``.pub."""
    target = Path(out)
    pub_path = Path(str(target) + ".pub")
    if pub_path.exists():
        raise InputError("refusing to overwrite an existing public key file", path=pub_path)
    secret = generate_key()
    public = public_key_of(secret, label)
    write_secret(target, secret.to_bytes(32, "big"))
    write_json(pub_path, public.to_json())
    return public


def read_secret_key(path: str | Path) -> int:
    raw = read_secret(path, what="signing key")
    secret = int.from_bytes(raw, "big")
    if len(raw) != 32 or not 0 < secret < _ORDER:
        raise InputError("not a BLS12-381 secret key (32 bytes below the group order)", path=path)
    return secret


def read_public_key(path: str | Path) -> PublicKey:
    """Read a public key file; InputError unless the key passes KeyValidate and its proof of possession verifies."""
    return public_key_from_json(read_json(path, "public key file"), path)


def public_key_from_json(doc: object, path: str | Path) -> PublicKey:
    """The checked public key of a key file's JSON (a threshold group key file adds fields that are ignored here)."""
    if not isinstance(doc, dict) or doc.get("format") != KEY_FORMAT or doc.get("scheme") != SCHEME:
        raise InputError(f"not a por public key file ({KEY_FORMAT}, {SCHEME})", path=path, field="format")
    key = _hex_field(doc, "public_key", 48, path)
    pop = _hex_field(doc, "proof_of_possession", 96, path)
    label = doc.get("label", "")
    if not isinstance(label, str):
        raise InputError("must be a string", path=path, field="label")
    if not bls.KeyValidate(key):
        raise InputError("the public key is not a valid BLS12-381 G1 point (KeyValidate failed)", path=path, field="public_key")
    if not bls.PopVerify(key, pop):
        raise InputError("the proof of possession does not verify for this key", path=path, field="proof_of_possession")
    return PublicKey(key, pop, label, str(path))


def sign_root(root: dict, secret: int, label: str = "") -> dict:
    """A copy of ``root`` with this signer's signature added (an earlier signature by the same key is replaced)."""
    return add_signature(root, bls.SkToPk(secret), bls.Sign(secret, canonical_root_bytes(root)), label)


def add_signature(root: dict, public_key: bytes, signature: bytes, label: str = "") -> dict:
    """A copy of ``root`` with this signature entry added, replacing an earlier entry by the same key."""
    entry = {"scheme": SCHEME, "public_key": public_key.hex(), "signature": signature.hex()}
    if label:
        entry["signer"] = label
    others = [s for s in root.get(SIGNATURE_FIELD, []) if not (isinstance(s, dict) and s.get("public_key") == public_key.hex())]
    signed = dict(root)
    signed[SIGNATURE_FIELD] = [*others, entry]
    return signed


def verify_root_signatures(root: dict, public_keys: list[PublicKey], threshold: int) -> AttestationResult:
    """ok when at least ``threshold`` distinct trusted keys have a valid signature over this exact root."""
    if threshold < 1:
        raise InputError("the threshold must be at least 1")
    trusted: dict[bytes, PublicKey] = {}
    for pk in public_keys:
        if pk.key in trusted:
            raise InputError("the same public key is given twice; each signer counts once", path=pk.source or None)
        trusted[pk.key] = pk
    if threshold > len(trusted):
        raise InputError(f"the threshold {threshold} is more than the {len(trusted)} signer keys given")
    detail: list[str] = []
    candidates = _candidate_signatures(root, trusted, detail)
    message = canonical_root_bytes(root)
    valid = _valid_keys(candidates, message, trusted, detail)
    names = [_name(trusted[k]) for k in valid]
    ok = len(valid) >= threshold
    if not ok:
        detail.append(f"only {len(valid)} of the required {threshold} signers signed this root")
    return AttestationResult(ok, threshold, names, detail)


def _candidate_signatures(root: dict, trusted: dict[bytes, PublicKey], detail: list[str]) -> dict[bytes, bytes]:
    entries = root.get(SIGNATURE_FIELD, [])
    if not isinstance(entries, list):
        raise InputError(f'"{SIGNATURE_FIELD}" must be a list', field=SIGNATURE_FIELD)
    found: dict[bytes, bytes] = {}
    for i, entry in enumerate(entries):
        try:
            if entry.get("scheme") != SCHEME:
                raise ValueError(f"its scheme is not {SCHEME}")
            key, signature = bytes.fromhex(entry["public_key"]), bytes.fromhex(entry["signature"])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            detail.append(f"signature {i + 1} is malformed ({exc.__class__.__name__}: {str(exc)[:80]}); ignored")
            continue
        if key not in trusted:
            detail.append(f"signature {i + 1} is by a key not among the given signers; ignored")
        elif key in found:
            detail.append(f"signature {i + 1} repeats signer {_name(trusted[key])}; counted once")
        elif len(signature) != 96:
            detail.append(f"signature {i + 1} by {_name(trusted[key])} is not 96 bytes")
        else:
            found[key] = signature
    return found


def _valid_keys(candidates: dict[bytes, bytes], message: bytes, trusted: dict, detail: list[str]) -> list[bytes]:
    if not candidates:
        return []
    keys = list(candidates)
    try:
        aggregate = bls.Aggregate([candidates[k] for k in keys])
        if bls.FastAggregateVerify(keys, message, aggregate):
            return keys
    except (ValueError, AssertionError):
        pass  # a signature that is not a G2 point: find it below
    valid = []
    for key in keys:
        try:
            good = bls.Verify(key, message, candidates[key])
        except (ValueError, AssertionError):
            good = False
        if good:
            valid.append(key)
        else:
            detail.append(f"the signature by {_name(trusted[key])} does not match this root")
    return valid


def _name(pk: PublicKey) -> str:
    return pk.label or pk.key.hex()[:16]


def _hex_field(doc: dict, name: str, size: int, path: str | Path) -> bytes:
    value = doc.get(name)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise InputError(f"must be {size} bytes of hexadecimal", path=path, field=name)
    return raw


def load_public_keys(paths: list[str | Path]) -> list[PublicKey]:
    return [read_public_key(p) for p in paths]


_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
