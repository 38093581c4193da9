"""The logarithmic inner-product argument of Bulletproofs (Bünz et al. 2018, §3; dalek's notes).

Statement: P = <a, G> + <b, H'> + <a, b>·Q for public G, H' (H'_i = f_i·H_i with public factors f_i) and Q.
Each round halves the vectors. With lo/hi halves and a challenge u from the transcript,

    L = <a_lo, G_hi> + <b_hi, H'_lo> + <a_lo, b_hi>·Q        R = <a_hi, G_lo> + <b_lo, H'_hi> + <a_hi, b_lo>·Q
    a' = u·a_lo + u⁻¹·a_hi    b' = u⁻¹·b_lo + u·b_hi    G' = u⁻¹·G_lo + u·G_hi    H' = u·H'_lo + u⁻¹·H'_hi

so that P' = P + u²·L + u⁻²·R is the same statement for a', b', G', H'. The vectors have length n = c·2^k with c
odd: after k rounds (every round halves an even length) the prover sends the two length-c vectors a, b in the
clear — the last step of the reduction simply reveals the witness of a length-c statement. Unrolled, with
i = q·c + t (t < c), the final check is one MSM:

    P + Σ_k (u_k²·L_k + u_k⁻²·R_k) = Σ_i (a_t·s_q)·G_i + Σ_i (b_t·s_q⁻¹·f_i)·H_i + <a, b>·Q,
    s_q = Π_k u_k^(+1 if bit (k_total − 1 − k) of q is set else −1).

Lengths are never padded inside the rounds: a slot added at an odd length (an identity point, or generators the
statement did not fix) lets a prover adjust <a, b> freely and prove false statements (docs/SPEC.md §12.5.2).

Prover cost shape: folding G' and H' explicitly costs one full scalar multiplication per point per round (~120 µs
each on the fast backend), far more than an MSM term (~15 µs). So generators are folded *lazily*: each current
generator is kept as a coefficient vector over a base set (G'_i = Σ_{j ≡ i mod n'} c_j·G_j), L and R are MSMs
over the base points, and the base is re-materialised (one small MSM per new base point) only once the base is
``REBASE_RATIO`` times longer than the current vectors, which is when re-materialising starts to pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from circuits.group import Backend, Point
from circuits.scalars import ORDER, batch_inverse, inner_product
from circuits.transcript import Transcript

REBASE_RATIO = 16


@dataclass(frozen=True)
class InnerProductProof:
    L: list[Point]
    R: list[Point]
    a: list[int]  # the final vectors, length c (odd); c = 1 is the classic argument
    b: list[int]


def _start(transcript: Transcript, n: int) -> None:
    transcript.append(b"dom-sep", b"inner-product")
    transcript.append_u64(b"n", n)


def prove(
    backend: Backend,
    transcript: Transcript,
    Q: Point,
    G: list[Point],
    H: list[Point],
    h_factors: list[int],
    a: list[int],
    b: list[int],
) -> InnerProductProof:
    n = len(a)
    final = odd_part(n)
    if n < 1 or not (len(b) == len(G) == len(H) == len(h_factors) == n):
        raise ValueError("inner-product vectors must share one length")
    _start(transcript, n)
    p = ORDER
    base_g, base_h = list(G), list(H)
    coef_g, coef_h = [1] * n, list(h_factors)
    a, b = list(a), list(b)
    Ls: list[Point] = []
    Rs: list[Point] = []
    cur = n
    while cur > final:
        half = cur // 2
        a_lo, a_hi, b_lo, b_hi = a[:half], a[half:], b[:half], b[half:]
        c_l = inner_product(a_lo, b_hi)
        c_r = inner_product(a_hi, b_lo)
        blocks = range(0, len(base_g), cur)
        # Base index j = block + i sits at current index i; hi halves are i >= half.
        l_points: list[Point] = []
        l_scalars: list[int] = []
        r_points: list[Point] = []
        r_scalars: list[int] = []
        for t in blocks:
            lo, hi = slice(t, t + half), slice(t + half, t + cur)
            l_points += base_g[hi]
            l_scalars += [x * c % p for x, c in zip(a_lo, coef_g[hi], strict=True)]
            l_points += base_h[lo]
            l_scalars += [x * c % p for x, c in zip(b_hi, coef_h[lo], strict=True)]
            r_points += base_g[lo]
            r_scalars += [x * c % p for x, c in zip(a_hi, coef_g[lo], strict=True)]
            r_points += base_h[hi]
            r_scalars += [x * c % p for x, c in zip(b_lo, coef_h[hi], strict=True)]
        L = backend.msm(l_points + [Q], l_scalars + [c_l])
        R = backend.msm(r_points + [Q], r_scalars + [c_r])
        Ls.append(L)
        Rs.append(R)
        transcript.append_point(b"L", backend, L)
        transcript.append_point(b"R", backend, R)
        u = transcript.challenge(b"u")
        u_inv = pow(u, -1, p)
        a = [(x * u + y * u_inv) % p for x, y in zip(a_lo, a_hi, strict=True)]
        b = [(x * u_inv + y * u) % p for x, y in zip(b_lo, b_hi, strict=True)]
        for t in blocks:
            for j in range(t, t + half):
                coef_g[j] = coef_g[j] * u_inv % p
                coef_h[j] = coef_h[j] * u % p
            for j in range(t + half, t + cur):
                coef_g[j] = coef_g[j] * u % p
                coef_h[j] = coef_h[j] * u_inv % p
        cur = half
        if cur > final and len(base_g) >= REBASE_RATIO * cur:
            base_g = _materialise(backend, base_g, coef_g, cur)
            base_h = _materialise(backend, base_h, coef_h, cur)
            coef_g, coef_h = [1] * cur, [1] * cur
    return InnerProductProof(Ls, Rs, a, b)


def _materialise(backend: Backend, base: list[Point], coef: list[int], cur: int) -> list[Point]:
    """The current generators as points: new_i = Σ_{j ≡ i mod cur} coef_j·base_j."""
    return [backend.msm(base[i::cur], coef[i::cur]) for i in range(cur)]


@dataclass(frozen=True)
class VerificationScalars:
    """The challenges of every round. The unrolled vector s (s_i = Π_k u_k^(±1) by the bits of i, s_i⁻¹ =
    s_(N−1−i)) is not materialised here: the range-proof verifier builds it already multiplied by its own factors."""

    u_sq: list[int]
    u_inv_sq: list[int]
    s_first: int  # s_0 = Π u_k⁻¹
    s_last: int  # s_(n−1) = Π u_k

    def s(self) -> list[int]:
        """The full vector s (reference implementation; tests compare the verifier's vectors with it)."""
        lg_n = len(self.u_sq)
        out = [self.s_first] * (1 << lg_n)
        for i in range(1, len(out)):
            lg_i = i.bit_length() - 1
            out[i] = out[i - (1 << lg_i)] * self.u_sq[lg_n - 1 - lg_i] % ORDER
        return out


def odd_part(n: int) -> int:
    """c in n = c·2^k with c odd: the length at which the rounds stop."""
    return n >> ((n & -n).bit_length() - 1) if n > 0 else 0


def verification_scalars(
    backend: Backend, transcript: Transcript, n: int, proof: InnerProductProof, encoded: list[bytes] | None = None
) -> VerificationScalars | None:
    """Replay the transcript; None when the proof has the wrong number of rounds or final vector lengths.
    ``encoded`` gives each round's L ‖ R as the proof carried them (else they are compressed here)."""
    final = odd_part(n)
    lg_n = (n // final).bit_length() - 1 if n > 0 else -1
    if n < 1 or len(proof.L) != lg_n or len(proof.R) != lg_n or not len(proof.a) == len(proof.b) == final:
        return None
    _start(transcript, n)
    p = ORDER
    us = []
    for r, (L, R) in enumerate(zip(proof.L, proof.R, strict=True)):
        pair = encoded[r] if encoded is not None else backend.compress(L) + backend.compress(R)
        transcript.append(b"L", pair[:48])
        transcript.append(b"R", pair[48:])
        us.append(transcript.challenge(b"u"))
    u_inv = batch_inverse(us) if us else []
    s_first = s_last = 1
    for u, v in zip(us, u_inv, strict=True):
        s_first = s_first * v % p
        s_last = s_last * u % p
    return VerificationScalars([u * u % p for u in us], [v * v % p for v in u_inv], s_first, s_last)
