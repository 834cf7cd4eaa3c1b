"""Motion transfer (Everybody Dance Now): the pose normalisation on real 2D keypoints, the
networks' shapes, a training run on a tiny video made here from a known dance (its 2D
keypoints known exactly), exact resume, and `dancekit transfer` from a motion file and a
song. The detector is not needed: the video's poses come from a file, as
`dancekit train transfer --poses` takes them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from dancekit.cli import app
from dancekit.errors import ParameterError
from dancekit.io import load_motion, save_motion
from dancekit.metrics.frames import body_flicker, body_ssim, flicker, ssim
from dancekit.models.transfer import MotionTransfer, TransferConfig
from dancekit.models.transfer.perform import driving_poses
from dancekit.models.transfer.training import disc_input, generate_window, split_batch
from dancekit.motion import Motion, get_skeleton
from dancekit.motion.framing import framing, normalize_to_target
from dancekit.synth.dataset import make_pair
from dancekit.video.backend import detector_available
from dancekit.video.frames import load_video, probe_video
from transfer_fixture import TINY, write_target

DEMO_SONG = Path(__file__).resolve().parents[1] / "src" / "dancekit" / "assets" / \
    "demo_song.ogg"


def _cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def _aist_view(folder: Path, view: int) -> Motion:
    return load_motion(folder / "gBR_sBM_cAll_d04_mBR0_ch01.pkl", view=view)


# --- pose normalisation ------------------------------------------------------------------------
def test_a_zoomed_and_shifted_camera_is_matched_exactly(aist2d_dir):
    """Real keypoints against the same dance filmed by a camera 0.4x as zoomed and moved: the
    normalisation is linear in the ankle row, so it must recover the second framing exactly."""
    source = _aist_view(aist2d_dir, 0)
    target = Motion(source.positions * 0.4 + np.array([300.0, -50.0], np.float32), source.fps,
                    source.skeleton, confidence=source.confidence,
                    meta={"image_size": [768, 432]})
    out = normalize_to_target(source, target)
    assert np.abs(out.positions - target.positions).max() < 0.05
    assert out.meta["image_size"] == [768, 432]


def test_real_views_are_brought_to_the_target_view_framing(aist2d_dir):
    """View 1 of an AIST++ dance normalised to view 5 (another camera, another distance)
    stands where, and as tall as, the dancer stands in view 5."""
    source, target = _aist_view(aist2d_dir, 0), _aist_view(aist2d_dir, 4)
    before, goal = framing(source), framing(target)
    after = framing(normalize_to_target(source, target))
    tall = goal.height_near
    assert abs(before.height_near - tall) > 0.05 * tall  # the two views do differ
    for field in ("ankle_near", "ankle_far", "centre_x"):
        assert abs(getattr(after, field) - getattr(goal, field)) < 0.03 * tall, field
    assert after.height_near == pytest.approx(goal.height_near, rel=0.03)


def test_a_dancer_who_stays_at_one_depth_stands_on_the_target_median_row(aist2d_dir):
    source = _aist_view(aist2d_dir, 0)
    still = source.positions.copy()
    ankles = [source.skeleton.joints.index(n) for n in ("left_ankle", "right_ankle")]
    still[..., 1] += 500.0 - still[:, ankles, 1].max(axis=1, keepdims=True)  # ankles on a row
    out = normalize_to_target(Motion(still, source.fps, source.skeleton,
                                     confidence=source.confidence), _aist_view(aist2d_dir, 4))
    rows = out.positions[:, ankles, 1].max(axis=1)
    assert np.ptp(rows) < 1e-3
    assert rows[0] == pytest.approx(framing(_aist_view(aist2d_dir, 4)).ankle_median, abs=1e-3)


def test_a_3d_motion_is_refused_by_the_2d_normalisation():
    dance = make_pair("hiphop", seconds=2, seed=0).motion
    with pytest.raises(ParameterError, match="2D"):
        normalize_to_target(dance, dance)


def test_a_bvh_rig_drives_the_model_by_its_joint_names(bvh_file):
    """A BVH has its own skeleton, without a registered mapping: its joints are found by the
    usual rig names, and its dance lands in the target's framing."""
    model = MotionTransfer(TransferConfig(**TINY))
    goal = [40.0, 36.0, 30.0, 26.0, 32.0, 38.0]  # near/far ankle rows and heights, centre
    model.target_framing.copy_(torch.tensor(goal, dtype=torch.float64))
    dance = load_motion(bvh_file)
    rows = driving_poses(model, dance)
    names = get_skeleton("body25").joints
    conf = rows[0, :, 2]
    assert rows.shape == (len(dance), 25, 3)
    assert conf[[names.index(j) for j in ("left_ankle", "right_knee", "neck", "nose")]].min() == 1
    assert conf[[names.index(j) for j in ("left_eye", "right_heel")]].max() == 0
    ankle_rows = rows[:, [names.index("left_ankle"), names.index("right_ankle")], 1].max(axis=1)
    assert np.percentile(ankle_rows, 90) == pytest.approx(40.0, abs=0.5)
    assert np.median(rows[..., 0]) == pytest.approx(32.0, abs=4.0)


# --- networks and measures --------------------------------------------------------------------
@pytest.mark.parametrize("temporal", [True, False])
def test_generator_and_discriminators_shapes(temporal):
    config = TransferConfig(**TINY, temporal=temporal)
    model = MotionTransfer(config)
    poses = torch.rand(3, 2, 3, 48, 64) * 2 - 1
    frames = generate_window(model.generator, poses, temporal)
    assert frames.shape == poses.shape and frames.abs().max() <= 1
    channels = 12 if temporal else 6
    judged = model.discriminator(torch.zeros(2, channels, 48, 64))
    assert len(judged) == config.scales
    assert judged[0][-1].shape[1] == 1 and judged[1][-1].shape[-1] < judged[0][-1].shape[-1]


def test_the_default_256_px_config_takes_a_training_step_with_separate_gradients():
    """One step at the CPU default size (256 x 144). The discriminators' gradient is exactly
    that of their own objective (the generator's terms reach only the generator), and the
    generator's weights get a gradient too."""
    model = MotionTransfer(TransferConfig())
    motion = torch.randint(0, 256, (1, 2, 144, 256, 6), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(0))
    total, parts = model.loss({"motion": motion})
    total.backward()
    assert set(parts) == {"g_adv", "feature_match", "l1", "d_real", "d_fake"}
    full = [p.grad.clone() for p in model.discriminator.parameters()]
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.generator.parameters() if p.dim() > 1)
    model.zero_grad()
    real, poses = split_batch(motion)
    fake = generate_window(model.generator, poses, True).detach()
    outs = [model.discriminator(disc_input(poses, frames, True)) for frames in (real, fake)]
    own = sum(torch.nn.functional.mse_loss(o[-1], torch.full_like(o[-1], target))
              for target, scales in zip((1.0, 0.0), outs, strict=True) for o in scales)
    (0.5 * own / len(outs[0])).backward()
    for a, p in zip(full, model.discriminator.parameters(), strict=True):
        assert torch.allclose(a, p.grad, atol=1e-6)


def test_config_checks_sizes_and_the_published_config_is_the_papers():
    with pytest.raises(ParameterError, match="multiples of 16"):
        TransferConfig(width=100, height=64, levels=4).validate()
    with pytest.raises(ParameterError, match="temporal"):
        TransferConfig.from_dict({"temporal": 1}, complete=False)
    published = TransferConfig.published()
    assert (published.width, published.height) == (1024, 512)
    assert TransferConfig.from_dict(published.to_dict()).to_dict() == published.to_dict()


def test_ssim_and_flicker_measure_what_they_say(data_dir):
    video = data_dir / "video" / "studio_dancer_10s.mp4"
    if not video.is_file():
        pytest.skip("real clip studio_dancer_10s.mp4 not found")
    real, _ = load_video(video, size=(160, 96), max_frames=6)
    rng = np.random.default_rng(0)
    noisy = np.clip(real + rng.normal(0, 25, real.shape), 0, 255).astype(np.uint8)
    assert ssim(real[0], real[0]) == pytest.approx(1.0)
    assert ssim(real[0], noisy[0]) == pytest.approx(ssim(noisy[0], real[0]))
    assert ssim(real[0], noisy[0]) < 0.6 < ssim(real[0], real[1])
    keypoints = np.tile(np.array([[60, 20, 1.0], [100, 90, 1.0]], np.float32), (6, 1, 1))
    assert body_ssim(real, real, keypoints) == pytest.approx(1.0)
    assert flicker(real, real) == 0.0 == body_flicker(real, real, keypoints)
    assert body_flicker(real, noisy, keypoints) == pytest.approx(
        flicker(real[:, 13:97, 53:107], noisy[:, 13:97, 53:107]))  # 10 % of 70 px around
    frozen = np.repeat(real[:1], len(real), axis=0)
    assert flicker(real, frozen) == pytest.approx(
        np.abs(np.diff(real.astype(np.float32), axis=0)).mean())


# --- a tiny target video with known poses ------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_target(tmp_path_factory) -> dict[str, Path]:
    """A 4 s video of a drawn figure dancing a synthetic dance, its exact 2D poses, the 3D
    dance itself and a tiny training config."""
    folder = tmp_path_factory.mktemp("transfer")
    dance = make_pair("hiphop", seconds=4, seed=1).motion
    write_target(dance, folder / "target.mp4", folder / "poses.npz")
    save_motion(dance, folder / "dance.npz")
    (folder / "tiny.yaml").write_text(
        "model: {" + ", ".join(f"{k}: {v}" for k, v in TINY.items()) + "}\n"
        "train: {batch_size: 2, checkpoint_every: 2, val_every: 4, log_every: 2}\n")
    return {"video": folder / "target.mp4", "poses": folder / "poses.npz",
            "dance": folder / "dance.npz", "config": folder / "tiny.yaml", "dir": folder}


def _train(target: dict[str, Path], out: Path, steps: int, *extra: str):
    return _cli("train", "transfer", "--video", target["video"], "--poses", target["poses"],
                "--out", out, "--config", target["config"], "--steps", steps, *extra)


def test_train_transfer_learns_and_resumes_exactly(tiny_target, tmp_path):
    straight = _train(tiny_target, tmp_path / "straight", 4)
    assert straight.exit_code == 0, straight.output
    assert "body_ssim" in straight.output and "flicker" in straight.output
    assert _train(tiny_target, tmp_path / "resumed", 2).exit_code == 0
    resumed = _train(tiny_target, tmp_path / "resumed", 4, "--resume")
    assert resumed.exit_code == 0, resumed.output
    a = load_file(tmp_path / "straight" / "model.safetensors")
    b = load_file(tmp_path / "resumed" / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    untrained = MotionTransfer(TransferConfig(**TINY)).state_dict()
    assert not torch.equal(a["generator.head.weight"], untrained["generator.head.weight"])
    framing_px = a["target_framing"].numpy()
    assert 0 < framing_px[1] <= framing_px[0] <= 48  # far ankle row above the near one


def test_train_transfer_wants_a_video_and_matching_poses(tiny_target, tmp_path):
    no_video = _cli("train", "transfer", "--out", tmp_path / "a")
    assert no_video.exit_code == 2 and "--video" in no_video.output
    short = load_motion(tiny_target["poses"])
    save_motion(Motion(short.positions[:50], short.fps, short.skeleton,
                       confidence=short.confidence[:50], meta=short.meta), tmp_path / "short.npz")
    wrong = _cli("train", "transfer", "--video", tiny_target["video"], "--poses",
                 tmp_path / "short.npz", "--out", tmp_path / "b")
    assert wrong.exit_code == 2 and "not this video's poses" in wrong.output
    flat = _cli("train", "transfer", "--video", tiny_target["video"], "--poses",
                tiny_target["dance"], "--out", tmp_path / "c")
    assert flat.exit_code == 2 and "must be 2D keypoints" in flat.output
    not_video = _cli("train", "transfer", "--video", tiny_target["poses"], "--poses",
                     tiny_target["poses"], "--out", tmp_path / "d")
    assert not_video.exit_code == 2 and "as a video" in not_video.output
    (tmp_path / "tempo.yaml").write_text("train: {tempo: [0.9]}\n")
    tempo = _cli("train", "transfer", "--video", tiny_target["video"], "--poses",
                 tiny_target["poses"], "--out", tmp_path / "e", "--config",
                 tmp_path / "tempo.yaml")
    assert tempo.exit_code == 2 and "tempo re-times music-motion pairs" in tempo.output
    assert not any((tmp_path / name).exists() for name in "abcde")  # refused before any folder


@pytest.fixture(scope="module")
def tiny_checkpoint(tiny_target) -> Path:
    out = tiny_target["dir"] / "run"
    result = _train(tiny_target, out, 2)
    assert result.exit_code == 0, result.output
    return out / "model.safetensors"


def test_transfer_from_a_3d_motion_file(tiny_checkpoint, tiny_target, tmp_path):
    out = tmp_path / "me.mp4"
    result = _cli("transfer", "--checkpoint", tiny_checkpoint, "--motion",
                  tiny_target["dance"], "-o", out, "--seconds", 2)
    assert result.exit_code == 0, result.output
    frames, fps = load_video(out)
    assert frames.shape[1:] == (48, 64, 3) and fps == pytest.approx(30.0)
    assert abs(len(frames) - 60) <= 1


def test_transfer_from_a_song_has_the_music(tiny_checkpoint, tmp_path):
    out = tmp_path / "song.mp4"
    result = _cli("transfer", "--checkpoint", tiny_checkpoint, "--motion", DEMO_SONG,
                  "--model", "procedural", "--seconds", 2, "-o", out)
    assert result.exit_code == 0, result.output
    assert probe_video(out).duration == pytest.approx(2.0, abs=0.1)
    from imageio_ffmpeg import get_ffmpeg_exe

    streams = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(out)],
                             capture_output=True, text=True).stderr
    assert "Audio:" in streams


def test_transfer_refuses_bad_input_in_one_line(tiny_checkpoint, tiny_target, tmp_path):
    missing = _cli("transfer", "--checkpoint", tiny_checkpoint, "--motion",
                   tmp_path / "none.npz", "-o", tmp_path / "x.mp4")
    assert missing.exit_code == 2 and "error:" in missing.output
    not_transfer = _cli("transfer", "--checkpoint", tiny_target["poses"], "--motion",
                        tiny_target["dance"], "-o", tmp_path / "x.mp4")
    assert not_transfer.exit_code == 2
    gif = _cli("transfer", "--checkpoint", tiny_checkpoint, "--motion", tiny_target["dance"],
               "-o", tmp_path / "x.gif")
    assert gif.exit_code == 2 and ".mp4" in gif.output
    poses = load_motion(tiny_target["poses"])
    save_motion(Motion(poses.positions, poses.fps, poses.skeleton), tmp_path / "nosize.npz")
    for name in ("junk.mp4", "junk.mp3"):
        (tmp_path / name).write_bytes(np.random.default_rng(0).bytes(5000))
    for source, says in (("junk.mp4", "as a video"), ("junk.mp3", "cannot decode"),
                         ("nosize.npz", "frame size")):
        bad = _cli("transfer", "--checkpoint", tiny_checkpoint, "--motion", tmp_path / source,
                   "-o", tmp_path / "x.mp4")
        assert bad.exit_code == 2 and says in bad.output, bad.output
        assert bad.output.count("\n") == 1  # one line, no traceback
    assert not list(tmp_path.glob("x.*"))


@pytest.mark.skipif(detector_available(), reason="the pose extra is installed here")
def test_video_sources_need_the_detector_and_say_how_to_get_it(tiny_checkpoint, tiny_target,
                                                               tmp_path):
    for args in (["pose", tiny_target["video"], "-o", tmp_path / "p.npz"],
                 ["transfer", "--checkpoint", tiny_checkpoint, "--motion",
                  tiny_target["video"], "-o", tmp_path / "v.mp4"],
                 ["train", "transfer", "--video", tiny_target["video"], "--out",
                  tmp_path / "run"]):
        result = _cli(*args)
        assert result.exit_code == 2, result.output
        assert "pip install 'dancekit[pose]'" in result.output
    assert not (tmp_path / "run").exists()


def test_published_recipe_config_is_the_papers_network():
    from dancekit.train import TrainConfig
    from dancekit.train.run import load_run_config

    model, train = load_run_config(Path(__file__).resolve().parents[1] / "recipes"
                                   / "transfer_published.yaml")
    config = TransferConfig.from_dict(model, complete=False)
    assert config.to_dict() == TransferConfig.published().to_dict()
    TrainConfig.from_dict({**MotionTransfer.train_defaults, **train}).validate()
