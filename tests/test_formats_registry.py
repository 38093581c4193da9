"""The registry knows every format the CLI help names, and recognises each format's own files only."""

from __future__ import annotations

import re

from por import formats
from por.cli.plain import verify


def test_verify_help_lists_exactly_the_registered_formats() -> None:
    option = next(p for p in verify.params if p.name == "fmt")
    listed = set(re.findall(r"[a-z0-9-]+", option.help.split("):", 1)[1]))
    assert listed == set(formats.registry())
