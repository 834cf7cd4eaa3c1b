"""A motion tokenizer: a 1-D convolutional VQ-VAE that turns a dance into one code every
eight frames, and codes back into a dance.

Why: a learned choreographer that regresses poses (FACT) averages the moves a song allows
into small, look-alike motion; one that draws *codes* of real motion (Bailando, Siyao et al.,
CVPR 2022) can only dance moves the tokenizer learned from real dances.
:mod:`dancekit.models.dance_tokens` draws the codes for the music; this module learns them.

The motion is the shared 147 numbers per frame (root position and 24 joint rotations in 6D,
:mod:`dancekit.models.representation`) with the root's horizontal position replaced by its
per-frame change, so a code says how the dancer travels, not where. With ``representation:
heading-free`` the steps are in the dancer's own frame and the pelvis rotation holds the turn
since the previous frame instead of the heading
(:func:`dancekit.models.representation.heading_free_features`), so a code does not say where
the dancer faces either: a turning dance is the same movement at every heading. The encoder halves
the frame rate ``levels`` times (eight frames per code by default); the codebook is learned
by exponential moving averages of the encodings assigned to each code, and a code that falls
out of use restarts at a random encoding of the batch. The decoder upsamples linearly, not
by repeating frames, and is trained on velocities and accelerations as well as poses: both
keep it from shaking at the code boundaries (repeated frames and a pose-only loss gave
twice the real dances' jitter). ``root_weight`` weighs the root and pelvis numbers more in
those losses: unweighted they are 9 of 147, and the dancer's travel is what a tokenizer
rebuilds worst (``studies/heading_free.py``: at 20, 0.89 of the real path against 0.29).

Train it with ``dancekit train motion-vq --data DIR --out RUN`` (the shared Trainer); it is
a tokenizer, not a dance model: ``dancekit dance`` uses it through ``dance-tokens``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    FPS,
    WEIGHT,
    ModelConfig,
    Range,
    check_fields,
    check_memory,
    rebuild,
    size,
)
from dancekit.models.representation import (
    MOTION_DIM,
    SKELETON,
    features_to_motion,
    from_heading_free,
    heading_free_features,
    joint_positions,
    mirror_features,
    motion_to_features,
)
from dancekit.motion import Motion, get_skeleton
from dancekit.motion.filters import gaussian_smooth
from dancekit.motion.processing import resample

ROOT_XZ = [0, 2]  # feature columns of the root's horizontal position
ROOT_CHANNELS = slice(0, 9)  # the root's position (or steps) and the pelvis rotation
# joint speeds (m/s) against places (m) in the position loss: speeds' squared errors run about
# 13x larger (a trained tokenizer on real capture: 0.079 against 0.0062), so this keeps the two
# terms of one order
SPEED_SHARE = 0.1
# metres above the lowest foot within which a foot counts as on the floor (the foot skating
# metric's band, dancekit.metrics.physics.foot_skating_ratio)
FLOOR_BAND = 0.05
MAX_LEVELS = 10  # a code per 2**levels frames: 1024 frames (34 s at 30 fps) at most
# what the tokenizer encodes: "travel" (world axes, root x/z as steps: travel_features) or
# "heading-free" (steps and pelvis in the dancer's own heading: heading_free_features)
REPRESENTATIONS = ("travel", "heading-free")


@dataclass
class MotionVQConfig(ModelConfig):
    """The tokenizer's shape and losses; the ``model:`` section of its training YAML."""

    label = "motion-vq"

    codes: int = 512  # codebook size
    latent: int = 64  # code vector size
    width: int = 256  # convolution channels
    levels: int = 3  # halvings of the frame rate: a code every 2**levels frames
    fps: float = 30.0
    window_frames: int = 64  # training crop
    velocity_weight: float = 0.2
    acceleration_weight: float = 0.5
    commit_weight: float = 0.25
    ema_decay: float = 0.99
    dead_usage: float = 0.03  # a code whose running usage falls below this restarts
    # Gaussian (s.d. in frames) over decoded features before the root is integrated: motion
    # decoded code by code shakes at the codes' seams; 0 leaves it as decoded
    smooth_frames: float = 0.0
    representation: str = "travel"  # one of REPRESENTATIONS
    # weight of the root (steps and height) and pelvis channels, ROOT_CHANNELS, in the pose,
    # velocity and acceleration losses: 9 of 147 numbers, so at 1 the root's travel and turns
    # hardly count in the loss
    root_weight: float = 1.0
    # weight of the joints' positions and speeds in the body's frame (metres and m/s through
    # forward kinematics) in the loss: the feature loss weighs a hip rotation like a wrist's,
    # so the feet, at the end of the longest chain, drift and slow most; 0 leaves them out
    position_weight: float = 0.0
    # weight of the feet's speed over the floor (m/s, the root's steps and turns integrated
    # over the crop) in the loss: the position loss holds the body still at the origin, so a
    # rebuilt foot can slide under a travelling body while the real one stands planted; 0
    # leaves it out
    foot_weight: float = 0.0
    # share of training crops seen as their mirror image (left for right): twice the poses
    # to learn codes from, for a tokenizer that must rebuild dances it never saw; the code
    # model still learns only the dances as danced
    mirror: float = 0.0
    styles: list[str] = field(default_factory=list)  # unused; the Trainer reads it

    @property
    def frames_per_code(self) -> int:
        return 2 ** self.levels

    added = {"smooth_frames": 0.0, "representation": "travel", "root_weight": 1.0,
             "position_weight": 0.0, "mirror": 0.0, "foot_weight": 0.0}

    def validate(self) -> None:
        check_fields(self, "motion-vq", {
            "codes": size(), "latent": size(), "width": size(), "levels": size(MAX_LEVELS),
            "fps": FPS, "window_frames": size(), "velocity_weight": WEIGHT,
            "acceleration_weight": WEIGHT, "commit_weight": WEIGHT, "root_weight": WEIGHT,
            "position_weight": WEIGHT, "foot_weight": WEIGHT,
            "ema_decay": Range(0, 1, lo_open=True, hi_open=True),
            "dead_usage": Range(0, 1), "smooth_frames": Range(0, 100), "mirror": Range(0, 1)})
        if self.representation not in REPRESENTATIONS:
            raise ParameterError(f"motion-vq representation must be one of "
                                 f"{', '.join(REPRESENTATIONS)}, got {self.representation!r}")
        if self.window_frames % self.frames_per_code:
            raise ParameterError(f"motion-vq window_frames ({self.window_frames}) must be a "
                                 f"multiple of {self.frames_per_code} frames per code")
        check_memory("motion-vq", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one training crop) in floats."""
        w, lat = self.width, self.latent
        weights = 3 * MOTION_DIM * w + self.levels * 19 * w * w + 4 * w * lat + (
            5 * w * MOTION_DIM + self.codes * (2 * lat + 1))
        codes_per_crop = self.window_frames // self.frames_per_code
        activations = 8 * self.window_frames * w * (self.levels + 2) + (
            codes_per_crop * self.codes)
        return weights, activations


class _Residual(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.block = nn.Sequential(nn.Conv1d(width, width, 3, padding=1), nn.ReLU(),
                                   nn.Conv1d(width, width, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x)


def travel_features(feats: np.ndarray) -> np.ndarray:
    """FACT's (T, 147) features with the root's x/z as per-frame change (0 on the first
    frame): what the tokenizer encodes."""
    out = np.array(feats, dtype=np.float32)
    out[1:, ROOT_XZ] = np.diff(feats[:, ROOT_XZ], axis=0)
    out[0, ROOT_XZ] = 0.0
    return out


def _foot_joints(feats: torch.Tensor) -> torch.Tensor:
    """(..., T, 147) FACT features -> (..., T, F, 3) the skeleton's foot joints, left then
    right (differentiable)."""
    left, right = get_skeleton(SKELETON).feet
    return joint_positions(feats)[..., left + right, :]


@register_model("motion-vq")
class MotionVQ(nn.Module):
    """Motion tokenizer: ``tokenize`` (T, 147) tokenizer features (:meth:`features` of FACT
    features) -> codes (T / 8,); ``detokenize`` codes -> (8 x codes, 147) FACT features, the
    root integrated from the origin (facing +z for ``heading-free``)."""

    config_class = MotionVQConfig
    dances = False  # a tokenizer: `dancekit dance` refuses it with a pointer to dance-tokens

    def __init__(self, config: MotionVQConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        down: list[nn.Module] = []
        up: list[nn.Module] = []
        for _ in range(c.levels):
            down += [nn.Conv1d(c.width, c.width, 4, 2, 1), nn.ReLU(), _Residual(c.width)]
            up += [_Residual(c.width), nn.Upsample(scale_factor=2, mode="linear"),
                   nn.Conv1d(c.width, c.width, 3, padding=1), nn.ReLU()]
        self.encoder = nn.Sequential(nn.Conv1d(MOTION_DIM, c.width, 3, padding=1), nn.ReLU(),
                                     *down, nn.Conv1d(c.width, c.latent, 1))
        self.decoder = nn.Sequential(nn.Conv1d(c.latent, c.width, 3, padding=1), nn.ReLU(),
                                     *up, nn.Conv1d(c.width, MOTION_DIM, 5, padding=2))
        self.register_buffer("mean", torch.zeros(MOTION_DIM))
        self.register_buffer("std", torch.ones(MOTION_DIM))
        self.register_buffer("codebook", torch.zeros(c.codes, c.latent))
        self.register_buffer("usage", torch.ones(c.codes))  # EMA of assignments per code
        self.register_buffer("code_sum", torch.zeros(c.codes, c.latent))  # EMA of their sum
        self.register_buffer("ready", torch.tensor(False))

    # --- tokens ------------------------------------------------------------------------------
    def features(self, feats: np.ndarray) -> np.ndarray:
        """(T, 147) FACT features -> (T, 147) float32 in this tokenizer's representation."""
        if self.config.representation == "travel":
            return travel_features(feats)
        return heading_free_features(torch.from_numpy(np.asarray(feats, np.float64))) \
            .float().numpy()

    def world(self, x: torch.Tensor) -> torch.Tensor:
        """(..., T, 147) tokenizer features -> FACT features, the root's travel (and, for
        ``heading-free``, the turns) integrated from the origin."""
        if self.config.representation == "travel":
            x = x.clone()
            x[..., ROOT_XZ] = torch.cumsum(x[..., ROOT_XZ], dim=-2)
            return x
        return from_heading_free(x.double()).to(x.dtype)

    def _latents(self, feats: torch.Tensor) -> torch.Tensor:
        """(B, T, 147) tokenizer features -> (B, T / 8, latent)."""
        x = (feats - self.mean) / self.std
        return self.encoder(x.transpose(1, 2)).transpose(1, 2)

    def _nearest(self, z: torch.Tensor) -> torch.Tensor:
        flat = z.reshape(-1, z.shape[-1])
        return torch.cdist(flat, self.codebook).argmin(dim=1).view(z.shape[:-1])

    @torch.no_grad()
    def tokenize(self, feats: np.ndarray | torch.Tensor) -> torch.Tensor:
        """(T, 147) or (B, T, 147) tokenizer features -> codes (T // 8,) or (B, T // 8); frames
        past the last whole code are dropped."""
        x = torch.as_tensor(np.asarray(feats, dtype=np.float32)) \
            if isinstance(feats, np.ndarray) else feats
        single = x.dim() == 2
        x = x[None] if single else x
        n = x.shape[1] // self.config.frames_per_code * self.config.frames_per_code
        if n == 0:
            raise ParameterError(f"motion of {x.shape[1]} frames is shorter than one code "
                                 f"({self.config.frames_per_code} frames)")
        codes = self._nearest(self._latents(x[:, :n]))
        return codes[0] if single else codes

    @torch.no_grad()
    def detokenize(self, codes: torch.Tensor) -> torch.Tensor:
        """Codes (N,) or (B, N) -> (8N, 147) or (B, 8N, 147) FACT features, the root's x/z
        integrated from the origin."""
        single = codes.dim() == 1
        codes = codes[None] if single else codes
        x = self.decoder(self.codebook[codes].transpose(1, 2)).transpose(1, 2)
        x = x * self.std + self.mean
        if self.config.smooth_frames > 0:
            x = torch.from_numpy(gaussian_smooth(x.numpy(), self.config.smooth_frames, axis=1,
                                                 mode="nearest"))
        x = self.world(x)
        return x[0] if single else x

    @torch.no_grad()
    def planted_slide(self, codes: torch.Tensor) -> torch.Tensor:
        """Codes (B, N) -> (B,): how fast the feet decoded for each row's last code move over
        the floor while on it (mean over its frames and the foot joints of squared horizontal
        speed, m/s, weighted by how near the floor, within about 5 cm of the row's lowest foot,
        the joint is at both ends of the frame step)."""
        feet = _foot_joints(self.detokenize(codes))  # (B, T, F, 3)
        tail = feet[:, -self.config.frames_per_code - 1:]
        floor = feet[..., 1].amin(dim=(1, 2))[:, None, None]
        near = torch.sigmoid((FLOOR_BAND - (tail[..., 1] - floor)) / 0.01)
        speed = (tail[:, 1:, :, [0, 2]] - tail[:, :-1, :, [0, 2]]).norm(dim=-1) * self.config.fps
        return (near[:, 1:] * near[:, :-1] * speed ** 2).mean(dim=(1, 2))

    def to_motion(self, codes: torch.Tensor, meta: dict[str, Any] | None = None) -> Motion:
        return features_to_motion(self.detokenize(codes).numpy(), self.config.fps, meta)

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A music-motion pair -> its tokenizer features (the music is not used)."""
        feats = self.features(motion_to_features(resample(pair.motion, self.config.fps)))
        return Sequence(pair.name, feats, np.zeros((len(feats), 0), np.float32), pair.style)

    def window_lengths(self) -> tuple[int, int]:
        return self.config.window_frames, self.config.window_frames

    def prepare(self, sequences: list[Sequence]) -> None:
        """Normalisation statistics, and a codebook started at encodings of the data (random
        vectors would leave most codes unused from the start)."""
        feats = np.concatenate([s.motion for s in sequences])
        if self.config.mirror > 0:  # the statistics of what training will see
            feats = np.concatenate([feats, mirror_features(torch.from_numpy(feats)).numpy()])
        self.mean.copy_(torch.from_numpy(feats.mean(0)))
        self.std.copy_(torch.from_numpy(np.maximum(feats.std(0), 1e-3)))
        w = self.config.window_frames
        clips = [s.motion[i:i + w] for s in sequences
                 for i in range(0, len(s.motion) - w + 1, w)]
        if not clips:
            raise ParameterError(f"no training sequence has the {w} frames a window needs")
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            z = self._latents(torch.from_numpy(np.stack(clips[:4096]))).reshape(-1,
                                                                               self.config.latent)
            pick = torch.randint(len(z), (self.config.codes,), generator=gen)
        self.codebook.copy_(z[pick])
        self.code_sum.copy_(z[pick])
        self.usage.fill_(1.0)
        self.ready.fill_(True)

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """Reconstruction of poses, velocities and accelerations (normalised features), plus
        the commitment of encodings to their codes; in training, the codebook's moving
        averages are updated (summed over DDP ranks: the global batch's statistics)."""
        c = self.config
        motion = batch["motion"]
        if self.training and c.mirror > 0:
            flip = torch.rand(len(motion), generator=generator) < c.mirror
            motion = torch.where(flip.to(motion.device)[:, None, None],
                                 mirror_features(motion), motion)
        x = (motion - self.mean) / self.std  # (B, T, 147)
        z = self.encoder(x.transpose(1, 2)).transpose(1, 2)  # (B, N, latent)
        idx = self._nearest(z)
        q = self.codebook[idx]
        if self.training:
            self._update_codebook(z.detach(), idx, generator)
        rec = self.decoder((z + (q - z).detach()).transpose(1, 2)).transpose(1, 2)
        pose = self._reconstruction(rec, x)
        vel = self._reconstruction(rec.diff(dim=1), x.diff(dim=1))
        acc = self._reconstruction(rec.diff(n=2, dim=1), x.diff(n=2, dim=1))
        commit = F.mse_loss(z, q.detach())
        total = pose + c.velocity_weight * vel + c.acceleration_weight * acc \
            + c.commit_weight * commit
        parts = {"pose": float(pose.detach()), "velocity": float(vel.detach()),
                 "acceleration": float(acc.detach()), "commit": float(commit.detach()),
                 "codes_used": float(idx.unique().numel()) / c.codes}
        if c.position_weight > 0:
            joints = self._body_joints(rec)
            with torch.no_grad():
                real = self._body_joints(x)
            place = F.mse_loss(joints, real)
            speed = F.mse_loss(joints.diff(dim=1) * c.fps, real.diff(dim=1) * c.fps)
            total = total + c.position_weight * (place + SPEED_SHARE * speed)
            parts.update(joint_place=float(place.detach()), joint_speed=float(speed.detach()))
        if c.foot_weight > 0:
            feet = self._feet_on_floor(rec)
            with torch.no_grad():
                real = self._feet_on_floor(x)
            slide = F.mse_loss(feet.diff(dim=1) * c.fps, real.diff(dim=1) * c.fps)
            total = total + c.foot_weight * slide
            parts.update(foot_speed=float(slide.detach()))
        return total, parts

    def _feet_on_floor(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, 147) normalised tokenizer features -> (B, T, F, 3) the foot joints' places
        on the floor, the crop's travel and turns integrated from its first frame
        (differentiable)."""
        return _foot_joints(self.world(x * self.std + self.mean))

    def _body_joints(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, 147) normalised tokenizer features -> (B, T, 24, 3) joint positions with the
        root's horizontal place (or steps) at 0: the body's shape and height, for the
        position loss (differentiable)."""
        feats = x * self.std + self.mean
        return joint_positions(torch.cat([torch.zeros_like(feats[..., :1]), feats[..., 1:2],
                                          torch.zeros_like(feats[..., :1]), feats[..., 3:]],
                                         dim=-1))

    def _reconstruction(self, rec: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean squared error over (B, T, 147) normalised features, the root and pelvis
        channels weighted by ``root_weight`` (still a plain mean: the other channels keep
        their scale, so a weight of 1 is the unweighted loss)."""
        if self.config.root_weight == 1.0:
            return F.mse_loss(rec, target)
        weights = torch.ones(MOTION_DIM, dtype=rec.dtype, device=rec.device)
        weights[ROOT_CHANNELS] = self.config.root_weight
        return ((rec - target) ** 2 * weights).mean()

    @torch.no_grad()
    def _update_codebook(self, z: torch.Tensor, idx: torch.Tensor,
                         generator: torch.Generator | None) -> None:
        c = self.config
        flat, idx = z.reshape(-1, c.latent), idx.reshape(-1)
        onehot = F.one_hot(idx, c.codes).to(flat.dtype)
        count, total = onehot.sum(0), onehot.T @ flat
        distributed = dist.is_available() and dist.is_initialized()
        if distributed:  # the whole global batch's statistics, as one process would see
            dist.all_reduce(count)
            dist.all_reduce(total)
        self.usage.mul_(c.ema_decay).add_((1 - c.ema_decay) * count)
        self.code_sum.mul_(c.ema_decay).add_((1 - c.ema_decay) * total)
        self.codebook.copy_(self.code_sum / (self.usage[:, None] + 1e-5))
        dead = self.usage < c.dead_usage
        if dead.any():
            pick = flat[torch.randint(len(flat), (int(dead.sum()),), generator=generator,
                                      device="cpu").to(flat.device)]
            self.codebook[dead] = pick
            self.code_sum[dead] = pick
            self.usage[dead] = 1.0
        if distributed:  # restarts draw from each rank's batch: rank 0's win
            for buf in (self.codebook, self.code_sum, self.usage):
                dist.broadcast(buf, 0)

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """Encode and decode held-out dances and compare with the originals: FID_k, FID_g and
        jitter of the reconstructions (a generator of codes can be no more real than this)."""
        from dancekit.metrics import evaluate

        frames = int(seconds * self.config.fps) // self.config.frames_per_code \
            * self.config.frames_per_code
        chosen = [s for s in sequences if len(s.motion) >= frames][:count]
        if not chosen or frames == 0:
            return {}
        real, rec = [], []
        for s in chosen:
            real.append(features_to_motion(self.world(torch.from_numpy(s.motion[:frames])),
                                           self.config.fps))
            rec.append(self.to_motion(self.tokenize(s.motion[:frames])))
        result = evaluate(rec, real, bootstrap=0)["metrics"]
        return {f"reconstruction_{k}": result[k]["value"] for k in ("fid_k", "fid_g", "jitter")
                if k in result}

    # --- checkpoints -------------------------------------------------------------------------
    @classmethod
    def from_checkpoint(cls, path: str | Path) -> MotionVQ:
        return rebuild(path, "motion-vq", lambda config: cls(MotionVQConfig.from_dict(config)))

    @classmethod
    def load_default(cls) -> MotionVQ:
        raise ParameterError("motion-vq is a motion tokenizer, not a dance model: dance with "
                             "--model dance-tokens (which holds its own tokenizer)")
