"""por's own reserves file, as CSV or as JSON (the same fields; docs/SPEC.md §14.1).

CSV header: token,chain,address,balance,block_height,message,signature,scheme.
JSON: {"format": "por-reserves", "version": 1, "wallets": [{the same eight keys}]} with block_height an integer.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from por.amounts import AmountError, parse_integer, split_amount, valid_symbol
from por.errors import InputError
from por.files import write_json, write_text
from por.reserves.model import KNOWN_SCHEMES, Reserves, Wallet

COLUMNS = ("token", "chain", "address", "balance", "block_height", "message", "signature", "scheme")
FORMAT, VERSION = "por-reserves", 1
MAX_BLOCK_HEIGHT = 2**63


def checked_balance(text: str, *, path: Path, row: int, field: str) -> str:
    """A wallet balance as written: a plain non-negative decimal of at most MAX_AMOUNT_CHARS characters."""
    try:
        split_amount(text)
    except AmountError as exc:
        raise InputError(f"{exc} (a balance is a plain non-negative decimal)", path=path, row=row, field=field) from None
    return text


def block_height(text: str, *, path: Path, row: int, field: str) -> int:
    try:
        return parse_integer(text)
    except AmountError as exc:
        raise InputError(f"the block height {exc}", path=path, row=row, field=field) from None


def csv_rows(path: Path, text: str, delimiter: str = ",") -> list[list[str]]:
    """Every row of a CSV text; InputError (naming the row) for what the csv module cannot split."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputError(f"is not valid CSV ({exc})", path=path, row=reader.line_num) from None


def parse_csv(path: Path, text: str) -> Reserves:
    rows = csv_rows(path, text)
    header = [c.strip() for c in rows[0]]
    if tuple(header) != COLUMNS:
        raise InputError(f"the header must be {','.join(COLUMNS)}", path=path, row=1)
    wallets = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise InputError(f"expected {len(COLUMNS)} columns, found {len(row)}", path=path, row=number)
        record = dict(zip(COLUMNS, row, strict=True))
        wallets.append(wallet_from_record(record, path=path, row=number, height_text=True))
    return Reserves(str(path), "por-csv", wallets)


def parse_json(path: Path, document: object) -> Reserves:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(f'not a reserves file (expected "format": "{FORMAT}")', path=path, field="format")
    if document.get("version") != VERSION:
        raise InputError(f"unsupported version {document.get('version')!r}", path=path, field="version")
    entries = document.get("wallets")
    if not isinstance(entries, list):
        raise InputError("missing or not a list", path=path, field="wallets")
    wallets = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != set(COLUMNS):
            raise InputError(f"wallet {number} must have exactly the keys {', '.join(COLUMNS)}", path=path)
        wallets.append(wallet_from_record(entry, path=path, row=number, height_text=False))
    return Reserves(str(path), "por-json", wallets)


def wallet_from_record(record: dict, *, path: Path, row: int, height_text: bool) -> Wallet:
    def text(name: str) -> str:
        value = record[name]
        if not isinstance(value, str) or not value.strip():
            raise InputError("must be a non-empty string", path=path, row=row, field=name)
        return value.strip() if name != "message" else value

    token = text("token")
    if not valid_symbol(token):
        raise InputError(f"token symbol {token!r} is not valid", path=path, row=row, field="token")
    balance = checked_balance(text("balance"), path=path, row=row, field="balance")
    height = record["block_height"]
    if height_text and isinstance(height, str):
        height = block_height(height.strip(), path=path, row=row, field="block_height")
    if type(height) is not int or not 0 <= height < MAX_BLOCK_HEIGHT:
        raise InputError(f"must be a non-negative integer below 2^{MAX_BLOCK_HEIGHT.bit_length() - 1}", path=path,
                         row=row, field="block_height")
    scheme = text("scheme")
    if scheme not in KNOWN_SCHEMES:
        raise InputError(f"unknown scheme {scheme!r} (known: {', '.join(KNOWN_SCHEMES)})", path=path, row=row, field="scheme")
    return Wallet(token, text("chain"), text("address"), balance, height, text("message"), text("signature"), scheme, row)


def _record(wallet: Wallet) -> dict:
    return {
        "token": wallet.token,
        "chain": wallet.chain,
        "address": wallet.address,
        "balance": wallet.balance,
        "block_height": wallet.block_height,
        "message": wallet.message,
        "signature": wallet.signature,
        "scheme": wallet.scheme,
    }


def write_reserves_csv(path: str | Path, wallets: list[Wallet]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for wallet in wallets:
        writer.writerow([_record(wallet)[c] for c in COLUMNS])
    write_text(path, out.getvalue())


def write_reserves_json(path: str | Path, wallets: list[Wallet]) -> None:
    write_json(path, {"format": FORMAT, "version": VERSION, "wallets": [_record(w) for w in wallets]})


def json_text(wallets: list[Wallet]) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "wallets": [_record(w) for w in wallets]}, indent=2)
