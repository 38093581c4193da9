"""Private mode: a Merkle sum tree of Pedersen commitments with zero-knowledge per-user proofs (docs/SPEC.md §13).

Modules: ``hashing`` (every byte hashed), ``keys`` (salts and blindings from the round key), ``tree`` (building and
storing the sparse commitment tree), ``build`` (publishing a snapshot), ``rangeproofs`` (node range proofs and their
cache), ``prove`` / ``envelope`` / ``verify`` (user proofs), ``totals`` and ``audit`` (auditor side), ``solvency``.
"""
