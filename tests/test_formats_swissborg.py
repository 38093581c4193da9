"""SwissBorg format: the published test data verifies, and every tampering the upstream tests list fails."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.errors import InputError
from por.formats import detect
from por.formats.base import VerifyOptions
from por.formats.swissborg import FORMAT, audit_digest, inner_hash, leaf_hash, leaf_nonce
from tests.shared_vectors import VECTORS, needs_vectors

SB = VECTORS / "swissborg"
CRED_7 = "PaY746f8DsYiK8s33J33Jk"

VALID = [
    (1, 1, "20000f995b5305144c082ad3443bf4db", {"GBP": "1", "CHSB": "20022"}),
    (2, 2, "z2Ef6hx6QbRdixkL7c8rdBj", {"USDC": "99.70291"}),
    (
        3,
        3,
        "z2NRjxCKJiWPh3rfdQVyaTS",
        {"USDC": "288.50251128818010359", "ETH": "1.700273775267302", "CHSB": "4844.269085"},
    ),
    (
        4,
        4,
        "z2NRjxCKJiWPh3rfdQVyaTS",
        {"USDC": "288.50251128818010359", "ETH": "1.700273775267302", "CHSB": "4844.269085"},
    ),
    (5, 5, "zLwByd5Jee3VsnEMCaUGeGH", {"USDC": "99.70291"}),
    (6, 6, "D2tVdEWt1MooLsMa6ryPGj", {"CHSB": "44.81425", "PLN": "10", "EUR": "14558"}),
    (7, 6, CRED_7, {"USDC": "99.70291"}),
    (6, 8, "D2tVdEWt1MooLsMa6ryPGj", {"CHSB": "44.81425", "PLN": "10", "EUR": "14558"}),
]


@needs_vectors
def test_vectors_directory_is_present() -> None:
    assert SB.is_dir(), f"test vectors missing at {SB}"


def _verify(user: dict | Path, roots: dict | Path, tmp_path: Path, credential: str | None = CRED_7):
    files = []
    for name, obj in (("user.json", user), ("roots.json", roots)):
        if isinstance(obj, Path):
            files.append(obj)
        else:
            path = tmp_path / name
            path.write_text(json.dumps(obj))
            files.append(path)
    return FORMAT.verify(files, VerifyOptions(user=credential))


def _load(name: str) -> dict:
    return json.loads((SB / name).read_text())


@needs_vectors
@pytest.mark.parametrize(("user", "roots", "credential", "balances"), VALID)
def test_published_user_files_verify_with_their_credential(user, roots, credential, balances) -> None:
    files = [SB / f"userLiab_{user}.json", SB / f"auditRoots_{roots}.json"]
    assert detect(files) is FORMAT
    [verdict] = FORMAT.verify(files, VerifyOptions(user=credential))
    assert verdict.valid, verdict.failures
    assert verdict.balances == balances
    assert all(Decimal(verdict.totals[c]) >= Decimal(v) for c, v in balances.items())


@needs_vectors
def test_credential_can_come_from_option() -> None:
    files = [SB / "userLiab_7.json", SB / "auditRoots_6.json"]
    [verdict] = FORMAT.verify(files, VerifyOptions(extra={"credential": CRED_7}))
    assert verdict.valid


@needs_vectors
def test_wrong_credential_fails_on_the_root_hash() -> None:
    files = [SB / "userLiab_7.json", SB / "auditRoots_6.json"]
    [verdict] = FORMAT.verify(files, VerifyOptions(user="PaY746f8DsYiK8s33J34Jk"))
    assert not verdict.valid
    assert {c.name for c in verdict.failures} == {"USDC root hash"}


@needs_vectors
def test_without_credential_file_nonce_is_used_and_a_warning_says_so() -> None:
    files = [SB / "userLiab_7.json", SB / "auditRoots_6.json"]
    [verdict] = FORMAT.verify(files, VerifyOptions())
    assert verdict.valid
    assert any("no credential" in w for w in verdict.warnings)


@needs_vectors
def test_audit_roots_alone_check_the_commitment_hash() -> None:
    [verdict] = FORMAT.verify([SB / "auditRoots_7.json"], VerifyOptions())
    assert verdict.valid and [c.name for c in verdict.checks] == ["audit commitment"]


@needs_vectors
def test_replaced_audit_commitment_digest_fails(tmp_path: Path) -> None:
    roots = _load("auditRoots_6.json")
    roots["audit"]["commitment"]["digest"] = (
        "017a68ca267d6369f24fb749151c143b43c775451e794e0a287887ad31dbb8d2"
    )
    [verdict] = _verify(SB / "userLiab_7.json", roots, tmp_path)
    assert [c.name for c in verdict.failures] == ["audit commitment"]


@needs_vectors
def test_changed_audit_id_fails(tmp_path: Path) -> None:
    roots = _load("auditRoots_6.json")
    roots["audit"]["id"] = "SBPOL20230112"
    [verdict] = _verify(SB / "userLiab_7.json", roots, tmp_path)
    assert "audit id" in {c.name for c in verdict.failures}


@needs_vectors
def test_removing_witnesses_fails(tmp_path: Path) -> None:
    user = _load("userLiab_7.json")
    del user["liabilities"][0]["proof"]["witnesses"][0:15]
    [verdict] = _verify(user, SB / "auditRoots_6.json", tmp_path)
    assert not verdict.valid


@needs_vectors
def test_negative_liability_fails(tmp_path: Path) -> None:
    user = _load("userLiab_7.json")
    user["liabilities"][0]["liability"] = "-1.3"
    [verdict] = _verify(user, SB / "auditRoots_6.json", tmp_path)
    assert any("not positive" in c.detail for c in verdict.failures)


@needs_vectors
def test_negative_witness_fails(tmp_path: Path) -> None:
    user = _load("userLiab_7.json")
    user["liabilities"][0]["proof"]["witnesses"][0]["liability"] = "-2.4"
    [verdict] = _verify(user, SB / "auditRoots_6.json", tmp_path)
    assert any("non-positive" in c.detail for c in verdict.failures)


@needs_vectors
def test_wrong_root_liability_with_recomputed_audit_digest_fails(tmp_path: Path) -> None:
    roots = _load("auditRoots_6.json")
    roots["audit"]["partitions"][21]["commitment"]["liability"] = "559441.38290498058898063"
    roots["audit"]["commitment"]["digest"] = (
        "97c7b2dee729c32fb9ef4d05c4921b5ef0d2d17b4e5842d5a24972d8ab162073"
    )
    [verdict] = _verify(SB / "userLiab_7.json", roots, tmp_path)
    assert {c.name for c in verdict.failures} == {"USDC root sum"}


def test_leaf_hash_known_answer_from_upstream_tests() -> None:
    nonce = leaf_nonce("AAAAAAAAAAAAAAAAAAAAAA", "SBPOL20221224", "BTC", 0)
    digest = leaf_hash(nonce, "20000000000000000000000000000000", "1.2")
    assert digest == "268f465e7d52d00ecb4e7eea67efa26a29073e7fc808ffd62e45413f5ea2160f"


def test_inner_hash_rebuilds_upstream_eight_leaf_tree() -> None:
    leaves = [
        ("2.542", "876c9e7f5222d843ab1b4c00b4d856ad9cfa222e28a2e5792da8b28992a3ff8d"),
        ("5.2224723", "4e16ff8cda628474156680c4640fce27093a1a012bd588020f1d47c3ddc7e80c"),
        ("7.45", "a5f2a333f391626b31567972d3b91c8079016f93c0590c47f39e68da0d21f670"),
        ("248.3452", "0b727574d0d3bb35fa6de5433bb4993e14abba3daf45ec737ab00b9d7bf51f13"),
        ("375.34534", "8aa9aa3718f2e89833fe21d2948786c5982600a3f6e3945a2f2624d4ae577869"),
        ("2.34534", "54e0ac1f0a1596cfbba2cacb95ea6d159f66abcb6fee488e13d9bf22f116e3ec"),
        ("6.9524", "8ae884c6678476a8b4be466920c94842d5a458895c028796644f0b582554cb17"),
        ("2.103", "9020c9622c0328d7094f4b249f04c8fe6ed1e17caddced104305e680493957ea"),
    ]
    level = [(Decimal(s), d) for s, d in leaves]
    while len(level) > 1:
        level = [
            (
                level[i][0] + level[i + 1][0],
                inner_hash(level[i][0], level[i + 1][0], level[i][1], level[i + 1][1]),
            )
            for i in range(0, len(level), 2)
        ]
    assert level[0] == (
        Decimal("650.3057523"),
        "250c240f6478ca71dcc623753efbbb5952514a225323d7c7153c87424aa18f74",
    )


@needs_vectors
def test_audit_digest_ignores_partition_order() -> None:
    parts = [
        {"id": p["id"], "currency": p["currency"], **p["commitment"]}
        for p in _load("auditRoots_8.json")["audit"]["partitions"]
    ]
    assert audit_digest(parts) == audit_digest(list(reversed(parts)))


@needs_vectors
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    what=st.sampled_from(["liability", "witness_sum", "witness_digest", "leaf_index"]),
    position=st.integers(min_value=0, max_value=14),
    delta=st.integers(min_value=1, max_value=10**6),
)
def test_altering_any_balance_hash_or_position_fails(
    tmp_path: Path, what: str, position: int, delta: int
) -> None:
    user = _load("userLiab_7.json")
    leaf = user["liabilities"][0]
    proof = leaf["proof"]
    if what == "liability":
        leaf["liability"] = str(Decimal(leaf["liability"]) + Decimal(delta) / 10**6)
    elif what == "witness_sum":
        wit = proof["witnesses"][position]
        wit["liability"] = str(Decimal(wit["liability"]) + Decimal(delta) / 10**6)
    elif what == "witness_digest":
        wit = proof["witnesses"][position]
        flipped = int(wit["digest"], 16) ^ (1 << (delta % 256))
        wit["digest"] = f"{flipped:064x}"
    else:
        proof["leaf_index"] = proof["leaf_index"] ^ (1 << position)
    [verdict] = _verify(user, SB / "auditRoots_6.json", tmp_path)
    assert not verdict.valid


@needs_vectors
def test_user_file_without_roots_is_bad_input() -> None:
    with pytest.raises(InputError, match="audit roots"):
        FORMAT.verify([SB / "userLiab_7.json"], VerifyOptions(user=CRED_7))


@needs_vectors
def test_malformed_liability_names_file_and_field(tmp_path: Path) -> None:
    user = _load("userLiab_7.json")
    user["liabilities"][0]["liability"] = "1e5"
    with pytest.raises(InputError) as err:
        _verify(user, SB / "auditRoots_6.json", tmp_path)
    assert "user.json" in str(err.value) and "liabilities[0].liability" in str(err.value)


def test_sniff_never_raises_on_missing_file(tmp_path: Path) -> None:
    assert FORMAT.sniff([tmp_path / "absent.json"]) is False


@needs_vectors
@pytest.mark.parametrize(
    ("files", "credential", "code"),
    [
        (["userLiab_7.json", "auditRoots_6.json"], CRED_7, 0),
        (["userLiab_7.json", "auditRoots_6.json"], "PaY746f8DsYiK8s33J34Jk", 1),
    ],
)
def test_cli_verify_exit_codes(files: list[str], credential: str, code: int) -> None:
    from por.cli import cli

    args = ["verify", *[str(SB / f) for f in files], "--user", credential, "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)[0]["format"] == "swissborg"
