"""Music in: load any audio file, the field's music features, and beat tracking.

* :func:`load` / :func:`as_audio` / :class:`Audio`: any format to mono float32;
* :mod:`dancekit.audio.features`: FACT (35-d) and Dance Revolution (438-d) features with a
  disk cache (:func:`cached_features`);
* :mod:`dancekit.audio.beats`: :func:`track_beats` gives tempo, beats, downbeats and meter;
* :class:`Music`: a song analysed once (samples, features, beats), what a dance is made from;
* :func:`click_track`: a metronome signal whose beats are known exactly.

The feature and beat modules import librosa, so they load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from dancekit.audio.clicks import click_track
from dancekit.audio.loading import Audio, as_audio, load
from dancekit.cache_dirs import prepare_numba_cache

prepare_numba_cache()  # before the feature and beat modules import librosa (and numba)

_LAZY = {
    "fact_features": "dancekit.audio.features",
    "dance_revolution_features": "dancekit.audio.features",
    "cached_features": "dancekit.audio.features",
    "Music": "dancekit.audio.features",
    "track_beats": "dancekit.audio.beats",
    "Beats": "dancekit.audio.beats",
    "BeatSettings": "dancekit.audio.beats",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dancekit.audio' has no attribute {name!r}")


__all__ = ["Audio", "BeatSettings", "Beats", "Music", "as_audio", "cached_features",
           "click_track",
           "dance_revolution_features", "fact_features", "load", "track_beats"]
