"""Bech32 segwit addresses (BIP-173, witness version 0 only: P2WPKH and P2WSH).

Witness v1+ (bech32m, BIP-350) is not needed: BIP-137 signatures only cover P2PKH, P2SH-P2WPKH and P2WPKH.
"""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                check ^= gen
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp: str, data: list[int]) -> str:
    polymod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, list[int]]:
    """(hrp, data without checksum); ValueError for mixed case, bad characters, length or checksum."""
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise ValueError("bech32 string has characters outside printable ASCII")
    if text.lower() != text and text.upper() != text:
        raise ValueError("bech32 string mixes upper and lower case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise ValueError("bech32 separator or length is wrong")
    hrp, rest = text[:pos], text[pos + 1 :]
    if any(c not in CHARSET for c in rest):
        raise ValueError("bech32 data has a character outside its alphabet")
    data = [CHARSET.find(c) for c in rest]
    if _polymod(_hrp_expand(hrp) + data) != 1:
        raise ValueError("bech32 checksum does not match")
    return hrp, data[:-6]


def convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    acc, bits, out, maxv = 0, 0, [], (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            raise ValueError("value out of range for bit conversion")
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        raise ValueError("invalid padding in bech32 data")
    return out


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    if version != 0:
        raise ValueError("only witness version 0 (bech32) is supported")
    return bech32_encode(hrp, [version] + convert_bits(program, 8, 5, pad=True))


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes]:
    """(witness version, program) for a v0 address with human-readable part ``hrp``; ValueError otherwise."""
    got_hrp, data = bech32_decode(address)
    if got_hrp != hrp:
        raise ValueError(f"address is for {got_hrp!r}, not {hrp!r}")
    if not data:
        raise ValueError("segwit address has no witness version")
    program = bytes(convert_bits(data[1:], 5, 8, pad=False))
    if data[0] != 0:
        raise ValueError("only witness version 0 (bech32) addresses are supported")
    if len(program) not in (20, 32):
        raise ValueError("witness v0 program must be 20 or 32 bytes")
    return data[0], program
