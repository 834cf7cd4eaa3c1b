"""Drawing a dance in latent space: one latent a frame from the mixture the LSTMs predict,
at a temperature, all randomness from one ``torch.Generator``."""

from __future__ import annotations

import math

import torch

from dancekit.models.dancenet.network import LatentMDN


def sample_mixture(log_weights: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
                   temperature: float, generator: torch.Generator | None) -> torch.Tensor:
    """One draw per row from mixtures ((B, K), (B, K, D), (B, K, D)) -> (B, D).

    The temperature sharpens (below 1) or flattens the choice of component, as the
    softmax of log weights / temperature, and scales each Gaussian's std by its square root
    (its variance by the temperature), as sketch-rnn and DanceNet's MDN layer sample."""
    weights = torch.softmax(log_weights / temperature, dim=-1)
    pick = torch.multinomial(weights, 1, generator=generator)  # (B, 1)
    index = pick[..., None].expand(-1, 1, mean.shape[-1])
    mu, sigma = mean.gather(1, index)[:, 0], std.gather(1, index)[:, 0]
    noise = torch.randn(mu.shape, generator=generator, dtype=mu.dtype)
    return mu + sigma * math.sqrt(temperature) * noise


def roll_out(net: LatentMDN, start: torch.Tensor, music: torch.Tensor, frames: int,
             temperature: float, generator: torch.Generator | None, *,
             carry_state: bool = True) -> torch.Tensor:
    """``frames`` normalised latents (B, frames, D) from a first one (B, D), each next one
    drawn from the mixture given everything before it and ``music`` (B, >= frames, M,
    normalised; M may be 0) at the frame it predicts. Without ``carry_state`` every step
    starts from a zero state, as a network trained on sequences of one frame was."""
    net.eval()
    out = [start]
    state = None
    with torch.no_grad():
        for t in range(1, frames):
            step = torch.cat([out[-1], music[:, t]], dim=-1)[:, None]
            (log_w, mean, std), new_state = net(step, state if carry_state else None)
            state = new_state
            out.append(sample_mixture(log_w[:, 0], mean[:, 0], std[:, 0], temperature,
                                      generator))
    return torch.stack(out, dim=1)


__all__ = ["roll_out", "sample_mixture"]
