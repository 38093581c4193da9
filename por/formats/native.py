"""The native por proof format (``format`` = "por-proof"), plain and private mode, one proof per JSON file or per
JSONL line; private proofs also as binary containers (or a bundle of them), recognised by their magic bytes.
Hashing rules: docs/SPEC.md §5 and §13.2. Needs the published root.json (``--root``).
"""

from __future__ import annotations

from pathlib import Path

from por.errors import InputError
from por.formats.base import VerifyOptions
from por.jsonio import loads
from por.plain.verify import PROOF_FORMAT, verify_plain
from por.snapshot import read_root
from por.verdict import Verdict

# Magic bytes of por.private.container (a single binary private proof, and a bundle of them from prove --all).
PRIVATE_MAGICS = (b"\x89PORPRV\n", b"\x89PORBDL\n")


def _proof_documents(path: Path):
    """(source, proof) pairs: a dict per JSON proof, raw bytes per binary private proof."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the proof ({exc.__class__.__name__})", path=path) from None
    if raw.startswith(PRIVATE_MAGICS):
        from por.private import container

        if container.is_bundle(raw):
            yield from container.split_bundle(raw, str(path))
        else:
            yield str(path), raw
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read the proof ({exc.__class__.__name__})", path=path) from None
    stripped = text.strip()
    if stripped.startswith("{") and "\n{" not in stripped:
        yield str(path), loads(stripped, path=path, what="proof")
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield f"{path}:{number}", loads(line, path=path, row=number, what="proof")


class NativeFormat:
    name = "por"
    title = "por proof (native)"

    def sniff(self, files: list[Path]) -> bool:
        try:
            with open(files[0], "rb") as handle:
                raw = handle.read(4096)
        except OSError:
            return False
        if raw.startswith(PRIVATE_MAGICS):
            return True
        head = raw.decode("utf-8-sig", errors="ignore")
        return f'"format":"{PROOF_FORMAT}"' in head.replace(" ", "")

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        if options.root is None:
            raise InputError("a por proof is checked against the published root: pass --root ROOT.json", path=files[0])
        root = read_root(options.root)
        verdicts = []
        for path in files:
            for source, proof in _proof_documents(path):
                if not isinstance(proof, dict | bytes):
                    raise InputError("expected a JSON object", path=source)
                if isinstance(proof, bytes) or proof.get("mode") == "private":
                    from por.private.verify import verify_private  # private mode is optional heavy machinery

                    verdicts.append(verify_private(proof, root, user_id=options.user, source=source,
                                                   backend=options.extra.get("backend")))
                else:
                    verdicts.append(verify_plain(proof, root, user_id=options.user, source=source))
        return verdicts


FORMAT = NativeFormat()
