"""por: proof-of-reserves prover and verifier (plain SHA-256 sum trees and private Pedersen/Bulletproofs trees)."""

__version__ = "0.1.0"
