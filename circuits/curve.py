"""The encoding every backend shares: a G1 point is 48 bytes, ZCash compressed form (flags in the top 3 bits)."""

POINT_BYTES = 48
