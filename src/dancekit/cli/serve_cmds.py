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
) -> None:
    """Serve the web app: upload a song or take the demo, make a dance, watch it in 3D with
    the music and download it (MP4, BVH, NPZ, JSON); open motion files, compare dances side
    by side. Stop with Ctrl+C."""
    check_all((PORT, port))
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
    uvicorn.run(create_app(data=data), host=host, port=port, log_level="warning")


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
