"""``protocol="bailando"`` as Bailando's scripts run on the float32 arrays they read.

The scripts translate each clip to its root's first position in float32, find kinematic beats
on a float32 speed envelope, cut generated clips at 1200 frames and take the real set's
features from whole clips. The cases here are built where float64 arithmetic would answer
differently: a wrist step at the geometric speed threshold, and two equal neighbouring values
of the smoothed envelope at a minimum. ``corrected`` must not be touched by any of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from scipy.signal import argrelextrema

from dancekit import Motion
from dancekit.metrics import (
    beat_align_score,
    diversity,
    evaluate,
    geometric_features,
    kinematic_beats,
    kinetic_features,
    motion_features,
    normalize_by_reference,
)
from dancekit.metrics.geometric import PUBLISHED_STEP, body_sizes

BALLROOM = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"
FAST_RWRIST = 12  # geometric feature: right wrist faster than 2.5 humerus lengths per second
RWRIST, ROOT = 21, 0


@pytest.fixture(scope="module")
def dances() -> dict[str, Motion]:
    """Real ballroom dances on SMPL-24 at AIST++'s 60 fps, float32 as every Motion."""
    if not BALLROOM.exists():
        pytest.skip(f"real data not found at {BALLROOM} (tests read ../shared/data)")
    from dancekit.io import load_ballroom
    from dancekit.motion.mapping import retarget
    from dancekit.motion.processing import resample
    names = ("DANCE_R_4", "DANCE_C_2", "DANCE_W_4", "DANCE_C_7", "DANCE_R_6")
    return {n: resample(retarget(load_ballroom(BALLROOM / n), "smpl24"), 60.0) for n in names}


def zero_start(positions: np.ndarray, dtype: type) -> np.ndarray:
    """Bailando's root translation done in ``dtype``."""
    pos = positions.astype(dtype)
    return pos - pos[:1, :1]


# --- root zeroing in float32 ----------------------------------------------------------------
def threshold_case(dances: dict[str, Motion], frames: int = 61) -> np.ndarray:
    """A real pose held still, root starting at (-0.15, y, 0.1) as an off-centre AIST++ dancer
    may, whose right wrist steps once along x by a float32 amount that is at most the speed
    threshold in exact arithmetic but above it once the root is subtracted in float32."""
    pose = dances["DANCE_R_4"].positions[0].astype(np.float64)
    pose = (pose - pose[ROOT] * [1, 0, 1] + [-0.15, 0.0, 0.1]).astype(np.float32)
    limit = 2.5 * body_sizes()["hl"]
    x0, r = pose[RWRIST, 0], pose[ROOT, 0]
    guess = np.float32(x0 + limit * PUBLISHED_STEP)
    for k in range(-64, 65):
        x1 = guess + np.float32(k) * np.spacing(guess)
        exact = (float(x1) - float(x0)) / PUBLISHED_STEP
        rounded = (float(np.float32(x1 - r)) - float(np.float32(x0 - r))) / PUBLISHED_STEP
        if exact <= limit < rounded:
            break
    else:
        raise AssertionError("no float32 step straddles the threshold near this pose")
    pos = np.repeat(pose[None], frames, axis=0)
    pos[frames // 2:, RWRIST, 0] = x1
    return pos


def test_root_zeroing_in_float32_moves_a_wrist_over_the_speed_threshold(dances):
    pos = threshold_case(dances)
    step_share = 1.0 / (len(pos) - 1)
    _, g = motion_features([Motion(pos, 60.0, "smpl24")], protocol="bailando")
    as_scripts = geometric_features(zero_start(pos, np.float32), protocol="fact")
    in_float64 = geometric_features(zero_start(pos, np.float64), protocol="fact")
    np.testing.assert_array_equal(g[0], as_scripts)
    assert g[0, FAST_RWRIST] == pytest.approx(step_share)
    assert in_float64[FAST_RWRIST] == 0.0  # the case sits at the threshold: float64 says slow
    np.testing.assert_array_equal(np.delete(g[0], FAST_RWRIST), np.delete(in_float64,
                                                                           FAST_RWRIST))


def test_corrected_features_use_the_clip_as_given(dances):
    long = dances["DANCE_R_4"]
    for real in (False, True):
        k, g = motion_features([long], protocol="corrected", real=real)
        np.testing.assert_array_equal(k[0], kinetic_features(long.positions, fps=60.0))
        np.testing.assert_array_equal(g[0], geometric_features(long.positions, fps=60.0))
    pos = threshold_case(dances)
    _, g = motion_features([Motion(pos, 60.0, "smpl24")], protocol="corrected")
    np.testing.assert_array_equal(g[0], geometric_features(pos.astype(np.float64), fps=60.0))


# --- frames the features see ----------------------------------------------------------------
def test_generated_clips_are_cut_at_1200_frames_real_clips_are_not(dances):
    long = dances["DANCE_R_4"]
    assert long.num_frames > 2 * 1200
    gen_k, gen_g = motion_features([long], protocol="bailando")
    head_k, head_g = motion_features([long[:1200]], protocol="bailando")
    np.testing.assert_array_equal(gen_k, head_k)
    np.testing.assert_array_equal(gen_g, head_g)
    real_k, real_g = motion_features([long], protocol="bailando", real=True)
    whole = zero_start(long.positions, np.float32)
    np.testing.assert_array_equal(real_k[0], kinetic_features(whole, protocol="bailando"))
    np.testing.assert_array_equal(real_g[0], geometric_features(whole, protocol="bailando"))
    assert np.abs(real_k - gen_k).max() > 1e-3 * np.abs(gen_k).max()


def test_evaluate_takes_real_features_from_every_frame(dances):
    real = [dances[n] for n in ("DANCE_R_4", "DANCE_C_2", "DANCE_W_4")]
    generated = [dances[n] for n in ("DANCE_C_7", "DANCE_R_6")]
    assert sum(m.num_frames > 1200 for m in real) == 2
    report = evaluate(generated, real, protocol="bailando", bootstrap=0)

    def div_real(features: np.ndarray) -> float:
        return diversity(normalize_by_reference(features)[0])

    whole = motion_features(real, protocol="bailando", real=True)[0]
    cut = motion_features(real, protocol="bailando")[0]
    assert report["metrics"]["div_k_real"]["value"] == pytest.approx(div_real(whole), rel=1e-6)
    assert div_real(cut) != pytest.approx(div_real(whole), rel=1e-3)


# --- kinematic beats on a float32 envelope --------------------------------------------------
TIE, BEATS = 29, (80, 125)  # envelope indices: a dip centred between 29 and 30, two on 80, 125


def swing_with_a_tied_dip() -> tuple[np.ndarray, np.ndarray]:
    """One joint swinging along x, turning (slowest) at three dips of its step length.

    Steps are multiples of 2^-24 m, so float32 positions and their differences are exact and
    the float32 and float64 step lengths agree bit for bit. The first dip is symmetric about
    29.5, then one step 16 frames away grows by 2^-24 m: the smoothed float64 envelope gets
    a strict minimum there, the float32 one two equal values. Returns (positions (151, 1, 3)
    float32, step lengths float64).
    """
    t = np.arange(150.0)
    centres = (TIE + 0.5, *BEATS)
    near = np.min([np.abs(t - c) for c in centres], axis=0)
    steps = np.round((0.002 + 0.006 * (1 - np.exp(-near ** 2 / 72.0))) * 2.0 ** 24) / 2.0 ** 24
    steps[TIE + 16] += 2.0 ** -24
    turn = np.searchsorted(np.array(centres), t) % 2 * 2 - 1  # direction flips at each dip
    x = np.concatenate([[-0.25], -0.25 + np.cumsum(turn * steps)])
    pos = np.zeros((x.size, 1, 3), dtype=np.float32)
    pos[:, 0, 0] = x
    assert np.array_equal(pos[:, 0, 0].astype(np.float64), x)  # exact in float32
    return pos, steps


def test_equal_neighbours_of_the_float32_envelope_are_no_beat():
    pos, steps = swing_with_a_tied_dip()
    in_float64 = argrelextrema(gaussian_filter1d(steps, 5.0), np.less)[0]
    assert sorted(in_float64) in ([TIE, *BEATS], [TIE + 1, *BEATS])
    env32 = gaussian_filter1d(steps.astype(np.float32), 5.0)
    assert env32[TIE] == env32[TIE + 1]

    for given in (pos, pos.astype(np.float64)):  # both as the scripts see them: float32
        beats = kinematic_beats(given, fps=60.0, protocol="bailando")
        np.testing.assert_array_equal(np.round(beats * 60.0), BEATS)

    music = np.array([TIE + 1, *BEATS]) / 60.0
    expected = (np.exp(-(BEATS[0] - TIE - 1) ** 2 / 18.0) + 2.0) / 3.0
    assert beat_align_score(pos, music, fps=60.0, protocol="bailando") == pytest.approx(
        expected, rel=1e-12)


def test_corrected_beats_do_not_depend_on_the_input_precision(dances):
    for m in dances.values():
        np.testing.assert_array_equal(kinematic_beats(m),
                                      kinematic_beats(m.positions.astype(np.float64), fps=m.fps))
