"""Tempo augmentation: a pair played faster or slower keeps its dance on the music's beats."""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from dancekit.audio.features import tracked_beats
from dancekit.audio.loading import as_audio
from dancekit.data import Pair
from dancekit.data.tempo import MARGIN, retimed, tempo_copies
from dancekit.motion import Motion

SONG = "dev03_berlin_alexanders_ragtime_band"


def _pair(audio, start: float = 8.0, seconds: float = 12.0, fps: float = 30.0) -> Pair:
    frames = int(seconds * fps)
    rng = np.random.default_rng(0)
    positions = rng.normal(0, 0.3, (frames, 24, 3)) + [0, 1, 0]
    return Pair("music/ragtime", Motion(positions, fps, "smpl24"), audio, "pop", start)


@pytest.mark.parametrize("rate", [0.8, 1.25])
def test_retimed_pair_keeps_the_annotated_beats_under_the_dance(music_dir, rate):
    """On a real recording with annotated beats, dancekit's tracker finds the beats of the
    stretched music where the annotation, moved by the same re-timing as the dance, puts
    them: as well as it finds them in the original (F-measure within 0.05, at least 0.9)."""
    pair = _pair(music_dir / f"{SONG}.ogg")
    truth = np.loadtxt(music_dir / f"{SONG}.beats.txt", ndmin=2)[:, 0]
    fast = retimed(pair, rate)
    first = pair.start - MARGIN
    moved = (truth - first) / rate
    dance = (fast.start, fast.start + fast.motion.num_frames / fast.motion.fps)
    inside = moved[(moved >= dance[0]) & (moved <= dance[1])]
    found = tracked_beats(fast.audio)
    found = found[(found >= dance[0]) & (found <= dance[1])]
    score = mir_eval.beat.f_measure(inside, found)

    song = as_audio(pair.audio)
    piece = song.samples[int(first * song.sr):int((pair.start + 12 + MARGIN) * song.sr)]
    base_found = tracked_beats(type(song).from_array(piece, song.sr)) + first
    keep = (truth >= pair.start) & (truth <= pair.start + 12)
    base = mir_eval.beat.f_measure(
        truth[keep], base_found[(base_found >= pair.start) & (base_found <= pair.start + 12)])
    assert score >= 0.9 and score >= base - 0.05, (score, base)


def test_retimed_pair_shows_the_same_frames_faster_and_leaves_the_original(music_dir):
    pair = _pair(music_dir / f"{SONG}.ogg")
    before = pair.motion.positions.copy()
    fast = retimed(pair, 1.25)
    assert fast.name == "music/ragtime@1.25x" and fast.style == "pop"
    assert fast.motion.fps == pytest.approx(37.5) and fast.motion.meta["tempo"] == 1.25
    np.testing.assert_array_equal(fast.motion.positions, before)
    assert fast.start == pytest.approx(MARGIN / 1.25)
    # the music under the dance, with the margin either side, lasts 1 / rate as long
    assert fast.audio.duration == pytest.approx((12 + 2 * MARGIN) / 1.25, abs=0.05)
    assert pair.motion.fps == 30.0 and pair.start == 8.0 and pair.name == "music/ragtime"
    np.testing.assert_array_equal(pair.motion.positions, before)
    # a dance at the start of its song keeps what music there is before it (none)
    early = retimed(_pair(music_dir / f"{SONG}.ogg", start=2.0), 0.8)
    assert early.start == pytest.approx(2.0 / 0.8)
    assert [p.name for p in tempo_copies([pair], [0.9, 1.1])] == ["music/ragtime@0.9x",
                                                                  "music/ragtime@1.1x"]
