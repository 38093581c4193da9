"""Aggregated Bulletproofs range proofs: m Pedersen commitments V_j = v_j·G + γ_j·H, each v_j in [0, 2^(n_j)).

Notation follows dalek's notes ("Range proof", "Aggregation"), generalised to one bit width n_j per value and to
vector lengths that are not powers of two (docs/SPEC.md §12.5):

  B = Σ n_j bits are proved; the vectors have length N = c·2^k ≥ B, the smallest such with c ∈ {1, 3, 5, 7}.
  The N − B extra bits belong to ONE dummy value of width N − B whose commitment is the identity (value 0,
  blinding 0): the verifier fills it in, it is never transmitted. So the padding is an ordinary value of an
  ordinary aggregated statement, fixed before the first challenge — never a slot added inside the rounds.
  The inner-product argument halves k times (every halving sees an even length) and then reveals the two
  length-c vectors (circuits.innerproduct).

Prover, with a_L the N bits of the values (value j at bit offset o_j) and a_R = a_L − 1:
  A = α·H + <a_L, G> + <a_R, H>              (a 0/±1 combination: point additions, no MSM)
  S = ρ·H + <s_L, G> + <s_R, H>              (random s_L, s_R)
  y, z ← transcript
  l(X) = (a_L − z·1) + s_L·X
  r(X) = y^N ∘ (a_R + z·1 + s_R·X) + Σ_j z^(2+j)·(0^(o_j) ‖ 2^(n_j) ‖ 0^(N−o_j−n_j))
  t(X) = <l(X), r(X)> = t0 + t1·X + t2·X²;  T1 = t1·G + τ1·H,  T2 = t2·G + τ2·H
  x ← transcript;  τx = τ2·x² + τ1·x + Σ_j z^(2+j)·γ_j,  μ = α + ρ·x,  t̂ = <l(x), r(x)>
  w ← transcript;  inner-product argument for l(x), r(x) over G and H'_i = y^(−i)·H_i with Q = w·G.
Every v_j < 2^(n_j) forces t0 = Σ_j z^(2+j)·v_j + δ(y, z), with
  δ(y, z) = (z − z²)·<1, y^N> − Σ_j z^(3+j)·(2^(n_j) − 1).

Verifier: both equations  t̂·G + τx·H = Σ_j z^(2+j)·V_j + δ·G + x·T1 + x²·T2  and the inner-product check are
combined with a random weight c into a single multi-scalar multiplication that must be the identity (dalek's
"mega-check"). Batches of proofs add their MSMs with independent random weights, so the 2N generator terms are
shared.

Two transcript protocols: "POR-RANGEPROOF-V2" (this shape; absorbs the widths, m, c and k) and the legacy
"POR-RANGEPROOF-V1" (one width n ∈ {8, 16, 32, 64} for all values, m padded to a power of two M with M − m
dummy values of width n, c = 1), still verified for proofs made before the V2 shape existed.

Wire format (``RangeProof.to_bytes``): A ‖ S ‖ T1 ‖ T2 (48-byte compressed points) ‖ t̂ ‖ τx ‖ μ (32-byte
big-endian canonical scalars) ‖ L_0 ‖ R_0 ‖ … ‖ L_{k−1} ‖ R_{k−1} ‖ a_0..a_{c−1} ‖ b_0..b_{c−1}:
288 + 96·k + 64·c bytes, fixed by the statement's shape.
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

PROTOCOL_V1 = b"POR-RANGEPROOF-V1"
PROTOCOL_V2 = b"POR-RANGEPROOF-V2"
V1_BIT_WIDTHS = (8, 16, 32, 64)
MAX_WIDTH = 64
MAX_VALUES = 1024
"""Largest number of committed values in one proof."""
FINAL_LENGTHS = (1, 3, 5, 7)
"""The odd c of N = c·2^k: the inner-product argument reveals two vectors of this length at the end."""
_FIXED_BYTES = 4 * POINT_BYTES + 3 * SCALAR_BYTES
_ROUND_BYTES = 2 * POINT_BYTES


@dataclass(frozen=True)
class Shape:
    """Everything the statement fixes before the first challenge: protocol, every value's width (dummy values
    last), how many values the caller commits to (``m``; the rest are dummies with identity commitments), and
    N = c·2^k."""

    protocol: bytes
    widths: tuple[int, ...]
    m: int
    c: int
    k: int

    @property
    def n(self) -> int:
        return self.c << self.k

    @property
    def proof_bytes(self) -> int:
        return _FIXED_BYTES + self.k * _ROUND_BYTES + 2 * self.c * SCALAR_BYTES


def shape(widths: Sequence[int] | int, m: int | None = None) -> Shape:
    """The V2 shape of values of these bit widths (an int: ``m`` values of that width)."""
    if isinstance(widths, int):
        if m is None:
            raise ValueError("give m with a single width")
        widths = [widths] * m
    widths = tuple(widths)
    if not 1 <= len(widths) <= MAX_VALUES:
        raise ValueError(f"a range proof covers 1 to {MAX_VALUES} values, got {len(widths)}")
    if any(not isinstance(w, int) or isinstance(w, bool) or not 1 <= w <= MAX_WIDTH for w in widths):
        raise ValueError(f"every bit width must be an int in [1, {MAX_WIDTH}]")
    bits = sum(widths)
    c, k = min(((c, _rounds(bits, c)) for c in FINAL_LENGTHS), key=lambda ck: (ck[0] << ck[1], ck[0]))
    dummy = (c << k) - bits
    return Shape(PROTOCOL_V2, widths + ((dummy,) if dummy else ()), len(widths), c, k)


def shape_v1(bits: int, m: int) -> Shape:
    """The legacy V1 shape: one width for all, m padded to a power of two with dummy values of that width."""
    if bits not in V1_BIT_WIDTHS:
        raise ValueError(f"bit width must be one of {V1_BIT_WIDTHS}, got {bits}")
    if not 1 <= m <= MAX_VALUES:
        raise ValueError(f"a range proof covers 1 to {MAX_VALUES} values, got {m}")
    padded = 1 << (m - 1).bit_length()
    return Shape(PROTOCOL_V1, (bits,) * padded, m, 1, (bits * padded).bit_length() - 1)


def _rounds(bits: int, c: int) -> int:
    k = 0
    while (c << k) < bits:
        k += 1
    return k


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
    encoded: bytes | None = None  # the wire bytes it was parsed from: the verifier absorbs them as they are

    def to_bytes(self) -> bytes:
        b = get_backend(self.backend)
        out = [b.compress(p) for p in (self.A, self.S, self.T1, self.T2)]
        out += [scalar_to_bytes(x) for x in (self.t_hat, self.tau_x, self.mu)]
        for L, R in zip(self.ipa.L, self.ipa.R, strict=True):
            out += [b.compress(L), b.compress(R)]
        out += [scalar_to_bytes(x) for x in (*self.ipa.a, *self.ipa.b)]
        return b"".join(out)

    @classmethod
    def from_bytes(cls, data: bytes, shape: Shape, backend: Backend | str | None = None, *,
                   subgroup_check: bool = True) -> RangeProof:
        """Parse untrusted bytes for a statement of ``shape``; raises ValueError on a length other than the shape's,
        a non-canonical scalar, or a point that is not a canonical non-identity curve point in the prime-order
        subgroup. ``subgroup_check=False`` skips only the (costly) subgroup test: ``verify_range_batch`` stays
        sound for such points (docs/SPEC.md §12.5.1)."""
        b = get_backend(backend)
        data = bytes(data)
        if len(data) != shape.proof_bytes:
            raise ValueError(f"a range proof of this statement is {shape.proof_bytes} bytes, got {len(data)}")
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
        for _ in range(shape.k):
            Ls.append(point())
            Rs.append(point())
        a = [scalar() for _ in range(shape.c)]
        b_final = [scalar() for _ in range(shape.c)]
        return cls(A, S, T1, T2, t_hat, tau_x, mu, InnerProductProof(Ls, Rs, a, b_final), b.name, data)


def _statement(backend: Backend, shape: Shape, commitments: Sequence[Point], context: bytes,
               encodings: Sequence[bytes] | None = None) -> Transcript:
    t = Transcript(shape.protocol)
    if shape.protocol == PROTOCOL_V1:
        t.append_u64(b"bits", shape.widths[0])
        t.append_u64(b"m", len(commitments))
        t.append_u64(b"padded_m", len(shape.widths))
    else:
        t.append(b"widths", bytes(shape.widths[: shape.m]))
        t.append_u64(b"m", shape.m)
        t.append_u64(b"c", shape.c)
        t.append_u64(b"k", shape.k)
    t.append(b"context", bytes(context))
    for encoded in encodings if encodings is not None else (backend.compress(V) for V in commitments):
        t.append(b"V", encoded)
    return t


def prove_range(
    values: list[int],
    blindings: list[int],
    widths: Sequence[int] | int,
    context: bytes,
    *,
    seed: bytes | None = None,
    backend: Backend | str | None = None,
) -> tuple[RangeProof, list[Point]]:
    """Prove every values[j] in [0, 2^widths[j]) (a single int: the same width for all); returns the proof and
    the commitments v_j·G + γ_j·H it is about.

    ``context`` is bound into the transcript (e.g. round id and tree position) so a proof is not valid anywhere
    else. With ``seed`` all prover randomness is derived from it (reproducible vectors); without, ``secrets``.
    """
    statement = shape(widths, len(values))
    return _prove_checked(statement, values, blindings, context, seed, backend)


def prove_range_v1(values: list[int], blindings: list[int], bits: int, context: bytes, *,
                   seed: bytes | None = None, backend: Backend | str | None = None) -> tuple[RangeProof, list[Point]]:
    """A legacy V1 proof (tests and the legacy test vectors only: new proofs use ``prove_range``)."""
    return _prove_checked(shape_v1(bits, len(values)), values, blindings, context, seed, backend)


def _prove_checked(statement: Shape, values: list[int], blindings: list[int], context: bytes, seed: bytes | None,
                   backend: Backend | str | None) -> tuple[RangeProof, list[Point]]:
    if len(values) != statement.m or len(blindings) != statement.m:
        raise ValueError("prove_range needs one blinding per value")
    for v, width in zip(values, statement.widths, strict=False):
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < (1 << width):
            raise ValueError(f"value out of range for a {width}-bit proof")
    for r in blindings:
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < ORDER:
            raise ValueError("blinding must be an int in [0, group order)")
    return _prove(get_backend(backend), statement, values, blindings, context, seed)


def _prove(be: Backend, statement: Shape, values: list[int], blindings: list[int], context: bytes,
           seed: bytes | None) -> tuple[RangeProof, list[Point]]:
    """The prover without input validation; tests use it directly to build proofs of false statements."""
    p = ORDER
    N = statement.n
    dummies = len(statement.widths) - statement.m
    commitments = [pedersen.commit(v % p, r % p, be) for v, r in zip(values, blindings, strict=True)]
    transcript = _statement(be, statement, commitments, context)
    rng = ProverRng(seed, transcript)
    vals = [v % p for v in values] + [0] * dummies
    gammas = list(blindings) + [0] * dummies
    G, H = generators.G(be), generators.H(be)
    Gv, Hv = generators.G_vec(N, be), generators.H_vec(N, be)

    a_L = [(v >> b) & 1 for v, width in zip(vals, statement.widths, strict=True) for b in range(width)]
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
    z_pow = powers(z, len(statement.widths) + 3)
    z2_two = [z_pow[2 + j] << b for j, width in enumerate(statement.widths) for b in range(width)]
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
    return RangeProof(A, S, T1, T2, t_hat, tau_x, mu, ipa, be.name), commitments


def _delta(y: int, z: int, statement: Shape, y_minus_1_inv: int) -> int:
    """δ(y, z) = (z − z²)·Σ_{i<N} y^i − Σ_j z^(3+j)·(2^(n_j) − 1), the first sum as a geometric series."""
    p = ORDER
    N = statement.n
    y_sum = (pow(y, N, p) - 1) * y_minus_1_inv % p if y != 1 else N % p
    z_sum = 0
    zj = pow(z, 3, p)
    for width in statement.widths:
        z_sum += zj * ((1 << width) - 1)
        zj = zj * z % p
    return ((z - z * z) * y_sum - z_sum) % p


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


def _weighted_terms(be: Backend, proof: RangeProof, commitments: Sequence[Point], statement: Shape,
                    context: bytes, weight: int, encodings: Sequence[bytes] | None = None) -> _Weighted | None:
    """The mega-check of one proof times ``weight`` (see the module docstring); None if its shape is wrong.

    With s_q the IPA challenge products (q < 2^k, s_q⁻¹ = s_(2^k−1−q)), the final vectors a, b of length c, and
    index i = q·c + t = o_j + b (bit b of value j):
      G_i:  −w·z − (w·a_t)·s_q
      H_i:   w·z + w·z^(2+j)·2^b·y^(−i) − (w·b_t)·y^(−t)·(s_q⁻¹·y^(−c·q))
    Both q-vectors come from ``_doubling``: they are products over the bits of q.
    """
    p = ORDER
    if len(commitments) != statement.m or proof.backend != be.name:
        return None
    N, c, k = statement.n, statement.c, statement.k
    wire = proof.encoded or proof.to_bytes()  # the parsed bytes when there are any: nothing is compressed twice
    point = [wire[i * POINT_BYTES:(i + 1) * POINT_BYTES] for i in range(4)]
    transcript = _statement(be, statement, commitments, context, encodings)
    transcript.append(b"A", point[0])
    transcript.append(b"S", point[1])
    y = transcript.challenge(b"y")
    z = transcript.challenge(b"z")
    transcript.append(b"T1", point[2])
    transcript.append(b"T2", point[3])
    x = transcript.challenge(b"x")
    transcript.append_scalar(b"t_hat", proof.t_hat)
    transcript.append_scalar(b"tau_x", proof.tau_x)
    transcript.append_scalar(b"mu", proof.mu)
    w_ch = transcript.challenge(b"w")
    rounds = [wire[_FIXED_BYTES + r * _ROUND_BYTES:_FIXED_BYTES + (r + 1) * _ROUND_BYTES] for r in range(len(proof.ipa.L))]
    ipa = innerproduct.verification_scalars(be, transcript, N, proof.ipa, rounds)
    if ipa is None or len(ipa.u_sq) != k:
        return None
    mix = secrets.randbelow(p - 1) + 1  # joins the two equations of this proof
    a, b = proof.ipa.a, proof.ipa.b
    y_inv, y_minus_1_inv = batch_inverse([y, y - 1]) if y != 1 else (1, 1)
    delta = _delta(y, z, statement, y_minus_1_inv)
    wz = weight * z % p
    s = _doubling(ipa.s_first, ipa.u_sq[::-1])
    g_vec = [-weight * at % p * sq for sq in s for at in a]
    y_inv_c = pow(y_inv, c, p)
    h_factors = [ui * yk % p for ui, yk in zip(ipa.u_inv_sq[::-1], _squarings(y_inv_c, k), strict=True)]
    s_inv_y = _doubling(ipa.s_last, h_factors)
    b_y = [-weight * bt * yt % p for bt, yt in zip(b, powers(y_inv, c), strict=True)]
    h_vec = [bt * u for u in s_inv_y for bt in b_y]
    # the value terms w·z^(2+j)·y^(−o_j)·(2/y)^b at index o_j + b, value by value
    bit_terms = powers(2 * y_inv % p, max(statement.widths))
    zj = weight * z * z % p
    offset = 0
    y_inv_offset = 1
    for width in statement.widths:
        term = zj * y_inv_offset % p
        h_vec[offset:offset + width] = [h + term * q for h, q in zip(h_vec[offset:offset + width], bit_terms,
                                                                      strict=False)]
        offset += width
        y_inv_offset = y_inv_offset * pow(y_inv, width, p) % p
        zj = zj * z % p
    points = [proof.A, proof.S, proof.T1, proof.T2, *proof.ipa.L, *proof.ipa.R, *commitments]
    scalars = [weight, weight * x, weight * mix * x, weight * mix * x * x, *(weight * u for u in ipa.u_sq),
               *(weight * u for u in ipa.u_inv_sq)]
    scalars += _doubling_chain(weight * mix * z * z % p, z, statement.m)
    g = weight * (w_ch * (proof.t_hat - inner_product(a, b)) + mix * (delta - proof.t_hat))
    h = weight * (-proof.mu - mix * proof.tau_x)
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


Statement = Shape | Sequence[int] | int
"""A Shape, or the bit widths of the values (one int: every value has that width) for a V2 proof."""


def as_shape(statement: Statement, m: int) -> Shape | None:
    """The Shape a statement stands for (``m`` committed values); None when the widths are not a valid V2 shape."""
    if isinstance(statement, Shape):
        return statement
    try:
        return shape(statement, m)
    except ValueError:
        return None


def verify_range(proof: RangeProof, commitments: list[Point], statement: Statement, context: bytes,
                 backend: Backend | str | None = None) -> bool:
    """True iff ``proof`` shows every commitment opens to a value within its width under ``context``."""
    return verify_range_batch([(proof, commitments, statement, context)], backend)


def verify_range_batch(
    items: list[tuple[RangeProof, list[Point], Statement, bytes]]
    | list[tuple[RangeProof, list[Point], Statement, bytes, list[bytes]]],
    backend: Backend | str | None = None,
) -> bool:
    """True iff every (proof, commitments, statement, context[, commitment encodings]) verifies; one MSM for the
    whole batch, each proof's equation weighted by an independent random scalar so no proof can cancel another's
    error. The optional fifth element gives the commitments' compressed bytes, which saves compressing them again.

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
    for proof, commitments, statement, context, *encodings in items:
        fixed = as_shape(statement, len(commitments))
        weighted = None if fixed is None else _weighted_terms(be, proof, commitments, fixed, context,
                                                              secrets.randbelow(p - 1) + 1,
                                                              encodings[0] if encodings else None)
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
