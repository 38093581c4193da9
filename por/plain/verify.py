"""User side, plain mode: verify one inclusion proof against the published root.json (docs/SPEC.md §8).

Nothing in the proof is trusted that can be recomputed: the leaf comes from the user's own id (``user_id`` argument
when given), salt and balances; every sibling sum must be a base-unit integer in [0, 2**64); every parent sum is
recomputed and must stay below 2**64; hashes are recomputed to the top and the root digest, which binds round, tokens,
depth and totals, must equal the published one.
"""

from __future__ import annotations

from por import hashing
from por.amounts import MAX_BALANCE, AmountError, parse_amount, parse_integer
from por.claims import NOT_TO_ROOT, check_claims, parse_own_balances
from por.errors import InputError
from por.plain import hashing as plain_hashing
from por.snapshot import root_tokens
from por.verdict import Verdict

PROOF_FORMAT = "por-proof"
SUPPORTED_VERSIONS = (1,)


def _field(proof: dict, name: str, kind: type, source: str):
    value = proof.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"missing or not a {kind.__name__}", path=source, field=name)
    return value


def _hex32(text: object, source: str, field: str) -> bytes:
    try:
        raw = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != hashing.HASH_BYTES:
        raise InputError("must be 64 hexadecimal characters (a full SHA-256 hash; truncated hashes are refused)",
                         path=source, field=field)
    return raw


def parse_sums(values: object, count: int, source: str, field: str) -> list[int] | None:
    """Base-unit integers; None when any is negative or ≥ 2**64 (a verification failure, not unreadable input)."""
    if not (isinstance(values, list) and len(values) == count and all(isinstance(v, str) for v in values)):
        raise InputError(f"must be a list of {count} integer strings", path=source, field=field)
    try:
        out = [parse_integer(v, signed=True) for v in values]
    except AmountError as exc:
        raise InputError(str(exc), path=source, field=field) from None
    return out if all(0 <= x < MAX_BALANCE for x in out) else None


def verify_plain(proof: dict, root: dict, *, user_id: str | None = None, source: str = "proof") -> Verdict:
    """Verify a native plain-mode proof against a (validated) root.json document."""
    if proof.get("format") != PROOF_FORMAT or proof.get("version") not in SUPPORTED_VERSIONS:
        raise InputError("not a por proof of a supported version", path=source, field="format")
    if proof.get("hash") != "sha256":
        raise InputError(f"unsupported hash {proof.get('hash')!r} (por proofs use sha256)", path=source, field="hash")
    tokens = root_tokens(root)
    verdict = Verdict(format="por", source=source, root=root["root"], info={"round": root["round"]})
    user = _field(proof, "user", dict, source)
    proof_user = _field(user, "id", str, source)
    salt = _hex32(user.get("salt"), source, "user.salt")
    depth = _field(proof, "depth", int, source)
    index = _field(proof, "leaf_index", int, source)
    siblings = _field(proof, "siblings", list, source)
    balances_json = _field(user, "balances", dict, source)
    verdict.user = user_id or proof_user

    if not check_claims(verdict, root, "plain", user_id, mode=proof.get("mode"), round_id=proof.get("round"),
                        tokens=proof.get("tokens"), proof_user=proof_user):
        return verdict  # a private root has no totals: nothing more can be compared
    verdict.totals = dict(root["totals"])
    shape_ok = verdict.check("tree shape", depth == root["depth"] and len(siblings) == depth and 0 <= index < (1 << depth)
                             and depth <= hashing.MAX_DEPTH,
                             f"depth {depth} with {len(siblings)} siblings and leaf index {index}; published depth {root['depth']}",
                             summary="This proof does not fit the shape of the published tree.")
    balances = parse_own_balances(verdict, balances_json, tokens, source)
    if balances is None:
        return verdict
    if not shape_ok:
        return verdict

    node = plain_hashing.leaf_hash(hashing.user_hash(verdict.user, salt), balances)
    sums = balances
    bad_sibling = overflow = None
    for height, sibling in enumerate(siblings):
        if not isinstance(sibling, dict):
            raise InputError("each sibling must be an object", path=source, field=f"siblings[{height}]")
        sib_hash = _hex32(sibling.get("hash"), source, f"siblings[{height}].hash")
        sib_sums = parse_sums(sibling.get("sums"), len(tokens), source, f"siblings[{height}].sums")
        if sib_sums is None:
            bad_sibling = height
            break
        left, right = (node, sib_hash) if not (index >> height) & 1 else (sib_hash, node)
        lsums, rsums = (sums, sib_sums) if not (index >> height) & 1 else (sib_sums, sums)
        node = plain_hashing.node_hash(height + 1, left, right, lsums, rsums)
        sums = [a + b for a, b in zip(lsums, rsums, strict=True)]
        if any(s >= MAX_BALANCE for s in sums):
            overflow = height + 1
            break
    if not verdict.check("sibling sums", bad_sibling is None,
                         "every sibling sum is a base-unit integer in [0, 2^64)" if bad_sibling is None
                         else f"the sibling at height {bad_sibling} has a sum that is negative or ≥ 2^64 base units",
                         summary="A subtree beside yours claims a negative or impossibly large sum."):
        return verdict
    if not verdict.check("no overflow", overflow is None,
                         "every recomputed sum stays below 2^64 base units" if overflow is None
                         else f"the recomputed sum at height {overflow} reaches 2^64 base units (overflow)",
                         summary="The sums in this proof overflow: they cannot be real balances."):
        return verdict
    published = _published_totals(root, tokens)
    recomputed_root = plain_hashing.root_hash("plain", root["round"], depth, tokens, node, sums)
    verdict.check("root hash", recomputed_root.hex() == root["root"] and proof.get("root") == root["root"],
                  f"the root recomputed from your leaf and the siblings is {recomputed_root.hex()}; "
                  f"published: {root['root']}", summary=NOT_TO_ROOT)
    mismatched = [t.symbol for t, s in zip(tokens, sums, strict=True) if published[t.symbol] != s]
    verdict.check("totals", not mismatched,
                  "the recomputed totals equal the published totals" if not mismatched
                  else f"recomputed totals differ from the published ones for {', '.join(mismatched)}",
                  summary="The totals this proof adds up to are not the published totals.")
    return verdict


def _published_totals(root: dict, tokens: list) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for token in tokens:
        try:
            out[token.symbol] = parse_amount(root["totals"][token.symbol], token.decimals)
        except (KeyError, TypeError, AmountError):
            out[token.symbol] = None
    return out
