"""The networks of motion transfer: a pix2pix U-Net generator from stick-figure images to
frames, and pix2pixHD's multi-scale PatchGAN discriminators, which also hand out their
intermediate features for the feature-matching loss. They compute; the model decides."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from dancekit.models.transfer.config import TransferConfig


def _block(cin: int, cout: int, *, stride: int = 1, kernel: int = 3,
           act: nn.Module | None = None) -> nn.Sequential:
    pad = (kernel - 1) // 2 if stride == 1 and kernel % 2 else 1
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, pad),
                         nn.InstanceNorm2d(cout, affine=True),
                         act if act is not None else nn.LeakyReLU(0.2))


def generator_inputs(config: TransferConfig) -> int:
    """Channels the generator reads: the pose image, and with ``temporal`` also the previous
    frame's pose image and the previous generated frame."""
    return 9 if config.temporal else 3


def discriminator_inputs(config: TransferConfig) -> int:
    """Channels a discriminator reads: pose and frame, for two consecutive frames when
    ``temporal`` (so it can tell a jerky pair from a real one)."""
    return 12 if config.temporal else 6


class UNetGenerator(nn.Module):
    """Pose images (B, C, H, W) in [-1, 1] -> a frame (B, 3, H, W) in [-1, 1]. Downsampling
    by strided convolutions, upsampling by nearest neighbour and a convolution (no
    transposed-convolution checkerboard), a skip connection at every level."""

    def __init__(self, config: TransferConfig) -> None:
        super().__init__()
        ch = config.channels
        self.stem = _block(generator_inputs(config), ch(0))
        self.down = nn.ModuleList(
            nn.Sequential(_block(ch(i), ch(i + 1), stride=2, kernel=4),
                          _block(ch(i + 1), ch(i + 1)))
            for i in range(config.levels))
        self.up = nn.ModuleList(_block(ch(i + 1) + ch(i), ch(i), act=nn.ReLU())
                                for i in range(config.levels))
        self.head = nn.Conv2d(ch(0), 3, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        skips = []
        for down in self.down:
            skips.append(x)
            x = down(x)
        for level in reversed(range(len(self.up))):
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")
            x = self.up[level](torch.cat([x, skips[level]], dim=1))
        return torch.tanh(self.head(x))


class PatchDiscriminator(nn.Module):
    """A PatchGAN: a map of real/fake scores, one per overlapping patch, and the features of
    every layer before it."""

    def __init__(self, inputs: int, base: int, layers: int) -> None:
        super().__init__()
        blocks: list[nn.Module] = [nn.Sequential(nn.Conv2d(inputs, base, 4, 2, 1),
                                                 nn.LeakyReLU(0.2))]
        width = base
        for i in range(1, layers):
            blocks.append(_block(width, base * 2 ** i, stride=2, kernel=4))
            width = base * 2 ** i
        blocks.append(_block(width, width * 2, kernel=4))
        blocks.append(nn.Conv2d(width * 2, 1, 4, 1, 1))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        out = []
        for block in self.blocks:
            x = block(x)
            out.append(x)
        return out


class MultiScaleDiscriminator(nn.Module):
    """``scales`` PatchGANs, each seeing the input at half the previous one's resolution:
    the coarse one judges the whole body's shape, the fine one texture."""

    def __init__(self, config: TransferConfig) -> None:
        super().__init__()
        self.nets = nn.ModuleList(
            PatchDiscriminator(discriminator_inputs(config), config.disc_base, config.disc_layers)
            for _ in range(config.scales))

    def forward(self, x: torch.Tensor) -> list[list[torch.Tensor]]:
        out = []
        for i, net in enumerate(self.nets):
            if i:
                x = F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)
            out.append(net(x))
        return out
