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
from circuits.group import POINT_BYTES, Backend, Point, get_backend
from circuits.innerproduct import InnerProductProof
from circuits.scalars import ORDER, SCALAR_BYTES, inner_product, powers
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
    def from_bytes(cls, data: bytes, backend: Backend | str | None = None) -> RangeProof:
        """Parse untrusted bytes; raises ValueError on a wrong length, a non-canonical scalar, or a point that is
        not a canonical non-identity subgroup element."""
        b = get_backend(backend)
        data = bytes(data)
        rounds, rest = divmod(len(data) - _FIXED_BYTES, _ROUND_BYTES)
        if len(data) < _FIXED_BYTES or rest or rounds > 16:
            raise ValueError(f"a range proof is {_FIXED_BYTES} + 96·k bytes (k ≤ 16), got {len(data)}")
        pos = 0

        def point() -> Point:
            nonlocal pos
            pos += POINT_BYTES
            return b.decompress(data[pos - POINT_BYTES : pos])

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


def _delta(y_pow_sum: int, z_pow: list[int], bits: int, M: int) -> int:
    p = ORDER
    z, zz = z_pow[1], z_pow[2]
    return ((z - zz) * y_pow_sum - ((1 << bits) - 1) * sum(z_pow[3 + j] for j in range(M))) % p


@dataclass
class _Terms:
    """One proof's verification equation as scalars: shared generators plus the proof's own points."""

    g: int
    h: int
    g_vec: list[int]
    h_vec: list[int]
    points: list[Point]
    scalars: list[int]


def _terms(be: Backend, proof: RangeProof, commitments: Sequence[Point], bits: int, context: bytes) -> _Terms | None:
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
    w = transcript.challenge(b"w")
    ipa = innerproduct.verification_scalars(be, transcript, N, proof.ipa)
    if ipa is None:
        return None
    c = secrets.randbelow(p - 1) + 1
    a, b = proof.ipa.a, proof.ipa.b
    y_inv = pow(y, -1, p)
    y_inv_pow = powers(y_inv, N)
    y_pow_sum = sum(powers(y, N)) % p
    z_pow = powers(z, M + 3)
    delta = _delta(y_pow_sum, z_pow, bits, M)
    s = ipa.s
    g_vec = [(-z - a * si) % p for si in s]
    two_pow = [1 << k for k in range(bits)]
    z2_two = [z_pow[2 + j] * t for j in range(M) for t in two_pow]
    h_vec = [(z + yi * (zt - b * s[N - 1 - i])) % p for i, (yi, zt) in enumerate(zip(y_inv_pow, z2_two, strict=True))]
    points = [proof.A, proof.S, proof.T1, proof.T2, *proof.ipa.L, *proof.ipa.R, *commitments]
    scalars = [1, x, c * x % p, c * x * x % p, *ipa.u_sq, *ipa.u_inv_sq]
    scalars += [c * z_pow[2 + j] % p for j in range(m)]
    g = (w * (proof.t_hat - a * b) + c * (delta - proof.t_hat)) % p
    h = (-proof.mu - c * proof.tau_x) % p
    return _Terms(g, h, g_vec, h_vec, points, scalars)


def verify_range(
    proof: RangeProof, commitments: list[Point], bits: int, context: bytes, backend: Backend | str | None = None
) -> bool:
    """True iff ``proof`` shows every commitment opens to a value in [0, 2^bits) under ``context``."""
    return verify_range_batch([(proof, commitments, bits, context)], backend)


def verify_range_batch(
    items: list[tuple[RangeProof, list[Point], int, bytes]], backend: Backend | str | None = None
) -> bool:
    """True iff every (proof, commitments, bits, context) verifies; one MSM for the whole batch, each proof's
    equation weighted by an independent random scalar so no proof can cancel another's error."""
    if not items:
        return True
    be = get_backend(backend if backend is not None else items[0][0].backend)
    p = ORDER
    g = h = 0
    n_max = 0
    g_vec: list[int] = []
    h_vec: list[int] = []
    points: list[Point] = []
    scalars: list[int] = []
    for proof, commitments, bits, context in items:
        terms = _terms(be, proof, commitments, bits, context)
        if terms is None:
            return False
        weight = secrets.randbelow(p - 1) + 1
        g = (g + weight * terms.g) % p
        h = (h + weight * terms.h) % p
        n = len(terms.g_vec)
        if n > n_max:
            g_vec += [0] * (n - n_max)
            h_vec += [0] * (n - n_max)
            n_max = n
        for i in range(n):
            g_vec[i] += weight * terms.g_vec[i]
            h_vec[i] += weight * terms.h_vec[i]
        points += terms.points
        scalars += [weight * k % p for k in terms.scalars]
    G, H = generators.G(be), generators.H(be)
    Gv, Hv = generators.G_vec(n_max, be), generators.H_vec(n_max, be)
    total = be.msm([G, H, *Gv, *Hv, *points], [g, h, *(k % p for k in g_vec), *(k % p for k in h_vec), *scalars])
    return be.is_identity(total)
