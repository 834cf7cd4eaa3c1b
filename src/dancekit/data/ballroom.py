"""Ballroom sequences paired with the part of their song they were danced to.

The dataset's music-motion timing is not what it seems: waltz motion holds about 4x fewer
frames than its stated span, and its ``config.json`` positions have no stated unit.
``dataprep/ballroom_timing.py`` measures, for each sequence with audio, the time map
``music_time = offset + rate * frame / 25`` under which the dance's speed locks to the
song's beats, compares it with chance, and writes ``ballroom_timing.json`` (next to this
module): per sequence a verdict (``config``, ``search`` or ``drop``), the ``rate`` and
``offset_s`` to use, and why. ``docs/ballroom_data.md`` gives the method and the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from dancekit.errors import DataFormatError
from dancekit.motion import Motion
from dancekit.motion.processing import resample

TABLE = Path(__file__).with_name("ballroom_timing.json")
USABLE = ("config", "search")


@dataclass(frozen=True)
class BallroomPair:
    """A ballroom dance on its true clock and the span of its song it was danced to."""

    motion: Motion
    audio: Path
    start: float
    end: float


@cache
def timing_table() -> dict[str, dict]:
    """The measured timing of every sequence with audio: name -> ``{"verdict", "rate",
    "offset_s", "why"}``."""
    return json.loads(TABLE.read_text())


def ballroom_pair(folder: str | Path, *, fps: float = 25.0) -> BallroomPair:
    """The sequence in ``folder`` re-timed to its music.

    Parameters
    ----------
    folder : path-like
        A ``DANCE_<W|R|C|T>_<n>`` folder of the ballroom dataset (with ``audio.mp3``).
    fps : float
        Frame rate of the returned motion (it is resampled from its true rate,
        ``25 / rate`` frames per second).

    Returns
    -------
    BallroomPair
        ``motion`` plays in real time, its frame 0 at ``start`` seconds of ``audio``;
        ``end`` is where it stops. ``motion.meta["timing"]`` records the map used.

    Raises
    ------
    DataFormatError
        The sequence has no audio, is not in the measured table, or was dropped there
        (the message says why).
    """
    from dancekit.io import load_ballroom

    motion = load_ballroom(folder)
    name = motion.meta["sequence"]
    if motion.meta["audio"] is None:
        raise DataFormatError(f"{name}: no audio.mp3, so it cannot be paired with music")
    entry = timing_table().get(name)
    if entry is None:
        raise DataFormatError(f"{name}: its timing was never measured (not in {TABLE.name}); "
                              "run dataprep/ballroom_timing.py")
    if entry["verdict"] not in USABLE:
        raise DataFormatError(f"{name}: dropped, its music-motion timing could not be "
                              f"established: {entry['why']}")
    rate, offset = float(entry["rate"]), float(entry["offset_s"])
    true = motion.replace(fps=motion.fps / rate,
                          meta={**motion.meta, "timing": {**entry, "source_fps": motion.fps}})
    out = resample(true, fps)
    return BallroomPair(out, Path(motion.meta["audio"]), offset, offset + true.duration)


def beat_lock(motion: Motion, beat_times: np.ndarray, cycle: int = 1) -> float:
    """How strongly the dance's speed follows the music's beat, at any fixed lag.

    ``|sum_t w(t) exp(2 pi i phase(t) / cycle)| / sqrt(T)``: w is the z-scored whole-body
    speed envelope, ``phase(t)`` the beat count at the frame's time (beats interpolated;
    frames outside the beats are left out) and ``cycle`` the beats one movement cycle spans.
    About 1 for a dance that ignores the beat, growing with the square root of its length
    for one that follows it. ``dataprep/ballroom_timing.py`` maximises this over time maps.
    """
    from dancekit.metrics.beats import speed_envelope

    env, times = speed_envelope(motion)
    beats = np.sort(np.asarray(beat_times, dtype=np.float64).ravel())
    inside = (times >= beats[0]) & (times <= beats[-1]) if beats.size > 1 else times < 0
    if not inside.any():
        return 0.0
    w = (env - env.mean()) / max(float(env.std()), 1e-12)
    phase = np.interp(times[inside], beats, np.arange(beats.size))
    return float(abs(np.sum(w[inside] * np.exp(2j * np.pi * phase / cycle)))
                 / np.sqrt(env.size))
