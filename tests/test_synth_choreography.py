"""The choreographer on synthesised music: it dances on the beat, keeps planted feet still,
stays on the floor, within joint limits and with constant bones; sequencing follows the
phrases and sections; same seed, same dance."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit.metrics import beat_align_score
from dancekit.motion.kinematics import forward_kinematics
from dancekit.synth import MOVES, STYLES, BeatGrid, choreograph, make_pair
from dancekit.synth.choreographer import FLOOR
from dancekit.synth.ik import SIDES
from dancekit.synth.poses import limit_violations
from dancekit.synth.styles import phrase_beats


@pytest.fixture(scope="module")
def pairs() -> dict:
    return {style: make_pair(style, seconds=20, seed=4) for style in STYLES}


@pytest.mark.parametrize("style", list(STYLES))
def test_physically_sound(style: str, pairs: dict) -> None:
    m = pairs[style].motion
    assert m.skeleton.name == "smpl24" and m.fps == 30 and m.num_frames == 600
    assert np.isfinite(m.positions).all() and m.has_rotations
    # Positions are FK of the rotations, so bones keep their rest length.
    np.testing.assert_allclose(forward_kinematics(m.rotations, m.root, m.skeleton),
                               m.positions, atol=1e-4)
    bones = np.linalg.norm(m.positions[:, 1:] - m.positions[:, list(m.skeleton.parents[1:])],
                           axis=-1)
    assert np.ptp(bones, axis=0).max() < 1e-4
    assert limit_violations(m.rotations, tolerance_deg=2.0) == {}
    state = np.array(m.meta["contacts"])                    # 0 air, 1 flat, 2 ball of foot
    contacts = state > 0
    feet = m.positions[:, [j for s in SIDES for j in (s["ankle"], s["toe"])], 1]
    assert feet.min() > -0.01                               # nothing under the floor
    for side, s in enumerate(SIDES):
        flat = (state[1:, side] == 1) & (state[:-1, side] == 1)
        down = contacts[1:, side] & contacts[:-1, side]
        for joint, frames in ((s["ankle"], flat), (s["toe"], down)):
            # A planted foot does not slide; on the ball of the foot the heel may turn round.
            step = np.linalg.norm(np.diff(m.positions[:, joint, [0, 2]], axis=0), axis=-1)
            if frames.any():    # a waltz may stay on the balls of its feet for 20 s
                assert np.percentile(step[frames] * m.fps, 95) < 0.02
        low = np.minimum(m.positions[:, s["ankle"], 1], m.positions[:, s["toe"], 1])
        assert np.abs(low[contacts[:, side]]).max() < 0.02  # planted feet touch the floor
    # The dancer stays near the middle of the floor, or for ballroom, on the ballroom floor.
    if STYLES[style].travels:
        assert (np.abs(m.root[:, [0, 2]]) < np.array(FLOOR) + 0.5).all()
    else:
        assert np.abs(m.root[:, [0, 2]]).max() < 1.0


def test_kinematic_beats_fall_on_the_music_beats(pairs: dict) -> None:
    rng = np.random.default_rng(0)
    true, shifted, shuffled = [], [], []
    for pair in pairs.values():
        beats = np.array(pair.song.truth["beats"])
        ibi = np.diff(beats)
        true.append(beat_align_score(pair.motion, beats))
        shifted.append(beat_align_score(pair.motion, beats + np.median(ibi) / 2))
        # Same intervals, random order and start: a grid with the same tempo but no relation.
        fake = np.cumsum(rng.permutation(ibi)) + rng.uniform(0, np.median(ibi))
        shuffled.append(beat_align_score(pair.motion, fake))
    assert np.mean(true) > 0.5
    assert np.mean(true) > np.mean(shifted) + 0.3
    assert np.mean(true) > np.mean(shuffled) + 0.2
    assert min(true) > max(shifted)


def test_same_seed_same_dance() -> None:
    a = make_pair("hiphop", seconds=8, seed=9)
    b = make_pair("hiphop", seconds=8, seed=9)
    c = make_pair("hiphop", seconds=8, seed=10)
    np.testing.assert_array_equal(a.motion.rotations, b.motion.rotations)
    np.testing.assert_array_equal(a.motion.positions, b.motion.positions)
    assert not np.array_equal(a.motion.rotations, c.motion.rotations)


def _grid(bpm: float, seconds: float, meter: str = "4/4") -> BeatGrid:
    per_bar = {"4/4": 4, "3/4": 3, "6/8": 2}[meter]
    return BeatGrid(np.arange(0, seconds, 60 / bpm), per_bar, 0, seconds, meter=meter)


@pytest.mark.parametrize("bpm", [72, 150])
def test_moves_stretch_with_the_tempo(bpm: float) -> None:
    grid = _grid(bpm, 16)
    m = choreograph(grid, "pop", seed=1)
    assert beat_align_score(m, grid.beats) > 0.45
    assert beat_align_score(m, grid.beats + 30 / bpm) < 0.3


def test_sequencing_follows_phrases_style_and_sections() -> None:
    mirrored = 0
    energy: dict[str, list[int]] = {}
    for seed in range(6):
        pair = make_pair("house", seconds=40, seed=seed)
        placed = pair.motion.meta["moves"]
        names = [p["move"].rstrip("~") for p in placed]
        assert all(a != b for a, b in zip(names, names[1:], strict=False))
        assert all("house" in MOVES[n].styles for n in names)
        mirrored += sum(p["move"].endswith("~") for p in placed)
        starts = [p["start_beat"] for p in placed]
        assert all(b - a == p["beats"] for a, b, p in zip(starts, starts[1:], placed, strict=False))
        # Moves never straddle a phrase boundary.
        phrase = phrase_beats("4/4")
        assert all(s // phrase == (s + p["beats"] - 1) // phrase for s, p in zip(starts, placed,
                                                                                strict=True))
        for p in placed:
            section = pair.song.grid.section_at(p["start"])
            energy.setdefault(section.label, []).append(MOVES[p["move"].rstrip("~")].energy)
    assert mirrored > 0
    assert np.mean(energy["chorus"]) > np.mean(energy["break"]) + 0.5
    assert np.mean(energy["chorus"]) > np.mean(energy["intro"]) + 0.5


def test_waltz_in_three_and_continuing_from_a_motion() -> None:
    grid = _grid(90, 12, "3/4")
    first = choreograph(grid, "waltz", seed=2)
    assert all(p["beats"] in (3, 6) for p in first.meta["moves"])
    follow = choreograph(grid, "waltz", seed=3, start=first)
    # The new dance starts where and how the old one ended.
    np.testing.assert_allclose(follow.root[0, [0, 2]], first.root[-1, [0, 2]], atol=1e-6)
    assert np.abs(follow.positions[0] - first.positions[-1]).max() < 0.05


def test_a_style_in_a_meter_it_has_no_moves_for() -> None:
    """A waltz to 4/4 music keeps its own 6-count phrases and still dances on the beat."""
    grid = _grid(110, 14, "4/4")
    m = choreograph(grid, "waltz", seed=0)
    assert all(p["beats"] in (3, 6) for p in m.meta["moves"])
    assert beat_align_score(m, grid.beats) > 0.5
