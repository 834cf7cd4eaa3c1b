"""Frames of a skeleton video: motions resampled to one clock, one panel per motion."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.render.panels import Panel2D, Panel3D
from dancekit.render.style import DEFAULT_THEME, Theme

MIN_SIZE, MAX_SIZE = 64, 4096
#: How a 3D dancer is drawn: thin sticks (the default, fastest) or a shaded body of capsules.
LOOKS = ("sticks", "body")
MAX_FPS = 240  # beyond any display; a typo like 2500 would otherwise draw for hours
#: Seconds of context on each side of the frame a renderer made for one frame prepares: the
#: follow camera's smoothing reaches 3 s, and the whole-motion choices (facing, height above
#: the floor) come from this window, so the frame is the one the whole video would show
#: whenever the motion is shorter than this, as dance clips are.
SINGLE_FRAME_CONTEXT_S = 180.0


def as_motions(motions: Motion | Sequence[Motion]) -> list[Motion]:
    """One motion or a sequence of them as a non-empty list, each checked to be a Motion."""
    items = [motions] if isinstance(motions, Motion) else list(motions)
    if not items:
        raise ParameterError("nothing to render: no motion given")
    for k, m in enumerate(items):
        if not isinstance(m, Motion):
            raise ParameterError(f"motion {k} is a {type(m).__name__}, not a dancekit.Motion")
    return items


def _sample(values: np.ndarray, src_fps: float, times: np.ndarray) -> np.ndarray:
    """Values (T, ...) at ``times`` seconds: linear between frames, last frame held after
    the end (so shorter motions wait for longer ones side by side)."""
    pos = np.clip(times * src_fps, 0, len(values) - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, len(values) - 1)
    w = (pos - lo).astype(np.float32).reshape(-1, *([1] * (values.ndim - 1)))
    return values[lo] * (1 - w) + values[hi] * w


class SkeletonRenderer:
    """Draws the frames of one or more motions side by side.

    Parameters
    ----------
    motions : Motion or sequence of Motion
        3D (metres) or 2D (pixel keypoints) motions on any skeleton; each gets its own
        ``size`` x ``size`` panel, left to right, framed on its own dancer.
    size : int
        Panel height and width in pixels, 64 to 4096.
    fps : float, optional
        Output frame rate; default the highest frame rate among ``motions``. Motions are
        resampled linearly to it; the video lasts as long as the longest motion, and a
        shorter one's panel is greyed with "ended at <s> s" after its end.
    titles : sequence of str, optional
        One caption per motion, drawn at the top of its panel.
    min_confidence : float
        Joints with a lower confidence are skipped (with their bones).
    theme : Theme
        Colours and sizes.
    only_frame : int, optional
        Prepare only this output frame (negative counts from the end) and
        :data:`SINGLE_FRAME_CONTEXT_S` around it, so one picture of a long motion costs
        memory for six minutes of it at most, not for all of it. Other frames cannot be drawn.
    look : str
        3D motions as ``"sticks"`` (default) or ``"body"``: shaded capsules with a person's
        proportions, slower to draw (``benchmarks/render.py``). 2D keypoints stay sticks.
    """

    def __init__(
        self,
        motions: Motion | Sequence[Motion],
        *,
        size: int = 512,
        fps: float | None = None,
        titles: Sequence[str] | None = None,
        min_confidence: float = 0.3,
        theme: Theme = DEFAULT_THEME,
        only_frame: int | None = None,
        look: str = "sticks",
    ) -> None:
        items = as_motions(motions)
        if look not in LOOKS:
            raise ParameterError(f"look must be one of {', '.join(LOOKS)}, got {look!r}")
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or \
                not MIN_SIZE <= size <= MAX_SIZE:
            raise ParameterError(f"size must be an integer from {MIN_SIZE} to {MAX_SIZE} "
                                 f"pixels, got {size!r}")
        if fps is None:
            fps = max(m.fps for m in items)
        if not isinstance(fps, (int, float, np.number)) or not 0 < fps <= MAX_FPS:
            raise ParameterError(f"fps must be a number in (0, {MAX_FPS}], got {fps!r}")
        if titles is not None:
            titles = [str(t) for t in ([titles] if isinstance(titles, str) else titles)]
            if len(titles) != len(items):
                raise ParameterError(f"got {len(titles)} titles for {len(items)} motions")
        if not 0 <= min_confidence <= 1:
            raise ParameterError(f"min_confidence must be in [0, 1], got {min_confidence}")
        self.fps = float(fps)
        self.size = int(size)
        self.num_frames = max(1, max(round(m.duration * self.fps) for m in items))
        self.first, last = 0, self.num_frames  # the output frames prepared: first to last - 1
        if only_frame is not None:
            index = self._check_index(only_frame)
            context = round(SINGLE_FRAME_CONTEXT_S * self.fps)
            self.first, last = max(0, index - context), min(last, index + context + 1)
        times = np.arange(self.first, last) / self.fps
        self.prepared = last - self.first
        self.panels: list[Panel2D | Panel3D] = []
        for k, m in enumerate(items):
            pos = _sample(m.positions, m.fps, times)
            title = titles[k] if titles else None
            conf = None if m.confidence is None else _sample(m.confidence, m.fps, times)
            stop = round(m.duration * self.fps)
            # panels count frames from the first prepared one
            end = (stop - self.first, m.duration) if stop < self.num_frames else None
            if m.is_2d:
                name = str(m.meta.get("source", f"motion {k}"))
                self.panels.append(Panel2D(pos, conf, m.skeleton, self.size, title, theme,
                                           min_confidence, name, end))
            else:
                self.panels.append(Panel3D(pos, conf, m.skeleton, self.fps, self.size, title,
                                           theme, min_confidence, end, look))
        self.theme = theme

    @property
    def width(self) -> int:
        return self.size * len(self.panels)

    @property
    def height(self) -> int:
        return self.size

    def __len__(self) -> int:
        return self.num_frames

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` (negative counts from the end) as a new (H, W, 3) uint8 RGB array."""
        index = self._check_index(index) - self.first
        if not 0 <= index < self.prepared:
            raise ParameterError(f"frame {index + self.first} was not prepared: this renderer "
                                 f"was made for frames {self.first} to "
                                 f"{self.first + self.prepared - 1}")
        if len(self.panels) == 1:
            return self.panels[0].draw(index)
        out = np.empty((self.height, self.width, 3), np.uint8)
        for k, panel in enumerate(self.panels):
            out[:, k * self.size:(k + 1) * self.size] = panel.draw(index)
            if k:
                out[:, k * self.size - 1:k * self.size + 1] = self.theme.divider
        return out

    def _check_index(self, index: int) -> int:
        """``index`` as a frame number from 0, or a ParameterError if out of range."""
        if not -self.num_frames <= index < self.num_frames:
            raise ParameterError(f"frame {index} is out of range: the video has "
                                 f"{self.num_frames} frames (0 to {self.num_frames - 1})")
        return index % self.num_frames

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(self.num_frames):
            yield self.frame(i)


def render_frames(
    motions: Motion | Sequence[Motion],
    *,
    size: int = 512,
    fps: float | None = None,
    titles: Sequence[str] | None = None,
    min_confidence: float = 0.3,
) -> Iterator[np.ndarray]:
    """Iterate over the frames of a skeleton video, each a new (H, W, 3) uint8 RGB array.

    The same drawing as :func:`dancekit.render.render` without any file: for previews,
    notebooks, or models that condition on pose images. Parameters are those of
    :class:`SkeletonRenderer`; the frame count is ``round(longest duration * fps)``.

    Examples
    --------
    >>> frames = list(render_frames(motion, size=256))          # doctest: +SKIP
    >>> frames[0].shape
    (256, 256, 3)
    """
    return iter(SkeletonRenderer(motions, size=size, fps=fps, titles=titles,
                                 min_confidence=min_confidence))
