"""Dancing to Music's training side: the statistics fitted once on the training split, the
two stages of the loss (the DU-VAE for the first ``vae_steps`` steps, then the MM-GAN
against the frozen DU-VAE) and the validation numbers the Trainer logs.

The Trainer runs one optimiser over every parameter; each stage's loss reaches only its own
parts. In the MM-GAN stage the discriminator's loss sees the generated dance detached and the
generator's loss reads the discriminator's (and the decoder's) weights detached, so one
backward pass makes the discriminator's step and the generator's step together, and the
DU-VAE, reached by neither, keeps its weights (AdamW skips parameters without a gradient).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models.d2m.network import D2MNetwork, decode_with
from dancekit.models.d2m.sampling import TRAVEL, compose_units
from dancekit.models.representation import MOTION_DIM, joint_positions


def split_rows(net: D2MNetwork, motion: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Training rows (..., unit_dim) -> raw units (..., F, 147) and their lengths (...) in
    seconds."""
    c = net.config
    units = motion[..., :-1].reshape(*motion.shape[:-1], c.unit_frames, MOTION_DIM)
    return units, motion[..., -1]


def prepare(net: D2MNetwork, sequences: list[Sequence]) -> None:
    """Normalisation statistics of poses and per-unit music, initial poses spread over the
    training units, and the units' median length."""
    if not sequences:
        raise ParameterError("d2m needs at least one training sequence")
    rows = torch.from_numpy(np.concatenate([s.motion for s in sequences]))
    units, seconds = split_rows(net, rows)
    poses = units.reshape(-1, MOTION_DIM)
    music = np.concatenate([s.audio for s in sequences])
    net.motion_mean.copy_(poses.mean(0))
    net.motion_std.copy_(poses.std(0).clamp_min(1e-3))
    net.music_mean.copy_(torch.from_numpy(music.mean(0)))
    net.music_std.copy_(torch.from_numpy(np.maximum(music.std(0), 1e-3)))
    picks = np.linspace(0, len(units) - 1, net.config.seed_bank).round().astype(np.int64)
    net.starts.copy_(units[picks, 0])
    net.starts_ready.fill_(True)
    net.unit_seconds.fill_(float(seconds.median()))


def normal(net: D2MNetwork, units: torch.Tensor) -> torch.Tensor:
    return (units - net.motion_mean) / net.motion_std


def sample(mean: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None
           ) -> torch.Tensor:
    """A draw of N(mean, exp(logvar)) by the reparameterisation trick."""
    eps = torch.randn(mean.shape, generator=generator).to(mean.device)
    return mean + eps * (0.5 * logvar).exp()


def kl(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(logvar)) || N(0, 1)), summed over the code, averaged over the batch."""
    return (0.5 * (mean ** 2 + logvar.exp() - 1 - logvar)).sum(-1).mean()


def vae_loss(net: D2MNetwork, units: torch.Tensor, generator: torch.Generator | None
             ) -> dict[str, torch.Tensor]:
    """The DU-VAE on normalised units (U, F, 147): reconstruction (L1), KL of both codes,
    and the two terms that keep the codes apart: each unit's movement decoded from another
    unit's initial pose must still reconstruct from the initial pose it was given (the
    decoder's first frame holds by construction) and encode back to the same movement code
    (``cycle``), so the movement code cannot carry the pose it started from."""
    initial = units[:, 0]
    pose_mean, pose_logvar = net.encode_initial(initial)
    move_mean, move_logvar = net.encode_movement(units)
    pose_code = sample(pose_mean, pose_logvar, generator)
    move_code = sample(move_mean, move_logvar, generator)
    terms = {"recon": F.l1_loss(net.decode(pose_code, move_code, initial), units),
             "kl": kl(pose_mean, pose_logvar) + kl(move_mean, move_logvar)}
    other = torch.randperm(len(units), generator=generator).to(units.device)
    swapped = net.decode(pose_code[other], move_code, initial[other])
    again, _ = net.encode_movement(swapped)
    terms["cycle"] = F.l1_loss(again, move_mean.detach())
    return terms


def gan_loss(net: D2MNetwork, units: torch.Tensor, music: torch.Tensor, style: torch.Tensor,
             heard_style: torch.Tensor, generator: torch.Generator | None
             ) -> dict[str, torch.Tensor]:
    """The MM-GAN on a window of normalised real units (B, N, F, 147) and their raw music
    (B, N, D): the generator composes movement codes for the music from each real unit's
    initial pose (teacher forcing; dancing takes it from the previous generated unit), the
    frozen decoder turns them into units, and the discriminator scores (music, dance) pairs
    (non-saturating loss) and reads the style of real dances. The real dance it sees is the
    DU-VAE's reconstruction of the real units, so both sides come out of the same decoder:
    fed the raw capture, it told real from generated by the decoder's smoothing alone (its
    loss fell to 0.0007 within 900 steps while the generated codes drifted off the real
    ones). Auxiliary terms: the generated codes regress to the real dance's movement codes,
    and the discriminator's style head reads the music's style in the generated dance."""
    c = net.config
    B, N = units.shape[:2]
    initial = units[:, :, 0].flatten(0, 1)
    with torch.no_grad():
        pose_code, _ = net.encode_initial(units[:, :, 0])
        real_codes, _ = net.encode_movement(units.flatten(0, 1))
        real = net.decode(pose_code.flatten(0, 1), real_codes, initial).reshape(units.shape)
    noise = torch.randn((B, N, c.noise), generator=generator).to(units.device)
    codes, _ = net.compose(net.hear(music, heard_style), noise, pose_code)
    frozen = {k: v.detach() for k, v in net.named_parameters() if k.startswith("decoder")}
    fake = decode_with(net, frozen, pose_code.flatten(0, 1), codes.flatten(0, 1),
                       initial).reshape(units.shape)
    real_score, real_style = net.judge(real, music)
    fake_score, _ = net.judge(fake.detach(), music)
    judged, judged_style = net.judge(fake, music, frozen=True)
    labelled = style < len(c.styles)
    terms = {"d_loss": F.softplus(-real_score).mean() + F.softplus(fake_score).mean(),
             "g_adv": F.softplus(-judged).mean(),
             "code": F.l1_loss(codes.flatten(0, 1), real_codes)}
    if bool(labelled.any()):
        terms["d_style"] = F.cross_entropy(real_style[labelled], style[labelled])
        terms["g_style"] = F.cross_entropy(judged_style[labelled], style[labelled])
    return terms


def loss(net: D2MNetwork, batch: dict[str, torch.Tensor],
         generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """The current stage's loss on a window of units: ``batch["motion"]`` (B, N, unit_dim)
    raw rows, ``batch["audio"]`` (B, N, music_dim), ``batch["style"]`` (B,). Each call in
    training mode counts one step."""
    c = net.config
    raw, _ = split_rows(net, batch["motion"])
    units = normal(net, raw)
    style = batch["style"]
    if int(net.trained_steps) < c.vae_steps:
        terms = vae_loss(net, units.flatten(0, 1), generator)
        total = terms["recon"] + c.kl_weight * terms["kl"] + c.shift_weight * terms["cycle"]
    else:
        heard = style
        if net.training and c.style_dropout > 0:
            drop = torch.rand(style.shape, generator=generator) < c.style_dropout
            heard = torch.where(drop.to(style.device), len(c.styles), style)
        terms = gan_loss(net, units, batch["audio"], style, heard, generator)
        total = terms["d_loss"] + c.adv_weight * terms["g_adv"] + c.code_weight * terms["code"]
        if "d_style" in terms:
            total = total + terms["d_style"] + c.style_weight * terms["g_style"]
    if net.training:
        net.trained_steps += 1
    return total, {k: float(v.detach()) for k, v in terms.items()}


def validation_metrics(net: D2MNetwork, sequences: list[Sequence], seconds: float,
                       count: int) -> dict[str, float]:
    """On held-out dances: the DU-VAE's reconstruction error (normalised L1, codes at their
    means), and, for dances composed to their music (from their first unit's pose, with the
    dance's own style label where the model knows it, as ``dancekit dance`` asks for a
    style), the ratio of their mean joint speed to the real ones' (near 0: freezing) and of
    the distance each unit's root travels (far above 1: a dancer flying off)."""
    c = net.config
    chosen = [s for s in sequences if len(s.motion) >= 2][:count]
    if not chosen:
        return {}
    net.eval()
    errors, speeds, travels = [], [], []
    with torch.no_grad():
        for s in chosen:
            keep = max(1, min(len(s.motion), int(seconds / float(net.unit_seconds))))
            raw, lengths = split_rows(net, torch.from_numpy(s.motion[:keep]))
            units = normal(net, raw)
            pose, _ = net.encode_initial(units[:, 0])
            move, _ = net.encode_movement(units)
            errors.append(float(F.l1_loss(net.decode(pose, move, units[:, 0]), units)))
            style = c.styles.index(s.style) if s.style in c.styles else len(c.styles)
            made = compose_units(net, torch.from_numpy(s.audio[:keep]), raw[0, 0], style,
                                 torch.Generator().manual_seed(0))
            speeds.append((unit_speed(made, lengths), unit_speed(raw, lengths)))
            travels.append((unit_travel(made), unit_travel(raw)))
    gen, real = np.mean([g for g, _ in speeds]), np.mean([r for _, r in speeds])
    far, near = np.mean([g for g, _ in travels]), np.mean([r for _, r in travels])
    return {"recon_l1": float(np.mean(errors)), "speed_ratio": float(gen / max(real, 1e-9)),
            "travel_ratio": float(far / max(near, 1e-9))}


def unit_travel(units: torch.Tensor) -> float:
    """Mean straight-line distance (m) the root covers within each of raw units (U, F, 147)."""
    return float((units[:, -1, TRAVEL] - units[:, 0, TRAVEL]).norm(dim=-1).mean())


def unit_speed(units: torch.Tensor, seconds: torch.Tensor) -> float:
    """Mean joint speed (m/s) of raw units (U, F, 147) lasting ``seconds`` (U,) each."""
    pos = joint_positions(units)
    step = pos.diff(dim=1).norm(dim=-1).mean(dim=(1, 2))
    return float((step * (units.shape[1] - 1) / seconds).mean())
