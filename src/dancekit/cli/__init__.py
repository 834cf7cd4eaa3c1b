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


def main() -> None:
    keep_freed_memory()
    app()


__all__ = ["app", "main"]
