"""Ballroom sequences re-timed to their music by the measured table (dancekit.data.ballroom)."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit import DataFormatError
from dancekit.audio import track_beats
from dancekit.data.ballroom import ballroom_pair, beat_lock, timing_table
from dancekit.io import load_ballroom


@pytest.mark.slow
@pytest.mark.parametrize("name", ["DANCE_R_4", "DANCE_R_8"])
def test_retimed_pair_follows_the_beat_better_than_the_raw_pairing(ballroom_dir, name):
    """Today's pairing (25 fps from the song's start) against the measured map: the dance's
    speed locks to the beat far more strongly once re-timed."""
    pair = ballroom_pair(ballroom_dir / name)
    beats = track_beats(pair.audio).beats
    raw = load_ballroom(ballroom_dir / name)
    entry = timing_table()[name]
    cycle = 2  # both dance a movement cycle per two beats (the study's m)
    fixed = beat_lock(pair.motion, beats - pair.start, cycle)
    before = beat_lock(raw, beats, cycle)
    assert fixed > 5.0 and fixed > 2 * before
    assert pair.motion.fps == 25.0
    assert pair.end - pair.start == pytest.approx(raw.num_frames / 25 * entry["rate"], rel=1e-6)


def test_dropped_and_unpaired_sequences_are_refused_with_the_reason(ballroom_dir):
    assert timing_table()["DANCE_T_5"]["verdict"] == "drop"
    with pytest.raises(DataFormatError, match="DANCE_T_5: dropped.*no map locks"):
        ballroom_pair(ballroom_dir / "DANCE_T_5")
    with pytest.raises(DataFormatError, match="DANCE_W_13: no audio"):
        ballroom_pair(ballroom_dir / "DANCE_W_13")


def test_beat_lock_tells_a_dance_on_the_beat_from_one_off_it():
    """An arm swinging twice per second locks to a 120 BPM grid and not to a 100 BPM one."""
    from dancekit.motion import Motion

    t = np.arange(1500) / 25
    arm = np.sin(2 * np.pi * t)[:, None, None] * np.array([1.0, 0.0, 0.0])
    motion = Motion(np.repeat(arm, 23, axis=1).astype(np.float32), 25.0, "ballroom23")
    on = beat_lock(motion, np.arange(0, 60, 0.5), cycle=1)
    off = beat_lock(motion, np.arange(0, 60, 0.6), cycle=1)
    assert on > 10 * off
    assert on > 15
