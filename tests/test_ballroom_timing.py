"""Ballroom sequences re-timed to their music by the measured table (dancekit.data.ballroom)."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit import DataFormatError
from dancekit.audio import track_beats
from dancekit.data.ballroom import ballroom_pair, ballroom_sequence, beat_lock, timing_table
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


def test_every_sequence_gets_a_clock_and_says_where_it_came_from(ballroom_dir):
    """Measured maps where the table has them; waltz on its config span (about 4.3 source
    frames of music per motion frame), the rest at the stated 25 fps from their start."""
    from dancekit.data.ballroom import sequence_clock

    clocks = {n: sequence_clock(load_ballroom(ballroom_dir / n))
              for n in ("DANCE_R_4", "DANCE_W_1", "DANCE_C_4", "DANCE_T_5")}
    assert clocks["DANCE_R_4"].source == "measured"
    assert clocks["DANCE_R_4"].rate == timing_table()["DANCE_R_4"]["rate"]
    assert clocks["DANCE_W_1"].source == "config"
    assert clocks["DANCE_W_1"].rate == pytest.approx(1439 / 340)
    assert (clocks["DANCE_C_4"].source, clocks["DANCE_C_4"].rate) == ("stated", 1.0)
    assert clocks["DANCE_C_4"].offset == pytest.approx(385 / 25)


def test_on_their_clocks_waltz_and_latin_move_alike(ballroom_dir):
    """The reason for waltz's clock: at the stated 25 fps its joints move 2.7x faster than
    any rumba's; on its config clock the genres' mean joint speeds agree within 1.6x."""

    def joint_speed(motion):
        return float(np.linalg.norm(np.diff(motion.positions, axis=0), axis=-1).mean()
                     * motion.fps)

    waltz = ballroom_sequence(ballroom_dir / "DANCE_W_1").motion
    rumba = ballroom_sequence(ballroom_dir / "DANCE_R_3").motion
    raw_waltz = load_ballroom(ballroom_dir / "DANCE_W_1")
    assert joint_speed(raw_waltz) > 2.5 * joint_speed(rumba)
    assert 1 / 1.6 < joint_speed(waltz) / joint_speed(rumba) < 1.6
    assert waltz.meta["timing"]["source"] == "config"


def test_test_split_follows_its_rule(ballroom_dir):
    """TEST_SEQUENCES is the written rule: per genre round(n/4) lowest SHA-1 names among the
    sequences whose audio decodes; no genre with one sequence loses it."""
    import hashlib

    from dancekit.audio import load
    from dancekit.data.ballroom import TEST_SEQUENCES
    from dancekit.errors import AudioDecodeError

    def decodes(name):
        try:
            load(ballroom_dir / name / "audio.mp3", sr=8000)
        except AudioDecodeError:
            return False
        return True

    by_genre: dict[str, list[str]] = {}
    for name in sorted(timing_table()):
        by_genre.setdefault(name.split("_")[1], []).append(name)
    chosen = []
    for names in by_genre.values():
        ranked = sorted(names, key=lambda n: hashlib.sha1(n.encode()).hexdigest())
        k = round(len(names) / 4)
        ranked = [n for n in ranked[:k + 2] if decodes(n)]
        chosen += ranked[:k]
    assert sorted(chosen) == sorted(TEST_SEQUENCES)
    assert not any(n.startswith("DANCE_T") for n in TEST_SEQUENCES)


def test_training_pairs_start_where_the_dance_does_with_a_bounded_retarget_error(
        ballroom_dir):
    """Every ballroom training pair is on SMPL-24 with rotations, starts at its clock's
    offset into the song, and the template skeleton stays within 13 cm (mean) of the mapped
    joints: the dancer's bones are not SMPL's (thigh 53 cm against 39)."""
    from dancekit.data import load_ballroom as load_pairs

    pairs = {p.name.split("/")[-1]: p for p in load_pairs(ballroom_dir)}
    assert len(pairs) == 36  # four waltzes have no audio
    assert pairs["DANCE_R_4"].start == pytest.approx(timing_table()["DANCE_R_4"]["offset_s"])
    assert pairs["DANCE_W_4"].start == pytest.approx(132 / 25)
    assert pairs["DANCE_W_4"].motion.fps == pytest.approx(25 * 328 / (1560 - 132))
    errors = [p.motion.meta["retarget_error_m"] for p in pairs.values()]
    assert all(p.motion.skeleton.name == "smpl24" and p.motion.rotations is not None
               for p in pairs.values())
    assert 0.05 < np.mean(errors) and max(errors) < 0.13


def test_every_sequence_stands_on_a_level_floor(ballroom_dir):
    """The capture's floor rises up to 0.47 m within a sequence; on its clock each sequence
    has that taken out: the lowest joint's low heights are the same in every fifth of the
    dance (within 2 cm, against up to 0.45 m as read), and the body's height over its
    lowest joint is untouched."""
    drifts = []
    for folder in sorted(ballroom_dir.glob("DANCE_*")):
        if not (folder / "audio.mp3").is_file():
            continue
        levelled = ballroom_sequence(folder).motion
        raw = load_ballroom(folder)
        drifts.append(levelled.meta["floor_drift_m"])
        lowest = levelled.positions[..., 1].min(axis=1)
        fifths = [np.percentile(part, 5) for part in np.array_split(lowest, 5)]
        assert np.ptp(fifths) < 0.02, folder.name
        assert abs(np.median(fifths)) < 0.01, folder.name
        np.testing.assert_allclose(
            levelled.positions[..., 1] - lowest[:, None],
            raw.positions[..., 1] - raw.positions[..., 1].min(axis=1)[:, None], atol=1e-6)
    assert len(drifts) >= 36 and max(drifts) > 0.3
