"""Command-line shell over the library. Each module in this package registers its commands on ``cli``.

The shell only parses options, calls the library and maps outcomes to exit codes:
0 ok/valid, 1 verification failed or insolvent, 2 bad input or usage (one sentence, never a traceback).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from por import __version__
from por.errors import EXIT_BAD_INPUT, PorError

INTERRUPTED = "interrupted: nothing was written or published."


class PorGroup(click.Group):
    """Maps expected failures (PorError) to one sentence on stderr and their exit code, inside click itself,
    so the library-level CliRunner and the console script behave the same."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse arguments that are not UTF-8 (Python hands them over with lone surrogates, which no hash, file
        or JSON writer accepts): user ids, round ids and labels from the command line are text."""
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
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            ctx.exit(130)


@click.group(cls=PorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="por")
def cli() -> None:
    """por: build and verify proofs of reserves (Merkle sum trees, plain or zero-knowledge)."""


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_info.name}").register(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run ``cli`` and turn expected failures into one sentence on stderr plus an exit code."""
    try:
        code = cli.main(args=argv, prog_name="por", standalone_mode=False)
    except PorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
