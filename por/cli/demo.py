"""``por demo``: the README's main job."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from por.errors import EXIT_INVALID


@click.command()
@click.option("--out", "out_dir", default="demo-out", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--users", type=click.IntRange(min=2, max=10_000_000), default=5000, show_default=True)
def demo(out_dir: Path, users: int) -> None:
    """Generate a synthetic exchange and run build → prove → verify → audit, showing each party's view."""
    from por.demo import run_demo

    if not run_demo(out_dir, users):
        sys.exit(EXIT_INVALID)


def register(cli: click.Group) -> None:
    cli.add_command(demo)
