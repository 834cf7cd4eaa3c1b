"""``dancekit serve``: the local web app. Its framework and server (the ``serve`` extra) are
imported only when the command runs, so the rest of the command starts without them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import PORT, check_all
from dancekit.errors import ParameterError

LOCAL = "127.0.0.1"


@command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. The default "
                                      "answers this machine only; 0.0.0.0 opens the app to "
                                      "the network (it has no login).")] = LOCAL,
    port: Annotated[int, typer.Option("--port", help=PORT.help("TCP port."))] = 8000,
    data: Annotated[Path | None, typer.Option("--data", help="A folder of motions the page "
                    "may open and compare: ballroom sequence folders and BVH, NPZ, JSON or "
                    "AIST++ pickle files, in it or one level below.")] = None,
    votes: Annotated[Path | None, typer.Option("--votes", help="SQLite file of the blind A/B "
                     "votes (made on the first vote). Default: "
                     "$XDG_DATA_HOME/dancekit/votes.sqlite, else "
                     "~/.local/share/dancekit/votes.sqlite.")] = None,
    export_votes: Annotated[Path | None, typer.Option("--export-votes", help="Write the "
                            "tallies of the votes file to this .csv or .json file and exit "
                            "without serving.")] = None,
) -> None:
    """Serve the web app: upload a song or take the demo, make a dance, watch it in 3D with
    the music and download it (MP4, BVH, NPZ, JSON); open motion files, compare dances side
    by side. Stop with Ctrl+C."""
    check_all((PORT, port))
    if export_votes is not None:
        _export(votes, export_votes)
        return
    if data is not None and not data.is_dir():
        raise ParameterError(f"--data must be a folder: {data}")
    try:
        import uvicorn

        from dancekit.serve.app import create_app
    except ImportError as err:
        raise ParameterError(f"dancekit serve needs the serve extra ({err.name} is missing): "
                             "pip install 'dancekit[serve]'") from None
    _check_free(host, port)
    typer.echo(f"dancekit: open http://{'localhost' if host == LOCAL else host}:{port}/ "
               "in a browser (Ctrl+C stops)", err=True)
    uvicorn.run(create_app(data=data, votes=votes), host=host, port=port, log_level="warning")


def _export(votes: Path | None, out: Path) -> None:
    """Write the tallies (the serve extra is not needed for this) and say how many votes."""
    from dancekit.serve.votes import Votes, default_votes_file

    source = votes or default_votes_file()
    if not source.is_file():
        raise ParameterError(f"no votes file at {source} (--votes names another)")
    count = Votes(source).export(out)
    typer.echo(f"{out}: tallies of {count} votes from {source}")


def _check_free(host: str, port: int) -> None:
    """Fail with one line on an address we cannot listen on (in use, not this machine's),
    before the server starts and would report it as a log line and exit code 3."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as err:
        raise ParameterError(f"cannot listen on {host}:{port}: "
                             f"{err.strerror or err}") from None
