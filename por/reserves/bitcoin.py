"""Bitcoin signed messages (BIP-137): recover the key, derive the address type the header names, compare.

Signature: base64 of 65 bytes header || r || s. Header 27-30 uncompressed P2PKH, 31-34 compressed P2PKH,
35-38 P2SH-P2WPKH, 39-42 P2WPKH; recovery id = (header - 27) % 4 (only 0 and 1 occur for valid keys).
The header must name the claimed address's type: a signature for one type never vouches for another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from Crypto.Hash import RIPEMD160

from por.reserves import base58, bech32, secp256k1
from por.reserves.secp256k1 import BadSignature, Point

MAGIC = b"\x18Bitcoin Signed Message:\n"
P2PKH_UNCOMPRESSED, P2PKH, P2SH_P2WPKH, P2WPKH = "p2pkh-uncompressed", "p2pkh", "p2sh-p2wpkh", "p2wpkh"
_TYPES = {27: P2PKH_UNCOMPRESSED, 31: P2PKH, 35: P2SH_P2WPKH, 39: P2WPKH}
_HEADER_BASE = {kind: base for base, kind in _TYPES.items()}
# network -> (P2PKH version, P2SH version, bech32 human-readable part)
NETWORKS = {"mainnet": (0x00, 0x05, "bc"), "testnet": (0x6F, 0xC4, "tb")}


def varint(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def message_digest(message: str) -> bytes:
    raw = message.encode("utf-8")
    return hashlib.sha256(hashlib.sha256(MAGIC + varint(len(raw)) + raw).digest()).digest()


def hash160(data: bytes) -> bytes:
    return RIPEMD160.new(hashlib.sha256(data).digest()).digest()


def address_for(point: Point, kind: str, network: str = "mainnet") -> str:
    p2pkh_version, p2sh_version, hrp = NETWORKS[network]
    if kind == P2PKH_UNCOMPRESSED:
        return base58.encode_check(p2pkh_version, hash160(secp256k1.encode_point(point, compressed=False)))
    key_hash = hash160(secp256k1.encode_point(point, compressed=True))
    if kind == P2PKH:
        return base58.encode_check(p2pkh_version, key_hash)
    if kind == P2SH_P2WPKH:
        return base58.encode_check(p2sh_version, hash160(b"\x00\x14" + key_hash))
    return bech32.encode_segwit(hrp, 0, key_hash)


def network_of(address: str) -> str:
    """Which network an address belongs to (from its prefix); ValueError when it is no Bitcoin address."""
    lowered = address.lower()
    for network, (_p2pkh, _p2sh, hrp) in NETWORKS.items():
        if lowered.startswith(hrp + "1"):
            bech32.decode_segwit(hrp, address)
            return network
    version, payload = base58.decode_check(address)
    for network, (p2pkh_version, p2sh_version, _hrp) in NETWORKS.items():
        if version in (p2pkh_version, p2sh_version) and len(payload) == 20:
            return network
    raise ValueError(f"base58 version byte {version} is not a Bitcoin address type")


def parse_signature(text: str) -> tuple[str, int, int, int]:
    """(address type, recovery id, r, s). Only canonical base64 is accepted, so no character is ignored."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("signature is not base64") from None
    if len(raw) != 65 or base64.b64encode(raw).decode() != text:
        raise BadSignature("signature is not 65 bytes in canonical base64")
    header = raw[0]
    if not 27 <= header <= 42:
        raise BadSignature(f"BIP-137 header byte {header} is outside 27-42")
    base = 27 + (header - 27) // 4 * 4
    return _TYPES[base], header - base, int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")


def recover_address(message: str, signature: str, network: str = "mainnet") -> str:
    """The address (of the type the header names) whose key signed ``message``; BadSignature otherwise."""
    kind, recovery_id, r, s = parse_signature(signature)
    if recovery_id > 1:
        raise BadSignature("recovery id 2 or 3 (r above the group order) never occurs for real keys")
    return address_for(secp256k1.recover(message_digest(message), recovery_id, r, s), kind, network)


def same_address(a: str, b: str) -> bool:
    """Bech32 addresses compare case-insensitively (BIP-173); base58 ones exactly."""
    if a.lower().startswith(("bc1", "tb1")):
        return a.lower() == b.lower()
    return a == b


def sign_message(message: str, secret: bytes, kind: str) -> str:
    """Base64 BIP-137 signature for an address of type ``kind``; for examples and tests."""
    recovery_id, r, s = secp256k1.sign(message_digest(message), secret)
    header = _HEADER_BASE[kind] + recovery_id
    return base64.b64encode(bytes([header]) + r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()
