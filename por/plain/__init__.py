"""Plain mode: a SHA-256 Merkle sum tree whose proofs show the sibling sums (docs/SPEC.md §5).

Modules, side by side with por.private: ``hashing`` (every byte hashed), ``tree`` (building and storing the tree),
``build`` (publishing a snapshot), ``partitioned`` / ``partition_task`` (the same build scaled out), ``prove`` (user
proofs), ``verify`` (checking one), ``audit`` (rebuilding from the data).
"""
