"""por: proof-of-reserves prover and verifier (plain SHA-256 sum trees and private Pedersen/Bulletproofs trees)."""

import sys as _sys

__version__ = "0.1.0"

# py_ecc raises the interpreter's recursion limit to 100,000 the first time it is imported. Deep recursion in C code
# (a parser, repr) then overflows the C stack and kills the process (SIGSEGV) where Python would have raised
# RecursionError. Importing it here, before any module of por can, and capping the limit at Python's default
# afterwards makes this the one place that decides the limit for por.
RECURSION_LIMIT = 1000
_limit = _sys.getrecursionlimit()
import py_ecc  # noqa: E402, F401

_sys.setrecursionlimit(min(_limit, RECURSION_LIMIT))
