"""``render``: motions to an MP4 (with music), GIF or PNG file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.render.frames import SkeletonRenderer, as_motions
from dancekit.render.soundtrack import Soundtrack
from dancekit.render.writers import write_gif, write_mp4, write_png
from dancekit.utils import atomic_output, check_output_path
from dancekit.utils import progress as progress_bar

FORMATS = (".mp4", ".gif", ".png")
#: Default GIF frame rate cap: GIF delays are whole centiseconds and 25 fps (4 cs) is exact.
GIF_FPS = 25.0
_PALETTE_SAMPLES = 8


def render(
    motions: Motion | Sequence[Motion],
    out_path: str | os.PathLike,
    *,
    audio: str | os.PathLike | Soundtrack | None = None,
    audio_offset: float = 0.0,
    size: int = 512,
    fps: float | None = None,
    titles: Sequence[str] | None = None,
    frame: int = 0,
    min_confidence: float = 0.3,
    progress: bool = True,
    look: str = "sticks",
) -> Path:
    """Render one or more motions as a skeleton video, GIF or still image.

    3D motions are filmed by a camera that follows the dancer from a 3/4 view over a floor
    grid, with ground shadows; 2D keypoints are drawn as stick figures fitted to the panel.
    Several motions play side by side, each in its own ``size`` x ``size`` panel.

    Parameters
    ----------
    motions : Motion or sequence of Motion
        What to draw (any skeleton, 3D or 2D).
    out_path : path
        ``.mp4`` (H.264, yuv420p, faststart), ``.gif`` (looping) or ``.png`` (one frame).
        Written atomically: a failed call leaves no file.
    audio : path or Soundtrack, optional
        Music to mux into an MP4 (any format ffmpeg reads). It is trimmed or padded with
        silence to the video's duration. A :class:`~dancekit.render.soundtrack.Soundtrack`
        (encoded while the motion was being made) is copied in and cut at the video's end.
    audio_offset : float
        Seconds into ``audio`` at which the motion's first frame plays; negative values
        delay the music.
    size : int
        Panel size in pixels (64 to 4096; even for MP4).
    fps : float, optional
        Output frame rate; default the motions' (for GIF at most 25).
    titles : sequence of str, optional
        One caption per motion.
    frame : int
        Which output frame a ``.png`` shows (negative counts from the end).
    min_confidence : float
        Joints (2D keypoints, or 3D joints with a confidence) below it are skipped.
    progress : bool
        Show a progress bar on stderr.
    look : str
        ``"sticks"`` (default, fastest) or ``"body"``: 3D dancers as shaded capsules.

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    ParameterError
        Unknown extension, missing output directory, bad size/fps/frame/titles, audio with a
        non-MP4 output, missing audio file.
    AudioDecodeError
        The audio file cannot be decoded.

    Examples
    --------
    >>> from dancekit.io import load_motion
    >>> waltz = load_motion("ballroom/DANCE_W_1")                        # doctest: +SKIP
    >>> render(waltz, "waltz.mp4", audio="ballroom/DANCE_W_1/audio.mp3")  # doctest: +SKIP
    PosixPath('waltz.mp4')
    >>> render([waltz, other], "pair.png", titles=["real", "generated"], frame=-1)  # doctest: +SKIP
    PosixPath('pair.png')
    """
    out = check_output_path(out_path, FORMATS)
    ext = out.suffix.lower()
    if audio is not None and ext != ".mp4":
        raise ParameterError(f"audio can only be muxed into .mp4, not {ext}")
    if not np.isfinite(audio_offset):
        raise ParameterError(f"audio_offset must be a finite number of seconds, "
                             f"got {audio_offset}")
    items = as_motions(motions)
    if ext == ".gif" and fps is None:
        fps = min(GIF_FPS, max(m.fps for m in items))
    scene = SkeletonRenderer(items, size=size, fps=fps, titles=titles,
                             min_confidence=min_confidence,
                             only_frame=frame if ext == ".png" else None, look=look)
    if ext == ".png":
        image = scene.frame(frame)
        with atomic_output(out) as tmp:
            write_png(image, tmp)
        return out

    frames = progress_bar(iter(scene), total=len(scene), description=f"rendering {out.name}",
                       disable=not progress)
    with atomic_output(out) as tmp:
        if ext == ".mp4":
            write_mp4(frames, tmp, width=scene.width, height=scene.height, fps=scene.fps,
                      num_frames=len(scene), audio=audio, audio_offset=audio_offset)
        else:
            picks = np.linspace(0, len(scene) - 1, min(_PALETTE_SAMPLES, len(scene)))
            write_gif(frames, tmp, width=scene.width, height=scene.height, fps=scene.fps,
                      palette_frames=[scene.frame(int(i)) for i in np.rint(picks)])
    return out

