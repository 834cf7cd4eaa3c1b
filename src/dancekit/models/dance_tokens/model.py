"""The registered ``dance-tokens`` model: the code transformer (its network) with what the
registry, the Trainer and ``dancekit dance`` ask of a model."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dancekit.data.windows import Sequence
from dancekit.errors import CheckpointError, ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    check_seed,
    check_temperature,
    dance_meta,
    music_at_start,
    named_part,
    requested_frames,
)
from dancekit.models.dance_tokens.config import MUSIC_DIM, DanceTokensConfig
from dancekit.models.dance_tokens.sampling import draw_codes, longest_runs
from dancekit.models.layers import Transformer
from dancekit.models.motion_vq import MotionVQ, MotionVQConfig
from dancekit.models.music import fact_music_features
from dancekit.models.representation import motion_to_features
from dancekit.models.trained import TrainedModel
from dancekit.motion import Motion
from dancekit.motion.processing import resample
from dancekit.motion.speed import moving_span
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights" / "dance_tokens"
BALLROOM_WEIGHTS_DIR = WEIGHTS_DIR.with_name("dance_tokens_ballroom")


@register_model("dance-tokens")
class DanceTokens(TrainedModel, nn.Module):
    """Music and style -> motion codes -> dance. See :mod:`dancekit.models.dance_tokens`."""

    checkpoint_name = "dance-tokens"
    config_class = DanceTokensConfig
    weights_dir = WEIGHTS_DIR
    #: The name its dances carry in ``meta["model"]`` (and the summary line): which bundled
    #: weights made them.
    dance_name = "dance-tokens"

    def __init__(self, config: DanceTokensConfig, *, read_tokenizer: bool = True) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        if c.tokenizer_config is None or (read_tokenizer and Path(c.tokenizer).is_file()):
            source = named_part(c.tokenizer, "tokenizer", MotionVQ, "motion-vq")
            if c.tokenizer_config not in (None, source.config.to_dict()):
                raise CheckpointError(f"tokenizer {c.tokenizer} is not the one this model "
                                      "was trained with")
            c.tokenizer_config = source.config.to_dict()
            self.tokenizer = source
        else:
            self.tokenizer = MotionVQ(MotionVQConfig.from_dict(c.tokenizer_config))
        self.tokenizer.requires_grad_(False)
        self.per_code = self.tokenizer.config.frames_per_code
        if c.phases > self.per_code:
            raise ParameterError(f"dance-tokens phases ({c.phases}) must be at most the "
                                 f"tokenizer's {self.per_code} frames per code")
        self.bos = self.tokenizer.config.codes  # the start token, before any code
        music_in = 2 * self.per_code * MUSIC_DIM  # this code's frames and the next code's
        self.code_embed = nn.Embedding(self.bos + 1, c.hidden)
        self.music_embed = nn.Sequential(nn.Linear(music_in, c.hidden), nn.GELU(),
                                         nn.Linear(c.hidden, c.hidden))
        self.style_embed = nn.Embedding(len(c.styles) + 1, c.hidden)  # last: no style
        self.body = Transformer(c.layers, c.hidden, c.heads, c.ff, c.dropout, c.context_codes,
                                causal=True)
        self.head = nn.Linear(c.hidden, self.bos)
        self.register_buffer("music_mean", torch.zeros(music_in))
        self.register_buffer("music_std", torch.ones(music_in))
        if c.cap_runs:  # per code, the most times in a row its training data holds it
            self.register_buffer("longest_run", torch.ones(self.bos, dtype=torch.long))

    def train(self, mode: bool = True) -> DanceTokens:
        super().train(mode)
        self.tokenizer.eval()  # frozen: never updates its codebook
        return self

    # --- the network -------------------------------------------------------------------------
    def forward(self, previous: torch.Tensor, music: torch.Tensor,
                style: torch.Tensor) -> torch.Tensor:
        """Logits (B, N, codes) of each position's code from the code before it (B, N; BOS
        first), its music (B, N, 2 x 8 x 37, raw) and a style index (B,)."""
        x = (self.code_embed(previous) + self.music_embed((music - self.music_mean)
                                                          / self.music_std)
             + self.style_embed(style)[:, None])
        return self.head(self.body(x))

    def hear(self, music: torch.Tensor, style: int | None) -> torch.Tensor:
        """What each position of a dance hears: its music rows (N, 592, raw) and one style
        index (None: no style) -> (N, hidden)."""
        heard = self.music_embed((music - self.music_mean) / self.music_std)
        return heard + self.style_embed(torch.tensor([len(self.config.styles) if style is None
                                                      else style]))

    # --- data (the Trainer's side) -----------------------------------------------------------
    def music_features(self, audio: Any) -> np.ndarray:
        """(T, 37) music features at ``fps``: FACT's 35, cached by file content, and the beat
        phase from dancekit's tracker."""
        return fact_music_features(audio, self.config.fps, phase_source="tracker")

    def _music_rows(self, feats: np.ndarray, codes: int) -> np.ndarray:
        """(codes + 1, 8 x 37): the music under each code and one code beyond, the last
        frame repeated where the music ends."""
        need = (codes + 1) * self.per_code
        if len(feats) < need:
            feats = np.concatenate([feats, np.repeat(feats[-1:], need - len(feats), axis=0)])
        return feats[:need].reshape(codes + 1, -1)

    def code_music(self, music: np.ndarray, frames: int) -> np.ndarray:
        """What :meth:`generate_codes` reads for a dance of ``frames`` frames to (T, 37) music
        features: one row per code, its music and the next code's (ceil(frames / 8), 592)."""
        return self._paired(self._music_rows(music[:frames], math.ceil(frames / self.per_code)))

    def encode(self, pair: Any) -> Sequence:
        """A pair -> one row per code: the code (as a float) and its music, with a start row
        (BOS) before them and one row of music lookahead after."""
        motion = resample(pair.motion, self.config.fps)
        feats = motion_to_features(motion)
        music = music_at_start(self.music_features(pair.audio), pair, self.config.fps)
        if self.config.trim_still:
            a, b = moving_span(motion)
            if b - a >= self.per_code + self.config.phases - 1:  # else too little to keep
                feats, music = feats[a:b], music[a:b]
        return self.sequence(pair.name, feats, music, pair.style)

    def sequence(self, name: str, feats: np.ndarray, music: np.ndarray,
                 style: str | None) -> Sequence:
        """:meth:`encode` on arrays: (T, 147) FACT motion features and (T, 37) music. With
        ``phases`` > 1, column k of the codes (and block k of the music rows) is the dance
        tokenized from frame k."""
        phases = self.config.phases
        n = (min(len(feats), len(music)) - (phases - 1)) // self.per_code
        if n < 1:
            raise ParameterError(f"{name}: shorter than one code ({self.per_code} frames)")
        vq, span = self.tokenizer, n * self.per_code
        codes = np.stack([vq.tokenize(vq.features(feats[k:k + span])).numpy()
                          for k in range(phases)], axis=1)  # (n, phases)
        rows = np.concatenate([self._music_rows(music[k:k + span], n) for k in range(phases)],
                              axis=1)  # (n + 1, phases x 8 x 37)
        bos = np.full((1, phases), self.bos)
        motion = np.concatenate([bos, codes, bos]).astype(np.float32)
        audio = np.concatenate([np.zeros_like(rows[:1]), rows]).astype(np.float32)
        return Sequence(name, motion, audio, style)

    def _phase(self, motion: torch.Tensor | np.ndarray, audio: torch.Tensor | np.ndarray,
               k: torch.Tensor | int) -> tuple[Any, Any]:
        """Codes (..., L) and music rows (..., L, 8 x 37) of phase ``k`` out of
        :meth:`sequence`'s columns: one phase for all, or a tensor of one per window of a
        batch (B, L, phases)."""
        width = audio.shape[-1] // self.config.phases
        if isinstance(k, int):
            return motion[..., k], audio[..., k * width:(k + 1) * width]
        batch = torch.arange(len(motion), device=motion.device)  # windows (B, L, phases)
        rows = audio.reshape(*audio.shape[:-1], self.config.phases, width)
        return motion[batch, :, k], rows[batch, :, k]

    def window_lengths(self) -> tuple[int, int]:
        n = self.config.context_codes + 2  # the code before, the codes, the lookahead
        return n, n

    def prepare(self, sequences: list[Sequence]) -> None:
        rows = np.concatenate([self._paired(self._phase(s.motion, s.audio, k)[1][1:])
                               for s in sequences for k in range(self.config.phases)])  # not BOS
        self.music_mean.copy_(torch.from_numpy(rows.mean(0)))
        self.music_std.copy_(torch.from_numpy(np.maximum(rows.std(0), 1e-3)))
        if self.config.cap_runs:
            runs = longest_runs([s.motion[1:-1, k] for s in sequences
                                 for k in range(self.config.phases)], self.bos)
            self.longest_run.copy_(torch.from_numpy(np.maximum(runs, 1)))

    @staticmethod
    def _paired(rows: np.ndarray | torch.Tensor) -> Any:
        """Music rows (..., N + 1, 296) -> each row with the next (..., N, 592)."""
        if isinstance(rows, np.ndarray):
            return np.concatenate([rows[..., :-1, :], rows[..., 1:, :]], axis=-1)
        return torch.cat([rows[..., :-1, :], rows[..., 1:, :]], dim=-1)

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """Cross-entropy of every code of the window given the codes before it."""
        phase: torch.Tensor | int = 0  # no draw with one phase: older runs train as they did
        if self.config.phases > 1:
            phase = torch.randint(self.config.phases, (len(batch["motion"]),),
                                  generator=generator).to(batch["motion"].device)
        codes, music = self._phase(batch["motion"], batch["audio"], phase)
        codes = codes.long()  # (B, N + 2)
        music = self._paired(music[:, 1:])  # (B, N, 592)
        style = batch["style"].clone()
        if self.training and self.config.style_dropout > 0:
            drop = torch.rand(style.shape, generator=generator) < self.config.style_dropout
            style[drop.to(style.device)] = len(self.config.styles)
        target = codes[:, 1:-1]
        logits = self(codes[:, :-2], music, style)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
        top1 = float((logits.argmax(-1) == target).float().mean())
        return loss, {"top1": top1}

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """Dance to held-out music and compare with the real dances (as the tokenizer rebuilds
        them): FID_k, FID_g, jitter and the ratio of mean joint speeds."""
        from dancekit.metrics import evaluate

        n = int(seconds * self.config.fps) // self.per_code
        chosen = [s for s in sequences if len(s.motion) - 2 >= n][:count]
        if not chosen or n < 2:
            return {}
        gen, real = [], []
        for i, s in enumerate(chosen):
            style = self.config.styles.index(s.style) if s.style in self.config.styles \
                else None
            true, music = self._phase(s.motion, s.audio, 0)
            codes = self.generate_codes(self._paired(music[1:n + 2]), style,
                                        torch.Generator().manual_seed(i))
            gen.append(self.tokenizer.to_motion(codes))
            real.append(self.tokenizer.to_motion(torch.from_numpy(true[1:n + 1]).long()))
        result = evaluate(gen, real, bootstrap=0)["metrics"]
        out = {k: result[k]["value"] for k in ("fid_k", "fid_g", "jitter") if k in result}
        speed = [np.linalg.norm(np.diff(m.positions, axis=0), axis=-1).mean() for m in gen]
        speed_real = [np.linalg.norm(np.diff(m.positions, axis=0), axis=-1).mean() for m in real]
        out["speed_ratio"] = float(np.mean(speed) / np.mean(speed_real))
        return out

    # --- generation --------------------------------------------------------------------------
    def generate_codes(self, music: np.ndarray | torch.Tensor, style: int | None,
                       generator: torch.Generator | None,
                       prompt: torch.Tensor | None = None,
                       temperature: float | None = None) -> torch.Tensor:
        """:func:`dancekit.models.dance_tokens.sampling.draw_codes` with this network."""
        return draw_codes(self, music, style, generator, prompt, temperature)

    def foot_slide(self, codes: torch.Tensor) -> torch.Tensor:
        """The tokenizer's :meth:`~dancekit.models.motion_vq.MotionVQ.planted_slide` (foot
        guidance in :func:`dancekit.models.dance_tokens.sampling.draw_codes`)."""
        return self.tokenizer.planted_slide(codes)

    @single_threaded(torch=True)
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None,
                 temperature: float | None = None) -> Motion:
        """Dance to ``audio`` (a path or :class:`dancekit.audio.Audio`), the whole song by
        default. ``seed_motion`` (SMPL-24 with rotations), if given, is the context the dance
        continues from (its codes come first in the transformer's memory; it is not part of
        the output). ``temperature`` (default the config's): below 1 the likelier codes
        win more often (calmer, more typical dances), above 1 less often. Same seed, same
        dance."""
        c = self.config
        seed = check_seed(seed)
        temp = c.temperature if temperature is None else check_temperature(temperature)
        music = self.music_features(audio)
        frames = requested_frames(seconds, len(music), c.fps)
        style_idx = None if style is None else self.style_index(style)
        prompt = None
        if seed_motion is not None:
            feats = motion_to_features(resample(seed_motion, c.fps))
            if len(feats) < self.per_code:
                raise ParameterError(f"seed motion needs at least {self.per_code} frames at "
                                     f"{c.fps:g} fps, got {len(feats)}")
            vq = self.tokenizer
            prompt = vq.tokenize(vq.features(feats))[-(c.context_codes - 1):]
        codes = self.generate_codes(self.code_music(music, frames), style_idx,
                                    torch.Generator().manual_seed(seed), prompt, temp)
        meta = {**dance_meta(self.dance_name, audio, seed, style), "temperature": temp,
                "top_p": c.top_p}
        return self.tokenizer.to_motion(codes, meta)[:frames]

    # --- checkpoints -------------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DanceTokens:
        """The model of a checkpoint's config, its tokenizer built from the config it holds
        (the weights, the tokenizer's included, come only from the file)."""
        cfg = DanceTokensConfig.from_dict(config)
        if cfg.tokenizer_config is None:
            raise ParameterError("the checkpoint holds no tokenizer config")
        return cls(cfg, read_tokenizer=False)


@register_model("dance-tokens-ballroom")
class DanceTokensBallroom(DanceTokens):
    """The dance-tokens model with the weights trained on real ballroom motion capture
    (cha-cha, rumba, tango, waltz) beside synthetic styles: ``--model dance-tokens-ballroom``.
    The same network as ``dance-tokens``; only the bundled file differs, so it is not a
    separate thing to train."""

    trainable = False
    dance_name = "dance-tokens-ballroom"
    weights_dir = BALLROOM_WEIGHTS_DIR  # (see its README.md)
