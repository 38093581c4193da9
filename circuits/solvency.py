"""Solvency statement: reserves R cover the liabilities v committed in C = v·G + r·H, without revealing v.

One aggregated range proof over two commitments, both computable by the verifier:
  C              (value v,      width n: the liabilities are a genuine non-negative amount below 2^n)
  R·G − C        (value R − v,  width 64: the surplus, so R ≥ v)
Proving only the surplus would not do: a C committing to a "negative" v (r − 5, say) would make R − v = R + 5
look like a healthy surplus. With v ∈ [0, 2^n) and R − v ∈ [0, 2^64) both proved, and 2^n + 2^64 < r, there is
no wrap-around: R ≥ v ≥ 0 over the integers. The context is prefixed with b"POR-SOLVENCY-V2", R (32 bytes,
big-endian) and n, so a solvency proof can never pass as a plain range proof, for another reserve figure or for
another width.
"""

from __future__ import annotations

from circuits import generators
from circuits.group import Backend, Point, check_scalar, get_backend
from circuits.rangeproof import MAX_WIDTH, RangeProof, Shape, prove_range, shape, verify_range
from circuits.scalars import ORDER
from circuits.transcript import frame

SURPLUS_BITS = 64


def solvency_shape(width: int) -> Shape:
    return shape([width, SURPLUS_BITS])


def solvency_context(reserves: int, width: int, context: bytes) -> bytes:
    return frame(b"POR-SOLVENCY-V2", reserves.to_bytes(32, "big") + bytes([width])) + bytes(context)


def surplus_commitment(reserves: int, commitment: Point, backend: Backend | str | None = None) -> Point:
    """R·G − C: a commitment to R − v with blinding −r."""
    be = get_backend(backend)
    check_scalar(reserves, "reserves")
    return be.sub(be.mul(generators.G(be), reserves), commitment)


def prove_solvency(
    reserves: int,
    liabilities: int,
    blinding: int,
    width: int,
    context: bytes,
    *,
    seed: bytes | None = None,
    backend: Backend | str | None = None,
) -> RangeProof:
    """Prove 0 ≤ liabilities < 2^width and reserves ≥ liabilities for pedersen.commit(liabilities, blinding).

    Raises ValueError when the statement is false (reserves < liabilities, liabilities outside the width) or the
    surplus needs more than 64 bits.
    """
    check_scalar(reserves, "reserves")
    check_scalar(liabilities, "liabilities")
    check_scalar(blinding, "blinding")
    if not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"the liabilities width must be 1 to {MAX_WIDTH} bits")
    if liabilities >= 1 << width:
        raise ValueError(f"the liabilities do not fit in {width} bits")
    surplus = reserves - liabilities
    if surplus < 0:
        raise ValueError("reserves are smaller than liabilities: solvency cannot be proved")
    if surplus >= 1 << SURPLUS_BITS:
        raise ValueError(f"the surplus of reserves over liabilities must be below 2^{SURPLUS_BITS}")
    proof, _ = prove_range([liabilities, surplus], [blinding, (-blinding) % ORDER], [width, SURPLUS_BITS],
                           solvency_context(reserves, width, context), seed=seed, backend=backend)
    return proof


def verify_solvency(reserves: int, commitment: Point, width: int, proof: RangeProof, context: bytes,
                    backend: Backend | str | None = None) -> bool:
    """True iff ``proof`` shows the value committed in ``commitment`` is in [0, 2^width) and at most ``reserves``."""
    be = get_backend(backend if backend is not None else proof.backend)
    if not isinstance(reserves, int) or isinstance(reserves, bool) or not 0 <= reserves < ORDER:
        return False
    if not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        return False
    surplus = surplus_commitment(reserves, commitment, be)
    return verify_range(proof, [commitment, surplus], solvency_shape(width), solvency_context(reserves, width, context),
                        be)


__all__ = ["prove_solvency", "verify_solvency", "surplus_commitment", "solvency_context", "solvency_shape"]
