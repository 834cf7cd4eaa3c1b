"""FACT's training side: statistics and the closed-form linear base fitted once on the
training split (``prepare``), the future-N loss over roll-out passes, and the validation
dances the Trainer scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.data.windows import Sequence, collate, make_windows
from dancekit.errors import ParameterError
from dancekit.models.fact.network import FACTNetwork, pick
from dancekit.models.fact.sampling import generate_features
from dancekit.models.music import BEAT_COLUMN, phase_beats
from dancekit.models.representation import (
    SKELETON,
    canonical_root,
    canonical_root_t,
    joint_positions,
    pad_root,
    root_offset,
)
from dancekit.motion import Motion

# loss weight of the hypotheses that were not the closest (relaxed winner-takes-all)
OTHERS_SHARE = 0.05


def prepare(net: FACTNetwork, sequences: list[Any]) -> None:
    """Fit normalisation statistics, the linear base and the seed bank on training sequences
    (objects with ``motion`` (T, 147) and ``audio`` (T, 35 or 37) arrays at ``config.fps``)."""
    c = net.config
    span = c.motion_frames + c.future_frames
    mot = np.concatenate([canonical_root(s.motion[i:i + span]) for s in sequences
                          for i in range(0, max(1, len(s.motion) - span + 1),
                                         c.motion_frames // 2)])
    aud = np.concatenate([s.audio for s in sequences])
    net.motion_mean.copy_(torch.from_numpy(mot.mean(0)))
    net.motion_std.copy_(torch.from_numpy(np.maximum(mot.std(0), 1e-3)))
    net.audio_mean.copy_(torch.from_numpy(aud.mean(0)))
    net.audio_std.copy_(torch.from_numpy(np.maximum(aud.std(0), 1e-3)))
    if c.linear_base:
        fit_linear_base(net, sequences)
    if c.velocity_input:
        change = np.concatenate([np.diff(s.motion, axis=0) for s in sequences])
        std = np.maximum(change.std(0), 1e-6) / net.motion_std.numpy()
        net.velocity_std.copy_(torch.from_numpy(np.maximum(std, 1e-4)))
    # seed clips spread evenly over the sequences long enough to hold one
    usable = [s for s in sequences if len(s.motion) >= c.motion_frames]
    if not usable:
        raise ParameterError(f"no training sequence has the {c.motion_frames} frames a "
                             "seed needs")
    for k in range(c.seed_bank):
        s = usable[k % len(usable)]
        span = len(s.motion) - c.motion_frames
        start = (k // len(usable) * 37 * c.future_frames) % (span + 1)
        clip = canonical_root(s.motion[start:start + c.motion_frames])
        net.seeds[k] = torch.from_numpy(clip)
    net.seeds_ready.fill_(True)


def fit_linear_base(net: FACTNetwork, sequences: list[Any], ridge: float = 1.0) -> None:
    """Ridge regression of each future frame's change from the seed's last frame on
    :meth:`FACTNetwork.base_inputs`, over the training windows (normal equations summed per
    sequence, so memory does not grow with the data)."""
    c = net.config
    F_in = net.base_weight.shape[1]
    gram = torch.zeros(c.future_frames, F_in, F_in, dtype=torch.float64)
    cross = torch.zeros(c.future_frames, F_in, net.base_weight.shape[2], dtype=torch.float64)
    window = c.motion_frames + c.future_frames
    span = max(window, c.audio_frames)
    for s in sequences:
        if len(s.motion) < span:
            continue
        batch = collate([s], make_windows([s], span, max(1, c.future_frames // 4)), window,
                        c.audio_frames, [])
        mot, aud = canonical_root_t(batch["motion"]), batch["audio"]
        seed = net.norm_motion(mot[:, :c.motion_frames])
        target = net.norm_motion(mot[:, c.motion_frames:]) - seed[:, -1:]
        x = net.base_inputs(seed, net.norm_audio(aud)).double()  # (W, N, F)
        gram += torch.einsum("wnf,wng->nfg", x, x)
        cross += torch.einsum("wnf,wnd->nfd", x, target.double())
    # solved with numpy's LAPACK: after librosa/numba have started their own OpenMP
    # runtime in the process, torch's threaded batched LU returned invalid pivots
    eye = ridge * np.eye(F_in)
    weight = np.linalg.solve(gram.numpy() + eye, cross.numpy())
    net.base_weight.copy_(torch.from_numpy(weight).float())


def loss(net: FACTNetwork, batch: dict[str, torch.Tensor],
         generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """Future-N loss on a batch of windows, over ``rollout_passes`` roll-out passes.

    ``batch["motion"]`` (B, Sm + (R-1) * step + N, 147), ``batch["audio"]``
    (B, Sa + (R-1) * step, 35) and ``batch["style"]`` (B,) label indices (``len(styles)``
    = none). Pass ``r`` sees the seed ``r * step`` frames later, whose last ``r * step``
    frames are the earlier passes' predictions (detached), as in generation. Returns the
    scalar loss (mean over passes) and its parts.
    """
    c = net.config
    motion, audio = batch["motion"], batch["audio"]
    style = batch["style"]
    if net.training and c.style_dropout > 0:
        drop = torch.rand(style.shape, generator=generator) < c.style_dropout
        style = torch.where(drop.to(style.device), len(c.styles), style)
    seed = motion[:, :c.motion_frames]  # raw; becomes partly generated after pass 0
    parts: dict[str, float] = {}
    total = motion.new_zeros(())
    weights = {"feature_loss": 1.0, "position_loss": c.position_loss,
               "velocity_loss": c.velocity_loss, "energy_loss": c.energy_loss,
               "other_loss": OTHERS_SHARE, "choice_loss": c.choice_loss}
    for r in range(c.rollout_passes):
        start = r * c.generate_step
        end = start + c.motion_frames
        offset = pad_root(root_offset(seed))  # x/z of the seed's first frame
        target = motion[:, end:end + c.future_frames] - offset  # (B, N, 147)
        seed_n = net.norm_motion(seed - offset)
        if net.training and c.seed_offset_noise > 0:
            B, _, D = seed_n.shape
            noise = torch.randn((B, 1, D), generator=generator).to(seed_n.device)
            seed_n = seed_n + c.seed_offset_noise * noise
        preds, logits = net.hypotheses(
            seed_n, net.norm_audio(audio[:, start:start + c.audio_frames]), style)
        target_n = net.norm_motion(target)
        # multiple choice: the hypothesis closest to the real frames takes the loss
        error = (preds - target_n[:, None]).pow(2).mean(dim=(2, 3))  # (B, K)
        best = error.argmin(dim=1)
        pred = pick(preds, best)
        terms = {"feature_loss": F.mse_loss(pred, target_n)}
        if c.hypotheses > 1:
            # the others get a small share, so none is stranded where it never wins
            rest = (error.sum(dim=1) - error.min(dim=1).values) / (c.hypotheses - 1)
            terms["other_loss"] = rest.mean()
            terms["choice_loss"] = F.cross_entropy(logits, best)
        pred_raw = pred * net.motion_std + net.motion_mean
        if max(c.position_loss, c.velocity_loss, c.energy_loss) > 0:
            terms.update(_joint_losses(net, seed[:, -1:] - offset, pred_raw,
                                       motion[:, end - 1:end] - offset, target))
        for name, value in terms.items():
            total = total + weights[name] * value / c.rollout_passes
            parts[name] = parts.get(name, 0.0) + float(value.detach()) / c.rollout_passes
        if c.rollout_passes > 1:
            parts[f"pass{r}_feature_loss"] = float(terms["feature_loss"].detach())
        if r + 1 < c.rollout_passes:
            kept = pred_raw[:, :c.generate_step].detach() + offset
            seed = torch.cat([seed[:, c.generate_step:], kept], dim=1)
    return total, parts


def _joint_losses(net: FACTNetwork, last: torch.Tensor, pred: torch.Tensor,
                  last_true: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
    """The losses on joint positions (FK) of the predicted frames (B, N, 147), each with the
    frame before them (B, 1, 147): positions, velocities and mean speeds, the configured
    ones (weight > 0)."""
    c = net.config
    pos_pred = joint_positions(torch.cat([last, pred], dim=1))
    pos_true = joint_positions(torch.cat([last_true, target], dim=1))
    terms = {}
    if c.position_loss > 0:  # (10 cm)^2 as the unit
        terms["position_loss"] = F.mse_loss(pos_pred[:, 1:], pos_true[:, 1:]) / 0.01
    if c.velocity_loss > 0:  # (1 cm per frame)^2 as the unit
        terms["velocity_loss"] = F.mse_loss(pos_pred.diff(dim=1), pos_true.diff(dim=1)) / 1e-4
    if c.energy_loss > 0:  # (1 cm per frame)^2 as the unit
        speed_pred = pos_pred.diff(dim=1).norm(dim=-1).mean(dim=1)  # (B, J)
        speed_true = pos_true.diff(dim=1).norm(dim=-1).mean(dim=1)
        terms["energy_loss"] = F.mse_loss(speed_pred, speed_true) / 1e-4
    return terms


def validation_metrics(net: FACTNetwork, sequences: list[Sequence], seconds: float,
                       count: int) -> dict[str, float]:
    """Dance to held-out music from each sequence's own first two seconds and compare with
    the real dances: FID_k, FID_g, Beat Align Score (against the beats of the model's own
    clock, :func:`music_beats`), jitter, and the ratio of mean joint speeds (near 0 means
    freezing)."""
    from dancekit.metrics import evaluate

    c = net.config
    frames = int(seconds * c.fps)
    chosen = [s for s in sequences if len(s.motion) >= frames][:count]
    if not chosen or frames <= c.motion_frames:
        return {}
    audio = torch.from_numpy(np.stack([s.audio[:frames] for s in chosen]))
    seed = torch.from_numpy(np.stack([s.motion[:c.motion_frames] for s in chosen]))
    gen = generate_features(net, audio.to(net.seeds.device), frames, seed.to(net.seeds.device),
                            generator=torch.Generator().manual_seed(0)).cpu()
    real = torch.from_numpy(np.stack([s.motion[:frames] for s in chosen]))
    tail = slice(c.motion_frames, frames)  # only what the model generated
    gen_pos, real_pos = joint_positions(gen[:, tail]), joint_positions(real[:, tail])
    speed_gen = gen_pos.diff(dim=1).norm(dim=-1).mean()
    speed_real = real_pos.diff(dim=1).norm(dim=-1).mean()
    beats = [music_beats(net, s.audio[tail]) / c.fps for s in chosen]
    result = evaluate([Motion(p.numpy(), c.fps, SKELETON) for p in gen_pos],
                      [Motion(p.numpy(), c.fps, SKELETON) for p in real_pos],
                      music_beats=beats, bootstrap=0)
    out = {"speed_ratio": float(speed_gen / speed_real)}
    for name in ("fid_k", "fid_g", "bas", "jitter", "jitter_real"):
        if name in result["metrics"]:
            out[name] = result["metrics"][name]["value"]
    return out


def music_beats(net: FACTNetwork, audio: np.ndarray) -> np.ndarray:
    """Beat frames of music feature rows (T, 35 or 37): where the beat phase wraps when the
    clock comes from the tracker (the beats the model reads), else the librosa one-hot of
    the 35-d features."""
    c = net.config
    if not (c.beat_phase and c.phase_source == "tracker"):
        return np.flatnonzero(audio[:, BEAT_COLUMN] > 0.5)
    return phase_beats(audio)
