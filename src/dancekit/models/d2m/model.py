"""The registered ``d2m`` model: :class:`D2MNetwork` with what the registry, the Trainer and
``dancekit dance`` ask of a model; each method hands its work to the module that holds it
(units, sampling, training, representation)."""

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
from dancekit.models.d2m import training
from dancekit.models.d2m.config import D2MConfig
from dancekit.models.d2m.network import D2MNetwork
from dancekit.models.d2m.sampling import assemble, compose_units
from dancekit.models.d2m.units import dance_units, music_bounds, unit_music
from dancekit.models.music import fact_music_features
from dancekit.models.representation import features_to_motion, motion_to_features
from dancekit.models.trained import TrainedModel
from dancekit.motion import Motion
from dancekit.motion.processing import resample
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights" / "d2m"


@register_model("d2m")
class D2M(TrainedModel, D2MNetwork):
    """Dancing to Music as a dance model: music (and a style) in, a :class:`Motion` out."""

    checkpoint_name = "d2m"
    config_class = D2MConfig
    weights_dir = WEIGHTS_DIR
    training_module = training

    # --- generation --------------------------------------------------------------------------
    @single_threaded(torch=True)
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion:
        """Dance to ``audio`` (a path or :class:`dancekit.audio.Audio`), the whole song by
        default: the song cut into units at its tracked beats (as many beats a unit as
        make the length nearest the training units'), a movement code composed for each
        from its music, decoded from the pose the previous unit ended in, and the units
        joined. The first pose is ``seed_motion``'s last (SMPL-24 with rotations) or the
        real initial pose ``seed`` picks from the checkpoint's bank; ``seed`` also draws the
        noise. Same seed, same dance."""
        from dancekit.audio import cached_features

        c = self.config
        seed = check_seed(seed)
        music = fact_music_features(audio, c.fps, with_phase=False)
        frames = requested_frames(seconds, len(music), c.fps)
        beats = np.asarray(cached_features(audio, "beats"), dtype=np.float64)
        bounds = music_bounds(beats, frames, self.beats_per_unit(beats), c.fps,
                              c.max_unit_seconds)
        rows = torch.from_numpy(unit_music(music, bounds, c.beat_points, c.fps))
        index = len(c.styles) if style is None else self.style_index(style)
        units = compose_units(self, rows, self._start_pose(seed, seed_motion), index,
                              torch.Generator().manual_seed(seed))
        meta = dance_meta("d2m", audio, seed, style)
        meta["units"] = len(bounds)
        return features_to_motion(assemble(units.numpy(), bounds), c.fps, meta)

    def beats_per_unit(self, beats: np.ndarray) -> int:
        """How many of the music's beats (seconds) make a unit: the count whose length is
        nearest the training units' median (1 with fewer than two beats)."""
        if len(beats) < 2:
            return 1
        period = float(np.median(np.diff(beats)))
        return max(1, int(round(float(self.unit_seconds) / max(period, 1e-3))))

    def _start_pose(self, seed: int, seed_motion: Motion | None) -> torch.Tensor:
        """The first pose (147, raw): from the start bank, or ``seed_motion``'s last."""
        if seed_motion is None:
            return bank_entry(self.starts, self.starts_ready, seed, "d2m model has no start poses")
        feats = motion_to_features(resample(seed_motion, self.config.fps))
        if len(feats) < 1:
            raise ParameterError("seed motion has no frames")
        return torch.from_numpy(feats[-1].copy())

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> one row per dance unit: the unit's poses
        (root-relative, time-normalised) and its length in seconds, beside the music over
        its span."""
        c = self.config
        motion = resample(pair.motion, c.fps)
        feats = motion_to_features(motion)
        music = music_at_start(fact_music_features(pair.audio, c.fps, with_phase=False), pair,
                               c.fps)
        units, bounds = dance_units(motion, feats, c.unit_beats, c.unit_frames,
                                    c.min_unit_seconds, c.max_unit_seconds)
        inside = bounds[:, 1] < len(music)
        units, bounds = units[inside], bounds[inside]
        seconds = ((bounds[:, 1] - bounds[:, 0]) / c.fps).astype(np.float32)
        rows = np.concatenate([units.reshape(len(units), -1), seconds[:, None]], axis=1)
        return Sequence(pair.name, rows, unit_music(music, bounds, c.beat_points, c.fps),
                        pair.style)

    def window_lengths(self) -> tuple[int, int]:
        """Units of motion and of music in a training window."""
        return self.config.units, self.config.units
