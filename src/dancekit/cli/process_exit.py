"""How the short-lived ``dancekit`` process ends.

Once torch is imported, Python's own shutdown (clearing every module and collecting what
they hold) costs about 0.3 to 0.4 s of CPU on this project's reference machine, 7% of
``dancekit dance`` on a one-minute song, spent after the output is already written. The
command's work is complete when its function returns: outputs were written atomically and
closed, child processes waited for. So the process runs the ``atexit`` handlers that
libraries registered, flushes its streams and leaves with ``os._exit``, skipping only that
teardown. A bug's traceback is not affected: exceptions other than ``SystemExit`` take
Python's usual way out.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn


def exit_code(code: object) -> int:
    """The status Python itself would give ``SystemExit(code)``: None is 0, an int is
    itself, anything else is printed to stderr and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def leave(code: object) -> NoReturn:
    """Run the ``atexit`` handlers, flush stdout and stderr, and end the process now."""
    status = exit_code(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, or a closed stream
            status = status or 1
    os._exit(status)
