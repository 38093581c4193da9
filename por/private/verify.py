"""User side, private mode: verify one proof against the published root.json (docs/SPEC.md §13.6).

Version 3 proofs (K-ary tree, group range proofs, per-token widths) are checked here; proofs of earlier versions go
to por.private.legacy, each against a root of its own version. Nothing that can be recomputed is trusted. The leaf
is rebuilt from the user's own id (``user_id`` when given), salt, balances and blindings; every sibling commitment
is decompressed with curve and subgroup checks and must not be the identity; each parent's commitments are
recomputed as the sum of its K children's and its hash from theirs, up to the top; the root digest (binding round,
arity, tokens with their widths, depth and the root commitments) must equal the published one; and the group range
proof of every level — all K children of the path node's parent, each token within its published width, bound to
that parent's position in this root — is checked in ONE batch whose generator terms are shared.
"""

from __future__ import annotations

from circuits import pedersen
from circuits.group import get_backend
from circuits.rangeproof import verify_range_batch
from por.amounts import format_amount
from por.claims import NOT_TO_ROOT, check_claims
from por.hashing import user_hash
from por.private import container, hashing
from por.private.checks import decode_points, encode_points, private_verdict, root_bytes
from por.private.container import PrivateProof
from por.private.legacy.container import LegacyProof
from por.private.legacy.verify import verify_legacy
from por.private.rangeproofs import group_shape, parse_group_proof
from por.snapshot import is_private_v3, root_tokens, root_widths
from por.verdict import Verdict

BAD_SIBLING = ("A subtree beside yours is not shown to hold a non-negative sum within its published range width: it "
               "may hide a negative balance.")


def verify_private(proof: dict | bytes | PrivateProof | LegacyProof, root: dict, *, user_id: str | None = None,
                   source: str = "proof", backend: str | None = None) -> Verdict:
    """Verify a native private-mode proof — binary (bytes or decoded, version 3 or 2) or a version-1 JSON
    document — against a (validated) root.json document."""
    if isinstance(proof, bytes | bytearray | memoryview):
        proof = container.decode(bytes(proof), source)
    be = get_backend(backend)
    legacy_proof = not isinstance(proof, PrivateProof)
    if root["mode"] != "private" or legacy_proof != (not is_private_v3(root)):
        verdict = private_verdict(root, be.name, source, "binary v3" if not legacy_proof else "legacy")
        owner = proof.get("user", {}).get("id") if isinstance(proof, dict) else proof.user_id
        verdict.user = user_id or (owner if isinstance(owner, str) else None)
        if not verdict.check("mode", root["mode"] == "private",
                             f"proof mode 'private', published mode {root['mode']!r}",
                             summary=f"This is a 'private' proof and the published root is a {root['mode']!r} root: "
                                     "one cannot be checked against the other."):
            return verdict
        verdict.check("proof version", False,
                      "this proof is for a snapshot of another version of the private mode than the published root "
                      f"(root version {root.get('version')}, proof {'version 1 or 2' if legacy_proof else 'version 3'})",
                      summary="This proof and the published root belong to different versions of the private mode.")
        return verdict
    if legacy_proof:
        return verify_legacy(proof, root, user_id=user_id, source=source, backend=backend)
    return _verify_v3(proof, root, user_id, source, be)


def _verify_v3(proof: PrivateProof, root: dict, user_id: str | None, source: str, be) -> Verdict:
    verdict = private_verdict(root, be.name, source, "binary v3")
    verdict.user = user_id or proof.user_id
    tokens, widths = root_tokens(root), root_widths(root)
    claimed = [{**t.to_json(), "range_bits": w} for t, w in zip(proof.tokens, proof.widths, strict=True)]
    if not check_claims(verdict, root, "private", user_id, mode="private", round_id=proof.round, tokens=claimed,
                        proof_user=proof.user_id) or claimed != root["tokens"]:
        return verdict
    arity, depth = root["arity"], root["depth"]
    if not verdict.check("tree shape", (proof.arity, proof.depth) == (arity, depth)
                         and 0 <= proof.leaf_index < arity**depth,
                         f"arity {proof.arity}, depth {proof.depth}, leaf index {proof.leaf_index}; published arity "
                         f"{arity}, depth {depth}", summary="This proof does not fit the shape of the published tree."):
        return verdict
    over = [t.symbol for t, b, w in zip(tokens, proof.balances, widths, strict=True) if b >> w]
    verdict.balances = {t.symbol: format_amount(b, t.decimals) for t, b in zip(tokens, proof.balances, strict=True)}
    if not verdict.check("own balances", not over,
                         "every balance is an exact amount within its token's published range width" if not over
                         else f"your balance of {', '.join(over)} is not below 2^(published range width)",
                         summary="Your balances in this proof are outside the published range widths."):
        return verdict
    _verify_path(verdict, be, root, proof, tokens, widths)
    return verdict


def _verify_path(verdict: Verdict, be, root: dict, proof: PrivateProof, tokens: list, widths: list[int]) -> None:
    """Rebuild the leaf from the opening, climb through every level's siblings to the root, then batch-verify every
    level's group range proof."""
    count, arity = len(tokens), proof.arity
    statement = group_shape(widths, arity)
    digest = root_bytes(root["root"])
    points = pedersen.commit_many(proof.balances, proof.blindings, be)
    encoded = encode_points(be, points)
    node_hash = hashing.leaf_hash(user_hash(verdict.user, proof.salt), encoded)
    slot = proof.leaf_index
    batch = []
    for height, (siblings, group_proof) in enumerate(proof.levels):
        slot, position = divmod(slot, arity)
        children = []
        for sibling in siblings:
            sibling_points = decode_points(be, sibling.commitments, count)
            if not verdict.check(f"level {height} commitments", sibling_points is not None,
                                 f"a commitment of a sibling at height {height} is not a valid group element "
                                 "(off the curve, outside the subgroup, or the identity)", summary=BAD_SIBLING):
                return
            children.append((sibling.hash, sibling_points, sibling.commitments))
        children.insert(position, (node_hash, points, encoded))
        try:
            parsed = parse_group_proof(group_proof, statement, be.name)
        except ValueError as exc:
            verdict.check(f"level {height} range proof", False,
                          f"the group range proof at height {height} is malformed: {exc}", summary=BAD_SIBLING)
            return
        batch.append((parsed, [p for child in children for p in child[1]], statement,
                      hashing.group_context(digest, height + 1, slot),
                      [child[2][t * hashing.POINT_BYTES:(t + 1) * hashing.POINT_BYTES] for child in children
                       for t in range(count)]))
        points = [be.sum([child[1][t] for child in children]) for t in range(count)]
        if not verdict.check(f"sum at height {height + 1}", not any(be.is_identity(p) for p in points),
                             f"a recomputed commitment at height {height + 1} is the identity point",
                             summary=NOT_TO_ROOT):
            return
        encoded = encode_points(be, points)
        node_hash = hashing.node_hash(height + 1, [c[0] for c in children], [c[2] for c in children])
    recomputed = hashing.root_hash(root["round"], arity, proof.depth, tokens, widths, node_hash, encoded)
    verdict.check("root hash", recomputed.hex() == root["root"] and proof.root.hex() == root["root"],
                  "your balances and the siblings in this proof lead to the published root" if recomputed.hex()
                  == root["root"] else f"recomputed root {recomputed.hex()[:16]}… vs published {root['root'][:16]}…",
                  summary=NOT_TO_ROOT)
    published = root["commitments"]
    mismatched = [t.symbol for i, t in enumerate(tokens)
                  if published.get(t.symbol) != encoded[i * hashing.POINT_BYTES:(i + 1) * hashing.POINT_BYTES].hex()]
    verdict.check("root commitments", not mismatched,
                  "the recomputed root commitments equal the published ones" if not mismatched
                  else f"recomputed root commitments differ for {', '.join(mismatched)}",
                  summary="The commitments this proof adds up to are not the published ones.")
    verdict.check("range proofs", verify_range_batch(batch, be.name),
                  f"{len(batch)} group range proofs (every sibling subtree and your own holds, per token, a value "
                  "in [0, 2^width)), verified in one batch", summary=BAD_SIBLING)
    verdict.info["range proofs"] = str(len(batch))

