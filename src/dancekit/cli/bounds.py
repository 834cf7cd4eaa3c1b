"""The ranges of the commands' numeric options, each stated in the option's help and checked
before any work. A check raises :class:`ParameterError`, so an out-of-range value is one
``error:`` line and exit code 2 like every other user error (typer's own ``min=``/``max=``
would print a usage block instead). NaN and infinity are never in a range."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dancekit.errors import ParameterError
from dancekit.limits import MAX_SECONDS, MAX_SEED, MAX_TEMPERATURE, MIN_SECONDS


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Bound:
    """The closed range ``lo`` to ``hi`` of option ``flag``."""

    flag: str
    lo: float
    hi: float

    def help(self, text: str) -> str:
        """``text`` followed by the range, for the option's help."""
        return f"{text} [{self.range()}]"

    def range(self) -> str:
        return f"{_number(self.lo)} to {_number(self.hi)}"

    def check(self, value: float | None) -> None:
        """Raise :class:`ParameterError` unless ``value`` is None or within the range."""
        if value is None:
            return
        if not (math.isfinite(value) and self.lo <= value <= self.hi):
            raise ParameterError(f"{self.flag} must be from {self.range()}, "
                                 f"got {_number(value)}")


def check_all(*pairs: tuple[Bound, float | None]) -> None:
    """Check each ``(bound, value)`` pair, first failure first."""
    for bound, value in pairs:
        bound.check(value)


SEED = Bound("--seed", 0, MAX_SEED)
SECONDS = Bound("--seconds", MIN_SECONDS, MAX_SECONDS)
#: Sampling temperature: 0 has no odds to draw from.
TEMPERATURE = Bound("--temperature", 0.01, MAX_TEMPERATURE)
#: Video panel size: the renderer's own limits (MP4 also needs an even size).
SIZE = Bound("--size", 64, 4096)
#: Output frame rate: beyond any display above 240, and a typo like 2500 would draw for hours.
FPS = Bound("--fps", 1, 240)
#: Frame rate assumed for an input motion: motion capture runs up to a few hundred fps.
INPUT_FPS = Bound("--fps", 1, 1000)
#: AIST++ films every dance from nine cameras.
VIEW = Bound("--view", 0, 8)
#: Seconds the music may be shifted against the motion: the longest dance either way.
AUDIO_OFFSET = Bound("--audio-offset", -MAX_SECONDS, MAX_SECONDS)
MIN_CONFIDENCE = Bound("--min-confidence", 0, 1)
#: A .png frame index; the video's length bounds it further (negative counts from the end).
FRAME = Bound("--frame", -MAX_SECONDS * 240, MAX_SECONDS * 240 - 1)
BOOTSTRAP = Bound("--bootstrap", 0, 100_000)
PAIRS = Bound("--n", 1, 100_000)
#: Synthetic pairs: long enough for a few phrases, short enough to stay a training sample.
SYNTH_SECONDS = Bound("--seconds", 2, 600)
STEPS = Bound("--steps", 1, 10_000_000)
#: TCP port of ``dancekit serve``: any unprivileged one.
PORT = Bound("--port", 1024, 65535)
