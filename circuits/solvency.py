"""Solvency statement: reserves R cover the liabilities v committed in C = v·G + r·H, without revealing v.

R is public, so R·G − C = (R − v)·G + (−r)·H is a commitment the verifier computes itself; a 64-bit range proof
on it shows R − v ∈ [0, 2^64), i.e. R ≥ v. (Sound as long as v + 2^64 < r, which the tree's own range proofs on
every leaf and node guarantee.) The context is prefixed with b"POR-SOLVENCY-V1" and R (32 bytes, big-endian) so a
solvency proof can never pass as a plain range proof or for another reserve figure.
"""

from __future__ import annotations

from circuits import generators
from circuits.group import Backend, Point, check_scalar, get_backend
from circuits.rangeproof import RangeProof, prove_range, verify_range
from circuits.scalars import ORDER
from circuits.transcript import frame

SOLVENCY_BITS = 64


def solvency_context(reserves: int, context: bytes) -> bytes:
    return frame(b"POR-SOLVENCY-V1", reserves.to_bytes(32, "big")) + bytes(context)


def surplus_commitment(reserves: int, commitment: Point, backend: Backend | str | None = None) -> Point:
    """R·G − C: a commitment to R − v with blinding −r."""
    be = get_backend(backend)
    check_scalar(reserves, "reserves")
    return be.sub(be.mul(generators.G(be), reserves), commitment)


def prove_solvency(
    reserves: int,
    liabilities: int,
    blinding: int,
    context: bytes,
    *,
    seed: bytes | None = None,
    backend: Backend | str | None = None,
) -> RangeProof:
    """Prove reserves ≥ liabilities for the commitment pedersen.commit(liabilities, blinding).

    Raises ValueError when the statement is false (reserves < liabilities) or the surplus needs more than 64 bits.
    """
    be = get_backend(backend)
    check_scalar(reserves, "reserves")
    check_scalar(liabilities, "liabilities")
    check_scalar(blinding, "blinding")
    surplus = reserves - liabilities
    if surplus < 0:
        raise ValueError("reserves are smaller than liabilities: solvency cannot be proved")
    if surplus >= 1 << SOLVENCY_BITS:
        raise ValueError(f"the surplus of reserves over liabilities must be below 2^{SOLVENCY_BITS}")
    proof, _ = prove_range(
        [surplus], [(-blinding) % ORDER], SOLVENCY_BITS, solvency_context(reserves, context), seed=seed, backend=be
    )
    return proof


def verify_solvency(
    reserves: int, commitment: Point, proof: RangeProof, context: bytes, backend: Backend | str | None = None
) -> bool:
    """True iff ``proof`` shows the value committed in ``commitment`` is at most ``reserves``."""
    be = get_backend(backend if backend is not None else proof.backend)
    if not isinstance(reserves, int) or isinstance(reserves, bool) or not 0 <= reserves < ORDER:
        return False
    surplus = surplus_commitment(reserves, commitment, be)
    return verify_range(proof, [surplus], SOLVENCY_BITS, solvency_context(reserves, context), be)


__all__ = ["prove_solvency", "verify_solvency", "surplus_commitment", "solvency_context"]
