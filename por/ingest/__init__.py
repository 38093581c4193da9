"""Balances ingestion: exact, strict, vectorised parsing of exchange balance exports.

Formats: native CSV, JSONL, Summa CSV and dapol CSV (docs/SPEC.md §2). Amounts become exact uint64 base
units without ever passing through a float; any bad value is one ``InputError`` naming file, row and field.
"""

from por.ingest.balances import Balances
from por.ingest.decimals import DEFAULT_DECIMALS, DecimalsSpec, parse_decimals
from por.ingest.header import FORMATS, detect_format
from por.ingest.load import load_balances
from por.ingest.write import write_native_csv

__all__ = [
    "DEFAULT_DECIMALS",
    "FORMATS",
    "Balances",
    "DecimalsSpec",
    "detect_format",
    "load_balances",
    "parse_decimals",
    "write_native_csv",
]
