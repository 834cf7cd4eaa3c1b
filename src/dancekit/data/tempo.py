"""Tempo augmentation: a training pair played faster or slower, music and dance alike.

Why: real dance data is scarce (the ballroom capture is 22 minutes), and a couple dancing the
same figures to a song 10 % faster is still a couple dancing to that song. Stretching the
music in time without changing its pitch (librosa's phase vocoder) and re-timing the dance by
the same factor gives the model the same moves on other beats per minute, with every beat of
the dance still on a beat of the music. The stretched song lives in memory (its features are
cached by content), so nothing is written beside the data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

import librosa
import numpy as np

from dancekit.audio.loading import Audio, as_audio
from dancekit.data.sources import Pair

# seconds of music kept on each side of the dance: context for the beat tracker and the
# onset envelope at the dance's first and last beats
MARGIN = 5.0


def retimed(pair: Pair, rate: float) -> Pair:
    """``pair`` played ``rate`` times as fast (above 1 faster): the music under the dance
    (with :data:`MARGIN` either side; a ballroom dance covers a minute of a four-minute song)
    time-stretched at its own sample rate, the dance's frames shown ``rate`` times as often,
    its start in the music moved with it. Named ``<name>@<rate>x`` so it never collides
    with a real sequence."""
    music = as_audio(pair.audio)
    first = max(0.0, pair.start - MARGIN)
    last = pair.start + pair.motion.num_frames / pair.motion.fps + MARGIN
    y = music.samples[int(first * music.sr):int(np.ceil(last * music.sr))]
    stretched = librosa.effects.time_stretch(y, rate=rate)
    audio = Audio.from_array(np.clip(stretched, -1.0, 1.0), music.sr)
    motion = dataclasses.replace(pair.motion, fps=pair.motion.fps * rate,
                                 meta={**pair.motion.meta, "tempo": rate})
    return dataclasses.replace(pair, name=f"{pair.name}@{rate:g}x", motion=motion,
                               audio=audio, start=(pair.start - first) / rate)


def tempo_copies(pairs: Iterable[Pair], rates: list[float]) -> Iterator[Pair]:
    """Each pair at each rate, one at a time (a stretched song is only held while its pair
    is encoded)."""
    for pair in pairs:
        for rate in rates:
            yield retimed(pair, rate)
