"""``transfer``: Everybody Dance Now (Chan et al., ICCV 2019) as a dancekit model: a
target person's video in, a network that draws that person in any pose out.

It does not dance from music (``dances = False``): ``dancekit transfer`` gives it a dance,
from a song through a dance model, from a motion file or from another video, and it renders
the target performing it. Train it with ``dancekit train transfer --video TARGET.mp4 --out
RUN`` (the shared Trainer); the target's framing (where and how tall they stand, for the pose
normalisation) is measured on the training poses and saved with the weights.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dancekit.data.video_target import FRAME_SLACK, VideoClip
from dancekit.data.windows import Sequence
from dancekit.errors import DataFormatError, ParameterError
from dancekit.metrics.frames import body_flicker, body_ssim
from dancekit.models import register_model
from dancekit.models.common import rebuild
from dancekit.models.transfer.config import TransferConfig
from dancekit.models.transfer.network import MultiScaleDiscriminator, UNetGenerator
from dancekit.models.transfer.poses import (
    JOINTS,
    SKELETON,
    keypoint_rows,
    pose_image,
    to_frame,
)
from dancekit.models.transfer.training import gan_loss, to_uint8, to_unit
from dancekit.motion import Motion
from dancekit.motion.framing import Framing, framing
from dancekit.video.frames import read_frames

FRAMING_FIELDS = tuple(f.name for f in dataclasses.fields(Framing))


@register_model("transfer")
class MotionTransfer(nn.Module):
    """Pose images -> frames of one person (the generator), with the discriminators it
    trained against and the target's framing."""

    config_class = TransferConfig
    dances = False  # draws a person; the dance comes from elsewhere
    data_kind = "video"  # `dancekit train transfer` takes --video, not --data
    #: Training settings that suit a GAN on one short video (a user's --config overrides):
    #: small batches, every frame pair a window, pix2pix's learning rate, no tight clipping;
    #: 800 steps of the 256 x 144 default take about an hour of one CPU core.
    train_defaults: dict[str, Any] = {
        "steps": 800, "batch_size": 4, "lr": 2e-4, "warmup_steps": 50, "window_stride": 1,
        "grad_clip": 100.0, "weight_decay": 0.0, "checkpoint_every": 100, "val_every": 400,
        "val_batches": 4, "val_samples": 1, "val_seconds": 60.0}

    def __init__(self, config: TransferConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        self.generator = UNetGenerator(config)
        self.discriminator = MultiScaleDiscriminator(config)
        self.register_buffer("target_framing", torch.zeros(len(FRAMING_FIELDS),
                                                           dtype=torch.float64))

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, clip: VideoClip) -> Sequence:
        """A clip of the target video -> frames with their pose images (``motion``: (T, H, W,
        6) uint8) and BODY_25 keypoints in the model's pixels (``audio``: (T, 75))."""
        c = self.config
        frames = list(read_frames(clip.path, size=(c.width, c.height), max_frames=clip.stop))
        if len(frames) < clip.stop - FRAME_SLACK or len(frames) <= clip.start + 1:
            raise DataFormatError(f"{clip.path.name} has {len(frames)} frames, its poses "
                                  f"{clip.stop}")
        stop = min(clip.stop, len(frames))
        rows = keypoint_rows(to_frame(clip.poses, c.width, c.height))[clip.start:stop]
        images = np.stack([np.concatenate([frame, self.pose_image(row)], axis=-1)
                           for frame, row in zip(frames[clip.start:], rows, strict=True)])
        return Sequence(clip.name, images, rows.reshape(len(rows), -1), clip.style)

    def window_lengths(self) -> tuple[int, int]:
        return 2, 2

    def prepare(self, sequences: list[Sequence]) -> None:
        """Measure the target's framing on the training poses."""
        rows = np.concatenate([s.audio for s in sequences]).reshape(-1, JOINTS, 3)
        fr = framing(Motion(rows[..., :2], 30.0, SKELETON, confidence=rows[..., 2]))
        self.target_framing.copy_(torch.tensor([getattr(fr, k) for k in FRAMING_FIELDS],
                                               dtype=torch.float64))

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        return gan_loss(self.generator, self.discriminator, batch["motion"], self.config)

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """Reconstruction of held-out frames from their own poses: body SSIM and flicker."""
        results: dict[str, list[float]] = {"body_ssim": [], "flicker": []}
        for seq in sequences[:count]:
            rows = seq.audio.reshape(len(seq.audio), JOINTS, 3)
            real = seq.motion[..., :3]
            fake = np.stack(list(self.render(rows)))
            results["body_ssim"].append(body_ssim(real, fake, rows))
            results["flicker"].append(body_flicker(real, fake, rows))
        return {k: float(np.mean(v)) for k, v in results.items() if v}

    # --- drawing the target ------------------------------------------------------------------
    def pose_image(self, row: np.ndarray) -> np.ndarray:
        return pose_image(row, self.config.width, self.config.height, self.config.line_width)

    def framing(self) -> Framing:
        """Where the target stood in the training video (pixels of the model's frame)."""
        return Framing(*(float(v) for v in self.target_framing))

    @torch.no_grad()
    def render(self, rows: np.ndarray) -> Iterator[np.ndarray]:
        """Frames (H, W, 3) uint8 of the target in the poses ``rows`` (T, 25, 3), in order
        (each frame continues the previous one when ``temporal``)."""
        self.eval()
        prev_pose = prev = None
        for row in rows:
            pose = to_unit(torch.from_numpy(self.pose_image(row)))[None]
            if self.config.temporal:
                prev_pose = pose if prev_pose is None else prev_pose
                prev = torch.zeros_like(pose) if prev is None else prev
                out = self.generator(torch.cat([pose, prev_pose, prev], dim=1))
                prev_pose, prev = pose, out
            else:
                out = self.generator(pose)
            yield to_uint8(out[0]).numpy()

    # --- checkpoints -------------------------------------------------------------------------
    @classmethod
    def from_checkpoint(cls, path: str | Path) -> MotionTransfer:
        return rebuild(path, "transfer", lambda config: cls(TransferConfig.from_dict(config)))

    @classmethod
    def load_default(cls) -> MotionTransfer:
        raise ParameterError("transfer draws one person and ships no weights: train it on a "
                             "video of them (dancekit train transfer --video TARGET.mp4 --out "
                             "RUN), then run dancekit transfer --checkpoint RUN/model.safetensors")
