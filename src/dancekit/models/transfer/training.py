"""How the transfer networks learn, as pix2pixHD with Everybody Dance Now's temporal setup.

A training sample is two consecutive frames with their pose images. With ``temporal``, the
first frame is generated from its pose and a blank previous frame, the second from its pose,
the first pose and the first *generated* frame (so the generator learns to continue its own
output, as it must at transfer time), and the discriminators judge the pair of frames with
both poses, which makes jerky pairs detectable. Without it, each frame is generated and
judged alone.

Losses: least-squares GAN, feature matching on every discriminator layer, and L1 to the real
frame (in place of pix2pixHD's VGG perceptual loss: its ImageNet weights would have to be
downloaded). The generator and discriminators train in one backward pass of one optimiser:
the discriminators' weights are frozen while the generator's adversarial and feature terms
are computed (their gradient reaches the generator only), and the discriminator terms see the
generated frames detached.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from dancekit.models.transfer.config import TransferConfig


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """(..., H, W, C) uint8 -> (..., C, H, W) float in [-1, 1]."""
    return images.movedim(-1, -3).float() / 127.5 - 1.0


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """(..., 3, H, W) in [-1, 1] -> (..., H, W, 3) uint8."""
    return ((images.clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8).movedim(-3, -1)


def split_batch(motion: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch's (B, F, H, W, 6) uint8 frames-and-pose-images -> real frames and pose images,
    each (B, F, 3, H, W) in [-1, 1]."""
    x = to_unit(motion)
    return x[:, :, :3], x[:, :, 3:]


def generate_window(generator: nn.Module, poses: torch.Tensor, temporal: bool
                    ) -> torch.Tensor:
    """Frames (B, F, 3, H, W) for pose images (B, F, 3, H, W): each conditioned on the previous
    generated frame and pose when ``temporal`` (a blank frame and its own pose before the
    first), independently otherwise."""
    if not temporal:
        return generator(poses.flatten(0, 1)).view_as(poses)
    frames = []
    prev_pose, prev = poses[:, 0], torch.zeros_like(poses[:, 0])
    for f in range(poses.shape[1]):
        prev = generator(torch.cat([poses[:, f], prev_pose, prev], dim=1))
        prev_pose = poses[:, f]
        frames.append(prev)
    return torch.stack(frames, dim=1)


def disc_input(poses: torch.Tensor, frames: torch.Tensor, temporal: bool) -> torch.Tensor:
    """What a discriminator judges: both poses and both frames stacked as channels
    (``temporal``), or each pose with its frame as its own sample."""
    if temporal:
        return torch.cat([poses.flatten(1, 2), frames.flatten(1, 2)], dim=1)
    return torch.cat([poses, frames], dim=2).flatten(0, 1)


@contextlib.contextmanager
def frozen(module: nn.Module) -> Iterator[None]:
    """``module``'s parameters take no gradient inside the block; inputs still do."""
    params = [p for p in module.parameters() if p.requires_grad]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


def gan_loss(generator: nn.Module, discriminator: nn.Module, motion: torch.Tensor,
             config: TransferConfig) -> tuple[torch.Tensor, dict[str, float]]:
    """The summed generator and discriminator objectives of one batch, and their parts."""
    real, poses = split_batch(motion)
    fake = generate_window(generator, poses, config.temporal)
    real_in = disc_input(poses, real, config.temporal)
    fake_in = disc_input(poses, fake, config.temporal)
    with frozen(discriminator):
        fake_out = discriminator(fake_in)
    real_out = discriminator(real_in)
    adv = sum(F.mse_loss(o[-1], torch.ones_like(o[-1])) for o in fake_out) / len(fake_out)
    layers = sum(len(o) - 1 for o in real_out)
    match = sum(F.l1_loss(f, r.detach()) for fo, ro in zip(fake_out, real_out, strict=True)
                for f, r in zip(fo[:-1], ro[:-1], strict=True)) / max(layers, 1)
    l1 = F.l1_loss(fake, real)
    g_total = adv + config.feature_weight * match + config.l1_weight * l1
    fake_d = discriminator(fake_in.detach())
    d_real = sum(F.mse_loss(o[-1], torch.ones_like(o[-1])) for o in real_out)
    d_fake = sum(F.mse_loss(o[-1], torch.zeros_like(o[-1])) for o in fake_d)
    d_total = 0.5 * (d_real + d_fake) / len(real_out)
    parts = {"g_adv": float(adv.detach()), "feature_match": float(match.detach()),
             "l1": float(l1.detach()), "d_real": float(d_real.detach()) / len(real_out),
             "d_fake": float(d_fake.detach()) / len(real_out)}
    return g_total + d_total, parts
