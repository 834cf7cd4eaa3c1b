"""What a long command is doing, on stderr: stdout keeps only the command's result, so
``dancekit dance ... > summary.txt`` and ``--json`` output stay clean."""

from __future__ import annotations

import sys

import typer


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class Stages:
    """Announces each stage of a command as one line on stderr, and says whether to draw
    progress bars.

    Both are for a person watching a terminal, so both stay off when stderr is not one (and
    with ``quiet``): a script or a log that reads stderr then gets exactly one ``error:`` line
    when something goes wrong and nothing otherwise.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.bars = not quiet and _stderr_is_terminal()

    def __call__(self, text: str) -> None:
        if self.bars:
            typer.echo(text, err=True)

