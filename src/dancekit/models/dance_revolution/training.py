"""Dance Revolution's training side: the dynamic auto-condition schedule, the statistics and
start poses fitted once on the training split (``prepare``), the loss over a window, and the
validation dances the Trainer scores."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models.dance_revolution.config import DanceRevolutionConfig
from dancekit.models.dance_revolution.network import DanceRevolutionNetwork
from dancekit.models.dance_revolution.sampling import from_steps, generate_steps
from dancekit.models.representation import SKELETON, joint_positions
from dancekit.motion import Motion


def own_frames(config: DanceRevolutionConfig, step: int) -> int:
    """Length of the own-prediction blocks after ``step`` training steps: one more frame
    every ``own_every`` steps, at most ``own_max``."""
    return min(config.own_max, step // config.own_every)


def feed_schedule(config: DanceRevolutionConfig, step: int, frames: int) -> torch.Tensor:
    """Which of a window's ``frames`` decoder inputs are real poses (True) and which the
    decoder's own predictions (False) at training step ``step``: blocks of ``truth_frames``
    real inputs, each followed by a block of :func:`own_frames` own ones, from the window's
    first frame (always real: it is the start)."""
    own = own_frames(config, step)
    period = config.truth_frames + own
    return torch.arange(frames) % period < config.truth_frames


def prepare(net: DanceRevolutionNetwork, sequences: list[Sequence]) -> None:
    """Normalisation statistics of poses and music, and start poses spread over the
    training sequences (each a sequence's frame at a different offset)."""
    if not sequences:
        raise ParameterError("dance-revolution needs at least one training sequence")
    motion = np.concatenate([s.motion for s in sequences])
    music = np.concatenate([s.audio for s in sequences])
    net.motion_mean.copy_(torch.from_numpy(motion.mean(0)))
    net.motion_std.copy_(torch.from_numpy(np.maximum(motion.std(0), 1e-3)))
    net.music_mean.copy_(torch.from_numpy(music.mean(0)))
    net.music_std.copy_(torch.from_numpy(np.maximum(music.std(0), 1e-3)))
    for k in range(net.config.seed_bank):
        s = sequences[k % len(sequences)]
        frame = (k // len(sequences) * 97) % len(s.motion)
        net.starts[k] = torch.from_numpy(s.motion[frame])
    net.starts_ready.fill_(True)


def loss(net: DanceRevolutionNetwork, batch: dict[str, torch.Tensor],
         generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """L1 between the predicted and real normalised poses of a window's frames 1..L, the
    decoder fed by :func:`feed_schedule` at the current training step, plus the joint
    position loss. ``batch["motion"]`` (B, L + 1, 147) in step form, ``batch["audio"]``
    (B, L + 1 + window, D) raw. Each call in training mode counts one step."""
    c = net.config
    motion, music, style = batch["motion"], batch["audio"], batch["style"]
    if net.training and c.style_dropout > 0:
        drop = torch.rand(style.shape, generator=generator) < c.style_dropout
        style = torch.where(drop.to(style.device), len(c.styles), style)
    frames = motion.shape[1] - 1
    heard = net.encode_music(music, style)[:, 1:frames + 1]
    poses = (motion - net.motion_mean) / net.motion_std
    step = int(net.trained_steps)
    feed = feed_schedule(c, step, frames)
    state = net.initial_state(len(motion), generator)
    pred, _ = net.decode(heard, poses[:, :frames], feed, state)
    terms = {"l1_loss": F.l1_loss(pred, poses[:, 1:])}
    if c.position_loss > 0:
        raw = pred * net.motion_std + net.motion_mean
        first = motion[:, :1]
        mine = joint_positions(from_steps(torch.cat([first, raw], dim=1), c.heading_free))
        real = joint_positions(from_steps(motion, c.heading_free))
        terms["position_loss"] = F.mse_loss(mine[:, 1:], real[:, 1:]) / 0.01
    total = terms["l1_loss"] + c.position_loss * terms.get("position_loss", 0.0)
    if net.training:
        net.trained_steps += 1
    parts = {k: float(v.detach()) for k, v in terms.items()}
    parts["own_frames"] = float(own_frames(c, step))
    return total, parts


def validation_metrics(net: DanceRevolutionNetwork, sequences: list[Sequence],
                       seconds: float, count: int) -> dict[str, float]:
    """Dance to held-out music from each sequence's own first frame and compare with the
    real dances: FID_k, FID_g, jitter, and the ratio of mean joint speeds (near 0 means
    freezing)."""
    from dancekit.metrics import evaluate

    c = net.config
    frames = int(seconds * c.fps)
    chosen = [s for s in sequences if len(s.motion) >= frames][:count]
    if not chosen or frames < 2:
        return {}
    music = torch.from_numpy(np.stack([s.audio[:frames] for s in chosen]))
    start = torch.from_numpy(np.stack([s.motion[0] for s in chosen]))
    style = torch.full((len(chosen),), len(c.styles), dtype=torch.long)
    device = net.motion_mean.device
    gen = generate_steps(net, music.to(device), frames, start.to(device), style.to(device),
                         torch.Generator().manual_seed(0)).cpu()
    real = torch.from_numpy(np.stack([s.motion[:frames] for s in chosen]))
    gen_pos = joint_positions(from_steps(gen, c.heading_free))
    real_pos = joint_positions(from_steps(real, c.heading_free))
    speed_gen = gen_pos.diff(dim=1).norm(dim=-1).mean()
    speed_real = real_pos.diff(dim=1).norm(dim=-1).mean()
    result = evaluate([Motion(p.numpy(), c.fps, SKELETON) for p in gen_pos],
                      [Motion(p.numpy(), c.fps, SKELETON) for p in real_pos], bootstrap=0)
    out = {"speed_ratio": float(speed_gen / speed_real)}
    for name in ("fid_k", "fid_g", "jitter"):
        if name in result["metrics"]:
            out[name] = result["metrics"][name]["value"]
    return out


__all__ = ["feed_schedule", "loss", "own_frames", "prepare", "validation_metrics"]
