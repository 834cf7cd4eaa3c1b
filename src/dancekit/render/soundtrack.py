"""A song's AAC track for an MP4, encoded by ffmpeg in the background.

``dancekit dance -o dance.mp4`` spends its first seconds on one core (imports, the model,
the dance) before a frame can be drawn; encoding the music meanwhile on the other core takes
it off the rendering, which keeps both cores busy. :func:`dancekit.render.render` then
copies the track into the video instead of encoding the song again.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from imageio_ffmpeg import get_ffmpeg_exe

from dancekit.errors import AudioDecodeError

#: The track's encoding, the one :func:`dancekit.render.writers.write_mp4` uses: the fast AAC
#: coder halves the audio's encoding time (about 1 s per minute of music with the default
#: two-loop search); the higher bitrate pays for its small loss.
AAC = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "192k"]


class Soundtrack:
    """``source``'s first audio stream (its first ``seconds`` + 1 s when given) being
    encoded as AAC into a temporary file, from construction until :meth:`wait`.

    Use it as a context manager: leaving the block stops the encoder if it still runs and
    removes the file. A video it goes into ends where its frames end; the track is cut
    there, at the AAC frame boundary that follows (within 23 ms at 44.1 kHz).
    """

    def __init__(self, source: str | os.PathLike, seconds: float | None = None) -> None:
        self.source = Path(source)
        self._folder = tempfile.TemporaryDirectory(prefix="dancekit-audio-")
        self.path = Path(self._folder.name) / "audio.m4a"
        self._log = tempfile.TemporaryFile()
        span = [] if seconds is None else ["-t", f"{seconds + 1:.6f}"]
        self._proc = subprocess.Popen(
            [get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *span,
             "-i", str(self.source), "-map", "0:a:0", *AAC, str(self.path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log)

    def wait(self) -> Path:
        """The encoded track, once ffmpeg has finished it.

        Raises
        ------
        AudioDecodeError
            ffmpeg could not read an audio stream from ``source``.
        """
        if self._proc.wait() != 0:
            self._log.seek(0)
            lines = self._log.read().decode(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"exit code {self._proc.returncode}"
            raise AudioDecodeError(f"ffmpeg could not decode {self.source}: {why}")
        return self.path

    def close(self) -> None:
        """Stop the encoder if it still runs and remove the track."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._log.close()
        self._folder.cleanup()

    def __enter__(self) -> Soundtrack:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
