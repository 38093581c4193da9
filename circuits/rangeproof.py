"""Aggregated Bulletproofs range proofs: m Pedersen commitments V_j = v_j·G + γ_j·H, each v_j in [0, 2^n).

Notation follows dalek's notes ("Range proof", "Aggregation"); N = n·M where M is m rounded up to a power of two
(the M − m padding values are 0 with blinding 0, i.e. identity commitments the verifier fills in itself).

Prover, with a_L the N bits of the values and a_R = a_L − 1 (so a_L ∘ a_R = 0 and a_L − a_R = 1):
  A = α·H + <a_L, G> + <a_R, H>              (a 0/±1 combination: point additions, no MSM)
  S = ρ·H + <s_L, G> + <s_R, H>              (random s_L, s_R: the one big prover MSM outside the IPA)
  y, z ← transcript
  l(X) = (a_L − z·1) + s_L·X
  r(X) = y^N ∘ (a_R + z·1 + s_R·X) + Σ_j z^(2+j)·(0^(jn) ‖ 2^n ‖ 0^((M−1−j)n))
  t(X) = <l(X), r(X)> = t0 + t1·X + t2·X²;  T1 = t1·G + τ1·H,  T2 = t2·G + τ2·H
  x ← transcript;  τx = τ2·x² + τ1·x + Σ_j z^(2+j)·γ_j,  μ = α + ρ·x,  t̂ = <l(x), r(x)>
  w ← transcript;  inner-product argument for l(x), r(x) over G and H'_i = y^(−i)·H_i with Q = w·G.
Every v_j < 2^n forces t0 = Σ_j z^(2+j)·v_j + δ(y, z), with
  δ(y, z) = (z − z²)·<1, y^N> − Σ_j z^(3+j)·(2^n − 1).

Verifier: both equations  t̂·G + τx·H = Σ_j z^(2+j)·V_j + δ·G + x·T1 + x²·T2  and the inner-product check are
combined with a random weight c into a single multi-scalar multiplication that must be the identity (dalek's
"mega-check"). Batches of proofs add their MSMs with independent random weights, so the 2N generator terms are
shared.

Transcript (``circuits.transcript``), in order: protocol b"POR-RANGEPROOF-V1", "bits" (u64), "m" (u64), "padded_m"
(u64), "context" (caller label), "V" per real commitment, then "A", "S", challenges "y", "z", "T1", "T2", "x",
scalars "t_hat", "tau_x", "mu", challenge "w", then the inner-product rounds ("dom-sep", "n", L, R, "u").

Wire format (``RangeProof.to_bytes``): A ‖ S ‖ T1 ‖ T2 (48-byte compressed points) ‖ t̂ ‖ τx ‖ μ (32-byte
big-endian canonical scalars) ‖ L_0 ‖ R_0 ‖ … ‖ L_{k−1} ‖ R_{k−1} ‖ a ‖ b, with k = log2(N): 352 + 96·k bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from circuits import generators, innerproduct, pedersen
from circuits.curve import POINT_BYTES
from circuits.group import Backend, Point, get_backend
from circuits.innerproduct import InnerProductProof
from circuits.scalars import ORDER, SCALAR_BYTES, batch_inverse, inner_product, powers
from circuits.scalars import from_bytes as scalar_from_bytes
from circuits.scalars import to_bytes as scalar_to_bytes
from circuits.transcript import ProverRng, Transcript

BIT_WIDTHS = (8, 16, 32, 64)
MAX_AGGREGATION = 1024
"""Largest m (values per proof); padded N = bits·M stays within generators.MAX_VECTOR."""
PROTOCOL = b"POR-RANGEPROOF-V1"
_FIXED_BYTES = 4 * POINT_BYTES + 3 * SCALAR_BYTES + 2 * SCALAR_BYTES
_ROUND_BYTES = 2 * POINT_BYTES


@dataclass(frozen=True)
class RangeProof:
    A: Point
    S: Point
    T1: Point
    T2: Point
    t_hat: int
    tau_x: int
    mu: int
    ipa: InnerProductProof
    backend: str

    def to_bytes(self) -> bytes:
        b = get_backend(self.backend)
        out = [b.compress(p) for p in (self.A, self.S, self.T1, self.T2)]
        out += [scalar_to_bytes(x) for x in (self.t_hat, self.tau_x, self.mu)]
        for L, R in zip(self.ipa.L, self.ipa.R, strict=True):
            out += [b.compress(L), b.compress(R)]
        out += [scalar_to_bytes(self.ipa.a), scalar_to_bytes(self.ipa.b)]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes, backend: Backend | str | None = None, *, subgroup_check: bool = True
                   ) -> RangeProof:
        """Parse untrusted bytes; raises ValueError on a wrong length, a non-canonical scalar, or a point that is
        not a canonical non-identity curve point in the prime-order subgroup. ``subgroup_check=False`` skips only
        the (costly) subgroup test: ``verify_range_batch`` stays sound for such points (docs/SPEC.md
        §12.5.1)."""
        b = get_backend(backend)
        data = bytes(data)
        rounds, rest = divmod(len(data) - _FIXED_BYTES, _ROUND_BYTES)
        if len(data) < _FIXED_BYTES or rest or rounds > 16:
            raise ValueError(f"a range proof is {_FIXED_BYTES} + 96·k bytes (k ≤ 16), got {len(data)}")
        pos = 0

        def point() -> Point:
            nonlocal pos
            pos += POINT_BYTES
            return b.decompress(data[pos - POINT_BYTES : pos], subgroup_check=subgroup_check)

        def scalar() -> int:
            nonlocal pos
            pos += SCALAR_BYTES
            return scalar_from_bytes(data[pos - SCALAR_BYTES : pos])

        A, S, T1, T2 = point(), point(), point(), point()
        t_hat, tau_x, mu = scalar(), scalar(), scalar()
        Ls, Rs = [], []
        for _ in range(rounds):
            Ls.append(point())
            Rs.append(point())
        a, b_final = scalar(), scalar()
        return cls(A, S, T1, T2, t_hat, tau_x, mu, InnerProductProof(Ls, Rs, a, b_final), b.name)


def padded_count(m: int) -> int:
    return 1 << (m - 1).bit_length()


def _check_shape(bits: int, m: int) -> None:
    if bits not in BIT_WIDTHS:
        raise ValueError(f"bit width must be one of {BIT_WIDTHS}, got {bits}")
    if not 1 <= m <= MAX_AGGREGATION:
        raise ValueError(f"a range proof covers 1 to {MAX_AGGREGATION} values, got {m}")


def _statement(backend: Backend, commitments: Sequence[Point], bits: int, context: bytes) -> Transcript:
    t = Transcript(PROTOCOL)
    t.append_u64(b"bits", bits)
    t.append_u64(b"m", len(commitments))
    t.append_u64(b"padded_m", padded_count(len(commitments)))
    t.append(b"context", bytes(context))
    for V in commitments:
        t.append_point(b"V", backend, V)
    return t


def prove_range(
    values: list[int],
    blindings: list[int],
    bits: int,
    context: bytes,
    *,
    seed: bytes | None = None,
    backend: Backend | str | None = None,
) -> tuple[RangeProof, list[Point]]:
    """Prove every values[j] in [0, 2^bits); returns the proof and the commitments v_j·G + γ_j·H it is about.

    ``context`` is bound into the transcript (e.g. round id and tree position) so a proof is not valid anywhere
    else. With ``seed`` all prover randomness is derived from it (reproducible vectors); without, ``secrets``.
    """
    be = get_backend(backend)
    m = len(values)
    _check_shape(bits, m)
    if len(blindings) != m:
        raise ValueError("prove_range needs one blinding per value")
    for v in values:
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < (1 << bits):
            raise ValueError(f"value out of range for a {bits}-bit proof")
    for r in blindings:
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < ORDER:
            raise ValueError("blinding must be an int in [0, group order)")
    return _prove(be, values, blindings, bits, context, seed)


def _prove(
    be: Backend, values: list[int], blindings: list[int], bits: int, context: bytes, seed: bytes | None
) -> tuple[RangeProof, list[Point]]:
    """The prover without input validation; tests use it directly to build proofs of false statements."""
    p = ORDER
    m = len(values)
    M = padded_count(m)
    N = bits * M
    commitments = [pedersen.commit(v % p, r % p, be) for v, r in zip(values, blindings, strict=True)]
    transcript = _statement(be, commitments, bits, context)
    rng = ProverRng(seed, transcript)
    vals = list(values) + [0] * (M - m)
    gammas = list(blindings) + [0] * (M - m)
    G, H = generators.G(be), generators.H(be)
    Gv, Hv = generators.G_vec(N, be), generators.H_vec(N, be)

    a_L = [(v % p >> k) & 1 for v in vals for k in range(bits)]
    alpha, rho = rng.scalar(), rng.scalar()
    s_L, s_R = rng.scalars(N), rng.scalars(N)
    # a_R = a_L − 1, so <a_L, G> + <a_R, H> = Σ_{bit=1} G_i − Σ_{bit=0} H_i.
    A = be.add(
        pedersen.commit(0, alpha, be),
        be.sub(be.sum([g for g, bit in zip(Gv, a_L, strict=True) if bit]),
               be.sum([h for h, bit in zip(Hv, a_L, strict=True) if not bit])),
    )
    S = be.msm(Gv + Hv + [H], s_L + s_R + [rho])
    transcript.append_point(b"A", be, A)
    transcript.append_point(b"S", be, S)
    y = transcript.challenge(b"y")
    z = transcript.challenge(b"z")

    y_pow = powers(y, N)
    z_pow = powers(z, M + 3)
    two_pow = [1 << k for k in range(bits)]
    z2_two = [z_pow[2 + j] * t % p for j in range(M) for t in two_pow]  # z^(2+j)·2^k at index j·n + k
    l0 = [(bit - z) % p for bit in a_L]
    l1 = s_L
    r0 = [(yi * (bit - 1 + z) + zt) % p for yi, bit, zt in zip(y_pow, a_L, z2_two, strict=True)]
    r1 = [yi * s % p for yi, s in zip(y_pow, s_R, strict=True)]
    t1 = (inner_product(l0, r1) + inner_product(l1, r0)) % p
    t2 = inner_product(l1, r1)
    tau1, tau2 = rng.scalar(), rng.scalar()
    T1 = pedersen.commit(t1, tau1, be)
    T2 = pedersen.commit(t2, tau2, be)
    transcript.append_point(b"T1", be, T1)
    transcript.append_point(b"T2", be, T2)
    x = transcript.challenge(b"x")

    tau_x = (tau2 * x * x + tau1 * x + sum(z_pow[2 + j] * g for j, g in enumerate(gammas))) % p
    mu = (alpha + rho * x) % p
    l_vec = [(a + b * x) % p for a, b in zip(l0, l1, strict=True)]
    r_vec = [(a + b * x) % p for a, b in zip(r0, r1, strict=True)]
    t_hat = inner_product(l_vec, r_vec)
    transcript.append_scalar(b"t_hat", t_hat)
    transcript.append_scalar(b"tau_x", tau_x)
    transcript.append_scalar(b"mu", mu)
    w = transcript.challenge(b"w")
    Q = be.mul(G, w)
    y_inv_pow = powers(pow(y, -1, p), N)
    ipa = innerproduct.prove(be, transcript, Q, Gv, Hv, y_inv_pow, l_vec, r_vec)
    proof = RangeProof(A, S, T1, T2, t_hat, tau_x, mu, ipa, be.name)
    return proof, commitments


def _delta(y: int, z: int, N: int, bits: int, M: int, y_minus_1_inv: int) -> int:
    """δ(y, z) = (z − z²)·Σ_{i<N} y^i − (2^n − 1)·Σ_{j<M} z^(3+j), with both sums as geometric series."""
    p = ORDER
    y_sum = (pow(y, N, p) - 1) * y_minus_1_inv % p if y != 1 else N % p
    z_sum = pow(z, 3, p) * (pow(z, M, p) - 1) * pow(z - 1, -1, p) % p if z != 1 else M % p
    return ((z - z * z) * y_sum - ((1 << bits) - 1) * z_sum) % p


def _doubling(first: int, factors: list[int]) -> list[int]:
    """v with v[0] = first and v[i] = v[i − 2^k]·factors[k] for the top set bit k of i: the shape of every
    challenge-product vector of the inner-product argument, built level by level with list comprehensions."""
    p = ORDER
    out = [first % p]
    for f in factors:
        out += [x * f % p for x in out]
    return out


@dataclass
class _Weighted:
    """One proof's verification equation, already multiplied by its random batch weight: scalars on G and H, on
    the first N vector generators (G_i gets g_const + g_vec[i], H_i gets h_const + h_vec[i]; entries unreduced),
    and on the proof's own points."""

    g: int
    h: int
    g_const: int  # added to every g_vec entry (kept apart so it is summed once per batch, not per generator)
    h_const: int  # added to every h_vec entry
    g_vec: list[int]
    h_vec: list[int]
    points: list[Point]
    scalars: list[int]


def _weighted_terms(be: Backend, proof: RangeProof, commitments: Sequence[Point], bits: int, context: bytes,
                    weight: int) -> _Weighted | None:
    """The mega-check of one proof times ``weight`` (see the module docstring); None if its shape is wrong.

    With s the IPA challenge-product vector (s_i⁻¹ = s_(N−1−i)) and k = j·n + b:
      G_k:  −w·z − (w·a)·s_k
      H_k:   w·z + (w·z^(2+j)·y^(−jn))·(2/y)^b − (w·b)·y^(−k)·s_(N−1−k)
    Both vectors come from ``_doubling``: s_k and y^(−k)·s_(N−1−k) are products over the bits of k.
    """
    p = ORDER
    m = len(commitments)
    if bits not in BIT_WIDTHS or not 1 <= m <= MAX_AGGREGATION or proof.backend != be.name:
        return None
    M = padded_count(m)
    N = bits * M
    transcript = _statement(be, commitments, bits, context)
    transcript.append_point(b"A", be, proof.A)
    transcript.append_point(b"S", be, proof.S)
    y = transcript.challenge(b"y")
    z = transcript.challenge(b"z")
    transcript.append_point(b"T1", be, proof.T1)
    transcript.append_point(b"T2", be, proof.T2)
    x = transcript.challenge(b"x")
    transcript.append_scalar(b"t_hat", proof.t_hat)
    transcript.append_scalar(b"tau_x", proof.tau_x)
    transcript.append_scalar(b"mu", proof.mu)
    w_ch = transcript.challenge(b"w")
    ipa = innerproduct.verification_scalars(be, transcript, N, proof.ipa)
    if ipa is None:
        return None
    lg_n = len(ipa.u_sq)
    c = secrets.randbelow(p - 1) + 1  # joins the two equations of this proof
    a, b = proof.ipa.a, proof.ipa.b
    y_inv, y_minus_1_inv = batch_inverse([y, y - 1]) if y != 1 else (1, 1)
    delta = _delta(y, z, N, bits, M, y_minus_1_inv)
    wz = weight * z % p
    # s_0 = Π u_k⁻¹ and s_(N−1) = Π u_k; level k of the doubling multiplies by the challenge of round lg_n−1−k.
    g_vec = _doubling(-weight * a * ipa.s_first, ipa.u_sq[::-1])
    y_inv_2k = _squarings(y_inv, lg_n)
    h_factors = [ui * yk % p for ui, yk in zip(ipa.u_inv_sq[::-1], y_inv_2k, strict=True)]
    h_vec = _doubling(-weight * b * ipa.s_last, h_factors)
    y_inv_n = pow(y_inv, bits, p)
    block = _doubling_chain(weight * z * z % p, z * y_inv_n % p, M)  # w·z^(2+j)·y^(−jn)
    bit_pow = powers(2 * y_inv % p, bits)  # (2/y)^b
    h_vec = [hv + blk * q
             for blk, row in zip(block, _rows(h_vec, bits), strict=True)
             for hv, q in zip(row, bit_pow, strict=True)]
    points = [proof.A, proof.S, proof.T1, proof.T2, *proof.ipa.L, *proof.ipa.R, *commitments]
    scalars = [weight, weight * x, weight * c * x, weight * c * x * x, *(weight * u for u in ipa.u_sq),
               *(weight * u for u in ipa.u_inv_sq)]
    wc_z2 = weight * c * z * z % p
    scalars += _doubling_chain(wc_z2, z, m)
    g = weight * (w_ch * (proof.t_hat - a * b) + c * (delta - proof.t_hat))
    h = weight * (-proof.mu - c * proof.tau_x)
    return _Weighted(g, h, -wz, wz, g_vec, h_vec, points, scalars)


def _squarings(x: int, count: int) -> list[int]:
    """[x, x^2, x^4, …, x^(2^(count−1))] mod r."""
    out = []
    for _ in range(count):
        out.append(x)
        x = x * x % ORDER
    return out


def _doubling_chain(first: int, ratio: int, count: int) -> list[int]:
    """[first, first·ratio, first·ratio², …] (count terms) mod r."""
    out = [first % ORDER]
    for _ in range(count - 1):
        out.append(out[-1] * ratio % ORDER)
    return out


def _rows(vector: list[int], width: int) -> list[list[int]]:
    return [vector[i:i + width] for i in range(0, len(vector), width)]


def verify_range(
    proof: RangeProof, commitments: list[Point], bits: int, context: bytes, backend: Backend | str | None = None
) -> bool:
    """True iff ``proof`` shows every commitment opens to a value in [0, 2^bits) under ``context``."""
    return verify_range_batch([(proof, commitments, bits, context)], backend)


def verify_range_batch(
    items: list[tuple[RangeProof, list[Point], int, bytes]], backend: Backend | str | None = None
) -> bool:
    """True iff every (proof, commitments, bits, context) verifies; one MSM for the whole batch, each proof's
    equation weighted by an independent random scalar so no proof can cancel another's error.

    Commitments must be subgroup elements (the caller decompressed them with full checks). Proof points may come
    from ``RangeProof.from_bytes(..., subgroup_check=False)``: if the MSM is the identity, so is its projection onto
    the prime-order subgroup, i.e. the equation holds for the points' subgroup components, which is the standard
    check on a proof whose transcript only hashed extra bytes (docs/SPEC.md §12.5.1).
    """
    if not items:
        return True
    be = get_backend(backend if backend is not None else items[0][0].backend)
    p = ORDER
    g = h = 0
    by_length: dict[int, list[_Weighted]] = {}
    points: list[Point] = []
    scalars: list[int] = []
    for proof, commitments, bits, context in items:
        weighted = _weighted_terms(be, proof, commitments, bits, context, secrets.randbelow(p - 1) + 1)
        if weighted is None:
            return False
        g += weighted.g
        h += weighted.h
        by_length.setdefault(len(weighted.g_vec), []).append(weighted)
        points += weighted.points
        scalars += weighted.scalars
    n_max = max(by_length)
    g_vec = [0] * n_max
    h_vec = [0] * n_max
    for n, group in sorted(by_length.items()):
        g_const = sum(t.g_const for t in group)
        h_const = sum(t.h_const for t in group)
        g_cols = [sum(col) + g_const for col in zip(*(t.g_vec for t in group), strict=True)]
        h_cols = [sum(col) + h_const for col in zip(*(t.h_vec for t in group), strict=True)]
        g_vec[:n] = [a + b for a, b in zip(g_vec[:n], g_cols, strict=True)]
        h_vec[:n] = [a + b for a, b in zip(h_vec[:n], h_cols, strict=True)]
    G, H = generators.G(be), generators.H(be)
    Gv, Hv = generators.G_vec(n_max, be), generators.H_vec(n_max, be)
    total = be.msm([G, H, *Gv, *Hv, *points], [g, h, *g_vec, *h_vec, *scalars])
    return be.is_identity(total)
