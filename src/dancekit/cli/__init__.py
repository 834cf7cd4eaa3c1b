"""The ``dancekit`` command. Each area's commands live in their own module; importing the
module registers them on the shared :data:`app`. Commands stay thin: parse, call the library,
write the result."""

from dancekit.cli import (  # noqa: F401  (imported for their commands)
    audio_cmds,
    dance_cmds,
    eval_cmds,
    motion_cmds,
    serve_cmds,
    synth_cmds,
    train_cmds,
    transfer_cmds,
)
from dancekit.cli.allocator import keep_freed_memory
from dancekit.cli.app import app
from dancekit.cli.process_exit import leave


def main() -> None:
    """The ``dancekit`` console script: run one command, then end the process without
    Python's teardown (:mod:`dancekit.cli.process_exit`). Call :data:`app` to run a command
    in a process that goes on afterwards."""
    keep_freed_memory()
    try:
        app()
    except SystemExit as done:
        leave(done.code)
    leave(0)


__all__ = ["app", "main"]
