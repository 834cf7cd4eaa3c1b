"""Every number that defines a FACT network and its training; a checkpoint stores all of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dancekit.errors import ParameterError
from dancekit.models.common import (
    FPS,
    FRACTION,
    MAX_LAYERS,
    WEIGHT,
    ModelConfig,
    Range,
    check_fields,
    check_memory,
    size,
    transformer_size,
)
from dancekit.models.music import AUDIO_DIM
from dancekit.models.representation import MOTION_DIM

BASE_LAG = 5  # the linear base also sees the change over this many frames
# config keys added after checkpoints were shipped, with the value that reproduces how those
# older checkpoints were trained and run (not today's default)
ADDED_KEYS: dict[str, Any] = {"anchor_seconds": 0.0, "hypotheses": 1, "choice_loss": 0.0,
                              "choice_temperature": 1.0, "phase_source": "features"}
# keys of features that were measured, never shipped on and taken out, with their "off"
# value: older configs (the bundled weights' among them) still load when they hold it
REMOVED_KEYS: dict[str, Any] = {"seed_noise": 0.0, "blend_frames": 0, "join_frames": 0,
                                "rollout_draw": 0.0, "sweep_loss": 0.0, "speed_loss": 0.0}


@dataclass
class FACTConfig(ModelConfig):
    """Every number that defines a FACT network; a checkpoint stores all of it.

    The defaults are dancekit's recipe (the bundled weights' config): the paper's network at
    CPU size plus the additions below, each a key that :meth:`published` turns off. Why each
    was needed is measured in docs/results.md.
    """

    label = "FACT"
    removed = REMOVED_KEYS

    fps: float = 30.0  # frame rate of motion and music features (training data is resampled)
    motion_frames: int = 60  # seed motion: 2 s, as the paper's 120 frames at 60 fps
    audio_frames: int = 120  # music window from the seed's first frame: 4 s, as the paper
    future_frames: int = 20  # frames predicted and supervised per window, as the paper's 20
    hidden: int = 128
    heads: int = 4
    ff: int = 512
    audio_layers: int = 1
    motion_layers: int = 1
    cross_layers: int = 3
    dropout: float = 0.1
    styles: list[str] = field(default_factory=list)  # genre labels; empty: unconditioned
    style_dropout: float = 0.3  # drop the label this often in training so style=None works
    # std of noise added to the whole normalised seed window as one offset: perturbs the
    # pose (robustness to the network's own errors) without hiding the motion, which
    # independent per-frame noise of that size would
    seed_offset_noise: float = 0.02
    position_loss: float = 1.0  # weight of the FK joint-position loss beside the feature loss
    # frames kept per generation window (and the hop of training roll-outs): 1 in the paper;
    # keeping all 20 is 20x faster, and smooth once the model is trained on roll-outs
    generate_step: int = 20
    # generation only: pull the dance's slowly drifting average pose back towards the
    # training data's average with this time constant (0: off). A model that predicts changes
    # can integrate small errors into a pose drift over minutes (a crouch); this leaky
    # correction acts only on what changes slower than this, not on the dance's moves.
    anchor_seconds: float = 8.0
    # predict each future frame as a change from the seed's last frame (the network starts
    # as "hold the last pose" and learns the motion) instead of the paper's absolute poses,
    # which a small network reads out of tokens holding the seed's oldest frames. Pair with
    # rollout_passes so that errors cannot integrate unseen over a long dance.
    predict_change: bool = True
    # read the future frames out of their own query tokens, each starting from the encoded
    # music at its frame (plus a learned embedding of its horizon), instead of the paper's
    # first output tokens, whose inputs are the seed's oldest frames: every predicted frame
    # then sees its own music (and beat phase) without first learning where to look
    future_queries: bool = True
    # give each seed token its frame-to-frame change as well as its pose (each channel scaled
    # by the training data's spread of changes): a frame's change is ~3 % of a pose's spread,
    # too small for a small network to recover by comparing neighbouring tokens
    velocity_input: bool = True
    # add a linear predictor fitted in closed form (ridge regression, in prepare()) from the
    # seed's last pose, its recent changes and the beat phase at each predicted frame; the
    # transformer learns what it misses. Needs predict_change.
    linear_base: bool = True
    # training windows are rolled out this many times, each pass seeded with the previous
    # passes' kept frames (generate_step of them), exactly as generation does: the model
    # learns to continue its own predictions, so it can keep whole windows (speed) without
    # a jump at each boundary. 1 = the paper's training on real seeds only.
    rollout_passes: int = 2
    # weight of a loss on joint velocities, including the step from the seed's last frame
    # to the first predicted one: what makes consecutive windows join smoothly
    velocity_loss: float = 0.3
    # weight of a loss matching each joint's mean speed over the predicted frames to the real
    # one: a statistic, not a frame-by-frame target, so an uncertain future cannot lower it
    # by standing still (the mean of many possible moves is no move at all)
    energy_loss: float = 0.5
    # append the phase within the beat (sin, cos) to the music features
    # (:mod:`dancekit.models.music`; False is the paper's input)
    beat_phase: bool = True
    # where that clock's beats come from: "tracker", dancekit's beat tracker, or "features",
    # the 35-d features' own beat one-hot (librosa's beat_track, as the paper defines it)
    phase_source: str = "tracker"
    # alternative continuations predicted per window (multiple-choice learning): training
    # updates mainly the one closest to the real frames, a choice head learns how often each
    # is the closest, and generation draws one per window. With one deterministic prediction
    # the moves a song allows are averaged into standing nearly still (regression to the mean)
    hypotheses: int = 96
    choice_loss: float = 0.1  # weight of the choice head's cross-entropy
    # generation only: the choice head's logits are divided by this before each draw. 1 draws
    # with the learned odds (most varied, but switching between unlikely hypotheses makes
    # the dance jerky and blurs the beat); lower is steadier; 0 always takes the most likely
    choice_temperature: float = 0.5
    seed_bank: int = 16  # real seed clips kept in the checkpoint to start a dance from

    @classmethod
    def published(cls) -> FACTConfig:
        """The paper's network and training: 60 fps, 120/240/20 frames, 2/2/12 layers, hidden
        800, 10 heads, absolute poses read out of the first output tokens, one frame kept per
        window, the 35-d music features only, none of dancekit's additions."""
        return cls(fps=60.0, motion_frames=120, audio_frames=240, future_frames=20,
                   hidden=800, heads=10, ff=3072, audio_layers=2, motion_layers=2,
                   cross_layers=12, generate_step=1, seed_offset_noise=0.0,
                   predict_change=False, future_queries=False, velocity_input=False,
                   linear_base=False, rollout_passes=1, velocity_loss=0.0, energy_loss=0.0,
                   beat_phase=False, anchor_seconds=0.0, hypotheses=1)

    added = ADDED_KEYS

    def validate(self) -> None:
        check_fields(self, "FACT config", {
            "fps": FPS, "motion_frames": size(), "audio_frames": size(),
            "future_frames": size(), "hidden": size(), "heads": size(), "ff": size(),
            "audio_layers": size(MAX_LAYERS), "motion_layers": size(MAX_LAYERS),
            "cross_layers": size(MAX_LAYERS), "dropout": FRACTION, "style_dropout": FRACTION,
            "seed_offset_noise": WEIGHT, "position_loss": WEIGHT, "generate_step": size(),
            "anchor_seconds": Range(0, 1e6), "rollout_passes": size(MAX_LAYERS),
            "velocity_loss": WEIGHT, "energy_loss": WEIGHT, "hypotheses": size(),
            "choice_loss": WEIGHT, "choice_temperature": Range(0, 1e6), "seed_bank": size()},
            flags=("beat_phase", "predict_change", "future_queries", "velocity_input",
                   "linear_base"))
        if self.hidden % self.heads:
            raise ParameterError(f"FACT config hidden={self.hidden} must be a multiple of "
                                 f"heads={self.heads}")
        if self.generate_step > self.future_frames:
            raise ParameterError(f"generate_step={self.generate_step} exceeds "
                                 f"future_frames={self.future_frames}")
        if self.linear_base and (not self.predict_change or self.motion_frames < BASE_LAG + 1):
            raise ParameterError(f"FACT config linear_base needs predict_change and at least "
                                 f"{BASE_LAG + 1} seed frames")
        if self.phase_source not in ("tracker", "features"):
            raise ParameterError(f"FACT config phase_source must be 'tracker' or 'features', "
                                 f"got {self.phase_source!r}")
        if self.audio_frames < self.motion_frames + self.future_frames:
            raise ParameterError("audio_frames must cover the seed and the predicted frames")
        if self.fps != int(self.fps):
            raise ParameterError(f"FACT config fps must be a positive whole number (music "
                                 f"features hop one frame at a time), got {self.fps}")
        check_memory("FACT config", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one window) in floats, for
        :func:`~dancekit.models.common.check_memory`."""
        h, k = self.hidden, self.hypotheses
        cross = (self.future_frames if self.future_queries else 0) + (
            self.motion_frames + self.audio_frames)
        parts = [transformer_size(self.audio_layers, h, self.heads, self.ff,
                                  self.audio_frames),
                 transformer_size(self.motion_layers, h, self.heads, self.ff,
                                  self.motion_frames),
                 transformer_size(self.cross_layers, h, self.heads, self.ff, cross)]
        inputs = 3 * MOTION_DIM + 3
        weights = sum(w for w, _ in parts) + h * (AUDIO_DIM + 3 + 2 * MOTION_DIM + 1) + (
            len(self.styles) + 1 + self.future_frames) * h + (h + 1) * k * (MOTION_DIM + 1) + (
            self.future_frames * inputs * MOTION_DIM + self.seed_bank * self.motion_frames
            * MOTION_DIM)
        outputs = self.rollout_passes * k * self.future_frames * MOTION_DIM
        return weights, sum(a for _, a in parts) + outputs
