"""Raw frames reach ffmpeg through a pipe wide enough for a whole 512x512 frame."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from dancekit.render.writers import PIPE_BYTES, _widen_pipe

MAX_SIZE = Path("/proc/sys/fs/pipe-max-size")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_frame_pipe_holds_a_whole_frame() -> None:
    import fcntl

    if int(MAX_SIZE.read_text()) < PIPE_BYTES:
        pytest.skip(f"this system caps pipes below {PIPE_BYTES} bytes ({MAX_SIZE})")
    get_size = fcntl.F_GETPIPE_SZ
    read, write = os.pipe()
    try:
        assert fcntl.fcntl(write, get_size) < 512 * 512 * 3  # the default, 64 KiB
        _widen_pipe(write)
        assert fcntl.fcntl(write, get_size) == PIPE_BYTES >= 512 * 512 * 3
    finally:
        os.close(read)
        os.close(write)
