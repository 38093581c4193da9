"""What a native proof (either mode) says about itself, checked against root.json: mode, round, tokens, whose
proof it is, and the user's own balances."""

from __future__ import annotations

from por.amounts import AmountError, format_amount, parse_amount
from por.errors import InputError
from por.verdict import Verdict

BAD_BALANCES = "Your balances in this proof are not exact amounts of the published tokens."
NOT_TO_ROOT = "Your balances in this proof do not lead to the published root."


def check_claims(verdict: Verdict, root: dict, expected_mode: str, user_id: str | None, *, mode: object,
                 round_id: object, tokens: object, proof_user: str) -> bool:
    """What a proof says about itself against the published root (mode, round, tokens, whose proof it is).

    False when the mode differs and nothing else can be checked."""
    if not verdict.check("mode", mode == root["mode"] == expected_mode,
                         f"proof mode {mode!r}, published mode {root['mode']!r}",
                         summary=f"This is a {mode!r} proof and the published root is a {root['mode']!r} root: "
                                 "one cannot be checked against the other."):
        return False
    verdict.check("round", round_id == root["round"],
                  f"the proof's round is {round_id!r}; the published round is {root['round']!r}",
                  summary=f"This proof is for round {round_id!r}, not for the published round {root['round']!r}.")
    same_tokens = tokens == root["tokens"]
    verdict.check("tokens", same_tokens,
                  "the proof's token list matches the published one" if same_tokens
                  else "the proof's token list (symbols, decimals, order) differs from the published one",
                  summary="This proof lists other tokens than the published root.")
    verdict.check("user id", user_id is None or user_id == proof_user,
                  f"the proof is for user {proof_user!r}" + (f"; you are {user_id!r}" if user_id else ""),
                  summary=f"This proof is not for user {user_id!r}: it is the proof of user {proof_user!r}.",
                  owner=user_id is not None)
    return True


def parse_own_balances(verdict: Verdict, balances_json: dict, tokens: list, source: str) -> list[int] | None:
    """The user's balances (base units, root token order); a failed check and None when one is not an amount."""
    balances = []
    for token in tokens:
        text = balances_json.get(token.symbol)
        if not isinstance(text, str):
            raise InputError(f"missing balance for {token.symbol}", path=source, field=f"user.balances.{token.symbol}")
        try:
            balances.append(parse_amount(text, token.decimals))
        except AmountError as exc:
            verdict.check("own balances", False, f"{token.symbol}: {exc}", summary=BAD_BALANCES)
            return None
    if set(balances_json) != {t.symbol for t in tokens}:
        verdict.check("own balances", False, "the proof lists tokens that are not in the published token list",
                      summary=BAD_BALANCES)
        return None
    verdict.balances = {t.symbol: format_amount(b, t.decimals) for t, b in zip(tokens, balances, strict=True)}
    verdict.check("own balances", True, "every balance is an exact amount in [0, 2^64) base units")
    return balances
