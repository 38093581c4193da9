"""BLS attestations of root.json: k-of-n signers, altered roots fail, rogue keys and duplicates refused."""

import json
import os
import stat

import pytest
from py_ecc.bls import G2ProofOfPossession as bls

from por import attest
from por.cli import main
from por.errors import InputError
from por.snapshot import canonical_root_bytes


def make_root():
    return {"format": "por-root", "version": 1, "mode": "plain", "round": "2024-06-30", "hash": "sha256",
            "tokens": [{"symbol": "BTC", "decimals": 8}], "root": "ab" * 32, "leaf_count": 4, "depth": 2,
            "totals": {"BTC": "105.5"}}


@pytest.fixture(scope="module")
def signers():
    secrets = [attest.generate_key() for _ in range(3)]
    return secrets, [attest.public_key_of(s, f"signer-{i}") for i, s in enumerate(secrets)]


def signed_by(secrets, root=None):
    root = root or make_root()
    for secret in secrets:
        root = attest.sign_root(root, secret)
    return root


def test_two_of_three_signers_meet_a_threshold_of_two(signers):
    secrets, keys = signers
    result = attest.verify_root_signatures(signed_by(secrets[:2]), keys, 2)
    assert result.ok and result.valid_signers == ["signer-0", "signer-1"]


def test_fewer_than_k_valid_signers_fails(signers):
    secrets, keys = signers
    result = attest.verify_root_signatures(signed_by(secrets[:2]), keys, 3)
    assert not result.ok and "only 2 of the required 3" in result.findings[-1]


def test_signatures_over_an_altered_root_fail(signers):
    secrets, keys = signers
    root = signed_by(secrets[:1])
    for field, value in (("root", "ac" * 32), ("totals", {"BTC": "105.4"}), ("round", "2024-07-01")):
        altered = dict(root, **{field: value})
        assert not attest.verify_root_signatures(altered, keys[:1], 1).ok


def test_one_bad_signature_is_named_and_the_others_still_count(signers):
    secrets, keys = signers
    root = signed_by(secrets)
    good_elsewhere = attest.sign_root(dict(make_root(), round="other"), secrets[2])["signatures"][0]
    root["signatures"][2] = good_elsewhere
    result = attest.verify_root_signatures(root, keys, 2)
    assert result.ok and result.valid_signers == ["signer-0", "signer-1"]
    assert any("signer-2 does not match" in line for line in result.findings)


def test_a_repeated_signature_counts_once(signers):
    secrets, keys = signers
    root = signed_by(secrets[:1])
    root["signatures"].append(dict(root["signatures"][0]))
    result = attest.verify_root_signatures(root, keys, 2)
    assert not result.ok and result.valid_signers == ["signer-0"]


def test_a_duplicate_trusted_key_is_refused(signers):
    secrets, keys = signers
    with pytest.raises(InputError, match="twice"):
        attest.verify_root_signatures(signed_by(secrets[:1]), [keys[0], keys[0]], 2)


def test_signatures_by_keys_not_given_are_ignored(signers):
    secrets, keys = signers
    result = attest.verify_root_signatures(signed_by(secrets), keys[:1], 1)
    assert result.ok and result.valid_signers == ["signer-0"]


def test_signing_excludes_earlier_signatures_and_replaces_its_own(signers):
    secrets, keys = signers
    root = signed_by([secrets[0], secrets[1], secrets[0]])
    assert [e["public_key"] for e in root["signatures"]] == [keys[1].key.hex(), keys[0].key.hex()]
    entry = root["signatures"][1]
    assert bls.Verify(keys[0].key, canonical_root_bytes(make_root()), bytes.fromhex(entry["signature"]))


def test_public_key_file_without_valid_proof_of_possession_is_refused(tmp_path, signers):
    _, keys = signers
    doc = keys[0].to_json()
    doc["proof_of_possession"] = keys[1].proof_of_possession.hex()  # a rogue key cannot prove possession
    (tmp_path / "k.pub").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="proof of possession") as error:
        attest.read_public_key(tmp_path / "k.pub")
    assert error.value.field == "proof_of_possession"


def test_public_key_failing_key_validate_is_refused(tmp_path, signers):
    _, keys = signers
    doc = keys[0].to_json()
    doc["public_key"] = "c0" + "00" * 47  # the identity point
    (tmp_path / "k.pub").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="KeyValidate"):
        attest.read_public_key(tmp_path / "k.pub")


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr()


def test_cli_keygen_sign_and_verify_root(tmp_path, capsys):
    root_file = tmp_path / "root.json"
    root_file.write_text(json.dumps(make_root()))
    for name in ("operator", "auditor"):
        code, out = run(["keygen", "--out", str(tmp_path / name), "--label", name], capsys)
        assert code == 0
        secret_hex = (tmp_path / name).read_text().strip()
        assert secret_hex not in out.out + out.err
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    code, _ = run(["sign", str(root_file), "--key", str(tmp_path / "operator")], capsys)
    assert code == 0
    signed = json.loads(root_file.read_text())
    assert {k: v for k, v in signed.items() if k != "signatures"} == make_root()
    assert signed["signatures"][0]["signer"] == "operator"
    signers = ["--signers", str(tmp_path / "operator.pub"), "--signers", str(tmp_path / "auditor.pub")]
    code, out = run(["verify-root", str(root_file), *signers, "--threshold", "1"], capsys)
    assert code == 0 and "operator" in out.out
    code, _ = run(["verify-root", str(root_file), *signers, "--threshold", "2"], capsys)
    assert code == 1
    code, out = run(["keygen", "--out", str(tmp_path / "operator")], capsys)
    assert code == 2 and "overwrite" in out.err


def test_result_detail_is_one_line_naming_the_signers(signers):
    secrets, keys = signers
    result = attest.verify_root_signatures(signed_by(secrets[:1]), keys, 2)
    assert isinstance(result.detail, str) and "signer-0" in result.detail and "only 1 of the required 2" in result.detail
