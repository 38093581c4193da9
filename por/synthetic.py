"""Synthetic but realistic exchange exports for the demo, tests and benchmarks.

Heavy-tailed balances (log-normal bodies with Pareto whales), many users holding only some tokens, tokens with
different decimals. Deterministic for a given seed; amounts are exact integers in base units from the start.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from por.amounts import MAX_BALANCE, Token

DEMO_TOKENS = [Token("BTC", 8), Token("ETH", 9), Token("USDT", 6), Token("SOL", 9), Token("DOGE", 8)]
# typical holding in token units (median of holders) per token
_MEDIAN_UNITS = {"BTC": 0.02, "ETH": 0.4, "USDT": 350.0, "SOL": 6.0, "DOGE": 1500.0}


def synthetic_balances(users: int, tokens: list[Token] | None = None, *, seed: int = 2026) -> tuple[list[Token], pa.Array, np.ndarray]:
    """(tokens, user ids, uint64 amounts (users × tokens)) for a plausible exchange."""
    tokens = tokens or DEMO_TOKENS
    rng = np.random.default_rng(seed)
    ids = pa.array([f"user-{i:08d}" for i in range(users)], type=pa.string())
    amounts = np.zeros((users, len(tokens)), dtype=np.uint64)
    # keep every per-token total below 2^64 with room to spare
    cap = (MAX_BALANCE // max(users, 1)) // 4
    for column, token in enumerate(tokens):
        holders = rng.random(users) < rng.uniform(0.25, 0.9)
        median = _MEDIAN_UNITS.get(token.symbol, 10.0) * 10**token.decimals
        body = rng.lognormal(mean=np.log(median), sigma=1.6, size=users)
        whales = rng.random(users) < 0.002
        body[whales] *= rng.pareto(1.2, size=int(whales.sum())) * 50 + 10
        values = np.minimum(body, float(cap)).astype(np.uint64)
        amounts[:, column] = np.where(holders, values, 0)
    return tokens, ids, amounts
