"""DanceNet's two networks, computing from tensors only: the convolutional image VAE and
the stacked LSTMs with a mixture density head over its latents."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from dancekit.models.dancenet.config import DanceNetConfig, DanceNetVAEConfig


class ImageVAE(nn.Module):
    """Images (N, H, W) in [0, 1] <-> latents (N, latent); see :class:`DanceNetVAEConfig`."""

    def __init__(self, config: DanceNetVAEConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        c1, c2, c3 = c.channels
        gh, gw = c.grid
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c2, c3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(gh * gw * c3, c.dense))
        self.to_mean = nn.Linear(c.dense, c.latent)
        self.to_logvar = nn.Linear(c.dense, c.latent)
        self.from_latent = nn.Sequential(nn.Linear(c.latent, gh * gw * c3), nn.ReLU(),
                                         nn.Unflatten(1, (c3, gh, gw)))
        self.decoder = nn.Sequential(
            nn.Conv2d(c3, c.widen, 1),
            nn.Conv2d(c.widen, c3, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2),
            nn.Conv2d(c3, c2, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2),
            nn.Conv2d(c2, c1, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2),
            nn.Conv2d(c1, 1, 3, padding=1))

    def posterior(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, H, W) in [0, 1] -> latent mean and log-variance, each (N, latent)."""
        h = self.encoder(images[:, None])
        return self.to_mean(h), self.to_logvar(h)

    def decode_logits(self, latents: torch.Tensor) -> torch.Tensor:
        """(N, latent) -> (N, H, W) pixel logits (the sigmoid gives the image)."""
        return self.decoder(self.from_latent(latents))[:, 0]

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """(N, latent) -> (N, H, W) images in [0, 1]."""
        return torch.sigmoid(self.decode_logits(latents))


class LatentMDN(nn.Module):
    """Stacked LSTMs over (latent, music) steps with a mixture of ``mixtures`` diagonal
    Gaussians over the next latent; see :class:`DanceNetConfig`."""

    def __init__(self, config: DanceNetConfig, latent: int) -> None:
        super().__init__()
        self.config = c = config
        self.latent = latent
        self.lstm = nn.LSTM(latent + c.music_dim, c.hidden, num_layers=c.layers,
                            batch_first=True, dropout=c.dropout if c.layers > 1 else 0.0)
        self.head = nn.Linear(c.hidden, c.mixtures * (1 + 2 * latent))

    def forward(self, inputs: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None
                = None) -> tuple[tuple[torch.Tensor, torch.Tensor, torch.Tensor],
                                 tuple[torch.Tensor, torch.Tensor]]:
        """(B, T, latent + music) -> mixture (log weights (B, T, K), means (B, T, K, D),
        stds (B, T, K, D)) for each next latent, and the LSTM state."""
        out, state = self.lstm(inputs, state)
        return self.mixture(self.head(out)), state

    def mixture(self, raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        k, d = self.config.mixtures, self.latent
        logits, rest = raw.split([k, 2 * k * d], dim=-1)
        mean, log_std = rest.unflatten(-1, (k, 2, d)).unbind(-2)
        std = F.softplus(log_std) + self.config.sigma_floor
        return logits.log_softmax(-1), mean, std


def mixture_log_likelihood(log_weights: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
                           target: torch.Tensor) -> torch.Tensor:
    """log sum_k w_k N(target; mean_k, diag(std_k^2)) for each (..., D) ``target``, the
    mixture from :meth:`LatentMDN.mixture` ((..., K), (..., K, D), (..., K, D))."""
    z = (target[..., None, :] - mean) / std
    per_dim = -0.5 * z * z - torch.log(std) - 0.5 * math.log(2 * math.pi)
    return torch.logsumexp(log_weights + per_dim.sum(-1), dim=-1)


__all__ = ["ImageVAE", "LatentMDN", "mixture_log_likelihood"]
