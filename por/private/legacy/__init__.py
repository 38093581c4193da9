"""Private proofs made before v3, verified still: a binary commitment tree with one 64-bit (V1-protocol) range
proof per sibling node, as version-1 JSON envelopes and version-2 binary containers (docs/SPEC.md §13.10).
Verification only: new snapshots are v3 (por.private)."""
