"""Regenerate the plain-mode spec vectors: ``python tests/vectors/generate_plain.py``.

The vectors pin docs/SPEC.md: a tiny export, a fixed master secret and round, the root.json it must produce and one
user's proof. tests/test_spec_vectors.py checks that the code still reproduces them byte for byte.

``plain-v2`` (root.json version 2) is generated here: bob's ETH has one digit more than ETH's 9 decimals, so it is
built with ``--rounding up``, which root.json records. ``plain-v1`` (version 1, no "rounding" field) was written by
the version-1 code from ``INPUT_V1`` and is kept as published: older roots and proofs must keep verifying.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "plain-v2"
SECRET_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
ROUND = "2026-11-25T00:00:00Z"
INPUT_V1 = "user_id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,0\ncarol,42,1000.123456789\n"
INPUT = "user_id,BTC,ETH\nalice,1.5,0.25\nbob,0.00000001,0.0000000001\ncarol,42,1000.123456789\n"


def generate(out: Path = HERE) -> None:
    from por.ingest import load_balances, parse_decimals
    from por.plain.build import build_plain
    from por.plain.prove import prove_user
    from por.snapshot_store import Snapshot

    out.mkdir(parents=True, exist_ok=True)
    (out / "input.csv").write_text(INPUT)
    (out / "master-secret.hex").write_text(SECRET_HEX + "\n")
    with tempfile.TemporaryDirectory() as tmp:
        secret = Path(tmp) / "secret.hex"
        secret.write_text(SECRET_HEX)
        secret.chmod(0o600)
        balances = load_balances(out / "input.csv", decimals=parse_decimals(["BTC=8", "ETH=9"]), round_up=True)
        build_plain(balances.tokens, balances.user_ids, balances.amounts, Path(tmp) / "snap", secret_path=secret,
                    round_id=ROUND, workers=1, round_up=True)
        shutil.copy(Path(tmp) / "snap" / "public" / "root.json", out / "root.json")
        proof = prove_user(Snapshot(Path(tmp) / "snap", secret_path=secret), "alice")
        (out / "proof-alice.json").write_text(json.dumps(proof, indent=2) + "\n")


if __name__ == "__main__":
    generate()
