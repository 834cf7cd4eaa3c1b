"""The pose detector on the real clips (the `pose` extra; `make test-pose` runs these in
.venv-pose, elsewhere they skip): keypoints where a body's are, smoothed without lag, and
`dancekit pose` / `dancekit transfer --motion VIDEO` working end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from dancekit.checkpoint import save_model
from dancekit.cli import app
from dancekit.io import load_motion
from dancekit.models.transfer import MotionTransfer, TransferConfig
from dancekit.video.backend import detector_available
from dancekit.video.frames import load_video
from dancekit.video.pose import detect_poses

pytestmark = [pytest.mark.pose,
              pytest.mark.skipif(not detector_available(),
                                 reason="the pose extra (mediapipe) is not installed here")]

VIDEO = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "video"


def _clip(name: str) -> Path:
    path = VIDEO / name
    if not path.is_file():
        pytest.skip(f"real video {name} not found under ../shared/data/video")
    return path


def _joint(motion, name: str) -> np.ndarray:
    return motion.positions[:, motion.skeleton.joints.index(name)]


def test_a_dancer_is_found_in_every_frame_with_a_body_shaped_pose():
    motion = detect_poses(_clip("studio_dancer_10s.mp4"), size=(480, 270), max_frames=60)
    assert motion.positions.shape == (60, 33, 2) and motion.meta["image_size"] == [480, 270]
    assert motion.fps == pytest.approx(29.97, abs=0.01)
    assert motion.confidence.mean() > 0.8
    head, hips = _joint(motion, "nose")[:, 1], _joint(motion, "left_hip")[:, 1]
    ankles = _joint(motion, "left_ankle")[:, 1]
    assert (head < hips).all() and (hips < ankles).all()  # y grows downwards
    assert (motion.positions >= -20).all() and (motion.positions[..., 0] <= 500).all()


def test_smoothing_removes_jitter_but_not_the_movement():
    path = _clip("bedroom_dancer_9s.mp4")
    raw = detect_poses(path, max_frames=80, smooth_seconds=0.0)
    smooth = detect_poses(path, max_frames=80)
    wrist = "right_wrist"

    def jitter(m):
        return np.abs(np.diff(_joint(m, wrist), n=2, axis=0)).mean()

    def travel(m):
        return np.ptp(_joint(m, wrist), axis=0).max()

    assert jitter(smooth) < 0.8 * jitter(raw)
    assert travel(smooth) > 0.9 * travel(raw)


def test_pose_command_and_transfer_from_a_video(tmp_path):
    video = _clip("bedroom_dancer_9s.mp4")
    result = CliRunner().invoke(app, ["pose", str(video), "-o", str(tmp_path / "p.npz")])
    assert result.exit_code == 0, result.output
    poses = load_motion(tmp_path / "p.npz")
    assert poses.skeleton.name == "mediapipe33" and poses.meta["image_size"] == [692, 1108]

    config = TransferConfig(width=64, height=96, levels=3, base=8, disc_base=8, disc_layers=2)
    model = MotionTransfer(config)
    model.target_framing.copy_(torch.tensor([90.0, 80.0, 70.0, 60.0, 32.0, 85.0],
                                            dtype=torch.float64))
    save_model(tmp_path / "model.safetensors", "transfer", config.to_dict(), model.state_dict(),
               {})
    out = tmp_path / "me.mp4"
    result = CliRunner().invoke(app, ["transfer", "--checkpoint",
                                      str(tmp_path / "model.safetensors"), "--motion",
                                      str(video), "--seconds", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frames, fps = load_video(out)
    assert frames.shape[1:] == (96, 64, 3) and fps == pytest.approx(16.0)
    assert abs(len(frames) - 32) <= 1


def test_train_transfer_runs_the_detector_once_and_resumes_from_its_cache(tmp_path):
    video = _clip("bedroom_dancer_9s.mp4")
    config = tmp_path / "tiny.yaml"
    config.write_text("model: {width: 64, height: 96, levels: 3, base: 8, disc_base: 8, "
                      "disc_layers: 2}\ntrain: {batch_size: 2, checkpoint_every: 2}\n")
    run = tmp_path / "run"
    args = ["train", "transfer", "--video", str(video), "--out", str(run), "--config",
            str(config)]
    first = CliRunner().invoke(app, [*args, "--steps", "2"])
    assert first.exit_code == 0, first.output
    cached = run / "poses.npz"
    stamp = cached.stat().st_mtime_ns
    assert load_motion(cached).meta["video"] == video.name
    again = CliRunner().invoke(app, [*args, "--steps", "3", "--resume"])
    assert again.exit_code == 0, again.output
    assert cached.stat().st_mtime_ns == stamp  # not detected again
