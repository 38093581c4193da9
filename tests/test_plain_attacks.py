"""Each attack on the plain sum tree is built for real and must be rejected (verdict invalid → exit 1)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from por.amounts import MAX_BALANCE, Token, format_amount
from por.hashing import user_hash
from por.plain import hashing
from por.plain.build import build_plain
from por.plain.prove import prove_user
from por.plain.verify import verify_plain
from por.publish import root_document
from por.snapshot_store import Snapshot
from por.synthetic import synthetic_balances

TOKENS = [Token("BTC", 8), Token("ETH", 9)]
SALT = bytes(32)


def forge(users: dict[str, list[int]], combine: Callable[[list[int], list[int]], list[int]], round_id: str = "R"):
    """A malicious operator's tree: the same hashing, but parent sums computed by ``combine``.

    Values are hashed as fixed-width u64 (wrapping, as a careless implementation would) but shown as they are.
    Returns (root document, proofs by user id).
    """
    wrap = lambda sums: [x % MAX_BALANCE for x in sums]  # noqa: E731
    names = list(users)
    depth = max(1, (len(names) - 1).bit_length())
    leaves = [(hashing.leaf_hash(user_hash(n, SALT), wrap(users[n])), users[n]) for n in names]
    leaves += [(hashing.leaf_hash(bytes([i]) * 32, [0, 0]), [0, 0]) for i in range((1 << depth) - len(names))]
    levels = [leaves]
    for height in range(1, depth + 1):
        below = levels[-1]
        levels.append([(hashing.node_hash(height, lh, rh, wrap(ls), wrap(rs)), combine(ls, rs))
                       for (lh, ls), (rh, rs) in zip(below[0::2], below[1::2], strict=True)])
    top, totals = levels[-1][0]
    root = hashing.root_hash("plain", round_id, depth, TOKENS, top, wrap(totals))
    document = root_document("plain", round_id, TOKENS, depth, root,
                             totals={t.symbol: format_amount(v, t.decimals) for t, v in zip(TOKENS, wrap(totals), strict=True)})
    proofs = {}
    for index, name in enumerate(names):
        siblings = [{"hash": levels[h][(index >> h) ^ 1][0].hex(), "sums": [str(s) for s in levels[h][(index >> h) ^ 1][1]]}
                    for h in range(depth)]
        proofs[name] = {"format": "por-proof", "version": 1, "mode": "plain", "hash": "sha256", "round": round_id,
                        "root": root.hex(), "depth": depth, "tokens": document["tokens"],
                        "user": {"id": name, "salt": SALT.hex(),
                                 "balances": {t.symbol: format_amount(v, t.decimals) for t, v in zip(TOKENS, users[name], strict=True)}},
                        "leaf_index": index, "siblings": siblings}
    return document, proofs


def honest(a: list[int], b: list[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


USERS = {"alice": [5, 7], "bob": [100, 0], "carol": [3, 3], "dave": [50, 1]}


def failed(verdict) -> set[str]:
    return {c.name for c in verdict.failures}


def test_forge_helper_with_honest_sums_verifies() -> None:
    root, proofs = forge(USERS, honest)
    assert all(verify_plain(p, root, user_id=u).valid for u, p in proofs.items())


def test_maxwell_parent_storing_max_of_children_is_rejected() -> None:
    root, proofs = forge(USERS, lambda a, b: [max(x, y) for x, y in zip(a, b, strict=True)])
    verdict = verify_plain(proofs["alice"], root, user_id="alice")
    assert not verdict.valid and {"root hash", "totals"} <= failed(verdict)


def test_sibling_sum_differing_from_hashed_sum_is_rejected() -> None:
    root, proofs = forge(USERS, honest)
    proof = copy.deepcopy(proofs["alice"])
    proof["siblings"][1]["sums"][0] = "1"  # hashed value is 150, shown value 1 lowers the liabilities
    assert "root hash" in failed(verify_plain(proof, root, user_id="alice"))


def test_negative_sibling_sum_is_rejected_even_when_hashed() -> None:
    # The operator hashes a negative sibling to cancel alice's balance; sums are carried as signed integers.
    root, proofs = forge({"alice": [5, 7], "ghost": [-5, -7]}, honest)
    verdict = verify_plain(proofs["alice"], root, user_id="alice")
    assert "sibling sums" in failed(verdict)


def test_negative_sibling_in_twos_complement_is_caught_as_overflow() -> None:
    ghost = [MAX_BALANCE - 5, MAX_BALANCE - 7]  # -5, -7 as u64: each in range, but they cancel alice's balance
    root, proofs = forge({"alice": [5, 7], "ghost": ghost}, lambda a, b: [(x + y) % MAX_BALANCE for x, y in zip(a, b, strict=True)])
    assert "no overflow" in failed(verify_plain(proofs["alice"], root, user_id="alice"))


def test_sibling_sum_of_two_to_the_64_is_rejected() -> None:
    root, proofs = forge({"alice": [5, 7], "whale": [MAX_BALANCE, 0]}, lambda a, b: [(x + y) % MAX_BALANCE for x, y in zip(a, b, strict=True)])
    assert "sibling sums" in failed(verify_plain(proofs["alice"], root, user_id="alice"))


def test_parent_sum_overflowing_two_to_the_64_is_rejected() -> None:
    # each child below 2^64, their sum wraps: a fixed-width implementation would hide the overflow
    big = MAX_BALANCE - 1
    root, proofs = forge({"alice": [5, 0], "b": [big, 0], "c": [big, 0], "d": [1, 0]},
                         lambda a, b: [(x + y) % MAX_BALANCE for x, y in zip(a, b, strict=True)])
    verdict = verify_plain(proofs["alice"], root, user_id="alice")
    assert "no overflow" in failed(verdict)


def test_two_users_handed_the_same_leaf_is_rejected() -> None:
    root, proofs = forge(USERS, honest)
    bobs_copy = copy.deepcopy(proofs["alice"])  # bob receives alice's leaf, relabelled
    bobs_copy["user"]["id"] = "bob"
    bobs_copy["user"]["balances"] = proofs["alice"]["user"]["balances"]
    assert "root hash" in failed(verify_plain(bobs_copy, root, user_id="bob"))


def test_proof_for_another_user_id_is_rejected() -> None:
    root, proofs = forge(USERS, honest)
    assert "user id" in failed(verify_plain(proofs["alice"], root, user_id="bob"))


def test_proof_from_another_round_is_rejected(tmp_path: Path, secret_file: Path) -> None:
    tokens, ids, amounts = synthetic_balances(40, seed=2)
    for round_id in ("R1", "R2"):
        build_plain(tokens, ids, amounts, tmp_path / round_id, secret_path=secret_file, round_id=round_id, workers=1)
    old = prove_user(Snapshot(tmp_path / "R1", secret_path=secret_file), "user-00000003")
    new_root = Snapshot(tmp_path / "R2", secret_path=secret_file).root
    verdict = verify_plain(old, new_root, user_id="user-00000003")
    assert {"round", "root hash"} <= failed(verdict)
    relabelled = {**old, "round": "R2", "root": new_root["root"]}  # even relabelled, the root binds the round
    assert "root hash" in failed(verify_plain(relabelled, new_root, user_id="user-00000003"))


def test_altered_sibling_hash_is_rejected(small_snapshot: Snapshot) -> None:
    proof = prove_user(small_snapshot, "user-00000010")
    proof["siblings"][4]["hash"] = "00" + proof["siblings"][4]["hash"][2:]
    assert "root hash" in failed(verify_plain(proof, small_snapshot.root, user_id="user-00000010"))


def test_altered_published_totals_are_rejected(small_snapshot: Snapshot) -> None:
    proof = prove_user(small_snapshot, "user-00000010")
    root = copy.deepcopy(small_snapshot.root)
    root["totals"]["BTC"] = "0.00000001"
    assert "totals" in failed(verify_plain(proof, root, user_id="user-00000010"))


def test_altered_own_balance_is_rejected(small_snapshot: Snapshot) -> None:
    proof = prove_user(small_snapshot, "user-00000010")
    proof["user"]["balances"]["USDT"] = "999999"
    assert "root hash" in failed(verify_plain(proof, small_snapshot.root, user_id="user-00000010"))


def test_moved_leaf_index_is_rejected(small_snapshot: Snapshot) -> None:
    proof = prove_user(small_snapshot, "user-00000010")
    proof["leaf_index"] ^= 1
    assert "root hash" in failed(verify_plain(proof, small_snapshot.root, user_id="user-00000010"))


def test_every_user_proof_of_a_real_snapshot_verifies(small_snapshot: Snapshot) -> None:
    for user in small_snapshot.users.column("user_id").to_pylist()[::17]:
        verdict = verify_plain(prove_user(small_snapshot, user), small_snapshot.root, user_id=user)
        assert verdict.valid, verdict.failures


def test_library_build_refuses_totals_that_would_wrap(tmp_path: Path, secret_file: Path) -> None:
    import numpy as np
    import pyarrow as pa
    import pytest

    from por.errors import InputError

    amounts = np.array([[MAX_BALANCE - 1, 0], [1, 0]], dtype=np.uint64)  # each fits; the BTC total is 2^64
    with pytest.raises(InputError, match="BTC"):
        build_plain(TOKENS, pa.array(["a", "b"]), amounts, tmp_path / "out", secret_path=secret_file, round_id="R",
                    workers=1)
    assert not (tmp_path / "out" / "public" / "root.json").exists()
