"""Where every command prints: one console factory, so that all of them show file content safely and whole.

- Every string rendered goes through ``por.printable`` before rich reads its markup, so a control character
  that came from a file (an ESC or CR in a round id) is shown as ``\\x1b`` and never reaches the terminal. Our own
  markup never contains control characters, so nothing of ours is lost. Line breaks and tabs are kept there (our
  messages use them), so a file-derived value is also escaped on its own and passed as ``rich.text.Text`` (``safe``):
  then a newline in it cannot start a line of its own, and ``[red]`` in a user id is printed literally.
- Off a terminal (a pipe, a file) lines are never wrapped and table cells never cut: a script reading the output
  gets every digit of every amount.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from por.printable import printable, printable_lines

UNWRAPPED_WIDTH = 1 << 16
"""Console width off a terminal: wide enough that no table column is ever cut."""


class SafeConsole(Console):
    """A rich Console that escapes control characters in every string before rendering it."""

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(printable_lines(text), **kwargs)


def console(stderr: bool = False) -> Console:
    out = SafeConsole(stderr=stderr, highlight=False, emoji=False)
    if not out.is_terminal:
        out.width = UNWRAPPED_WIDTH
        out.soft_wrap = True
    return out


def safe(text: object) -> Text:
    """File-derived text as a rich Text: escaped controls, no markup interpretation."""
    return Text(printable(text))


def progress_bar(percent: bool = False) -> Progress:
    """A transient progress bar on stderr (rich draws it only when stderr is a terminal): "done/total", or a
    percentage when the total is in bytes."""
    done = TaskProgressColumn() if percent else MofNCompleteColumn()
    return Progress(TextColumn("{task.description}"), BarColumn(), done, TimeRemainingColumn(),
                    console=console(stderr=True), transient=True)
