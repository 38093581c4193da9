"""Command-line shell over the library. Each module in this package that has a ``register`` function adds its
commands to ``cli``.

The shell only parses options, calls the library and maps outcomes to exit codes:
0 ok/valid, 1 verification failed or insolvent, 2 bad input or usage (one sentence, never a traceback).
How errors look (one sentence on stderr, or a JSON object with ``--json``) is decided here, once, for every command
(docs/SPEC.md §16.1); so is what happens when the reader of a pipe goes away (§16.3).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys

import click

from por import __version__
from por.errors import EXIT_BAD_INPUT, PorError
from por.printable import printable

INTERRUPTED = "interrupted: nothing was written or published."
EXIT_INTERRUPTED = 130


def _wants_json(ctx: click.Context) -> bool:
    """True when the command line asked for --json (before any ``--``), even if it failed to parse."""
    args = ctx.find_root().meta.get("por.args", [])
    return "--json" in (args[:args.index("--")] if "--" in args else args)


def report_error(ctx: click.Context, message: str, exit_code: int) -> None:
    """An expected failure: ``{"error", "exit_code"}`` on stdout with --json, else one sentence on stderr."""
    if _wants_json(ctx):
        click.echo(json.dumps({"error": message, "exit_code": exit_code}))
    else:
        click.echo(f"error: {printable(message)}", err=True)
    ctx.exit(exit_code)


class PorGroup(click.Group):
    """Maps expected failures (PorError, usage errors, Ctrl-C) to their exit code inside click itself, so the
    library-level CliRunner and the console script behave the same."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Remember the arguments (for --json errors), and refuse arguments that are not UTF-8 (Python hands them over with lone surrogates, which no hash, file
        or JSON writer accepts): user ids, round ids and labels from the command line are text."""
        ctx.meta["por.args"] = list(args)
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise click.UsageError(f"the argument '{shown}' is not valid UTF-8 text", ctx=ctx) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PorError as exc:
            report_error(ctx, str(exc), exc.exit_code)
        except click.ClickException as exc:
            if not _wants_json(ctx):
                exc.message = printable(exc.message)
                raise
            report_error(ctx, exc.format_message(), EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Abort):
            report_error(ctx, INTERRUPTED, EXIT_INTERRUPTED)


@click.group(cls=PorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="por")
def cli() -> None:
    """por: build and verify proofs of reserves (Merkle sum trees, plain or zero-knowledge)."""


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    if hasattr(_module, "register"):
        _module.register(cli)


class ReaderGoneTolerant:
    """Stands in for sys.stdout (and its binary buffer): once the reader of a pipe has gone (``por verify … |
    head -1``), further output is dropped instead of raising BrokenPipeError, so the command still finishes and
    exits with its own code (the verdict's), quietly."""

    def __init__(self, stream, state: dict | None = None) -> None:
        self._stream = stream
        self._state = state if state is not None else {"gone": False}

    def write(self, data):
        if not self._state["gone"]:
            try:
                return self._stream.write(data)
            except BrokenPipeError:
                self._reader_gone()
        return len(data)

    def flush(self) -> None:
        if not self._state["gone"]:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    @property
    def buffer(self):
        return ReaderGoneTolerant(self._stream.buffer, self._state)

    def _reader_gone(self) -> None:
        self._state["gone"] = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())  # what is still buffered, and the interpreter's last flush, go nowhere
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run ``cli`` with a stdout that tolerates a reader that went away, and exit with the command's
    code."""
    original = sys.stdout
    if original is not None:
        sys.stdout = ReaderGoneTolerant(original)
    try:
        code = _run(argv)
        if original is not None:
            sys.stdout.flush()
    finally:
        sys.stdout = original
    sys.exit(code)


def _run(argv: list[str] | None) -> int | str | None:
    """The command's exit code; failures that escape click's own handling (bad options of ``por`` itself) are
    one sentence on stderr."""
    try:
        code = cli.main(args=argv, prog_name="por", standalone_mode=False)
    except SystemExit as exc:
        return exc.code
    except PorError as exc:
        click.echo(f"error: {printable(exc)}", err=True)
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo(INTERRUPTED, err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.message = printable(exc.message)
        exc.show()
        return EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return code if isinstance(code, int) else 0
