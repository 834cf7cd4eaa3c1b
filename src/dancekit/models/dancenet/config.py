"""Every number that defines DanceNet's two networks; each checkpoint stores all of it.

The image VAE (:class:`DanceNetVAEConfig`) and the sequence model over its latents
(:class:`DanceNetConfig`) train as two runs, as the published project trains them; the
sequence model's checkpoint holds a copy of the VAE's config (and weights), so it stands
alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dancekit.errors import ParameterError
from dancekit.models.common import (
    FRACTION,
    WEIGHT,
    ModelConfig,
    Range,
    check_fields,
    check_memory,
    size,
)
from dancekit.render.silhouette import SILHOUETTE_SHAPE

IMAGE_FPS = 12.5  # half the ballroom capture's 25 fps; whole centiseconds for GIF
POOLS = 3  # conv + 2x2 max-pool stages of the encoder (and upsampling stages of the decoder)
MUSIC_DIM = 37  # FACT's 35 features and the sine and cosine of the beat phase


@dataclass
class DanceNetVAEConfig(ModelConfig):
    """The convolutional VAE: 1-channel images -> ``latent`` numbers -> images.

    Encoder: ``channels`` 3x3 convolutions with ReLU, each followed by a 2x2 max-pool, a
    linear ``dense`` layer, then the latent mean and log-variance. Decoder: a ReLU dense
    layer back to the pooled grid, a per-pixel dense layer of ``widen`` (no activation),
    then 3x3 ReLU convolutions of ``channels`` in reverse, each followed by 2x upsampling,
    and a 3x3 convolution to one sigmoid channel. The loss is the summed per-pixel binary
    cross-entropy plus ``kl_weight`` times the KL divergence. The defaults train on 2 CPU
    cores; :meth:`published` is DanceNet's network.
    """

    label = "dancenet-vae"

    height: int = SILHOUETTE_SHAPE[0]
    width: int = SILHOUETTE_SHAPE[1]
    fps: float = IMAGE_FPS
    channels: list[int] = field(default_factory=lambda: [8, 16, 16])
    dense: int = 128
    widen: int = 16
    latent: int = 32
    kl_weight: float = 1.0
    # the genres found in the training data, recorded: the model is not conditioned on them
    styles: list[str] = field(default_factory=list)

    @classmethod
    def published(cls) -> DanceNetVAEConfig:
        """DanceNet's VAE (jsn5/dancenet ``model.py``): 120x208 images, convolutions of 128,
        64 and 32 filters, a dense layer of 128, a 128-d latent, a 128-wide per-pixel dense
        layer in the decoder, the summed cross-entropy plus the KL term."""
        return cls(channels=[128, 64, 32], dense=128, widen=128, latent=128)

    @property
    def pixels(self) -> int:
        return self.height * self.width

    @property
    def grid(self) -> tuple[int, int]:
        """(height, width) after the encoder's pools."""
        return self.height >> POOLS, self.width >> POOLS

    def validate(self) -> None:
        check_fields(self, "dancenet-vae config", {
            "height": Range(16, 4096, integer=True), "width": Range(16, 4096, integer=True),
            "fps": Range(IMAGE_FPS, IMAGE_FPS), "dense": size(), "widen": size(),
            "latent": size(), "kl_weight": WEIGHT})
        if self.height % (1 << POOLS) or self.width % (1 << POOLS):
            raise ParameterError(f"dancenet-vae height and width must be multiples of "
                                 f"{1 << POOLS} (three 2x pools), got {self.height}x{self.width}")
        channels = self.channels
        if not isinstance(channels, list) or len(channels) != POOLS or not all(
                size(4096).holds(c) for c in channels):
            raise ParameterError(f"dancenet-vae channels must be {POOLS} integers from 1 to "
                                 f"4096, got {channels!r}")
        check_memory("dancenet-vae config", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights, activations of one image) in floats."""
        c1, c2, c3 = self.channels
        gh, gw = self.grid
        flat = gh * gw * c3
        convs = 9 * (c1 + c1 * c2 + c2 * c3) * 2 + 9 * c1
        weights = convs + flat * self.dense * 2 + self.dense * 2 * self.latent + (
            self.latent * flat + c3 * self.widen + 9 * self.widen * c3)
        activations = 4 * self.pixels * (c1 + 1) + self.pixels * c2 + self.pixels // 4 * c3
        return weights, activations


@dataclass
class DanceNetConfig(ModelConfig):
    """The sequence model: stacked LSTMs over VAE latents with a mixture density head.

    Each step reads the current latent (normalised) and, with ``music``, the music features
    of the frame it predicts; the head gives ``mixtures`` diagonal Gaussians over the next
    latent. Training windows hold ``train_frames`` predictions with the state carried through
    them (the published code trains with one, so its LSTM never sees context).
    """

    label = "dancenet"

    # dancenet-vae checkpoint to start from (read when training starts), or a dancenet
    # checkpoint or bundled model whose VAE to take
    vae: str = ""
    vae_config: dict[str, Any] | None = None  # filled from it: checkpoints stand alone
    hidden: int = 128
    layers: int = 2
    mixtures: int = 8
    train_frames: int = 48
    music: bool = True
    dropout: float = 0.1
    sigma_floor: float = 0.01  # smallest Gaussian std, in normalised latent units
    temperature: float = 1.0  # default sampling temperature
    # the genres found in the training data, recorded: the model is not conditioned on them
    styles: list[str] = field(default_factory=list)
    seed_bank: int = 16  # real latents kept in the checkpoint to start a dance from

    @classmethod
    def published(cls) -> DanceNetConfig:
        """DanceNet's sequence model: three LSTMs of 512, 24 mixture components, sequences of
        one frame, no music."""
        return cls(hidden=512, layers=3, mixtures=24, train_frames=1, music=False,
                   dropout=0.0)

    def vae_settings(self) -> DanceNetVAEConfig:
        if self.vae_config is None:
            raise ParameterError("the dancenet config holds no VAE config")
        return DanceNetVAEConfig.from_dict(self.vae_config)

    @property
    def music_dim(self) -> int:
        return MUSIC_DIM if self.music else 0

    def validate(self) -> None:
        check_fields(self, "dancenet config", {
            "hidden": size(), "layers": size(64), "mixtures": size(1024),
            "train_frames": size(), "dropout": FRACTION,
            "sigma_floor": Range(1e-6, 10), "temperature": Range(0, 10, lo_open=True),
            "seed_bank": size()}, flags=("music",))
        if not isinstance(self.vae, str) or not isinstance(self.vae_config,
                                                            (dict, type(None))):
            raise ParameterError("dancenet vae must be a path and vae_config a mapping")
        if not self.vae and self.vae_config is None:
            raise ParameterError("dancenet needs a VAE: set model.vae to a dancenet-vae "
                                 "checkpoint (dancekit train dancenet-vae ...)")
        check_memory("dancenet config", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights, activations of one training window) in floats, the VAE's included."""
        vae = (0, 0) if self.vae_config is None else self.vae_settings().size_estimate()
        latent = 0 if self.vae_config is None else self.vae_settings().latent
        h = self.hidden
        lstm = 4 * h * (latent + self.music_dim + h + 2) + 4 * h * (2 * h + 2) * (
            self.layers - 1)
        head = (h + 1) * self.mixtures * (2 * latent + 1)
        weights = vae[0] + lstm + head + (2 + self.seed_bank) * latent + 2 * self.music_dim
        activations = vae[1] + (self.train_frames + 1) * (
            self.layers * 6 * h + self.mixtures * (2 * latent + 1))
        return weights, activations


__all__ = ["IMAGE_FPS", "MUSIC_DIM", "DanceNetConfig", "DanceNetVAEConfig"]
