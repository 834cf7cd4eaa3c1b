"""The music features the learned models read: FACT's 35 per-frame features (envelope, 20
MFCC, 12 chroma, peak and beat one-hots; disk-cached by content) and the phase within the
beat.

The phase is a dense clock where the one-hots are sparse spikes, so every frame knows where it
falls in the beat. Its beats come from dancekit's tracker by default: librosa's beat one-hot,
as the paper defines it, was often late, at half tempo or on the off-beat, and models trained
on that clock learned no rhythm (docs/results.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

AUDIO_DIM = 35  # FACT music features
BEAT_COLUMN = 34  # the beat one-hot among them


def fact_music_features(audio: Any, fps: float, *, with_phase: bool = True,
                        phase_source: str = "tracker") -> np.ndarray:
    """FACT's 35-d music features at ``fps`` (disk-cached by content), (T, 35), with the
    sine and cosine of the phase within the beat appended (T, 37) when ``with_phase``: the
    beats of dancekit's tracker (``phase_source`` "tracker") or librosa's one-hot column."""
    from dancekit.audio import cached_features

    feats = np.asarray(cached_features(audio, "fact", fps=int(fps)), dtype=np.float32)
    if with_phase:
        if phase_source == "tracker":
            beats = cached_features(audio, "beats") * fps
        else:
            beats = np.flatnonzero(feats[:, BEAT_COLUMN] > 0.5)
        feats = np.concatenate([feats, beat_phase(beats, len(feats))], axis=1)
    return feats


def beat_phase(beat_frames: np.ndarray, frames: int) -> np.ndarray:
    """Beats (in frames, fractional allowed, increasing) -> (frames, 2) sin and cos of the
    phase within the beat at each frame.

    The phase runs linearly from one beat to the next; before the first and after the last
    beat it continues at the median beat period. With fewer than two beats there is no
    clock to read, and both channels are zero.
    """
    beats = np.asarray(beat_frames, dtype=np.float64).ravel()
    if len(beats) < 2:
        return np.zeros((frames, 2), np.float32)
    period = float(np.median(np.diff(beats)))
    t = np.arange(frames, dtype=np.float64)
    index = np.interp(t, beats, np.arange(len(beats)))  # fractional beat count inside
    index = np.where(t < beats[0], (t - beats[0]) / period, index)
    index = np.where(t > beats[-1], len(beats) - 1 + (t - beats[-1]) / period, index)
    angle = 2 * np.pi * index
    return np.stack([np.sin(angle), np.cos(angle)], axis=1).astype(np.float32)


def phase_beats(feats: np.ndarray) -> np.ndarray:
    """Beat frames of (T, 37) music features: where the beat phase (columns 35, 36) wraps,
    each at the nearer of the two frames around the wrap; the beats a model reads."""
    angle = np.arctan2(feats[:, AUDIO_DIM], feats[:, AUDIO_DIM + 1])  # 0 on a beat
    after = np.flatnonzero((angle[:-1] < 0) & (angle[1:] >= 0)
                           & (feats[1:, AUDIO_DIM + 1] > 0)) + 1
    return np.where(-angle[after - 1] < angle[after], after - 1, after)


__all__ = ["AUDIO_DIM", "BEAT_COLUMN", "beat_phase", "fact_music_features", "phase_beats"]
