"""The registered ``dance-revolution`` model: :class:`DanceRevolutionNetwork` with what the
registry, the Trainer and ``dancekit dance`` ask of a model; each method hands its work to
the module that holds it (sampling, training, representation)."""

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
from dancekit.models.dance_revolution import training
from dancekit.models.dance_revolution.config import DanceRevolutionConfig
from dancekit.models.dance_revolution.network import DanceRevolutionNetwork
from dancekit.models.dance_revolution.sampling import from_steps, generate_steps, to_steps
from dancekit.models.music import beat_phase
from dancekit.models.representation import (
    decode_matrices,
    features_to_motion,
    heading,
    motion_to_features,
)
from dancekit.models.trained import TrainedModel
from dancekit.motion import Motion
from dancekit.motion.processing import resample
from dancekit.utils import single_threaded

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights" / "dance_revolution"


@register_model("dance-revolution")
class DanceRevolution(TrainedModel, DanceRevolutionNetwork):
    """Dance Revolution as a dance model: music (and a style) in, a :class:`Motion` out."""

    checkpoint_name = "dance-revolution"
    config_class = DanceRevolutionConfig
    weights_dir = WEIGHTS_DIR
    training_module = training

    # --- generation --------------------------------------------------------------------------
    @single_threaded(torch=True)
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion:
        """Dance to ``audio`` (a path or :class:`dancekit.audio.Audio`), the whole song by
        default, in one pass. The first frame is ``seed_motion``'s last (SMPL-24 with
        rotations) or, by default, the real pose ``seed`` picks from the checkpoint's start
        bank; ``seed`` also draws the decoder's initial state. Same seed, same dance."""
        c = self.config
        seed = check_seed(seed)
        music = self.music_features(audio)
        frames = requested_frames(seconds, len(music), c.fps)
        start, yaw, place = self._start_pose(seed, seed_motion)
        index = len(c.styles) if style is None else self.style_index(style)
        steps = generate_steps(self, torch.from_numpy(music[None]), frames, start[None],
                               torch.tensor([index]), torch.Generator().manual_seed(seed))
        feats = from_steps(steps[0], c.heading_free, yaw, place)
        return features_to_motion(feats, c.fps, dance_meta("dance-revolution", audio, seed,
                                                           style))

    def music_features(self, audio: Any) -> np.ndarray:
        """The 438-d Dance Revolution music features at 30 fps (disk-cached by content),
        with the sine and cosine of the phase within the tracked beat appended (T, 440) when
        the config asks for it."""
        from dancekit.audio import cached_features

        feats = np.asarray(cached_features(audio, "dance_revolution"), dtype=np.float32)
        if self.config.beat_phase:
            beats = cached_features(audio, "beats") * self.config.fps
            feats = np.concatenate([feats, beat_phase(beats, len(feats))], axis=1)
        return feats

    def _start_pose(self, seed: int, seed_motion: Motion | None
                    ) -> tuple[torch.Tensor, float, tuple[float, float]]:
        """The first frame in step form, with the heading (yaw) and root x, z its step
        starts from: a pose from the start bank at the origin facing +z, or ``seed_motion``'s
        last, where the seed stands and faces, so the dance continues the seed's."""
        if seed_motion is None:
            first = bank_entry(self.starts, self.starts_ready, seed,
                               "dance-revolution model has no start poses")
            return first, 0.0, (0.0, 0.0)
        feats = motion_to_features(resample(seed_motion, self.config.fps))
        if len(feats) < 2:
            raise ParameterError("seed motion needs at least 2 frames (its last pose and "
                                 "how it was moving)")
        mats, root = decode_matrices(torch.from_numpy(feats[-2]))  # the frame before the last
        return (torch.from_numpy(to_steps(feats[-2:], self.config.heading_free)[-1]),
                float(heading(mats[0])), (float(root[0]), float(root[2])))

    # --- the Trainer's side ------------------------------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> per-frame poses in step form and music features
        at 30 fps, cut to the shorter of the two."""
        c = self.config
        motion = to_steps(motion_to_features(resample(pair.motion, c.fps)), c.heading_free)
        music = music_at_start(self.music_features(pair.audio), pair, c.fps)
        n = min(len(motion), len(music))
        return Sequence(pair.name, motion[:n], music[:n], pair.style)

    def window_lengths(self) -> tuple[int, int]:
        """Frames of motion (the start and the predicted frames) and of music (those and
        the encoder's look-ahead of one window) in a training window."""
        c = self.config
        return c.train_frames + 1, c.train_frames + 1 + c.window

