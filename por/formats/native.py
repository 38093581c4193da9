"""The native por proof format (``format`` = "por-proof"), plain and private mode, one proof per JSON file or per
JSONL line; private proofs also as binary containers (or a bundle of them), recognised by their magic bytes.
Hashing rules: docs/SPEC.md §5 and §13.2. Needs the published root.json (``--root``).

Files are read as streams: a bundle of a million proofs is verified one proof at a time, and with ``--user`` only
that user's proofs are decoded (the others are skipped after reading their user id; docs/SPEC.md §8.1).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from por.errors import InputError
from por.formats.base import VerifyOptions
from por.jsonio import loads
from por.plain.verify import PROOF_FORMAT, verify_plain
from por.snapshot import SIGNATURE_FIELD, read_root
from por.verdict import Check, Verdict

# Magic bytes of por.private.container (a single binary private proof, and a bundle of them from prove --all).
PRIVATE_MAGICS = (b"\x89PORPRV\n", b"\x89PORBDL\n")
BUNDLE_MAGIC = PRIVATE_MAGICS[1]
BOM = b"\xef\xbb\xbf"

Document = tuple[str, bytes]  # (source label, one proof's bytes: a JSON text or a binary container)


def _open(path: Path) -> BinaryIO:
    if path.is_dir():
        raise InputError("is a directory, not a proof file", path=path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read the proof ({exc.strerror or exc.__class__.__name__})", path=path) from None


def _documents(path: Path, progress: Callable[[int], None]) -> tuple[Iterator[Document], Callable[[bytes], str]]:
    """Every proof in ``path`` as raw bytes, read lazily, and how to read a proof's user id cheaply."""
    handle = _open(path)
    head = handle.read(len(BUNDLE_MAGIC))
    handle.seek(0)
    if head.startswith(PRIVATE_MAGICS):
        from por.private import container

        return _binary(handle, path, head == BUNDLE_MAGIC, progress), container.peek_user_id
    return _json(handle, path, progress), _json_user_id


def _binary(handle: BinaryIO, path: Path, bundle: bool, progress: Callable[[int], None]) -> Iterator[Document]:
    from por.private import container

    with handle:
        if not bundle:
            data = handle.read()
            progress(len(data))
            yield str(path), data
            return
        for source, entry in container.read_bundle(handle, str(path)):
            progress(4 + len(entry))
            yield source, entry


def _json(handle: BinaryIO, path: Path, progress: Callable[[int], None]) -> Iterator[Document]:
    """One JSON document (possibly pretty-printed over many lines), or JSON Lines read one line at a time."""
    with handle:
        first = handle.readline()
        if _is_whole_json_line(first.removeprefix(BOM)):
            yield from _json_lines(first.removeprefix(BOM), handle, path, progress)
            return
        data = first + handle.read()
        progress(len(data))
        if data.strip():
            yield str(path), data.removeprefix(BOM)


def _json_lines(first: bytes, rest: BinaryIO, path: Path, progress: Callable[[int], None]) -> Iterator[Document]:
    """Each non-blank line is a proof, labelled FILE:LINE — or just FILE when it is the only one."""
    held: tuple[int, bytes] | None = None  # the first proof, until we know whether others follow
    many = False
    for number, line in enumerate(itertools.chain([first], rest), start=1):
        progress(len(line))
        if not line.strip():
            continue
        if held is None:
            held = (number, line)
            continue
        if not many:
            many = True
            yield f"{path}:{held[0]}", held[1]
        yield f"{path}:{number}", line
    if held is not None and not many:
        yield str(path), held[1]


def _is_whole_json_line(line: bytes) -> bool:
    text = line.strip()
    if not text.startswith(b"{"):
        return False
    try:
        return isinstance(loads(text), dict)
    except InputError:
        return False


def _json_user_id(line: bytes) -> str | None:
    try:
        user = loads(line).get("user")
    except (InputError, AttributeError):
        return None
    return user.get("id") if isinstance(user, dict) else None


def _users_proofs(documents: Iterator[Document], user_id: str, user_of: Callable[[bytes], str | None]
                  ) -> Iterator[Document]:
    """The proofs of ``user_id``, found by their user id without decoding the others. A file holding a single
    proof is always checked: its verdict then says whose proof it is."""
    needles = {json.dumps(user_id).encode(), json.dumps(user_id, ensure_ascii=False).encode("utf-8", "surrogatepass")}
    first, count, found = None, 0, False
    for source, raw in documents:
        count += 1
        if count == 1:
            first = (source, raw)
        is_json = not raw.startswith(PRIVATE_MAGICS)
        if is_json and not any(needle in raw for needle in needles):
            continue  # fast path: the id does not even occur in the line
        if user_of(raw) == user_id:
            found = True
            yield source, raw
    if not found and count == 1 and first is not None:
        yield first


def _parse(source: str, raw: bytes) -> dict | bytes:
    if raw.startswith(PRIVATE_MAGICS):
        return raw
    proof = loads(raw, path=source, what="proof")
    if not isinstance(proof, dict):
        raise InputError("expected a JSON object", path=source)
    return proof


class RootSignatures:
    """What ``--signers`` / ``--threshold`` say about the published root, decided once for a whole run."""

    def __init__(self, root: dict, options: VerifyOptions) -> None:
        self.check: Check | None = None
        self.warning: str | None = None
        if options.signers:
            from por.attest import load_public_keys, verify_root_signatures  # BLS machinery only when asked

            keys = load_public_keys(list(options.signers))
            result = verify_root_signatures(root, keys, options.threshold or len(keys))
            self.check = Check("root signatures", result.ok, result.detail,
                               summary="" if result.ok else
                               "The published root is not signed by enough of the signers you trust: it may not be "
                               "the exchange's root.")
        elif not root.get(SIGNATURE_FIELD):
            self.warning = ("root.json carries no signatures: nobody vouched for this root, so make sure you got it "
                            "from the exchange itself")
        else:
            self.warning = ("the root's signatures were not checked: pass --signers KEY.pub … with the public keys "
                            "of the operator and auditors you trust")

    def apply(self, verdict: Verdict) -> None:
        if self.check is not None:
            verdict.checks.append(self.check)
            verdict.info["signatures"] = self.check.detail
        if self.warning is not None:
            verdict.warnings.append(self.warning)


class NativeFormat:
    name = "por"
    title = "por proof (native)"
    checks_por_root = True  # the only format that --root, --signers, --threshold and --backend apply to

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

    def verify(self, files: list[Path], options: VerifyOptions) -> Iterator[Verdict]:
        if options.root is None:
            raise InputError("a por proof is checked against the published root: pass --root ROOT.json", path=files[0])
        root = read_root(options.root)
        signatures = RootSignatures(root, options)
        progress = options.progress or (lambda _: None)
        for path in files:
            documents, user_of = _documents(path, progress)
            if options.user is not None:
                documents = _users_proofs(documents, options.user, user_of)
            for source, raw in documents:
                verdict = self._verify_one(_parse(source, raw), root, options, source)
                signatures.apply(verdict)
                yield verdict

    @staticmethod
    def _verify_one(proof: dict | bytes, root: dict, options: VerifyOptions, source: str) -> Verdict:
        if isinstance(proof, bytes) or proof.get("mode") == "private":
            from por.private.verify import verify_private  # private mode is optional heavy machinery

            return verify_private(proof, root, user_id=options.user, source=source, backend=options.backend)
        verdict = verify_plain(proof, root, user_id=options.user, source=source)
        if options.backend:
            verdict.warnings.append("--backend chooses the group arithmetic of private-mode proofs; this plain proof "
                                    "uses none, so it was ignored")
        return verdict


FORMAT = NativeFormat()
