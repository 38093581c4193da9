"""Bech32 (BIP-173 test vectors) and Base58Check, the address encodings Bitcoin ownership proofs rely on."""

import pytest

from por.reserves import base58, bech32

VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
INVALID_BECH32 = [
    "\x201nwldj5",  # HRP character out of range
    "\x7f1axkwrx",
    "\x801eym55h",
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",  # too long
    "pzry9x0s0muk",  # no separator
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # checksum too short
    "de1lg7wt\xff",  # invalid character in checksum
    "A1G7SGD8",  # checksum computed over the upper-case HRP
    "10a06t8",
    "1qzzfhee",
]
VALID_SEGWIT = [
    ("bc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "751e76e8199196d454941c45d1b3a323f1433bd6"),
    ("tb", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
     "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
    ("tb", "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
     "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
]
INVALID_SEGWIT = [
    ("bc", "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty"),  # wrong HRP
    ("bc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"),  # bad checksum
    ("bc", "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2"),  # witness version 16
    ("bc", "bc1rw5uspcuh"),  # bad program length
    ("tb", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7"),  # mixed case
    ("tb", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv"),  # non-zero padding
    ("bc", "bc1gmk9yu"),  # empty data
]


@pytest.mark.parametrize("text", VALID_BECH32)
def test_bip173_valid_bech32_strings_decode(text):
    hrp, data = bech32.bech32_decode(text)
    assert bech32.bech32_encode(hrp, data) == text.lower()


@pytest.mark.parametrize("text", INVALID_BECH32)
def test_bip173_invalid_bech32_strings_are_rejected(text):
    with pytest.raises(ValueError):
        bech32.bech32_decode(text)


@pytest.mark.parametrize(("hrp", "address", "program"), VALID_SEGWIT)
def test_bip173_segwit_addresses_decode_and_reencode(hrp, address, program):
    version, decoded = bech32.decode_segwit(hrp, address)
    assert (version, decoded.hex()) == (0, program)
    assert bech32.encode_segwit(hrp, 0, decoded) == address.lower()


@pytest.mark.parametrize(("hrp", "address"), INVALID_SEGWIT)
def test_bip173_invalid_segwit_addresses_are_rejected(hrp, address):
    with pytest.raises(ValueError):
        bech32.decode_segwit(hrp, address)


def test_base58check_round_trips_and_keeps_leading_zero_bytes():
    text = base58.encode_check(0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    assert text == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"  # the key hash of secp256k1 generator G
    assert base58.decode_check(text) == (0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    assert base58.b58decode(base58.b58encode(b"\0\0\x01")) == b"\0\0\x01"


def test_base58check_rejects_a_changed_character_and_foreign_characters():
    with pytest.raises(ValueError, match="checksum"):
        base58.decode_check("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ")
    with pytest.raises(ValueError, match="not a base58"):
        base58.decode_check("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0")
