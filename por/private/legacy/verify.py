"""Verifying a legacy private proof (binary tree, versions 1 and 2) against its root.json (docs/SPEC.md §13.10).

Both encodings — the version-2 binary container (por.private.legacy.container) and the version-1 JSON envelope
{"format": "por-proof", "version": 1, "mode": "private", "hash", "round", "root", "depth", "tokens",
"range_bits": 64, "user": {"id", "salt" (hex), "balances" {symbol: decimal}, "blindings" (base64, T × 32 bytes)},
"leaf_index", "siblings" (base64 of the path records)} — are reduced to the same checks. Nothing that can be recomputed is trusted. The leaf is rebuilt from the user's own id
(``user_id`` when given), salt, balances (exact amounts below 2^64 base units) and blindings; every sibling
commitment is decompressed with curve and subgroup checks and must not be the identity; parent commitments are
recomputed as left + right and hashes up to the top; the root digest (binding round, tokens, depth and the root
commitments) must equal the published one; and every sibling's aggregated range proof — bound to this root and
that node's position — is checked in ONE batch, whose generator terms are shared by all the path's proofs. The
user's own leaf needs no range proof: its opening shows the values.
"""

from __future__ import annotations

from circuits import pedersen
from circuits.group import get_backend
from circuits.rangeproof import shape_v1, verify_range_batch
from circuits.scalars import ORDER
from por.amounts import format_amount
from por.claims import NOT_TO_ROOT, check_claims, parse_own_balances
from por.errors import InputError
from por.hashing import MAX_DEPTH, user_hash
from por.private.checks import decode_points, encode_points, private_verdict, root_bytes
from por.private.legacy import hashing
from por.private.legacy.container import LegacyProof
from por.private.legacy.hashing import POINT_BYTES as POINT
from por.private.legacy.hashing import RANGE_BITS, context, parse_proof, record_size
from por.private.wire import unb64
from por.snapshot import root_tokens
from por.verdict import Verdict


def _field(obj: dict, name: str, kind: type, source: str, prefix: str = ""):
    value = obj.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"missing or not a {kind.__name__}", path=source, field=prefix + name)
    return value


def _salt(text: object, source: str) -> bytes:
    try:
        raw = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InputError("must be 64 hexadecimal characters", path=source, field="user.salt")
    return raw


BAD_SIBLING = "A subtree beside yours is not shown to hold a sum between 0 and 2^64: it may hide a negative balance."
PROOF_FORMAT = "por-proof"
PROOF_VERSION = 1


def verify_legacy(proof: dict | LegacyProof, root: dict, *, user_id: str | None = None, source: str = "proof",
                  backend: str | None = None) -> Verdict:
    """Verify a legacy private-mode proof — a decoded version-2 container or a version-1 JSON document — against
    a (validated) root.json document of a legacy private snapshot."""
    if isinstance(proof, dict):
        return _verify_json_v1(proof, root, user_id, source, backend)
    be = get_backend(backend)
    verdict = private_verdict(root, be.name, source, "binary v2")
    verdict.user = user_id or proof.user_id
    tokens = root_tokens(root)
    if not _header_checks(verdict, root, user_id, mode="private", round_id=proof.round,
                          tokens=[t.to_json() for t in proof.tokens], range_bits=proof.range_bits,
                          proof_user=proof.user_id, depth=proof.depth, index=proof.leaf_index):
        return verdict
    if len(proof.tokens) != len(tokens):
        return verdict  # the "tokens" check failed; the path records are sized for another token list
    verdict.balances = {t.symbol: format_amount(b, t.decimals) for t, b in zip(tokens, proof.balances, strict=True)}
    verdict.check("own balances", True, "every balance is an exact amount in [0, 2^64) base units")
    _verify_path(verdict, be, root, proof.root.hex(), proof.salt, proof.balances, proof.blindings, proof.depth,
                 proof.leaf_index, proof.records)
    return verdict


def _header_checks(verdict: Verdict, root: dict, user_id: str | None, *, mode: object, round_id: object,
                   tokens: object, range_bits: object, proof_user: str, depth: int, index: int) -> bool:
    """What the proof claims about itself against the published root; False when verification cannot go on."""
    if not check_claims(verdict, root, "private", user_id, mode=mode, round_id=round_id, tokens=tokens,
                        proof_user=proof_user):
        return False
    verdict.check("range bits", range_bits == RANGE_BITS, f"node range proofs must be {RANGE_BITS}-bit",
                  summary=BAD_SIBLING)
    return verdict.check("tree shape", depth == root["depth"] and 0 < depth <= MAX_DEPTH and 0 <= index < (1 << depth),
                         f"depth {depth}, leaf index {index}; published depth {root['depth']}",
                         summary="This proof does not fit the shape of the published tree.")


def _verify_json_v1(proof: dict, root: dict, user_id: str | None, source: str, backend: str | None) -> Verdict:
    if proof.get("format") != PROOF_FORMAT or proof.get("version") != PROOF_VERSION:
        raise InputError("not a por proof of a supported version", path=source, field="format")
    be = get_backend(backend)
    tokens = root_tokens(root)
    count = len(tokens)
    verdict = private_verdict(root, be.name, source, "json v1")
    user = _field(proof, "user", dict, source)
    proof_user = _field(user, "id", str, source, "user.")
    salt = _salt(user.get("salt"), source)
    balances_json = _field(user, "balances", dict, source, "user.")
    depth = _field(proof, "depth", int, source)
    index = _field(proof, "leaf_index", int, source)
    verdict.user = user_id or proof_user
    if not _header_checks(verdict, root, user_id, mode=proof.get("mode"), round_id=proof.get("round"),
                          tokens=proof.get("tokens"), range_bits=proof.get("range_bits"), proof_user=proof_user,
                          depth=depth, index=index):
        return verdict
    blind_raw = unb64(user.get("blindings"), 32 * count, source, "user.blindings")
    blindings = [int.from_bytes(blind_raw[32 * t:32 * (t + 1)], "big") for t in range(count)]
    if any(not 0 < r < ORDER for r in blindings):
        raise InputError("every blinding must be a scalar in [1, group order)", path=source, field="user.blindings")
    records = unb64(proof.get("siblings"), depth * record_size(count), source, "siblings")
    balances = parse_own_balances(verdict, balances_json, tokens, source)
    if balances is not None:
        root_text = proof.get("root")
        _verify_path(verdict, be, root, root_text if isinstance(root_text, str) else "", salt, balances, blindings,
                     depth, index, records)
    return verdict


def _verify_path(verdict: Verdict, be, root: dict, proof_root: str, salt: bytes, balances: list[int],
                 blindings: list[int], depth: int, index: int, records: bytes) -> None:
    """Rebuild the leaf from the opening, walk up through the siblings to the root, then batch-verify every
    sibling's range proof."""
    tokens = root_tokens(root)
    count = len(tokens)
    leaf_points = pedersen.commit_many(balances, blindings, be)
    node_points = leaf_points
    node = hashing.leaf_hash(user_hash(verdict.user, salt), encode_points(be, leaf_points))
    size = record_size(count)
    digest = root_bytes(root["root"])
    batch = []
    for height in range(depth):
        rec = records[height * size:(height + 1) * size]
        sib_hash, sib_enc, sib_proof = rec[:32], rec[32:32 + POINT * count], rec[32 + POINT * count:]
        sib_points = decode_points(be, sib_enc, count)
        if not verdict.check(f"sibling {height} commitments", sib_points is not None,
                             f"a commitment of the sibling at height {height} is not a valid group element "
                             "(off the curve, outside the subgroup, or the identity)", summary=BAD_SIBLING):
            return
        try:
            range_proof = parse_proof(sib_proof, count, be.name)
        except ValueError as exc:
            verdict.check(f"sibling {height} range proof", False, f"the range proof at height {height} is malformed: {exc}",
                          summary=BAD_SIBLING)
            return
        sib_index = (index >> height) ^ 1
        batch.append((range_proof, sib_points, shape_v1(RANGE_BITS, count), context(digest, height, sib_index)))
        right = (index >> height) & 1
        l_hash, r_hash = (sib_hash, node) if right else (node, sib_hash)
        l_pts, r_pts = (sib_points, node_points) if right else (node_points, sib_points)
        l_enc, r_enc = (sib_enc, encode_points(be, node_points)) if right else (encode_points(be, node_points), sib_enc)
        node = hashing.node_hash(height + 1, l_hash, r_hash, l_enc, r_enc)
        node_points = [be.add(a, b) for a, b in zip(l_pts, r_pts, strict=True)]
        if not verdict.check(f"sum at height {height + 1}", not any(be.is_identity(p) for p in node_points),
                             f"a recomputed commitment at height {height + 1} is the identity point", summary=NOT_TO_ROOT):
            return

    top_commitments = encode_points(be, node_points)
    recomputed = hashing.root_hash(root["round"], depth, tokens, node, top_commitments)
    verdict.check("root hash", recomputed.hex() == root["root"] and proof_root == root["root"],
                  f"recomputed root {recomputed.hex()[:16]}… vs published {root['root'][:16]}…", summary=NOT_TO_ROOT)
    published = root["commitments"]
    mismatched = [t.symbol for i, t in enumerate(tokens)
                  if published.get(t.symbol) != top_commitments[i * POINT:(i + 1) * POINT].hex()]
    verdict.check("root commitments", not mismatched,
                  "the recomputed root commitments equal the published ones" if not mismatched
                  else f"recomputed root commitments differ for {', '.join(mismatched)}",
                  summary="The commitments this proof adds up to are not the published ones.")
    verdict.check("range proofs", verify_range_batch(batch, be),
                  f"{len(batch)} sibling range proofs (every sibling subtree holds 0 ≤ sum < 2^64 per token), "
                  "verified in one batch", summary=BAD_SIBLING)
    verdict.info["range proofs"] = str(len(batch))

