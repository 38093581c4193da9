"""Why por never pads inside the inner-product rounds (docs/SPEC.md §12.5.2): the two tempting ways to handle an
odd length mid-argument both let a prover "prove" 2^64 + 12,345 to be a 64-bit value.

Five 64-bit values give 320 = 5·2^6 bits. A naive argument halves 320 → … → 5, then must pad the odd length:
- with an identity slot (generators = the identity point): the slot's a·b term is free, so it absorbs any gap
  between the claimed and the real inner product;
- with fresh generators introduced at that round: the prover plants multiples of them in the previous round's L
  and R, and the pad slot's a·b term then absorbs the gap in the same way.
Each test builds the forgery against the naive variant (which accepts it — the attack is real), then shows that
por's range proof, which fixes N = c·2^k before the first challenge and ends the rounds at length c, rejects both
the forged bytes and the same cheating prover run through its own shape.
"""

from __future__ import annotations

import pytest

from circuits import generators, pedersen
from circuits.group import get_backend
from circuits.rangeproof import RangeProof, _delta, _prove, shape, verify_range
from circuits.scalars import ORDER, inner_product, powers
from circuits.transcript import Transcript

BE = get_backend("fast")
P = ORDER
CTX = b"padding forgery"
FORGED = 2**64 + 12_345
VALUES = [FORGED, 1, 2, 3, 4]
BLINDINGS = [11, 12, 13, 14, 15]
WIDTH = 64


def _pad_generators(round_index: int) -> tuple:
    return (BE.hash_to_curve(b"naive-pad/G/%d" % round_index, generators.DST),
            BE.hash_to_curve(b"naive-pad/H/%d" % round_index, generators.DST))


def _fold(points_lo, points_hi, s_lo, s_hi):
    return [BE.add(BE.mul(a, s_lo), BE.mul(b, s_hi)) for a, b in zip(points_lo, points_hi, strict=True)]


def _forge(pad: str) -> dict:
    """Run the naive protocol as a cheating prover: bits of 12,345 in a_L, but t̂ consistent with V_0 = 2^64 + 12,345.
    Returns everything the naive verifier needs."""
    m, N = len(VALUES), WIDTH * len(VALUES)
    commitments = [pedersen.commit(v % P, r, BE) for v, r in zip(VALUES, BLINDINGS, strict=True)]
    t = Transcript(b"naive-padding-test")
    t.append(b"context", CTX)
    for V in commitments:
        t.append_point(b"V", BE, V)
    real = [v % (1 << WIDTH) for v in VALUES]  # the bits the prover can actually show
    a_L = [(v >> b) & 1 for v in real for b in range(WIDTH)]
    Gv, Hv = generators.G_vec(N, BE), generators.H_vec(N, BE)
    G, H = generators.G(BE), generators.H(BE)
    alpha, rho, tau1, tau2 = 5, 6, 7, 8
    s_L, s_R = [3 * i + 1 for i in range(N)], [5 * i + 2 for i in range(N)]
    A = BE.add(pedersen.commit(0, alpha, BE), BE.msm(Gv + Hv, a_L + [(b - 1) % P for b in a_L]))
    S = BE.msm(Gv + Hv + [H], s_L + s_R + [rho])
    t.append_point(b"A", BE, A)
    t.append_point(b"S", BE, S)
    y, z = t.challenge(b"y"), t.challenge(b"z")
    y_pow, z_pow = powers(y, N), powers(z, m + 3)
    zt = [z_pow[2 + j] << b for j in range(m) for b in range(WIDTH)]
    l0 = [(b - z) % P for b in a_L]
    r0 = [(yi * (b - 1 + z) + c) % P for yi, b, c in zip(y_pow, a_L, zt, strict=True)]
    r1 = [yi * s % P for yi, s in zip(y_pow, s_R, strict=True)]
    t1 = (inner_product(l0, r1) + inner_product(s_L, r0)) % P
    t2 = inner_product(s_L, r1)
    T1, T2 = pedersen.commit(t1, tau1, BE), pedersen.commit(t2, tau2, BE)
    t.append_point(b"T1", BE, T1)
    t.append_point(b"T2", BE, T2)
    x = t.challenge(b"x")
    l_vec = [(a + b * x) % P for a, b in zip(l0, s_L, strict=True)]
    r_vec = [(a + b * x) % P for a, b in zip(r0, r1, strict=True)]
    gap = z_pow[2] * (VALUES[0] - real[0]) % P  # t̂ must match V_0; <l, r> matches the bits shown
    t_hat = (inner_product(l_vec, r_vec) + gap) % P
    tau_x = (tau2 * x * x + tau1 * x + sum(z_pow[2 + j] * g for j, g in enumerate(BLINDINGS))) % P
    mu = (alpha + rho * x) % P
    for label, value in ((b"t_hat", t_hat), (b"tau_x", tau_x), (b"mu", mu)):
        t.append_scalar(label, value)
    w = t.challenge(b"w")
    Q = BE.mul(G, w)
    y_inv = powers(pow(y, -1, P), N)
    H_prime = [BE.mul(h, f) for h, f in zip(Hv, y_inv, strict=True)]
    # the naive inner-product argument, explicitly folded; odd lengths are padded with the chosen slot
    a, b, Gs, Hs = list(l_vec), list(r_vec), list(Gv), list(H_prime)
    rounds, planted = [], None
    round_index = 0
    while len(a) > 1:
        if len(a) % 2:
            pad_G, pad_H = (BE.identity(), BE.identity()) if pad == "identity" else _pad_generators(round_index)
            if pad == "identity":
                alpha_pad, beta_pad = gap, 1  # an identity slot: its a·b is free and closes the gap
            else:
                e_G, f_H, u_prev = planted  # planted e_G·G_pad in L and f_H·H_pad in R of the previous round
                alpha_pad, beta_pad = u_prev * u_prev * e_G % P, pow(u_prev, -2, P) * f_H % P
            a, b, Gs, Hs = a + [alpha_pad], b + [beta_pad], Gs + [pad_G], Hs + [pad_H]
            gap = 0
        half = len(a) // 2
        a_lo, a_hi, b_lo, b_hi = a[:half], a[half:], b[:half], b[half:]
        L = BE.msm(Gs[half:] + Hs[:half] + [Q], a_lo + b_hi + [inner_product(a_lo, b_hi)])
        R = BE.msm(Gs[:half] + Hs[half:] + [Q], a_hi + b_lo + [inner_product(a_hi, b_lo)])
        next_odd = half % 2 == 1 and half > 1
        if pad == "fresh" and next_odd:  # plant the multiples the next round's fresh pad will need
            e_G, f_H = gap, 1
            next_G, next_H = _pad_generators(round_index + 1)
            L, R = BE.add(L, BE.mul(next_G, e_G)), BE.add(R, BE.mul(next_H, f_H))
        t.append_point(b"L", BE, L)
        t.append_point(b"R", BE, R)
        u = t.challenge(b"u")
        if pad == "fresh" and next_odd:
            planted = (e_G, f_H, u)
        u_inv = pow(u, -1, P)
        rounds.append((L, R))
        a = [(p * u + q * u_inv) % P for p, q in zip(a_lo, a_hi, strict=True)]
        b = [(p * u_inv + q * u) % P for p, q in zip(b_lo, b_hi, strict=True)]
        Gs, Hs = _fold(Gs[:half], Gs[half:], u_inv, u), _fold(Hs[:half], Hs[half:], u, u_inv)
        round_index += 1
    return {"commitments": commitments, "A": A, "S": S, "T1": T1, "T2": T2, "t_hat": t_hat, "tau_x": tau_x,
            "mu": mu, "rounds": rounds, "a": a[0], "b": b[0], "y": y, "z": z, "x": x, "w": w, "Q": Q}


def _naive_verify(pad: str, proof: dict) -> bool:
    """The naive verifier: replays the transcript, folds the generators with the same padding rule, checks both
    equations explicitly."""
    m, N = len(VALUES), WIDTH * len(VALUES)
    t = Transcript(b"naive-padding-test")
    t.append(b"context", CTX)
    for V in proof["commitments"]:
        t.append_point(b"V", BE, V)
    t.append_point(b"A", BE, proof["A"])
    t.append_point(b"S", BE, proof["S"])
    y, z = t.challenge(b"y"), t.challenge(b"z")
    t.append_point(b"T1", BE, proof["T1"])
    t.append_point(b"T2", BE, proof["T2"])
    x = t.challenge(b"x")
    for label in (b"t_hat", b"tau_x", b"mu"):
        t.append_scalar(label, proof[label.decode()])
    w = t.challenge(b"w")
    G, H = generators.G(BE), generators.H(BE)
    z_pow = powers(z, m + 3)
    delta = _delta(y, z, shape(WIDTH, m), pow(y - 1, -1, P))
    lhs = pedersen.commit(proof["t_hat"], proof["tau_x"], BE)
    rhs = BE.msm(proof["commitments"] + [G, proof["T1"], proof["T2"]],
                 [z_pow[2 + j] for j in range(m)] + [delta, x, x * x % P])
    if not BE.eq(lhs, rhs):
        return False
    Gv, Hv = generators.G_vec(N, BE), generators.H_vec(N, BE)
    y_inv = powers(pow(y, -1, P), N)
    Hs = [BE.mul(h, f) for h, f in zip(Hv, y_inv, strict=True)]
    y_pow = powers(y, N)
    h_scalars = [(z * yi + z_pow[2 + i // WIDTH] * (1 << (i % WIDTH))) * f % P
                 for i, (yi, f) in enumerate(zip(y_pow, y_inv, strict=True))]
    Q = BE.mul(G, w)
    Pt = BE.msm([proof["A"], proof["S"], *Gv, *Hv, H, Q],
                [1, x, *([(-z) % P] * N), *h_scalars, (-proof["mu"]) % P, proof["t_hat"]])
    Gs = list(Gv)
    for round_index, (L, R) in enumerate(proof["rounds"]):
        if len(Gs) % 2:
            pad_G, pad_H = (BE.identity(), BE.identity()) if pad == "identity" else _pad_generators(round_index)
            Gs, Hs = Gs + [pad_G], Hs + [pad_H]
        half = len(Gs) // 2
        t.append_point(b"L", BE, L)
        t.append_point(b"R", BE, R)
        u = t.challenge(b"u")
        u_inv = pow(u, -1, P)
        Pt = BE.add(Pt, BE.msm([L, R], [u * u % P, u_inv * u_inv % P]))
        Gs, Hs = _fold(Gs[:half], Gs[half:], u_inv, u), _fold(Hs[:half], Hs[half:], u, u_inv)
    a, b = proof["a"], proof["b"]
    return len(Gs) == 1 and BE.eq(Pt, BE.msm([Gs[0], Hs[0], Q], [a, b, a * b % P]))


def _as_por_bytes(proof: dict) -> bytes:
    """The forged proof laid out like por's wire format (it has more rounds and a shorter final vector)."""
    out = [BE.compress(proof[k]) for k in ("A", "S", "T1", "T2")]
    out += [proof[k].to_bytes(32, "big") for k in ("t_hat", "tau_x", "mu")]
    for L, R in proof["rounds"]:
        out += [BE.compress(L), BE.compress(R)]
    return b"".join(out + [proof["a"].to_bytes(32, "big"), proof["b"].to_bytes(32, "big")])


@pytest.mark.parametrize("pad", ["identity", "fresh"])
def test_padding_inside_the_rounds_is_forgeable_and_por_rejects_the_forgery(pad: str) -> None:
    forged = _forge(pad)
    assert _naive_verify(pad, forged), "the naive variant must accept the forgery (the attack is real)"
    por_shape = shape(WIDTH, len(VALUES))
    assert (por_shape.c, por_shape.k) == (5, 6)  # 320 = 5·2^6: por stops at length 5 and never pads
    data = _as_por_bytes(forged)
    with pytest.raises(ValueError):
        RangeProof.from_bytes(data, por_shape, BE)
    # The same cheating witness through por's own shape: without a pad slot there is nothing to absorb the gap.
    cheat, commitments = _prove(BE, por_shape, VALUES, BLINDINGS, CTX, None)
    assert [BE.compress(c) for c in commitments] == [BE.compress(c) for c in forged["commitments"]]
    assert not verify_range(cheat, commitments, por_shape, CTX)


def test_the_naive_verifier_accepts_honest_proofs_so_the_forgery_test_is_meaningful() -> None:
    global VALUES
    saved = VALUES
    try:
        VALUES = [12_345, 1, 2, 3, 4]
        honest = _forge("identity")  # with a value in range the gap is 0 and the pad slot holds 0·1
        assert _naive_verify("identity", honest)
    finally:
        VALUES = saved
