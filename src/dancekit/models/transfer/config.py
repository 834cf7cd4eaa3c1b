"""The motion-transfer network's shape and losses: the ``model:`` section of
``dancekit train transfer``'s YAML config."""

from __future__ import annotations

from dataclasses import dataclass, field

from dancekit.errors import ParameterError
from dancekit.models.common import (
    WEIGHT,
    ModelConfig,
    Range,
    check_fields,
    check_memory,
    size,
)

MAX_LEVELS = 8


@dataclass
class TransferConfig(ModelConfig):
    """Generator, discriminators and losses; frames are ``width`` x ``height`` pixels.

    The default trains at 256 px wide on a CPU; :meth:`published` is the size Everybody
    Dance Now trained at on GPUs (1024 x 512, pix2pixHD's channel widths)."""

    label = "transfer"

    width: int = 256
    height: int = 144
    base: int = 32  # generator channels at full resolution, doubled at each level
    levels: int = 4  # U-Net halvings: width and height must be multiples of 2**levels
    max_channels: int = 256
    disc_base: int = 32  # discriminator channels in its first layer
    disc_layers: int = 3  # strided layers of each PatchGAN
    scales: int = 2  # discriminators, each at half the previous one's resolution
    temporal: bool = True  # each frame conditioned on the previous generated frame
    l1_weight: float = 10.0  # pixel L1 (in place of the VGG loss, whose weights need a download)
    feature_weight: float = 10.0  # discriminator feature matching
    line_width: float = 0.02  # stick-figure bone width, as a share of the frame height
    styles: list[str] = field(default_factory=list)  # unused; the Trainer reads it

    @classmethod
    def published(cls) -> TransferConfig:
        """Everybody Dance Now's size: 1024 x 512 frames, a 64-channel generator up to 512
        channels, two 64-channel discriminators of 3 strided layers."""
        return cls(width=1024, height=512, base=64, levels=6, max_channels=512, disc_base=64,
                   disc_layers=3, scales=2)

    def validate(self) -> None:
        check_fields(self, "transfer", {
            "width": size(8192), "height": size(8192), "base": size(4096),
            "levels": size(MAX_LEVELS), "max_channels": size(4096), "disc_base": size(4096),
            "disc_layers": size(6), "scales": size(4), "l1_weight": WEIGHT,
            "feature_weight": WEIGHT, "line_width": Range(0.001, 0.2)}, flags=("temporal",))
        step = 2 ** self.levels
        if self.width % step or self.height % step:
            raise ParameterError(f"transfer width and height must be multiples of {step} "
                                 f"(2**levels), got {self.width}x{self.height}")
        if min(self.width, self.height) < 2 ** (self.disc_layers + self.scales):
            raise ParameterError("transfer frames are too small for the discriminators")
        check_memory("transfer", self.size_estimate())

    def channels(self, level: int) -> int:
        """Generator channels at U-Net ``level`` (0: full resolution)."""
        return min(self.base * 2 ** level, self.max_channels)

    def size_estimate(self) -> tuple[int, int]:
        """(weights, activations of one training sample) in floats."""
        gen = sum(32 * self.channels(i) * self.channels(i + 1) for i in range(self.levels))
        disc = self.scales * sum(16 * (self.disc_base * 2 ** i) ** 2
                                 for i in range(self.disc_layers + 1))
        pixels = self.width * self.height
        frames = 2 if self.temporal else 1
        activations = frames * pixels * (8 * self.base + 4 * self.disc_base * self.scales)
        return gen + disc, activations
