"""Dance units: a dance cut at its kinematic beats into pieces of a fixed number of beats,
each seen from its own start (root-relative) on its own clock (time-normalised), with the
music heard over the same span.

In training the cuts are the dance's own beats (:func:`dancekit.motion.movement_beats`);
when dancing they are the music's beats, so the units a model composes fall on the song.
"""

from __future__ import annotations

import numpy as np

from dancekit.models.music import AUDIO_DIM
from dancekit.models.representation import canonical_root
from dancekit.motion import Motion
from dancekit.motion.speed import movement_beats

ENVELOPE = 0  # FACT's onset envelope among its 35 features


def unit_bounds(beat_frames: np.ndarray, unit_beats: int, fps: float, min_seconds: float,
                max_seconds: float) -> np.ndarray:
    """(U, 2) start and end frames of units spanning ``unit_beats`` consecutive beats each
    (consecutive units share a boundary frame), keeping those from ``min_seconds`` to
    ``max_seconds`` long."""
    cuts = np.asarray(beat_frames, dtype=np.int64)[::unit_beats]
    bounds = np.stack([cuts[:-1], cuts[1:]], axis=1) if len(cuts) > 1 else np.zeros((0, 2),
                                                                                      np.int64)
    length = (bounds[:, 1] - bounds[:, 0]) / fps
    return bounds[(length >= min_seconds) & (length <= max_seconds)]


def stretch(frames: np.ndarray, count: int) -> np.ndarray:
    """``frames`` (T, D), T >= 2, resampled to ``count`` frames over the same span (first
    and last kept) by linear interpolation."""
    at = np.linspace(0.0, len(frames) - 1, count)
    lo = np.minimum(np.floor(at).astype(np.int64), len(frames) - 2)
    w = (at - lo)[:, None]
    return ((1 - w) * frames[lo] + w * frames[lo + 1]).astype(frames.dtype)


def cut_units(feats: np.ndarray, bounds: np.ndarray, unit_frames: int) -> np.ndarray:
    """(T, 147) motion features -> (U, unit_frames, 147) units, each from its start frame to
    its end frame, stretched to ``unit_frames`` and moved so its root starts over the
    origin."""
    return np.stack([canonical_root(stretch(feats[a:b + 1], unit_frames))
                     for a, b in bounds]) if len(bounds) else np.zeros(
        (0, unit_frames, feats.shape[1]), feats.dtype)


def unit_music(music: np.ndarray, bounds: np.ndarray, beat_points: int,
               fps: float) -> np.ndarray:
    """(T, 35) FACT music features -> (U, 2 * 35 + beat_points + 1) per unit: the mean and
    std of each feature over the unit (its style), the onset envelope stretched to
    ``beat_points`` moments and the log of the unit's length in seconds (its beat)."""
    rows = []
    for a, b in bounds:
        span = music[a:b + 1, :AUDIO_DIM].astype(np.float64)
        envelope = stretch(span[:, ENVELOPE:ENVELOPE + 1], beat_points)[:, 0]
        rows.append(np.concatenate([span.mean(0), span.std(0), envelope,
                                    [np.log((b - a) / fps)]]))
    width = 2 * AUDIO_DIM + beat_points + 1
    return np.asarray(rows, np.float32).reshape(len(rows), width)


def dance_units(motion: Motion, feats: np.ndarray, unit_beats: int, unit_frames: int,
                min_seconds: float, max_seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """A dance's units and where they lie: ``feats`` are ``motion``'s (T, 147) features;
    returns (U, unit_frames, 147) units and their (U, 2) start and end frames."""
    beats = np.round(movement_beats(motion) * motion.fps).astype(np.int64)
    bounds = unit_bounds(beats, unit_beats, motion.fps, min_seconds, max_seconds)
    return cut_units(feats, bounds, unit_frames), bounds


def music_bounds(beat_times: np.ndarray, frames: int, per_unit: int, fps: float,
                 max_seconds: float) -> np.ndarray:
    """(U, 2) units covering frames 0 .. ``frames`` - 1 of a song, cut at every
    ``per_unit``-th music beat; the stretch before the first cut and after the last becomes
    units too, and any unit longer than ``max_seconds`` (a gap in the beats) is split evenly.
    Every unit holds at least 2 frames."""
    beats = np.round(np.asarray(beat_times, np.float64) * fps).astype(np.int64)
    cuts = beats[(beats > 0) & (beats < frames - 1)][::per_unit]
    edges = np.unique(np.concatenate([[0], cuts, [frames - 1]]))
    longest = max(int(max_seconds * fps), 2)
    out: list[int] = [0]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        pieces = int(np.ceil((b - a) / longest))
        out += [int(round(a + (b - a) * k / pieces)) for k in range(1, pieces + 1)]
    edges = np.asarray(out)
    return np.stack([edges[:-1], edges[1:]], axis=1)
