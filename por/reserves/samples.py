"""Other exchanges' published ownership files, read as they are.

- Summa ``signatures.csv``: ``chain;address;signature;message``, no balances. Signatures are personal_sign over
  keccak256(abi.encode(string message)) (Summa's reference signing procedure): scheme ``eip191-abi-keccak``.
- OKX ``okx_por_example.csv``: a ``coin,snapshot height,amount`` section (declared totals, kept but never trusted),
  a blank line, then ``coin,Network,Snapshot Height,address,amount,message,signature1,signature2,
  redeem script/ public key,eoa1,eoa2``. EVM rows are personal_sign over keccak256(message) (``eip191-keccak``), BTC rows
  are BIP-137; a row with eoa1/eoa2 is a contract wallet signed by its owners; others (TON, Aptos, multisig
  BTC) are kept as unverified. The token is the coin up to its first "-" (USDT-TON -> USDT).
"""

from __future__ import annotations

from pathlib import Path

from por.errors import InputError
from por.reserves.model import Reserves, Wallet
from por.reserves.native import block_height, checked_balance, csv_rows

SUMMA_HEADER = "chain;address;signature;message"
OKX_TOTALS_HEADER = ("coin", "snapshot height", "amount")
_EVM_NETWORKS = {"ETH", "ARBITRUM", "OPTIMISM", "POLYGON", "POLY", "BSC", "AVAXC", "BASE", "LINEA", "OKC", "XLAYER"}


def is_summa(first_line: str) -> bool:
    return first_line.strip().lower() == SUMMA_HEADER


def is_okx(first_line: str) -> bool:
    cells = tuple(c.strip().lower() for c in first_line.split(","))
    return cells == OKX_TOTALS_HEADER or cells[:4] == ("coin", "network", "snapshot height", "address")


def parse_summa(path: Path, text: str) -> Reserves:
    wallets = []
    rows = csv_rows(path, text, delimiter=";")
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            raise InputError(f"expected 4 columns separated by ';', found {len(row)}", path=path, row=number)
        chain, address, signature, message = (c.strip() for c in row)
        for name, value in (("chain", chain), ("address", address), ("signature", signature), ("message", message)):
            if not value:
                raise InputError("is empty", path=path, row=number, field=name)
        scheme = "eip191-abi-keccak" if chain.upper() in _EVM_NETWORKS else f"unsupported:{chain}"
        wallets.append(Wallet(chain, chain, address, None, None, message, signature, scheme, number))
    return Reserves(str(path), "summa-signatures", wallets)


def parse_okx(path: Path, text: str) -> Reserves:
    rows = csv_rows(path, text)
    declared: dict[str, str] = {}
    wallets: list[Wallet] = []
    header: list[str] | None = None
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        lowered = [c.lower() for c in cells]
        if tuple(lowered[:3]) == OKX_TOTALS_HEADER:
            continue
        if lowered[:2] == ["coin", "network"]:
            header = lowered
            continue
        if header is None:
            if len(cells) >= 3:
                declared[cells[0]] = cells[2]
            continue
        wallets.append(_okx_wallet(path, number, dict(zip(header, cells, strict=False))))
    if header is None:
        raise InputError("no address section (a 'coin,Network,...' header) was found", path=path)
    return Reserves(str(path), "okx-por", wallets, declared)


def _okx_wallet(path: Path, number: int, record: dict[str, str]) -> Wallet:
    def need(name: str) -> str:
        value = record.get(name, "")
        if not value:
            raise InputError("is empty", path=path, row=number, field=name)
        return value

    coin, network, address = need("coin"), need("network"), need("address")
    balance = checked_balance(need("amount"), path=path, row=number, field="amount")
    height_text = record.get("snapshot height", "")
    height = block_height(height_text, path=path, row=number, field="snapshot height") if height_text else None
    message, signature = need("message"), need("signature1")
    second = record.get("signature2", "")
    owners = (record.get("eoa1", ""), record.get("eoa2", ""))
    scheme = _okx_scheme(network, address, second, record.get("redeem script/ public key", ""))
    wallet_owners: tuple[tuple[str, str], ...] = ()
    if scheme == "eip191-keccak" and second and all(owners):
        wallet_owners = ((owners[0], signature), (owners[1], second))
    elif scheme == "eip191-keccak" and second:
        scheme = "unsupported:EVM multisig without owner addresses"
    token = coin.split("-", 1)[0]
    return Wallet(token, network, address, balance, height, message, signature, scheme, number, wallet_owners)


def _okx_scheme(network: str, address: str, second_signature: str, script: str) -> str:
    upper = network.upper()
    if upper in _EVM_NETWORKS and address.startswith("0x"):
        return "eip191-keccak"
    if upper == "BTC":
        return "unsupported:BTC multisig" if second_signature or script else "bip137"
    return f"unsupported:{network}"
