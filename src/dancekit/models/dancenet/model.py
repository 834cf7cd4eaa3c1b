"""The registered ``dancenet-vae`` (the image VAE, a part) and ``dancenet`` (the dance
model: the VAE and the LSTM-MDN over its latents) with what the registry, the Trainer and
``dancekit dance`` ask of a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dancekit.data.windows import Sequence
from dancekit.errors import CheckpointError, ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    bank_entry,
    check_seed,
    check_temperature,
    dance_meta,
    music_at_start,
    named_part,
    rebuild,
    requested_frames,
    style_index,
)
from dancekit.models.dancenet import training
from dancekit.models.dancenet.config import DanceNetConfig, DanceNetVAEConfig
from dancekit.models.dancenet.network import ImageVAE, LatentMDN
from dancekit.models.dancenet.sampling import roll_out
from dancekit.models.trained import TrainedModel
from dancekit.motion import Motion
from dancekit.motion.processing import resample
from dancekit.render.images import ImageDance
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights" / "dancenet"
DECODE_BATCH = 64


def motion_images(motion: Motion, config: DanceNetVAEConfig) -> np.ndarray:
    """(T, H * W) uint8 silhouettes of a 3D motion at the VAE's frame rate and size."""
    from dancekit.render.silhouette import silhouettes

    images = silhouettes(resample(motion, config.fps), height=config.height,
                         width=config.width)
    return images.reshape(len(images), -1)


@register_model("dancenet-vae")
class DanceNetVAE(ImageVAE):
    """DanceNet's image VAE, trained first on silhouettes (``dancekit train dancenet-vae``);
    ``dancenet`` holds a copy of it."""

    config_class = DanceNetVAEConfig
    dances = False

    def encode_frames(self, flat: np.ndarray) -> np.ndarray:
        """(N, H * W) uint8 pixels -> (N, latent) latent means."""
        self.eval()
        out = []
        with torch.no_grad():
            for lo in range(0, len(flat), DECODE_BATCH):
                images = training.as_images(torch.from_numpy(flat[lo:lo + DECODE_BATCH]), self)
                out.append(self.posterior(images)[0])
        return torch.cat(out).numpy() if out else np.zeros((0, self.config.latent), np.float32)

    def decode_frames(self, latents: torch.Tensor) -> np.ndarray:
        """(N, latent) -> (N, H, W) uint8 images."""
        self.eval()
        with torch.no_grad():
            out = [self.decode(latents[lo:lo + DECODE_BATCH])
                   for lo in range(0, len(latents), DECODE_BATCH)]
        return (torch.cat(out) * 255).round().to(torch.uint8).numpy()

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> its silhouettes as a :class:`Sequence` (no music:
        the VAE reads single frames)."""
        images = motion_images(pair.motion, self.config)
        return Sequence(pair.name, images, np.zeros((len(images), 0), np.float32), pair.style)

    def window_lengths(self) -> tuple[int, int]:
        return 1, 1

    def prepare(self, sequences: list[Sequence]) -> None:
        """Nothing is fitted before training: pixels are already in [0, 1]."""

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        return training.vae_loss(self, batch, generator)

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        return training.vae_validation(self, sequences)

    def checkpoint_config(self) -> dict[str, Any]:
        return self.config.to_dict()

    @classmethod
    def from_checkpoint(cls, path: str | Path) -> DanceNetVAE:
        return rebuild(path, "dancenet-vae",
                       lambda config: cls(DanceNetVAEConfig.from_dict(config)))

    @classmethod
    def load_default(cls) -> DanceNetVAE:
        raise ParameterError("dancenet-vae is DanceNet's image VAE, not a dance model: dance "
                             "with --model dancenet (which holds its own VAE)")


@register_model("dancenet")
class DanceNet(TrainedModel, nn.Module):
    """DanceNet as a dance model: music in, an :class:`ImageDance` of generated silhouettes
    out (``output = "images"``: no joints, so no BVH and no re-timing onto beats)."""

    checkpoint_name = "dancenet"
    config_class = DanceNetConfig
    weights_dir = WEIGHTS_DIR
    output = "images"

    def __init__(self, config: DanceNetConfig, *, read_vae: bool = True) -> None:
        super().__init__()
        config.validate()
        c = self.config = config
        if c.vae_config is None or (read_vae and Path(c.vae).is_file()):
            vae = named_part(c.vae, "vae", DanceNetVAE, "dancenet-vae")
            if c.vae_config not in (None, vae.config.to_dict()):
                raise CheckpointError(f"VAE {c.vae} is not the one this model was trained "
                                      "with")
            c.vae_config = vae.config.to_dict()
            self.vae = vae
        else:
            self.vae = DanceNetVAE(c.vae_settings())
        self.vae.requires_grad_(False)
        d = self.vae.config.latent
        self.fps = self.vae.config.fps
        self.mdn = LatentMDN(c, d)
        self.register_buffer("latent_mean", torch.zeros(d))
        self.register_buffer("latent_std", torch.ones(d))
        self.register_buffer("music_mean", torch.zeros(c.music_dim))
        self.register_buffer("music_std", torch.ones(c.music_dim))
        self.register_buffer("starts", torch.zeros(c.seed_bank, d))
        self.register_buffer("starts_ready", torch.zeros((), dtype=torch.bool))

    def train(self, mode: bool = True) -> DanceNet:
        super().train(mode)
        self.vae.eval()  # frozen
        return self

    @property
    def styles(self) -> list[str]:
        """None: DanceNet is not style-conditioned."""
        return []

    # --- generation --------------------------------------------------------------------------
    def music_features(self, audio: Any) -> np.ndarray:
        """(T, 37) music at the image rate: FACT's 35 features at 25 fps averaged over each
        pair of frames, and the sine and cosine of the phase within dancekit's tracked beat."""
        from dancekit.audio import cached_features
        from dancekit.models.music import beat_phase

        feats = np.asarray(cached_features(audio, "fact", fps=2 * int(self.fps)),
                           dtype=np.float32)
        n = len(feats) // 2
        feats = feats[:2 * n].reshape(n, 2, -1).mean(1)
        beats = cached_features(audio, "beats") * self.fps
        return np.concatenate([feats, beat_phase(beats, n)], axis=1)

    def _music(self, feats: np.ndarray) -> torch.Tensor:
        """Normalised music (1, T, M) for the LSTM; (1, T, 0) for a model without music."""
        x = torch.from_numpy(feats[None])
        if not self.config.music:
            return x[..., :0]
        return (x - self.music_mean) / self.music_std

    @single_threaded(torch=True)
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None,
                 temperature: float | None = None) -> ImageDance:
        """Dance to ``audio`` (the whole song by default): latents drawn one a frame at
        ``temperature`` (default the config's) from a start latent (``seed_motion``'s last
        frame as a silhouette, or the real one ``seed`` picks from the checkpoint's bank),
        decoded into frames. Same seed, same dance."""
        c = self.config
        seed = check_seed(seed)
        if style is not None:
            style_index([], style, "dancenet model")
        temp = c.temperature if temperature is None else check_temperature(temperature)
        feats = self.music_features(audio)
        frames = requested_frames(seconds, len(feats), self.fps)
        start = (self._start(seed, seed_motion) - self.latent_mean) / self.latent_std
        norm = roll_out(self.mdn, start[None], self._music(feats), frames, temp,
                        torch.Generator().manual_seed(seed), carry_state=c.train_frames > 1)
        latents = norm[0] * self.latent_std + self.latent_mean
        meta = {**dance_meta("dancenet", audio, seed, None), "temperature": temp}
        return ImageDance(self.vae.decode_frames(latents), self.fps, latents.numpy(), meta)

    def _start(self, seed: int, seed_motion: Motion | None) -> torch.Tensor:
        if seed_motion is not None:
            images = motion_images(seed_motion, self.vae.config)
            return torch.from_numpy(self.vae.encode_frames(images[-1:])[0])
        return bank_entry(self.starts, self.starts_ready, seed,
                          "dancenet model has no start latents")

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> the VAE's latent means of its silhouettes and,
        with ``music``, the music features from where the dance starts, cut to the shorter."""
        latents = self.vae.encode_frames(motion_images(pair.motion, self.vae.config))
        if self.config.music:
            music = music_at_start(self.music_features(pair.audio), pair, self.fps)
        else:
            music = np.zeros((len(latents), 0), np.float32)
        n = min(len(latents), len(music))
        return Sequence(pair.name, latents[:n], music[:n], pair.style)

    def window_lengths(self) -> tuple[int, int]:
        n = self.config.train_frames + 1
        return n, n

    def prepare(self, sequences: list[Sequence]) -> None:
        training.fit_statistics(self.mdn, dict(self.named_buffers()), sequences,
                                self.config.seed_bank)

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        latents = (batch["motion"] - self.latent_mean) / self.latent_std
        music = batch["audio"]
        if self.config.music:
            music = (music - self.music_mean) / self.music_std
        return training.mdn_loss(self.mdn, latents, music)

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """Dance to held-out music from each sequence's first latent and compare how much
        the picture changes with the real silhouettes' (decoded from their latents)."""
        frames = int(seconds * self.fps)
        chosen = [s for s in sequences if len(s.motion) >= frames][:count]
        if not chosen or frames < 2:
            return {}
        gen, real = [], []
        for k, s in enumerate(chosen):
            start = (torch.from_numpy(s.motion[0]) - self.latent_mean) / self.latent_std
            norm = roll_out(self.mdn, start[None], self._music(s.audio[:frames]), frames,
                            self.config.temperature, torch.Generator().manual_seed(k),
                            carry_state=self.config.train_frames > 1)
            gen.append(self.vae.decode_frames(norm[0] * self.latent_std + self.latent_mean))
            real.append(self.vae.decode_frames(torch.from_numpy(s.motion[:frames])))
        return training.dance_validation(gen, real)

    # --- checkpoints -------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DanceNet:
        """The model of a checkpoint's config, its VAE built from the config it holds (the
        weights, the VAE's included, come only from the file)."""
        cfg = DanceNetConfig.from_dict(config)
        if cfg.vae_config is None:
            raise ParameterError("the checkpoint holds no VAE config")
        return cls(cfg, read_vae=False)
