"""The typer application and the one place where user errors become exit code 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from dancekit.errors import DancekitError

app = typer.Typer(
    name="dancekit",
    help="AI choreography: music to dance, dance to video, evaluation and export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from dancekit import __version__

        typer.echo(f"dancekit {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    """Options of ``dancekit`` itself, before any command (the help text is the app's)."""


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command on :data:`app`, turning :class:`DancekitError` into one line on
    stderr and exit code 2. Any other exception is a bug and keeps its traceback (exit 1)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            try:
                return fn(*a, **kw)
            except DancekitError as err:
                typer.echo(f"error: {err}", err=True)
                raise typer.Exit(code=2) from None

        return app.command(*args, **kwargs)(wrapper)

    return register
