"""Ownership signatures: real published samples verify; any altered byte of message, signature or address fails."""

import base64
import hashlib

import pytest

from por.reserves import INVALID, VALID, Wallet, bitcoin, evm, secp256k1, verify_wallet

SUMMA_MESSAGE = "Summa proof of solvency for CryptoExchange"
SUMMA = [  # shared/vectors/summa/master/signatures.csv
    ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
     "0x089b32327d332c295dc3b8873c205b72153211de6dc1c51235782b091cefb9d06d6df2661b86a7d441cd322f125b84901486b150e684221a7b7636eb8182af551b"),
    ("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
     "0xb17a9e25265d3b88de7bfad81e7accad6e3d5612308ff83cc0fef76a34152b0444309e8fc3dea5139e49b6fc83a8553071a7af3d0cfd3fb8c1aea2a4c171729c1c"),
]
OKX_MESSAGE = "I am an OKX address"
OKX_ETH = ("0x0cdcdb19a857c2ac24818ca4fdfe38cce071483e",  # shared/vectors/okx/okx_por_example.csv row 16
           "0x07f19879aa28d51c97cddfdfecffe7ed96525545d041aee4f4386b0bf4c1a26924b637fb02ccbb97305c13daa51a0f50b8896fb25ecbaf60020cde920d227a221b")
# Bitcoin: OKX proof-of-reserves test vector, and bitcoinjs-message's fixtures (one key, every BIP-137 type).
OKX_BTC = ("1DcT5Wij5tfb3oVViF8mA8p4WrG98ahZPT", OKX_MESSAGE,
           "IA1jDx3zkn4J4F6mCVU68Vm7TwNf+bCsp+hKo3LwV/Y+PlZEoNsajnAHqd/FrEmv5/VAGz7pPiWPOXjmCLRfxIM=")
VIRES = "vires is numeris"
BITCOINJS = [
    ("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", "G8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0="),
    ("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", "H8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0="),
    ("3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN", "JF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8="),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "KF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8="),
]
KEY = hashlib.sha256(b"test wallet key").digest()


def wallet(address, signature, message, scheme):
    return Wallet("T", "C", address, "1", 1, message, signature, scheme, 2)


def flip_hex_byte(text, index):
    raw = bytearray(bytes.fromhex(text[2:]))
    raw[index] ^= 0x01
    return "0x" + raw.hex()


def flip_b64_byte(text, index):
    raw = bytearray(base64.b64decode(text))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(("address", "signature"), SUMMA)
def test_real_summa_signatures_verify(address, signature):
    assert verify_wallet(wallet(address, signature, SUMMA_MESSAGE, "eip191-abi-keccak")).status == VALID


def test_real_okx_eth_signature_verifies():
    assert verify_wallet(wallet(*OKX_ETH, OKX_MESSAGE, "eip191-keccak")).status == VALID


@pytest.mark.parametrize("index", [0, 31, 32, 63, 64])
def test_any_altered_byte_of_an_evm_signature_fails(index):
    address, signature = SUMMA[0]
    result = verify_wallet(wallet(address, flip_hex_byte(signature, index), SUMMA_MESSAGE, "eip191-abi-keccak"))
    assert result.status == INVALID


def test_altered_evm_message_fails():
    address, signature = SUMMA[0]
    for message in (SUMMA_MESSAGE + " ", SUMMA_MESSAGE.replace("S", "s", 1), SUMMA_MESSAGE[:-1]):
        assert verify_wallet(wallet(address, signature, message, "eip191-abi-keccak")).status == INVALID


def test_altered_evm_address_fails_including_a_letter_case_flip():
    address, signature = SUMMA[0]
    other_digit = address[:-1] + "9"
    case_flip = address.replace("C51812dc", "c51812dc")  # breaks the EIP-55 checksum
    for claimed in (other_digit, case_flip):
        result = verify_wallet(wallet(claimed, signature, SUMMA_MESSAGE, "eip191-abi-keccak"))
        assert result.status == INVALID
    assert "checksum" in verify_wallet(wallet(case_flip, signature, SUMMA_MESSAGE, "eip191-abi-keccak")).detail


def test_signature_under_another_evm_encoding_fails():
    address, signature = SUMMA[0]
    assert verify_wallet(wallet(address, signature, SUMMA_MESSAGE, "eip191")).status == INVALID


def test_generated_eip191_personal_sign_verifies_and_matches_the_reference_digest():
    address = evm.checksum_address(evm.address_of(secp256k1.public_key(KEY)))
    signature = evm.sign_message("eip191", "hello", KEY)
    assert verify_wallet(wallet(address, signature, "hello", "eip191")).status == VALID
    # keccak256("\x19Ethereum Signed Message:\n5hello"), as eth_account's encode_defunct + hash gives
    assert evm.eip191_digest(b"hello").hex() == "50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750"


def test_evm_v_byte_outside_27_28_is_rejected():
    address = evm.checksum_address(evm.address_of(secp256k1.public_key(KEY)))
    signature = evm.sign_message("eip191", "hello", KEY)
    bad = signature[:-2] + "1d"  # v = 29
    assert verify_wallet(wallet(address, bad, "hello", "eip191")).status == INVALID


def test_bitcoin_message_digest_matches_bitcoinjs_vectors():
    assert bitcoin.message_digest("").hex() == "80e795d4a4caadd7047af389d9f7f220562feb6196032e2131e10563352c4bcc"
    assert bitcoin.message_digest("Vires is Numeris").hex() == "f8a5affbef4a3241b19067aa694562f64f513310817297089a8929a930f4f933"


@pytest.mark.parametrize(("address", "signature"), BITCOINJS)
def test_real_bip137_signatures_verify_for_every_address_type(address, signature):
    assert verify_wallet(wallet(address, signature, VIRES, "bip137")).status == VALID


def test_real_okx_bitcoin_signature_verifies():
    address, message, signature = OKX_BTC
    assert verify_wallet(wallet(address, signature, message, "bip137")).status == VALID


@pytest.mark.parametrize("kind", [bitcoin.P2PKH_UNCOMPRESSED, bitcoin.P2PKH, bitcoin.P2SH_P2WPKH, bitcoin.P2WPKH])
@pytest.mark.parametrize("network", ["mainnet", "testnet"])
def test_generated_bip137_signatures_verify_for_every_address_type(kind, network):
    address = bitcoin.address_for(secp256k1.public_key(KEY), kind, network)
    signature = bitcoin.sign_message("proof", KEY, kind)
    assert verify_wallet(wallet(address, signature, "proof", "bip137")).status == VALID
    assert verify_wallet(wallet(address, signature, "proof!", "bip137")).status == INVALID


@pytest.mark.parametrize("index", [0, 1, 32, 33, 64])
def test_any_altered_byte_of_a_bitcoin_signature_fails(index):
    address, signature = BITCOINJS[3]
    assert verify_wallet(wallet(address, flip_b64_byte(signature, index), VIRES, "bip137")).status == INVALID


def test_a_bitcoin_signature_for_one_address_type_does_not_vouch_for_another():
    p2pkh_address, p2pkh_signature = BITCOINJS[1]
    segwit_address, segwit_signature = BITCOINJS[3]
    assert verify_wallet(wallet(segwit_address, p2pkh_signature, VIRES, "bip137")).status == INVALID
    assert verify_wallet(wallet(p2pkh_address, segwit_signature, VIRES, "bip137")).status == INVALID


def test_altered_bitcoin_address_fails():
    address, signature = BITCOINJS[0]
    assert verify_wallet(wallet(address[:-1] + "N", signature, VIRES, "bip137")).status == INVALID
    segwit, segwit_sig = BITCOINJS[3]
    assert verify_wallet(wallet(segwit[:-1] + "5", segwit_sig, VIRES, "bip137")).status == INVALID


def test_non_canonical_base64_is_rejected_so_no_character_is_ignored():
    address, signature = BITCOINJS[3]
    last = signature[-2]  # 65 bytes leave 2 unused bits in the last base64 character
    tweaked = signature[:-2] + ("L" if last == "K" else chr(ord(last) + 1)) + "="
    assert base64.b64decode(tweaked) == base64.b64decode(signature)
    assert verify_wallet(wallet(address, tweaked, VIRES, "bip137")).status == INVALID


def test_evm_digests_match_the_spec_test_vectors():
    assert evm.DIGESTS["eip191-abi-keccak"](SUMMA_MESSAGE).hex() == (
        "96425f9a210d1507157f20ac4a4150a40e328f8ee64e2d613911edc6d4f99817")
    assert evm.DIGESTS["eip191-keccak"](OKX_MESSAGE).hex() == (
        "2c5ade6d905fda46ee20b58294772d2bdbee68c92ba5c54f38c325bae1326e2f")
