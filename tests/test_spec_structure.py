"""docs/SPEC.md is one document with one numbering, and every "docs/SPEC.md §N.M" reference in the code, the
tests and the spec itself names a section that exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = (REPO / "docs" / "SPEC.md").read_text()
PROSE = re.sub(r"^```.*?^```", "", SPEC, flags=re.MULTILINE | re.DOTALL)  # without code blocks
HEADING = re.compile(r"^(#{2,4}) (\d+(?:\.\d+)*)\.? (.+)$", re.MULTILINE)


def sections() -> list[str]:
    return [m.group(2) for m in HEADING.finditer(PROSE)]


def test_headings_are_numbered_in_order_with_depth_matching_the_number() -> None:
    seen: list[tuple[int, ...]] = []
    for m in HEADING.finditer(PROSE):
        number = tuple(int(x) for x in m.group(2).split("."))
        assert len(m.group(1)) == len(number) + 1, f"heading {m.group(0)!r} is at the wrong level"
        if seen:
            prev = seen[-1]
            expected_next = [prev[: i] + (prev[i] + 1,) for i in range(len(prev))] + [prev + (1,)]
            assert number in expected_next, f"{m.group(2)} does not follow {'.'.join(map(str, prev))}"
        seen.append(number)
    assert seen[0] == (1,)


def test_there_is_one_top_level_title_and_no_pasted_parts() -> None:
    assert len(re.findall(r"^# ", PROSE, re.MULTILINE)) == 1
    assert "Part:" not in PROSE
    assert all(re.match(r"^#{2,4} \d", line) for line in PROSE.splitlines() if re.match(r"^#{2,4} ", line))


def _references() -> list[tuple[str, str]]:
    refs = [("docs/SPEC.md", ref) for ref in re.findall(r"§(\d+(?:\.\d+)*)", SPEC)]
    for folder in ("por", "circuits", "tests", "bench", "examples"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix in {".py", ".md"} and path.is_file():
                text = path.read_text()
                refs += [(str(path.relative_to(REPO)), ref)
                         for ref in re.findall(r"SPEC\.md\s+§(\d+(?:\.\d+)*)", text)]
    for name in ("README.md",):
        refs += [(name, ref) for ref in re.findall(r"SPEC\.md\s+§(\d+(?:\.\d+)*)", (REPO / name).read_text())]
    return refs


def test_every_section_reference_exists() -> None:
    known = set(sections())
    refs = _references()
    assert len(refs) > 20
    assert [(where, ref) for where, ref in refs if ref.rstrip(".") not in known] == []
