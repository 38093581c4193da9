"""Read any reserves file por knows, chosen by content: por CSV/JSON, Summa signatures.csv, OKX por csv."""

from __future__ import annotations

from pathlib import Path

from por.errors import InputError
from por.jsonio import loads
from por.reserves import evm, native, samples
from por.reserves.model import EVM_SCHEMES, Reserves


def load_reserves(path: str | Path) -> Reserves:
    """Parse ``path``; InputError (exit 2) names the file, row and field of anything malformed or duplicated."""
    target = Path(path)
    try:
        text = target.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("the reserves file does not exist", path=target) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the reserves file ({exc.__class__.__name__})", path=target) from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError("the reserves file is empty", path=target)
    if stripped.startswith("{"):
        reserves = native.parse_json(target, loads(text, path=target, what="reserves file"))
    else:
        first = stripped.splitlines()[0]
        if samples.is_summa(first):
            reserves = samples.parse_summa(target, text)
        elif samples.is_okx(first):
            reserves = samples.parse_okx(target, text)
        else:
            reserves = native.parse_csv(target, text)
    _refuse_duplicates(target, reserves)
    return reserves


def _refuse_duplicates(path: Path, reserves: Reserves) -> None:
    """The same wallet listed twice for a token would count its balance twice."""
    seen: dict[tuple[str, str, str], int] = {}
    for wallet in reserves.wallets:
        address = wallet.address.lower() if wallet.scheme in EVM_SCHEMES or _case_insensitive(wallet.address) else wallet.address
        key = (wallet.token, wallet.chain.upper(), address)
        if key in seen:
            raise InputError(
                f"wallet {wallet.address} is listed twice for {wallet.token} (first at row {seen[key]})",
                path=path,
                row=wallet.row,
                field="address",
            )
        seen[key] = wallet.row


def _case_insensitive(address: str) -> bool:
    """Bech32 and hex EVM addresses name the same wallet in either case; base58 ones do not."""
    return address.lower().startswith(("bc1", "tb1")) or evm.check_address(address) is None
