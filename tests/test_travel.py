"""Learned travel (dancekit.models.travel): features that do not depend on where or which way
a dance is danced, a floor path that follows the dancer's heading, real couples' travel read
back from their movement alone, training through `dancekit train travel`, and `--travel`."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import yaml
from typer.testing import CliRunner

from conftest import DATA
from dancekit.cli import app
from dancekit.errors import ParameterError
from dancekit.models.travel import Travel, TravelConfig, body_motion, floor_velocity
from dancekit.motion import Motion, resample

BALLROOM = DATA / "ballroom"


def _speed(positions: np.ndarray, fps: float) -> float:
    return float(np.linalg.norm(np.diff(positions[:, 0, [0, 2]], axis=0), axis=-1).mean() * fps)


def _turned(positions: np.ndarray, angle: float, shift: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return positions @ R.T + shift


def _real(name: str) -> Motion:
    from dancekit.data.ballroom import ballroom_sequence
    from dancekit.data.sources import smpl_with_rotations

    if not (BALLROOM / name).is_dir():
        pytest.skip(f"real data not found at {BALLROOM / name} (tests read ../shared/data)")
    return resample(smpl_with_rotations(ballroom_sequence(BALLROOM / name).motion), 30.0)


def _on_the_spot(motion: Motion) -> Motion:
    """The dance with its floor path taken away: the same movement without travel."""
    shift = np.zeros((motion.num_frames, 3))
    shift[:, [0, 2]] = motion.positions[:1, 0, [0, 2]] - motion.positions[:, 0, [0, 2]]
    return motion.replace(positions=motion.positions + shift[:, None],
                          root=None if motion.root is None else motion.root + shift)


def test_features_do_not_depend_on_where_or_which_way_the_dance_is_danced():
    rng = np.random.default_rng(0)
    pos = rng.normal(0, 0.3, (40, 24, 3)).cumsum(0) * 0.1
    moved = _turned(pos, 1.1, np.array([3.0, 0.0, -2.0]))
    np.testing.assert_allclose(body_motion(moved, 30.0), body_motion(pos, 30.0), atol=1e-4)
    np.testing.assert_allclose(floor_velocity(moved, 30.0), floor_velocity(pos, 30.0),
                               atol=1e-4)


def test_a_dancer_walking_the_way_it_faces_moves_ahead_in_its_own_frame():
    t = np.arange(30) / 30.0
    pos = np.zeros((30, 24, 3))
    pos[:, 1, 0], pos[:, 2, 0] = 0.1, -0.1  # left hip at +x: facing +z
    pos += np.stack([np.zeros(30), np.ones(30), 0.5 * t], 1)[:, None]
    v = floor_velocity(pos, 30.0)
    np.testing.assert_allclose(v[1:], np.tile([0.0, 0.5], (29, 1)), atol=1e-5)
    # the same walk turned to face +x reads the same
    np.testing.assert_allclose(floor_velocity(_turned(pos, np.pi / 2, 0.0), 30.0)[1:],
                               v[1:], atol=1e-5)


def _constant(velocity: tuple[float, float]) -> Travel:
    """A travel network that always says ``velocity`` (m/s, dancer's frame)."""
    model = Travel(TravelConfig(width=8, layers=1, kernel=3)).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.net[-1].bias.copy_(torch.tensor(velocity))
    return model


def _synthetic_waltz() -> Motion:
    """6 s of a synthetic waltz with rotations (this test needs no real data)."""
    from dancekit.synth.dataset import make_pair

    return make_pair("waltz", seconds=6.0, seed=3).motion


def test_apply_moves_the_dancer_its_own_way_and_changes_nothing_else():
    dance = _synthetic_waltz()
    out = _constant((0.0, 0.4)).apply(dance)
    assert out.meta["travel"] == "learned"
    np.testing.assert_allclose(out.positions[0], dance.positions[0], atol=1e-5)
    np.testing.assert_allclose(out.positions[..., 1], dance.positions[..., 1], atol=1e-5)
    body = out.positions - out.positions[:, :1]
    np.testing.assert_allclose(body, dance.positions - dance.positions[:, :1], atol=1e-4)
    np.testing.assert_array_equal(out.rotations, dance.rotations)
    np.testing.assert_allclose(out.positions[:, 0] - out.root,
                               dance.positions[:, 0] - dance.root, atol=1e-4)
    assert _speed(out.positions, out.fps) == pytest.approx(0.4, rel=0.02)
    # each step goes the way the hips face at that frame
    from dancekit.models.travel import headings

    pos = out.positions.astype(np.float64)
    facing = headings(pos)
    step = np.diff(pos[:, 0, [0, 2]], axis=0)
    ahead = np.stack([-np.sin(facing[1:]), np.cos(facing[1:])], 1)
    assert np.mean(np.sum(step * ahead, axis=1) / np.linalg.norm(step, axis=1)) > 0.99


def test_speed_scale_is_fitted_so_training_dances_travel_their_own_distance():
    """``fit_speed_scale`` on real couples gives the number that, set as ``speed_scale``,
    makes the network's floor speed over those dances sum to theirs; the scale multiplies
    every velocity and checkpoints written before it read as 1. The bundled weights carry
    the scale fitted on all their training dances, two of which are these."""
    travel = Travel.load_default()
    assert travel.config.speed_scale == pytest.approx(1.1194)
    travel.config.speed_scale = 1.0  # the network as trained
    couples = [_real(name)[:900] for name in ("DANCE_C_4", "DANCE_W_1")]
    scale = travel.fit_speed_scale(couples)
    assert 1.0 < scale < 1.5  # a regressor's speed falls short; by a fraction, not a factor

    def total(model: Travel, motion: Motion) -> tuple[float, float]:
        pos = motion.positions
        with torch.no_grad():
            pred = model(torch.from_numpy(body_motion(pos, 30.0))[None])[0, 1:].numpy()
        return (float(np.linalg.norm(pred, axis=1).sum()),
                float(np.linalg.norm(floor_velocity(pos, 30.0)[1:], axis=1).sum()))

    fitted = travel  # the same network, now with the fitted scale
    fitted.config.speed_scale = scale
    sums = np.array([total(fitted, m) for m in couples]).sum(0)
    assert sums[0] == pytest.approx(sums[1], rel=1e-4)
    assert fitted.fit_speed_scale(couples) == pytest.approx(fitted.config.speed_scale,
                                                            rel=1e-4)
    moved = _constant((0.3, 0.4))
    moved.config.speed_scale = 2.0
    out = moved(torch.zeros(1, 5, 144)).detach()
    np.testing.assert_allclose(out.numpy(), np.tile([0.6, 0.8], (1, 5, 1)), rtol=1e-6)
    assert TravelConfig.from_dict({k: v for k, v in TravelConfig().to_dict().items()
                                   if k != "speed_scale"}).speed_scale == 1.0
    with pytest.raises(ParameterError, match="speed_scale"):
        TravelConfig(speed_scale=0.0).validate()


def test_refuses_2d_motion():
    flat = Motion(np.zeros((5, 17, 2), np.float32), 30.0, "coco17")
    with pytest.raises(ParameterError, match="3D"):
        _constant((0.0, 1.0)).apply(flat)


def test_the_bundled_weights_read_real_couples_travel_from_their_movement():
    """Held-out validation couples (the Trainer's split kept them out of the bundled weights'
    training), danced on the spot: the learned floor path travels about as fast as theirs."""
    travel = Travel.load_default()
    for name, low, high in (("DANCE_W_6", 0.75, 1.25), ("DANCE_R_8", 0.7, 1.25)):
        real = _real(name)[:1800]
        out = travel.apply(_on_the_spot(real))
        ratio = _speed(out.positions, 30.0) / _speed(real.positions, 30.0)
        assert low < ratio < high, (name, ratio)


@pytest.mark.slow
def test_train_travel_then_dance_with_it(tmp_path, monkeypatch):
    """`dancekit train travel` on a small synthetic set, then `dancekit dance --travel RUN`:
    the trainer's loop, checkpoint and the pipeline's use of a travel checkpoint."""
    from dancekit.synth.dataset import write_dataset

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "synth"
    write_dataset(data, 3, seed=5, styles=["house", "waltz"], seconds=6.0, show_progress=False)
    cfg = tmp_path / "tiny.yaml"
    cfg.write_text(yaml.safe_dump({"model": {"width": 16, "layers": 1, "window_frames": 60},
                                   "train": {"batch_size": 4, "val_fraction": 0.34,
                                             "val_every": 4, "val_samples": 2,
                                             "checkpoint_every": 4, "warmup_steps": 1,
                                             "steps": 4}}))
    run = tmp_path / "run"
    res = CliRunner().invoke(app, ["train", "travel", "--data", str(data), "--out", str(run),
                                   "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "speed_ratio" in res.stdout and "velocity_error" in res.stdout
    out = tmp_path / "dance.npz"
    song = next(data.glob("*.wav"))
    res = CliRunner().invoke(app, ["dance", str(song), "-o", str(out), "--model", "procedural",
                                   "--seconds", "4", "--travel", str(run / "model.safetensors"),
                                   "--quiet"])
    assert res.exit_code == 0, res.output
    assert "travel learned from real dancers" in res.stdout


@pytest.mark.parametrize("travel, model, message", [
    ("walk", "procedural", "travel must be one of"),
    ("{missing}", "procedural", "travel must be one of"),
    ("learned", "dancenet", "no floor path"),  # refused before any dancing
])
def test_bad_travel_is_one_line_and_exit_2(tmp_path, travel, model, message):
    song = tmp_path / "song.wav"
    import soundfile as sf

    sf.write(song, np.zeros(22050 * 2, np.float32), 22050)
    out = tmp_path / "d.npz"
    res = CliRunner().invoke(app, ["dance", str(song), "-o", str(out), "--model", model,
                                   "--travel", travel.format(missing=tmp_path / "no.safetensors"),
                                   "--quiet"])
    assert res.exit_code == 2 and message in res.stderr, res.output
    assert not out.exists()
