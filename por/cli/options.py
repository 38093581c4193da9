"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click


class SeveralValues(click.Option):
    """A repeatable option that also takes several values after one flag: ``--signers A B`` and
    ``--signers A --signers B`` both give (A, B). Values are taken up to the next argument that starts with "-"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)

    def add_to_parser(self, parser, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            take_one = option.process

            def take_several(value, state, take_one=take_one) -> None:
                take_one(value, state)
                while state.rargs and not state.rargs[0].startswith("-"):
                    take_one(state.rargs.pop(0), state)

            option.process = take_several


def signers_option(required: bool = False):
    return click.option(
        "--signers", "signer_files", cls=SeveralValues, required=required,
        type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="KEY.pub...",
        help="Public key files of the root's trusted signers: --signers A.pub B.pub after the other arguments, or "
             "--signers A.pub --signers B.pub anywhere.")


def threshold_option():
    return click.option("--threshold", type=click.IntRange(min=1),
                        help="Signatures required among --signers (default: all of them).")
