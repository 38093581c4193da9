"""EVM address ownership: recover the signer of an Ethereum signed message and compare addresses.

Three message encodings occur in published reserves files (the signature is always r || s || v, 65 bytes):
- ``eip191``: personal_sign, digest = keccak256("\\x19Ethereum Signed Message:\\n" || len || message).
- ``eip191-abi-keccak`` (Summa): personal_sign over the 32 bytes keccak256(abi.encode(string message)).
- ``eip191-keccak`` (OKX): personal_sign over the 32 bytes keccak256(message).
"""

from __future__ import annotations

import re

from Crypto.Hash import keccak

from por.reserves import secp256k1
from por.reserves.secp256k1 import BadSignature, Point

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_SIGNATURE = re.compile(r"(0x)?[0-9a-fA-F]{130}")


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def eip191_digest(message: bytes) -> bytes:
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(message)).encode() + message)


def abi_encode_string(text: str) -> bytes:
    """Solidity ``abi.encode(string)``: offset 32, length, UTF-8 bytes zero-padded to 32."""
    raw = text.encode("utf-8")
    return (32).to_bytes(32, "big") + len(raw).to_bytes(32, "big") + raw + b"\0" * (-len(raw) % 32)


DIGESTS = {
    "eip191": lambda message: eip191_digest(message.encode("utf-8")),
    "eip191-abi-keccak": lambda message: eip191_digest(keccak256(abi_encode_string(message))),
    "eip191-keccak": lambda message: eip191_digest(keccak256(message.encode("utf-8"))),
}


def address_of(point: Point) -> str:
    """Lower-case 0x address: the last 20 bytes of keccak256(x || y)."""
    return "0x" + keccak256(secp256k1.encode_point(point, compressed=False)[1:])[-20:].hex()


def checksum_address(address: str) -> str:
    """EIP-55 mixed-case checksum encoding."""
    lower = address.lower()[2:]
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def check_address(address: str) -> str | None:
    """Why ``address`` is not a valid EVM address, or None. Mixed case must be a correct EIP-55 checksum."""
    if not _ADDRESS.fullmatch(address):
        return "is not 0x followed by 40 hexadecimal digits"
    body = address[2:]
    if body != body.lower() and body != body.upper() and checksum_address(address) != address:
        return "has a wrong EIP-55 checksum (letter case)"
    return None


def parse_signature(text: str) -> tuple[int, int, int]:
    """(recovery id, r, s) from 65 hex bytes r || s || v with v in {0, 1, 27, 28}."""
    if not _SIGNATURE.fullmatch(text):
        raise BadSignature("signature is not 65 bytes of hexadecimal")
    raw = bytes.fromhex(text[2:] if text.startswith("0x") else text)
    v = raw[64]
    if v not in (0, 1, 27, 28):
        raise BadSignature(f"signature v byte is {v}, not 0, 1, 27 or 28")
    return v % 27, int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big")


def recover_signer(scheme: str, message: str, signature: str) -> str:
    """Lower-case address of whoever signed ``message`` under ``scheme``; BadSignature if nobody can have."""
    recovery_id, r, s = parse_signature(signature)
    return address_of(secp256k1.recover(DIGESTS[scheme](message), recovery_id, r, s))


def sign_message(scheme: str, message: str, secret: bytes) -> str:
    """0x-hex signature (v = 27/28); for examples and tests."""
    recovery_id, r, s = secp256k1.sign(DIGESTS[scheme](message), secret)
    return "0x" + r.to_bytes(32, "big").hex() + s.to_bytes(32, "big").hex() + bytes([27 + recovery_id]).hex()
