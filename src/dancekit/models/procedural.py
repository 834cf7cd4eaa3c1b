"""The procedural dancer: the rule-based choreographer of :mod:`dancekit.synth` as a model.

It needs no training and no weights: it tracks the beats of the music
(:func:`dancekit.audio.track_beats`), measures how loud each phrase is to tell calm parts
from full ones, and hands the resulting beat grid to :func:`dancekit.synth.choreograph`.
Every move is timed in beats with its accents on the counts, so the dance follows the music
as well as the beat tracker does.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.models import register_model
from dancekit.models.common import check_seconds, check_seed
from dancekit.motion import Motion
from dancekit.synth.grid import BeatGrid, Section
from dancekit.synth.styles import STYLES, get_style, phrase_beats

MIN_BEATS = 4


@register_model("procedural")
class ProceduralDancer:
    """Rule-based dancer on ``smpl24`` (rotations, root, positions).

    Parameters
    ----------
    fps : float
        Frame rate of the generated motion.
    """

    def __init__(self, fps: float = 30.0) -> None:
        if not fps > 0:
            raise ParameterError(f"fps must be positive, got {fps}")
        self.fps = float(fps)

    @classmethod
    def load_default(cls) -> ProceduralDancer:
        """The dancer itself: there are no weights to load."""
        return cls()

    @property
    def styles(self) -> list[str]:
        """The move vocabularies of the choreographer."""
        return list(STYLES)

    def generate(self, audio: str | os.PathLike | object, *, seconds: float | None = None,
                 seed: int = 0, style: str | None = None,
                 seed_motion: Motion | None = None) -> Motion:
        """Dance to ``audio``.

        Parameters
        ----------
        audio : path or dancekit.audio.Audio
            Any music file :func:`dancekit.audio.load` reads.
        seconds : float, optional
            Length of the dance, 1 s to 2 h; default the length of the music. Longer than
            the music continues at the last tempo.
        seed : int
            0 to 2**32 - 1; same seed, same dance.
        style : str, optional
            Move vocabulary (one of :attr:`styles`: hiphop, house, pop, latin, ballet, or the
            travelling ballroom styles waltz, chacha, rumba, tango); by default the one that
            fits the meter and tempo best (:func:`dancekit.models.style_choice.choose_style`).
        seed_motion : Motion, optional
            ``smpl24`` motion with rotations to continue from.

        Raises
        ------
        ParameterError
            ``seconds`` or ``seed`` out of range.
        AudioDecodeError
            Unreadable, silent or too short audio, or music without a steady beat.
        """
        # The choreographer is imported here, not at the top: every load_model() imports this
        # module to register the model, and the move library takes a fifth of a second to build.
        from dancekit.audio import Music
        from dancekit.models.style_choice import choose_style
        from dancekit.synth.choreographer import choreograph

        seed = check_seed(seed)
        duration = None if seconds is None else check_seconds(seconds)
        song = Music.of(audio)
        music = song.audio
        if duration is None:
            duration = music.duration
        beats = song.beats
        name = _describe(music)
        if len(beats.beats) < MIN_BEATS:
            raise AudioDecodeError(f"no steady beat found in {name}: a dance needs at least "
                                   f"{MIN_BEATS} beats, the tracker found {len(beats.beats)}")
        meter = _meter(beats.beats_per_bar, beats.meter)
        auto = None if style else choose_style(song, self.styles)
        chosen = auto.style if auto else get_style(str(style)).name
        grid = beat_grid(dance_beats(beats.beats, chosen), beats.downbeats, meter, duration,
                         music.samples, music.sr)
        motion = choreograph(grid, chosen, seed=seed, fps=self.fps, start=seed_motion)
        motion.meta.update(model="procedural", audio=name, tempo_bpm=round(grid.tempo, 2),
                           meter=meter, beats=[round(float(b), 4) for b in grid.beats])
        if auto is not None:
            motion.meta["style_auto"] = auto.meta()
        return motion


def dance_beats(beats: np.ndarray, style: str) -> np.ndarray:
    """The beats a style steps on. A ballroom dance keeps its own pace (a waltz is 28 to 30
    bars a minute): where the tracker counted a ballroom song at more than 1.5 times the
    style's fastest tempo it counted the eighth notes (ballroom waltzes and rumbas track at
    163-175 BPM), so every other beat is danced."""
    sty = get_style(style)
    tempo = 60.0 / float(np.median(np.diff(beats)))
    if sty.travels and tempo > 1.5 * sty.tempo[1] and len(beats) >= 2 * MIN_BEATS:
        return beats[::2]
    return beats


def beat_grid(beats: np.ndarray, downbeats: np.ndarray, meter: str, duration: float,
              samples: np.ndarray, sr: int) -> BeatGrid:
    """A :class:`BeatGrid` for tracked music: bars from the downbeats, and one section per
    phrase whose energy is the phrase's loudness relative to the whole piece."""
    beats = np.asarray(beats, dtype=np.float64)
    per_bar = {"3/4": 3, "6/8": 2}.get(meter, 4)
    first = 0
    if len(downbeats):
        first = int(np.argmin(np.abs(beats - downbeats[0]))) % per_bar
    grid = BeatGrid(beats, per_bar, first, duration, meter=meter)
    hop = max(sr // 50, 1)
    frames = len(samples) // hop
    rms = np.sqrt(np.mean(samples[: frames * hop].reshape(frames, hop) ** 2, axis=1) + 1e-12)
    level = 20 * np.log10(rms)
    lo, hi = np.percentile(level, 10), np.percentile(level, 95)
    phrase = phrase_beats(meter)
    sections = []
    pos = float(first)
    start_t = 0.0
    end_pos = float(grid.beat_position(duration))
    while start_t < duration:
        end_t = min(float(grid.time_of(pos + phrase)), duration) if pos + phrase < end_pos \
            else duration
        seg = level[int(start_t * 50): max(int(end_t * 50), int(start_t * 50) + 1)]
        loud = float(np.mean(seg)) if len(seg) else lo
        energy = float(np.clip(0.15 + 0.85 * (loud - lo) / max(hi - lo, 1e-6), 0.0, 1.0))
        sections.append(Section("part", start_t, end_t, energy))
        start_t, pos = end_t, pos + phrase
    return BeatGrid(beats, per_bar, first, duration, sections=tuple(sections), meter=meter)


def _meter(per_bar: int, name: str) -> str:
    if per_bar == 3:
        return "3/4"
    if per_bar == 2 and name.startswith("6/8"):
        return "6/8"
    return "4/4"


def _describe(music: object) -> str:
    path = getattr(music, "path", None)
    return str(path) if isinstance(path, Path) else "the audio"
