"""Travel learned from real dancers: how far and where a body's movement carries it over the
floor.

Why: a model that rolls a dance out from its own frames (FACT, Dance Revolution) loses the
root's travel long before it loses the body's movement: FACT trained on real ballroom capture
steps and sways like a couple but drifts 0.17 m/s where real couples cover 0.54. How a
dancer moves over the floor follows from how the body moves (a stride, a lean, a swing of
the hips), so a small network learns it from real capture: from the joints' places and
speeds in the dancer's own frame (root-relative, turned to face +z) over about half a second
(17 frames), it predicts the root's horizontal velocity in that frame. :meth:`Travel.apply`
replaces a dance's floor path with the integral of those velocities, turned by the dancer's
own heading in each frame; poses, heights and turns stay the model's. A regressor of velocity
falls short of the speed where the direction is uncertain, so after training one number,
``speed_scale``, is fitted on the training dances (:meth:`Travel.fit_speed_scale`) to make
them cover their own distance.

Trained with ``dancekit train travel --data BALLROOM_DIR --out RUN`` (the shared Trainer) on
real motion; the bundled weights (``weights/travel``, data card there) learned from the real
ballroom capture alone. ``dancekit dance --travel learned`` uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    FPS,
    ModelConfig,
    Range,
    bundled_weights,
    check_fields,
    check_memory,
    rebuild,
    size,
)
from dancekit.motion import Motion, get_skeleton, resample
from dancekit.motion.processing import hip_angles
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights" / "travel"
JOINTS = 24
BODY_DIM = 2 * JOINTS * 3  # places and speeds of the 24 joints in the dancer's frame


@dataclass
class TravelConfig(ModelConfig):
    """The travel network's shape; the ``model:`` section of its training YAML."""

    label = "travel"

    width: int = 128
    layers: int = 2
    kernel: int = 9  # frames each convolution sees; two layers: 17 frames, about 0.55 s
    fps: float = 30.0
    window_frames: int = 120  # training crop
    # every predicted velocity times this (1: as trained). A velocity regressor shrinks the
    # speed where the direction is uncertain: the bundled weights moved their own training
    # couples at 0.89x real speed, so :meth:`Travel.fit_speed_scale` fits the number that
    # restores it
    speed_scale: float = 1.0
    styles: list[str] = field(default_factory=list)  # unused; the Trainer reads it

    added = {"speed_scale": 1.0}

    def validate(self) -> None:
        check_fields(self, "travel", {"width": size(), "layers": size(16), "kernel": size(64),
                                      "fps": FPS, "window_frames": size(),
                                      "speed_scale": Range(0.1, 10)})
        if self.kernel % 2 == 0:
            raise ParameterError(f"travel kernel must be odd (centred on its frame), got "
                                 f"{self.kernel}")
        check_memory("travel", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one training crop) in floats."""
        w = self.width
        weights = self.kernel * (BODY_DIM * w + (self.layers - 1) * w * w) + 2 * w + 3 * BODY_DIM
        return weights, 4 * self.window_frames * w * self.layers


def headings(positions: np.ndarray) -> np.ndarray:
    """(T,) angle (radians, about +y) of the right-to-left hip vector of SMPL-24 positions:
    the dancer's facing."""
    return hip_angles(positions, get_skeleton("smpl24"))


def _turn(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate the x/z components of ``v`` (T, ..., 3 or T, 2) by ``angle`` (T,) about +y."""
    c = np.cos(angle).reshape((-1,) + (1,) * (v.ndim - 2))
    s = np.sin(angle).reshape((-1,) + (1,) * (v.ndim - 2))
    x, z = v[..., 0], v[..., -1]
    out = v.copy()
    out[..., 0], out[..., -1] = c * x - s * z, s * x + c * z
    return out


def body_motion(positions: np.ndarray, fps: float) -> np.ndarray:
    """(T, 24, 3) SMPL-24 positions -> (T, 144) float32: each joint's place relative to the
    root's floor position and its speed, both in the dancer's frame (the heading turned
    away), so the same step reads the same wherever and whichever way it is danced."""
    p = np.asarray(positions, np.float64)
    local = p.copy()
    local[..., [0, 2]] -= p[:, :1, [0, 2]]
    local = _turn(local, -headings(p))
    speed = np.zeros_like(local)
    speed[1:] = (local[1:] - local[:-1]) * fps
    return np.concatenate([local.reshape(len(p), -1), speed.reshape(len(p), -1)],
                          axis=1).astype(np.float32)


def floor_velocity(positions: np.ndarray, fps: float) -> np.ndarray:
    """(T, 24, 3) -> (T, 2) float32: the root's horizontal velocity (m/s) into each frame, in
    that frame's dancer's frame (x across, z ahead); 0 for the first frame."""
    p = np.asarray(positions, np.float64)
    v = np.zeros((len(p), 2))
    v[1:] = (p[1:, 0, [0, 2]] - p[:-1, 0, [0, 2]]) * fps
    return _turn(v, -headings(p)).astype(np.float32)


def _smpl24(motion: Motion) -> Motion:
    from dancekit.metrics.evaluate import to_smpl24

    if motion.is_2d:
        raise ParameterError("learned travel needs 3D motion")
    return to_smpl24(motion)


@register_model("travel")
class Travel(nn.Module):
    """Floor velocity from body movement: calling it maps (B, T, 144) :func:`body_motion` to
    (B, T, 2) m/s in the dancer's frame; :meth:`apply` gives a dance the travel its movement
    implies."""

    config_class = TravelConfig
    dances = False  # it moves dances made by others: `dancekit dance --travel learned`

    def __init__(self, config: TravelConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        layers: list[nn.Module] = []
        width = BODY_DIM
        for _ in range(c.layers):
            layers += [nn.Conv1d(width, c.width, c.kernel, padding=c.kernel // 2), nn.GELU()]
            width = c.width
        self.net = nn.Sequential(*layers, nn.Conv1d(width, 2, 1))
        self.register_buffer("mean", torch.zeros(BODY_DIM))
        self.register_buffer("std", torch.ones(BODY_DIM))

    def forward(self, body: torch.Tensor) -> torch.Tensor:
        """(B, T, 144) body movement -> (B, T, 2) floor velocity, m/s, dancer's frame."""
        x = (body - self.mean) / self.std
        return self.net(x.transpose(1, 2)).transpose(1, 2) * self.config.speed_scale

    @torch.no_grad()
    @single_threaded(torch=True)
    def apply(self, motion: Motion) -> Motion:
        """``motion`` with its root's floor path replaced by the one its movement implies
        (positions and ``root`` moved per frame; rotations, heights and turns unchanged; the
        first frame stays where it was). One thread: the same dance whatever the machine's
        thread count (a convolution split over threads rounds its sums differently)."""
        smpl = _smpl24(motion)  # refuses 2D motion
        if motion.num_frames < 2:
            return motion
        at_rate = resample(smpl, self.config.fps)
        pos = at_rate.positions.astype(np.float64)
        body = torch.from_numpy(body_motion(pos, self.config.fps))[None]
        velocity = self(body)[0].double().numpy()
        world = _turn(velocity, headings(pos)) / self.config.fps
        path = pos[0, 0, [0, 2]] + np.concatenate([np.zeros((1, 2)), np.cumsum(world[1:], 0)])
        # Back on the motion's own clock: the path at each of its frames' times.
        t_rate = np.arange(len(pos)) / self.config.fps
        t_own = np.arange(motion.num_frames) / motion.fps
        own = np.stack([np.interp(t_own, t_rate, path[:, k]) for k in range(2)], axis=1)
        shift = np.zeros((motion.num_frames, 3))
        shift[:, [0, 2]] = own - motion.positions[:, 0, [0, 2]]
        shift[:, [0, 2]] -= shift[0, [0, 2]]
        root = None if motion.root is None else motion.root + shift
        return motion.replace(positions=motion.positions + shift[:, None], root=root,
                              meta={**motion.meta, "travel": "learned"})

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A music-motion pair -> (T, 146): body movement and the floor velocity it learns
        (the music is not used)."""
        both = self._movement(pair.motion)
        return Sequence(pair.name, both, np.zeros((len(both), 0), np.float32), pair.style)

    def _movement(self, motion: Motion) -> np.ndarray:
        """(T, 146) at ``config.fps``: :func:`body_motion` and then :func:`floor_velocity`,
        what the network reads and what it learns to say."""
        pos = resample(_smpl24(motion), self.config.fps).positions
        return np.concatenate([body_motion(pos, self.config.fps),
                               floor_velocity(pos, self.config.fps)], axis=1)

    def window_lengths(self) -> tuple[int, int]:
        return self.config.window_frames, self.config.window_frames

    def prepare(self, sequences: list[Sequence]) -> None:
        """Normalisation statistics of the body movement."""
        body = np.concatenate([s.motion[:, :BODY_DIM] for s in sequences])
        self.mean.copy_(torch.from_numpy(body.mean(0)))
        self.std.copy_(torch.from_numpy(np.maximum(body.std(0), 1e-3)))

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """Mean absolute error of the floor velocity (m/s), the first frame of each crop left
        out (its velocity reaches back before the crop)."""
        motion = batch["motion"]
        pred = self(motion[:, :, :BODY_DIM])[:, 1:]
        err = F.l1_loss(pred, motion[:, 1:, BODY_DIM:])
        return err, {"velocity_error": float(err.detach())}

    @torch.no_grad()
    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """On held-out dances, whole: the floor velocity's mean error (m/s) and the predicted
        mean speed as a fraction of the real one's (1 is right; under 1, too little travel)."""
        chosen = sequences[:count] if count else sequences
        if not chosen:
            return {}
        error, ratio = [], []
        for s in chosen:
            pred = self(torch.from_numpy(s.motion[:, :BODY_DIM])[None])[0, 1:].numpy()
            real = s.motion[1:, BODY_DIM:]
            error.append(float(np.abs(pred - real).mean()))
            ratio.append(float(np.linalg.norm(pred, axis=1).mean()
                               / max(np.linalg.norm(real, axis=1).mean(), 1e-9)))
        return {"velocity_error": float(np.mean(error)), "speed_ratio": float(np.median(ratio))}

    @torch.no_grad()
    @single_threaded(torch=True)
    def fit_speed_scale(self, motions: list[Motion]) -> float:
        """The ``speed_scale`` that makes the network, as it stands, move ``motions`` (real
        dances, whole) as far over the floor as they moved: their summed floor speed over
        the summed predicted speed. Fit it on training dances, after training."""
        real = predicted = 0.0
        for motion in motions:
            both = self._movement(motion)
            body = torch.from_numpy(both[None, :, :BODY_DIM])
            predicted += float(self(body)[0, 1:].norm(dim=-1).sum())
            real += float(np.linalg.norm(both[1:, BODY_DIM:], axis=1).sum())
        if predicted <= 0 or real <= 0:
            raise ParameterError("speed_scale needs dances that travel")
        return self.config.speed_scale * real / predicted

    # --- checkpoints -------------------------------------------------------------------------
    @classmethod
    def from_checkpoint(cls, path: str | Path) -> Travel:
        return rebuild(path, "travel", lambda config: cls(TravelConfig.from_dict(config)))

    @classmethod
    def load_default(cls) -> Travel:
        return cls.from_checkpoint(bundled_weights(WEIGHTS_DIR, "travel"))


__all__ = ["Travel", "TravelConfig", "body_motion", "floor_velocity", "headings"]
