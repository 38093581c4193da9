"""Zero-knowledge solvency per token for a private root: reserves R ≥ liabilities L without revealing L.

For each token, a 64-bit range proof on R·G − C_root (a commitment to R − L with blinding −r_root; see
circuits.solvency), with context "por/v1/private-solvency\\0" || root[32] || label(symbol), so it holds for one
token of one published root only. File (docs/SPEC.md §13.8): {"format": "por-solvency-proof",
"version": 1, "round", "root", "proofs": {symbol: {"reserves": decimal string, "proof": base64}}}.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from pathlib import Path

from circuits.group import get_backend
from circuits.rangeproof import RangeProof
from circuits.solvency import prove_solvency, verify_solvency
from por.amounts import AmountError, Token, format_amount, parse_amount
from por.errors import InputError
from por.files import write_json
from por.jsonio import read_json
from por.kdf import encode_label
from por.private.envelope import b64
from por.snapshot import read_versioned_json, root_tokens
from por.snapshot_store import Snapshot

SOLVENCY_FORMAT = "por-solvency-proof"
SOLVENCY_VERSION = 1
TAG_CONTEXT = b"por/v1/private-solvency\x00"


def context(root_hex: str, symbol: str) -> bytes:
    return TAG_CONTEXT + bytes.fromhex(root_hex) + encode_label(symbol)


@dataclass
class TokenSolvency:
    token: str
    reserves: str  # decimal string
    solvent: bool
    detail: str

    def to_json(self) -> dict:
        return {"token": self.token, "reserves": self.reserves, "solvent": self.solvent, "detail": self.detail}


def reserve_totals(path: Path, tokens: list[Token]) -> dict[str, int]:
    """Reserve totals in base units: a simple JSON {symbol: decimal string}, or a por reserves file (only wallets
    whose ownership signature verified count; amounts rounded down)."""
    decimals = {t.symbol: t.decimals for t in tokens}
    try:
        doc = read_json(path, "reserves file")
    except InputError:
        doc = None  # not JSON: a por reserves file in CSV, read below
    if isinstance(doc, dict) and doc and all(isinstance(v, str) for v in doc.values()):
        out = {}
        for symbol, text in doc.items():
            try:
                out[symbol] = parse_amount(text, decimals.get(symbol, 0))
            except AmountError as exc:
                raise InputError(str(exc), path=path, field=symbol) from None
        return out
    from por.reserves import load_reserves, verify_wallets
    from por.solvency import verified_reserve_totals

    return verified_reserve_totals(verify_wallets(load_reserves(path)), decimals)


def prove_solvency_file(snapshot: Snapshot, reserves: dict[str, int], out_path: Path) -> dict:
    """Write the per-token solvency proofs; InputError when a token's reserves do not cover its liabilities."""
    from por.private.tree import stored_tree

    top = stored_tree(snapshot, with_secret=False).top()
    proofs = {}
    for token, liabilities, blinding in zip(snapshot.tokens, top.sums, top.blindings, strict=True):
        held = reserves.get(token.symbol, 0)
        try:
            proof = prove_solvency(held, liabilities, blinding, context(snapshot.root["root"], token.symbol),
                                   backend="fast")
        except ValueError:
            raise InputError(f"reserves of {token.symbol} ({format_amount(held, token.decimals)}) do not cover its "
                             "liabilities, or exceed them by 2^64 base units or more; no proof was written",
                             field=token.symbol) from None
        proofs[token.symbol] = {"reserves": format_amount(held, token.decimals), "proof": b64(proof.to_bytes())}
    document = {"format": SOLVENCY_FORMAT, "version": SOLVENCY_VERSION, "round": snapshot.root["round"],
                "root": snapshot.root["root"], "proofs": proofs}
    write_json(out_path, document)
    return document


def verify_solvency_file(root: dict, reserves_totals: dict[str, int], proof_file: Path,
                         backend: str | None = None) -> list[TokenSolvency]:
    """One result per token of ``root``: the proof must be for this root and show reserves_totals[symbol] ≥ the
    committed liabilities. The reserves figure proved must equal the one given (verified independently)."""
    doc = read_versioned_json(proof_file, "solvency proof", SOLVENCY_FORMAT, SOLVENCY_VERSION)
    proofs = doc.get("proofs")
    if not isinstance(proofs, dict):
        raise InputError("missing or not an object", path=proof_file, field="proofs")
    be = get_backend(backend)
    results = []
    for token in root_tokens(root):
        results.append(_verify_token(root, token, reserves_totals.get(token.symbol, 0), proofs.get(token.symbol),
                                     doc, proof_file, be))
    return results


def proof_checker(proof_file: Path, root: dict, backend: str | None = None):
    """The zero-knowledge check ``por.solvency.solvency_report`` runs on a private root: verified reserve totals in,
    per token (solvent, detail) out."""

    def check(reserves_totals: dict[str, int]) -> dict[str, tuple[bool, str]]:
        return {r.token: (r.solvent, r.detail) for r in verify_solvency_file(root, reserves_totals, proof_file, backend)}

    return check


def _verify_token(root: dict, token: Token, reserves: int, entry: object, doc: dict, path: Path, be) -> TokenSolvency:
    shown = format_amount(reserves, token.decimals)
    if not isinstance(entry, dict) or not isinstance(entry.get("proof"), str):
        return TokenSolvency(token.symbol, shown, False, "no solvency proof for this token")
    if doc.get("root") != root["root"] or doc.get("round") != root["round"]:
        return TokenSolvency(token.symbol, shown, False, "the proof is for another root or round")
    try:
        claimed = parse_amount(entry.get("reserves", ""), token.decimals)
    except (AmountError, TypeError):
        claimed = None
    if claimed != reserves:
        return TokenSolvency(token.symbol, shown, False,
                             f"the proof is for reserves {entry.get('reserves')!r}, not the verified {shown}")
    try:
        import base64

        proof = RangeProof.from_bytes(base64.b64decode(entry["proof"], validate=True), be)
        commitment = be.decompress(bytes.fromhex(root["commitments"][token.symbol]))
    except (ValueError, KeyError, binascii.Error):
        return TokenSolvency(token.symbol, shown, False, "the proof or the root commitment is malformed")
    ok = verify_solvency(reserves, commitment, proof, context(root["root"], token.symbol), be)
    return TokenSolvency(token.symbol, shown, ok, "reserves ≥ committed liabilities (zero-knowledge range proof)"
                         if ok else "the range proof does not show reserves ≥ liabilities")
