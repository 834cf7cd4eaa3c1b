"""Ballroom sequences paired with the part of their song they were danced to.

The dataset's music-motion timing is not what it seems: waltz motion holds about 4x fewer
frames than its stated span, and its ``config.json`` positions have no stated unit.
``dataprep/ballroom_timing.py`` measures, for each sequence with audio, the time map
``music_time = offset + rate * frame / 25`` under which the dance's speed locks to the
song's beats, compares it with chance, and writes ``ballroom_timing.json`` (next to this
module): per sequence a verdict (``config``, ``search`` or ``drop``), the ``rate`` and
``offset_s`` to use, and why. ``docs/ballroom_data.md`` gives the method and the table.

Training needs every sequence on a plausible clock, measured or not; :func:`sequence_clock`
gives each one the best map there is and says where it came from (``measured``, ``config``,
``stated``). :data:`TEST_SEQUENCES` is the held-out split every ballroom number is reported on.

The capture's floor drifts: a whole sequence rises 0.06-0.47 m over its minute or two, the
pelvis keeping its height above the feet. Every sequence on its clock has that drift taken
out (:func:`dancekit.motion.processing.level_floor`, over 3 s of its true time), and
``motion.meta["floor_drift_m"]`` says how much was taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from dancekit.errors import DataFormatError
from dancekit.motion import Motion
from dancekit.motion.processing import level_floor, resample

TABLE = Path(__file__).with_name("ballroom_timing.json")
USABLE = ("config", "search")
SOURCE_FPS = 25.0

# Held out from every bundled weight and reported on (docs/ballroom_data.md): per genre, the
# round(n / 4) sequences whose SHA-1 of the name is lowest among those whose audio decodes
# (DANCE_R_6's is cut short); tango has one sequence and stays in training.
TEST_SEQUENCES = ("DANCE_C_2", "DANCE_R_10", "DANCE_R_7", "DANCE_W_18", "DANCE_W_22",
                  "DANCE_W_28", "DANCE_W_4", "DANCE_W_5", "DANCE_W_7")


@dataclass(frozen=True)
class BallroomPair:
    """A ballroom dance on its true clock and the span of its song it was danced to."""

    motion: Motion
    audio: Path
    start: float
    end: float


@dataclass(frozen=True)
class Clock:
    """``music_time = offset + rate * frame / 25``, and where the map came from."""

    rate: float
    offset: float
    source: str  # "measured" (the timing table), "config" or "stated" (see sequence_clock)


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
    motion = _with_audio(folder)
    name = motion.meta["sequence"]
    entry = timing_table().get(name)
    if entry is None:
        raise DataFormatError(f"{name}: its timing was never measured (not in {TABLE.name}); "
                              "run dataprep/ballroom_timing.py")
    if entry["verdict"] not in USABLE:
        raise DataFormatError(f"{name}: dropped, its music-motion timing could not be "
                              f"established: {entry['why']}")
    pair = _on_clock(motion, float(entry["rate"]), float(entry["offset_s"]), entry)
    return replace(pair, motion=resample(pair.motion, fps))


def sequence_clock(motion: Motion) -> Clock:
    """The best time map for a ballroom sequence (``dancekit.io.load_ballroom`` output).

    ``measured``: the timing table locked the dance to its music (rate and offset from
    there). Otherwise the beat is not established and only the clock matters, for realism:
    ``config``, waltz, where ``config.json``'s span (start and end read as 25 fps music frames)
    gives rates of 4.2 to 4.5, which is also what makes its body speed match the other genres
    (at the stated 25 fps a waltz would move 2.7x faster than any rumba); ``stated``, the
    other genres, at the stated 25 fps from ``start_position``, where their body speeds
    already agree with the measured sequences'.
    """
    entry = timing_table().get(motion.meta.get("sequence", ""))
    if entry is not None and entry["verdict"] in USABLE:
        return Clock(float(entry["rate"]), float(entry["offset_s"]), "measured")
    start, end = motion.meta.get("start_position"), motion.meta.get("end_position")
    offset = float(start) / SOURCE_FPS if isinstance(start, (int, float)) else 0.0
    if motion.meta.get("genre") == "waltz" and isinstance(end, (int, float)) and end > (
            start or 0):
        return Clock((float(end) - (start or 0)) / motion.num_frames, offset, "config")
    return Clock(1.0, offset, "stated")


def ballroom_sequence(folder: str | Path) -> BallroomPair:
    """Any ballroom sequence with audio on its best clock (:func:`sequence_clock`), at its
    own frame rate (``25 / rate``, nothing resampled). Unlike :func:`ballroom_pair`, the
    music-motion alignment of sequences the table dropped is a guess: use them for what
    dance looks like, not for where its beats fall. ``motion.meta["timing"]`` says which."""
    motion = _with_audio(folder)
    clock = sequence_clock(motion)
    return _on_clock(motion, clock.rate, clock.offset, {
        "rate": clock.rate, "offset_s": clock.offset, "source": clock.source})


def _with_audio(folder: str | Path) -> Motion:
    """The sequence in ``folder`` as read (25 fps), refused when it has no music."""
    from dancekit.io import load_ballroom

    motion = load_ballroom(folder)
    if motion.meta["audio"] is None:
        raise DataFormatError(f"{motion.meta['sequence']}: no audio.mp3, so it cannot be "
                              "paired with music")
    return motion


def _on_clock(motion: Motion, rate: float, offset: float, timing: dict) -> BallroomPair:
    """``motion`` played at ``25 / rate`` fps from ``offset`` s into its song, with
    ``timing`` (and the source frame rate) recorded in ``meta["timing"]``."""
    true = motion.replace(fps=motion.fps / rate, meta={
        **motion.meta, "timing": {**timing, "source_fps": motion.fps}})
    true = level_floor(true)
    return BallroomPair(true, Path(motion.meta["audio"]), offset, offset + true.duration)


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
