"""The registered ``fact`` model: :class:`FACTNetwork` with what the registry, the Trainer
and ``dancekit dance`` ask of a model; each method hands its work to the module that holds
it (sampling, training, representation, music)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from dancekit.data.windows import Sequence
from dancekit.errors import ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    bank_entry,
    check_seed,
    dance_meta,
    music_at_start,
    requested_frames,
)
from dancekit.models.fact import sampling, training
from dancekit.models.fact.config import FACTConfig
from dancekit.models.fact.network import FACTNetwork
from dancekit.models.music import fact_music_features
from dancekit.models.representation import features_to_motion, motion_to_features
from dancekit.models.trained import TrainedModel
from dancekit.motion import Motion
from dancekit.motion.processing import resample
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights" / "fact"
BALLROOM_WEIGHTS_DIR = WEIGHTS_DIR.with_name("fact_ballroom")


@register_model("fact")
class FACT(TrainedModel, FACTNetwork):
    """FACT as a dance model: music (and a style) in, a :class:`Motion` out."""

    checkpoint_name = "fact"
    #: the model name a dance's meta records (bundled weights of another name say theirs)
    dance_name = "fact"
    config_class = FACTConfig
    weights_dir = WEIGHTS_DIR
    training_module = training

    # --- generation --------------------------------------------------------------------------
    @single_threaded(torch=True)
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion:
        """Dance to ``audio`` (a path or :class:`dancekit.audio.Audio`).

        The whole song by default (``seconds`` cuts it shorter). The first two seconds are the
        seed: ``seed_motion`` (SMPL-24 with rotations, its last 2 s) or, by default, the real
        clip ``seed`` picks from the checkpoint's seed bank. Same seed, same dance.
        """
        c = self.config
        seed = check_seed(seed)
        feats = self.music_features(audio)
        frames = requested_frames(seconds, len(feats), c.fps)
        clip = self._seed_clip(seed, seed_motion)
        style_idx = None if style is None else torch.tensor([self.style_index(style)])
        draws = torch.Generator().manual_seed(seed)
        out = self.generate_features(torch.from_numpy(feats[None]), frames, clip[None],
                                     style_idx, draws)[0]
        return features_to_motion(out, c.fps, dance_meta(self.dance_name, audio, seed, style))

    def generate_features(self, audio: torch.Tensor, frames: int, seed: torch.Tensor,
                          style: torch.Tensor | None = None,
                          generator: torch.Generator | None = None) -> torch.Tensor:
        """:func:`dancekit.models.fact.sampling.generate_features` with this network."""
        return sampling.generate_features(self, audio, frames, seed, style, generator)

    def music_features(self, audio: Any) -> np.ndarray:
        """FACT's 35-d music features at ``config.fps`` (disk-cached by content), (T, 35),
        with the beat phase appended (T, 37) when the config asks for it (from the cached
        beats of ``config.phase_source``)."""
        c = self.config
        return fact_music_features(audio, c.fps, with_phase=c.beat_phase,
                                   phase_source=c.phase_source)

    def _seed_clip(self, seed: int, seed_motion: Motion | None) -> torch.Tensor:
        c = self.config
        if seed_motion is None:
            return bank_entry(self.seeds, self.seeds_ready, seed, "FACT model has no seed bank")
        seed_motion = resample(seed_motion, c.fps)
        if seed_motion.num_frames < c.motion_frames:
            raise ParameterError(f"seed motion needs at least {c.motion_frames / c.fps:g} s "
                                 f"({c.motion_frames} frames at {c.fps:g} fps), got "
                                 f"{seed_motion.num_frames} frames")
        return torch.from_numpy(motion_to_features(seed_motion[-c.motion_frames:]))

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> per-frame motion and music features at
        ``config.fps``, cut to the shorter of the two."""
        motion = resample(pair.motion, self.config.fps)
        mot = motion_to_features(motion)
        aud = music_at_start(self.music_features(pair.audio), pair, self.config.fps)
        n = min(len(mot), len(aud))
        return Sequence(pair.name, mot[:n], aud[:n], pair.style)

    def window_lengths(self) -> tuple[int, int]:
        """Frames of motion (seed + future of every roll-out pass) and of music in one
        training window."""
        c = self.config
        hops = (c.rollout_passes - 1) * c.generate_step
        return c.motion_frames + hops + c.future_frames, c.audio_frames + hops


@register_model("fact-ballroom")
class FACTBallroom(FACT):
    """FACT with the weights trained on real ballroom motion capture (cha-cha, rumba, tango,
    waltz) beside synthetic styles: ``--model fact-ballroom``. The same network as ``fact``;
    only the bundled file differs, so it is not a separate thing to train (``dancekit train
    fact`` makes either)."""

    trainable = False
    dance_name = "fact-ballroom"
    weights_dir = BALLROOM_WEIGHTS_DIR  # (see its README.md)


def describe(model: FACT) -> str:
    """One line for logs: size and timing of the network."""
    c = model.config
    n = sum(p.numel() for p in model.parameters())
    return (f"FACT {n / 1e6:.2f}M parameters, hidden {c.hidden}, layers "
            f"{c.audio_layers}/{c.motion_layers}/{c.cross_layers}, {c.fps:g} fps, "
            f"seed {c.motion_frames} / music {c.audio_frames} / future {c.future_frames} frames")
