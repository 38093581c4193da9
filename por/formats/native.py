"""The native por proof format (``format`` = "por-proof"), plain and private mode, one proof per JSON file or per
JSONL line. Hashing rules: docs/SPEC.md §Plain tree and §Private tree. Needs the published root.json (``--root``).
"""

from __future__ import annotations

import json
from pathlib import Path

from por.errors import InputError
from por.formats.base import Verdict, VerifyOptions
from por.snapshot import read_root
from por.verify import PROOF_FORMAT, verify_plain


def _proof_documents(path: Path):
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the proof ({exc.__class__.__name__})", path=path) from None
    stripped = text.strip()
    try:
        if stripped.startswith("{") and "\n{" not in stripped:
            yield str(path), json.loads(stripped)
            return
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield f"{path}:{number}", json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"the proof is not valid JSON (line {exc.lineno}, column {exc.colno})", path=path) from None


class NativeFormat:
    name = "por"
    title = "por proof (native)"

    def sniff(self, files: list[Path]) -> bool:
        try:
            with open(files[0], "rb") as handle:
                head = handle.read(4096).decode("utf-8-sig", errors="ignore")
        except OSError:
            return False
        return f'"format":"{PROOF_FORMAT}"' in head.replace(" ", "")

    def verify(self, files: list[Path], options: VerifyOptions) -> list[Verdict]:
        if options.root is None:
            raise InputError("a por proof is checked against the published root: pass --root ROOT.json", path=files[0])
        root = read_root(options.root)
        verdicts = []
        for path in files:
            for source, proof in _proof_documents(path):
                if not isinstance(proof, dict):
                    raise InputError("expected a JSON object", path=source)
                if proof.get("mode") == "private":
                    from por.private.verify import verify_private  # private mode is optional heavy machinery

                    verdicts.append(verify_private(proof, root, user_id=options.user, source=source,
                                                   backend=options.extra.get("backend")))
                else:
                    verdicts.append(verify_plain(proof, root, user_id=options.user, source=source))
        return verdicts


FORMAT = NativeFormat()
