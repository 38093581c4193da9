"""Cryptographic circuits for private mode: BLS12-381 G1, Pedersen commitments, Bulletproofs range proofs.

Knows nothing about trees or the CLI. Scalars are Python ints; points are opaque objects of one backend.

``circuits.group``
    ``get_backend(name: str | Backend | None = None) -> Backend`` — "blst" (blst via the ckzg wheel's library,
    default when it loads), "fast" (py_arkworks_bls12381) or "pure" (py_ecc); env ``POR_BACKEND`` overrides the
    default; ``available_backends()`` and ``unavailable_reason(name)`` say what loads here; ``normalize(backend,
    points)`` readies points used many times (blst: affine, one batch); ``base_table(backend, points).msm(indices,
    scalars)`` runs MSMs over fixed bases by index (blst: precomputed, 1.8x at 16 points). A Backend has
    ``identity()``, ``add``, ``sub``, ``neg``, ``mul(p, k)``, ``msm(points, scalars)``, ``sum(points)``, ``eq``,
    ``is_identity``,
    ``compress(p) -> 48 bytes`` (ZCash format), ``decompress(data, *, allow_identity=False, subgroup_check=True)``
    (ValueError unless canonical, on the curve, in the subgroup unless told not to check, and not the identity),
    ``hash_to_curve(msg, dst)`` (RFC 9380; the pure backend's runs on ints in ``circuits.hash_to_curve``).
    ``check_scalar(k, what)`` range-checks a caller's scalar.
``circuits.scalars``
    ``ORDER`` (r), ``reduce``, ``inverse``, ``batch_inverse``, ``powers``, ``inner_product``, ``to_bytes`` /
    ``from_bytes`` (32-byte big-endian, canonical).
``circuits.generators``
    ``G(backend)``, ``H(backend)``, ``G_vec(n, backend)``, ``H_vec(n, backend)``; hash-to-curve under ``DST``;
    ``clear_cache()`` (cold-start benchmarks).
``circuits.pedersen``
    ``commit(value, blinding, backend=None) -> Point`` (v·G + r·H), ``commit_many(values, blindings, backend=None)
    -> list[Point]`` (fixed-base tables; the tree-building hot path), ``add``, ``sub``, ``sum_commitments``.
``circuits.transcript``
    ``Transcript(protocol)`` with ``append``, ``append_u64``, ``append_scalar``, ``append_point``, ``challenge``.
``circuits.rangeproof``
    ``RangeProof`` (``to_bytes()``, ``RangeProof.from_bytes(data, backend=None, *, subgroup_check=True)``; the
    batch verifier is sound for proofs parsed without the subgroup test), ``prove_range(values,
    blindings, bits, context, *, seed=None, backend=None) -> (RangeProof, commitments)``, ``verify_range(proof,
    commitments, bits, context, backend=None) -> bool``, ``verify_range_batch([(proof, commitments, bits,
    context), ...], backend=None) -> bool``; ``BIT_WIDTHS`` = (8, 16, 32, 64), ``MAX_AGGREGATION`` = 1024.
``circuits.solvency``
    ``prove_solvency(reserves, liabilities, blinding, context, *, seed=None, backend=None) -> RangeProof`` and
    ``verify_solvency(reserves, commitment, proof, context, backend=None) -> bool``: R ≥ value(C) via a 64-bit
    range proof on R·G − C; ``surplus_commitment(reserves, commitment)`` is that point.

Provers raise ValueError on inputs they cannot prove; verifiers return False on any mismatch and never raise for
a parsed proof. Fast-backend points cannot be pickled: send ``compress()`` bytes between processes.
"""
