"""Zero-knowledge solvency per token for a private root: reserves R ≥ liabilities L ≥ 0, without revealing L.

For each token, one range proof over [C_root (L, within the token's range width b), R·G − C_root (R − L, 64 bits)]
(circuits.solvency), with context "por/v3/private-solvency\\0" || root[32] || label(symbol), so it holds for one
token of one published root only. Proving the root's own range matters: a root committing to a "negative" total
would otherwise pass as solvent with no reserves at all. File (docs/SPEC.md §13.8): {"format":
"por-solvency-proof", "version": 2, "round", "root", "proofs": {symbol: {"reserves": decimal string,
"range_bits": b, "proof": base64}}}. Version-1 files proved only R − L and are refused as insufficient.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from circuits.group import get_backend
from circuits.rangeproof import RangeProof
from circuits.solvency import prove_solvency, solvency_shape, verify_solvency
from por.amounts import AmountError, Token, format_amount, parse_amount
from por.errors import InputError, VerificationError
from por.files import write_json
from por.jsonio import read_json
from por.kdf import encode_label
from por.private.wire import b64
from por.snapshot import root_tokens, root_widths
from por.snapshot_store import Snapshot

SOLVENCY_FORMAT = "por-solvency-proof"
SOLVENCY_VERSION = 2
TAG_CONTEXT = b"por/v3/private-solvency\x00"


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


def prove_solvency_file(snapshot: Snapshot, reserves: dict[str, int], out_path: Path, reserves_source: str = "") -> dict:
    """Write the per-token solvency proofs. Reserves short of the liabilities of any token are insolvency
    (VerificationError, exit 1, naming the tokens, the shortfall and the reserves file); nothing is written."""
    from por.private.tree import stored_tree

    top = stored_tree(snapshot, with_secret=False).top()
    widths = root_widths(snapshot.root)
    short = [f"{t.symbol} by {format_amount(owed - reserves.get(t.symbol, 0), t.decimals)} (reserves "
             f"{format_amount(reserves.get(t.symbol, 0), t.decimals)})"
             for t, owed in zip(snapshot.tokens, top.sums, strict=True) if reserves.get(t.symbol, 0) < owed]
    if short:
        where = f"{reserves_source}: " if reserves_source else ""
        raise VerificationError(f"{where}the reserves do not cover the liabilities of {'; '.join(short)}: insolvent, "
                                "no solvency proof was written")
    proofs = {}
    for token, liabilities, blinding, width in zip(snapshot.tokens, top.sums, top.blindings, widths, strict=True):
        held = reserves.get(token.symbol, 0)
        try:
            proof = prove_solvency(held, liabilities, blinding, width, context(snapshot.root["root"], token.symbol))
        except ValueError:
            raise InputError(f"the reserves of {token.symbol} ({format_amount(held, token.decimals)}) exceed its "
                             "liabilities by 2^64 base units or more, which a solvency proof cannot show; no proof "
                             "was written", path=reserves_source or None, field=token.symbol) from None
        proofs[token.symbol] = {"reserves": format_amount(held, token.decimals), "range_bits": width,
                                "proof": b64(proof.to_bytes())}
    document = {"format": SOLVENCY_FORMAT, "version": SOLVENCY_VERSION, "round": snapshot.root["round"],
                "root": snapshot.root["root"], "proofs": proofs}
    write_json(out_path, document)
    return document


def verify_solvency_file(root: dict, reserves_totals: dict[str, int], proof_file: Path,
                         backend: str | None = None) -> list[TokenSolvency]:
    """One result per token of ``root``: the proof must be for this root and show reserves_totals[symbol] ≥ the
    committed liabilities. The reserves figure proved must equal the one given (verified independently)."""
    doc = read_json(proof_file, "solvency proof")
    if not isinstance(doc, dict) or doc.get("format") != SOLVENCY_FORMAT:
        raise InputError("not a por solvency proof", path=proof_file, field="format")
    if doc.get("version") == 1:
        return [TokenSolvency(t.symbol, format_amount(reserves_totals.get(t.symbol, 0), t.decimals), False,
                              "a version-1 solvency proof shows reserves − liabilities ≥ 0 but not liabilities ≥ 0, "
                              "so it cannot rule out a negative committed total; make a new one with `por "
                              "prove-solvency`") for t in root_tokens(root)]
    if doc.get("version") != SOLVENCY_VERSION:
        raise InputError("not a solvency proof of a supported version", path=proof_file, field="version")
    proofs = doc.get("proofs")
    if not isinstance(proofs, dict):
        raise InputError("missing or not an object", path=proof_file, field="proofs")
    be = get_backend(backend)
    return [_verify_token(root, token, width, reserves_totals.get(token.symbol, 0), proofs.get(token.symbol), doc, be)
            for token, width in zip(root_tokens(root), root_widths(root), strict=True)]


def proof_checker(proof_file: Path, root: dict, backend: str | None = None):
    """The zero-knowledge check ``por.solvency.solvency_report`` runs on a private root: verified reserve totals in,
    per token (solvent, detail) out."""

    def check(reserves_totals: dict[str, int]) -> dict[str, tuple[bool, str]]:
        return {r.token: (r.solvent, r.detail) for r in verify_solvency_file(root, reserves_totals, proof_file, backend)}

    return check


def _verify_token(root: dict, token: Token, width: int, reserves: int, entry: object, doc: dict, be) -> TokenSolvency:
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
    if entry.get("range_bits") != width:
        return TokenSolvency(token.symbol, shown, False,
                             f"the proof is for a range width of {entry.get('range_bits')!r}, the root publishes {width}")
    try:
        proof = RangeProof.from_bytes(base64.b64decode(entry["proof"], validate=True), solvency_shape(width), be)
        commitment = be.decompress(bytes.fromhex(root["commitments"][token.symbol]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return TokenSolvency(token.symbol, shown, False, "the proof or the root commitment is malformed")
    ok = verify_solvency(reserves, commitment, width, proof, context(root["root"], token.symbol), be)
    return TokenSolvency(token.symbol, shown, ok,
                         f"0 ≤ committed liabilities < 2^{width} and reserves ≥ liabilities (zero-knowledge range proof)"
                         if ok else "the range proof does not show 0 ≤ liabilities ≤ reserves")
