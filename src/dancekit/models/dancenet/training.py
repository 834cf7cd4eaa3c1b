"""DanceNet's training side: the VAE's loss on single frames, the sequence model's mixture
likelihood over windows of latents, the statistics fitted once on the training split, and
the validation scores the Trainer logs."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models.dancenet.measures import image_change, reconstruction_scores
from dancekit.models.dancenet.network import ImageVAE, LatentMDN, mixture_log_likelihood

VALIDATION_FRAMES = 256  # held-out frames the VAE rebuilds at each validation


def as_images(flat: torch.Tensor, vae: ImageVAE) -> torch.Tensor:
    """(N, H * W) uint8 pixels -> (N, H, W) float in [0, 1]."""
    c = vae.config
    return flat.float().reshape(-1, c.height, c.width) / 255.0


def vae_loss(vae: ImageVAE, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """DanceNet's VAE loss on a batch of single frames (``batch["motion"]`` (B, 1, H * W)
    uint8): the binary cross-entropy summed over the pixels plus the KL divergence of the
    latent from a unit Gaussian, both averaged over the batch. The latent is drawn by the
    reparameterisation with noise from ``generator``."""
    images = as_images(batch["motion"][:, 0], vae)
    mean, logvar = vae.posterior(images)
    noise = torch.randn(mean.shape, generator=generator).to(mean.device)
    logits = vae.decode_logits(mean + torch.exp(0.5 * logvar) * noise)
    bce = F.binary_cross_entropy_with_logits(logits, images, reduction="none").sum((1, 2))
    kl = -0.5 * (1 + logvar - mean ** 2 - logvar.exp()).sum(-1)
    total = bce.mean() + vae.config.kl_weight * kl.mean()
    return total, {"bce_per_pixel": float(bce.mean().detach()) / vae.config.pixels,
                   "kl": float(kl.mean().detach())}


def held_out_frames(sequences: list[Sequence], count: int) -> np.ndarray:
    """(N, H * W) uint8 frames spread evenly over ``sequences``, at most ``count``."""
    frames = np.concatenate([s.motion for s in sequences])
    pick = np.linspace(0, len(frames) - 1, min(count, len(frames))).round().astype(int)
    return frames[pick]


def rebuild(vae: ImageVAE, flat: np.ndarray, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Real and rebuilt (latent mean, decoded) frames (N, H, W) in [0, 1] of (N, H * W)
    uint8 pixels."""
    vae.eval()
    device = next(vae.parameters()).device
    real, out = [], []
    with torch.no_grad():
        for lo in range(0, len(flat), batch):
            images = as_images(torch.from_numpy(flat[lo:lo + batch]).to(device), vae)
            out.append(vae.decode(vae.posterior(images)[0]).cpu().numpy())
            real.append(images.cpu().numpy())
    return np.concatenate(real), np.concatenate(out)


def vae_validation(vae: ImageVAE, sequences: list[Sequence]) -> dict[str, float]:
    """Pixel error and silhouette IoU of held-out frames rebuilt from their latent means."""
    if not sequences:
        return {}
    return reconstruction_scores(*rebuild(vae, held_out_frames(sequences, VALIDATION_FRAMES)))


def fit_statistics(mdn: LatentMDN, buffers: dict[str, torch.Tensor],
                   sequences: list[Sequence], seed_bank: int) -> None:
    """Latent and music normalisation, and start latents spread over the training sequences
    (each a sequence's frame at a different offset), written into ``buffers``."""
    if not sequences:
        raise ParameterError("dancenet needs at least one training sequence")
    latents = np.concatenate([s.motion for s in sequences])
    buffers["latent_mean"].copy_(torch.from_numpy(latents.mean(0)))
    buffers["latent_std"].copy_(torch.from_numpy(np.maximum(latents.std(0), 1e-3)))
    if mdn.config.music:
        music = np.concatenate([s.audio for s in sequences])
        buffers["music_mean"].copy_(torch.from_numpy(music.mean(0)))
        buffers["music_std"].copy_(torch.from_numpy(np.maximum(music.std(0), 1e-3)))
    for k in range(seed_bank):
        s = sequences[k % len(sequences)]
        buffers["starts"][k] = torch.from_numpy(s.motion[(k // len(sequences) * 97)
                                                         % len(s.motion)])
    buffers["starts_ready"].fill_(True)


def mdn_loss(mdn: LatentMDN, latents: torch.Tensor, music: torch.Tensor
             ) -> tuple[torch.Tensor, dict[str, float]]:
    """Negative log-likelihood per latent dimension of each window's latents 1..L under the
    mixtures predicted from latents 0..L-1 and the music at 1..L, the state carried through
    the window. ``latents`` (B, L + 1, D) and ``music`` (B, L + 1, M) normalised."""
    inputs = torch.cat([latents[:, :-1], music[:, 1:]], dim=-1)
    (log_w, mean, std), _ = mdn(inputs)
    nll = -mixture_log_likelihood(log_w, mean, std, latents[:, 1:]).mean() / latents.shape[-1]
    return nll, {"nll_per_dim": float(nll.detach())}


def dance_validation(frames: list[np.ndarray], real: list[np.ndarray]) -> dict[str, float]:
    """Mean picture change of generated dances over that of the real ones (near 0: a
    frozen dancer)."""
    gen = np.mean([image_change(f).mean() for f in frames])
    ref = np.mean([image_change(f).mean() for f in real])
    return {"change_ratio": float(gen / max(ref, 1e-9))}


__all__ = ["dance_validation", "fit_statistics", "held_out_frames", "mdn_loss", "rebuild",
           "vae_loss", "vae_validation"]
