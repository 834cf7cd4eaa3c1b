"""FACT, the Full-Attention Cross-modal Transformer of AI Choreographer.

Li, Yang, Ross & Kanazawa, "AI Choreographer: Music Conditioned 3D Dance Generation with
AIST++", ICCV 2021. Read top to bottom:

1. motion representation: SMPL-24 local rotations as 6D (Zhou et al. 2019) + root translation,
   147 numbers a frame; positions come back through forward kinematics;
2. :class:`FACTConfig`: every size and constant, stored whole in each checkpoint;
3. :class:`FACT`: an audio transformer and a motion transformer whose outputs are concatenated
   and fed to a cross-modal transformer with full attention; the first ``future_frames``
   output tokens are the next frames ("future-N" supervision: the loss covers all of them);
4. ``generate``: autoregressive, a sliding window whose generated motion becomes the next seed,
   so any length of music gets danced.

:meth:`FACTConfig.published` is the paper's model and training exactly. The defaults add what a
small CPU-trained network needed to beat "hold the last pose" and to dance whole windows at a
time (each a config key, measured in docs/results.md): future frames predicted as changes from
the seed's last frame and read out of their own query tokens, the seed's frame-to-frame
changes as input, a closed-form linear base, the beat phase as music input, training on the
model's own two-pass roll-outs, several hypotheses per window of which generation draws one
(against regression to the mean), and at generation a slow pose anchor against drift.

Timing. The paper runs at 60 fps with 120 seed frames (2 s), 240 music frames (4 s) and 20
predicted frames (1/3 s); :meth:`FACTConfig.published` is exactly that, with the published
size (2/2/12 layers, hidden 800, 10 heads). The default config keeps the paper's seconds of
seed and music at 30 fps (60 and 120 frames), predicts the paper's 20 frames, and uses a small
network, so it trains on a 2-core CPU in well under an hour. The window for predicted
frame ``t + motion_frames + i`` sees motion ``[t, t + motion_frames)`` and music
``[t, t + audio_frames)``: two seconds of music look-ahead beyond the last predicted frame,
which is the causal structure of the published model.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dancekit.data.windows import Sequence, collate, make_windows
from dancekit.errors import CheckpointError, ParameterError
from dancekit.models import register_model
from dancekit.models.common import (
    FPS,
    FRACTION,
    MAX_LAYERS,
    MAX_SIZE,
    WEIGHT,
    Range,
    build_config,
    bundled_weights,
    check_fields,
    check_memory,
    check_seed,
    dance_meta,
    rebuild,
    requested_frames,
    size,
    style_index,
    transformer_size,
)
from dancekit.models.layers import Transformer
from dancekit.motion import Motion, get_skeleton
from dancekit.motion.kinematics_torch import forward_kinematics
from dancekit.motion.processing import resample
from dancekit.motion.rotations_torch import (
    axis_angle_to_matrix,
    matrix_to_axis_angle,
    matrix_to_rotation_6d,
    rotation_6d_to_matrix,
)
from dancekit.utils import single_threaded

SKELETON = "smpl24"
JOINTS = 24
MOTION_DIM = 3 + JOINTS * 6  # root translation + 6D rotation per joint = 147
AUDIO_DIM = 35  # FACT music features: envelope, 20 MFCC, 12 chroma, peak and beat one-hots
BEAT_COLUMN = 34  # the beat one-hot among them
BASE_LAG = 5  # the linear base also sees the change over this many frames
AUDIO_BATCH = 64  # music windows the audio transformer encodes at once in generation
# loss weight of the hypotheses that were not the closest (relaxed winner-takes-all)
OTHERS_SHARE = 0.05
SWEEP_SECONDS = 1 / 3  # the span of sweep_loss's displacements (benchmarks' "sweep" column)
# config keys added after checkpoints were shipped, with the value that reproduces how those
# older checkpoints were trained and run (not today's default)
ADDED_KEYS: dict[str, Any] = {"anchor_seconds": 0.0, "hypotheses": 1, "choice_loss": 0.0,
                              "choice_temperature": 1.0, "join_frames": 0,
                              "phase_source": "features", "rollout_draw": 0.0,
                              "sweep_loss": 0.0, "speed_loss": 0.0}
WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "weights" / "fact"


# --- 1. motion representation ------------------------------------------------------------------
def encode_motion(rotations: torch.Tensor, root: torch.Tensor) -> torch.Tensor:
    """Axis-angle rotations (..., T, 24, 3) and root (..., T, 3) -> features (..., T, 147)."""
    r6 = matrix_to_rotation_6d(axis_angle_to_matrix(rotations))  # (..., T, 24, 6)
    return torch.cat([root, r6.flatten(-2)], dim=-1)


def decode_matrices(feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (..., T, 147) -> rotation matrices (..., T, 24, 3, 3) and root (..., T, 3)."""
    root, r6 = feats[..., :3], feats[..., 3:]
    r6 = r6.reshape(*r6.shape[:-1], JOINTS, 6)  # (..., T, 24, 6)
    return rotation_6d_to_matrix(r6), root


def motion_to_features(motion: Motion) -> np.ndarray:
    """A rotation-carrying SMPL-24 :class:`Motion` -> (T, 147) float32 features."""
    if motion.skeleton.name != SKELETON or motion.rotations is None or motion.root is None:
        raise ParameterError(f"FACT needs {SKELETON} motion with rotations and root "
                             f"translation, got {motion!r}")
    feats = encode_motion(torch.from_numpy(motion.rotations).double(),
                          torch.from_numpy(motion.root).double())
    return feats.float().numpy()


def features_to_motion(feats: np.ndarray | torch.Tensor, fps: float,
                       meta: dict[str, Any] | None = None) -> Motion:
    """(T, 147) features -> :class:`Motion` with rotations, root and FK positions."""
    mats, root = decode_matrices(torch.as_tensor(feats).double())
    rot = matrix_to_axis_angle(mats)
    return Motion.from_rotations(rot.numpy(), root.numpy(), fps=fps, skeleton=SKELETON,
                                 meta=meta or {})


# --- 2. configuration --------------------------------------------------------------------------
@dataclass
class FACTConfig:
    """Every number that defines a FACT network; a checkpoint stores all of it.

    The defaults are dancekit's recipe (the bundled weights' config): the paper's network at
    CPU size plus the additions below, each a key that :meth:`published` turns off. Why each
    was needed is measured in docs/results.md.
    """

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
    # std of independent per-frame noise on the normalised seed. Beware: 0.05 is as large as
    # a typical frame-to-frame change (0.03-0.05 on synth dances), which hides which way the
    # dancer is moving, and the network learned to stand still
    seed_noise: float = 0.0
    # std of noise added to the whole normalised seed window as one offset: perturbs the
    # pose (robustness to the network's own errors) without hiding the motion
    seed_offset_noise: float = 0.02
    position_loss: float = 1.0  # weight of the FK joint-position loss beside the feature loss
    # frames kept per generation window (and the hop of training roll-outs): 1 in the paper;
    # keeping all 20 is 20x faster, and smooth once the model is trained on roll-outs
    generate_step: int = 20
    # predicted frames past the kept ones that are cross-faded into the next window's first
    # frames: removes the jump at window boundaries, so generate_step can grow (speed)
    blend_frames: int = 0
    # generation only: redraw each window's first join_frames frames as a smooth curve
    # (continuous position and velocity) from the dance so far into the window's own motion.
    # Window starts (each 20 frames, 0.67 s) carry twice the acceleration of the frames inside
    # a window; joining halves the jitter but cost Beat Align Score and FID_k on the
    # selection set (docs/results.md, session 4), so it is off (0) by default
    join_frames: int = 0
    # generation only: pull the dance's slowly drifting average pose back towards the
    # training data's average with this time constant (0: off). A model that predicts changes
    # can integrate small errors into a pose drift over minutes (a crouch); this leaky
    # correction acts only on what changes slower than this, not on the dance's moves.
    anchor_seconds: float = 8.0
    # predict each future frame as a change from the seed's last frame (the network starts
    # as "hold the last pose" and learns the motion) instead of the paper's absolute poses,
    # which a small network reads out of tokens holding the seed's oldest frames: absolute
    # predictions jumped away from the seed and then stood still. Pair with rollout_passes
    # so that errors cannot integrate unseen over a long dance.
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
    # transformer learns what it misses. On synth dances it halves the hold-the-pose error
    # from the start, which 500 steps of the transformer alone did not (docs/results.md).
    # Needs predict_change.
    linear_base: bool = True
    # training windows are rolled out this many times, each pass seeded with the previous
    # passes' kept frames (generate_step of them), exactly as generation does: the model
    # learns to continue its own predictions, so it can keep whole windows (speed) without
    # a jump at each boundary. 1 = the paper's training on real seeds only.
    rollout_passes: int = 2
    # share of training windows whose next roll-out pass is seeded with a hypothesis drawn
    # from the choice head (at choice_temperature), as generation draws, instead of the one
    # closest to the real frames (Dance Revolution's auto-condition, on FACT's windows): meant
    # to teach the model to come back from its own choices, since its dances lose sustained
    # motion window by window. Measured at 1 (docs/results.md, session 5): no better FID,
    # more jitter, the same loss late in each window; off
    rollout_draw: float = 0.0
    # weight of a loss on joint velocities, including the step from the seed's last frame
    # to the first predicted one: what makes consecutive windows join smoothly
    velocity_loss: float = 0.3
    # weight of a loss matching each joint's mean speed over the predicted frames to the real
    # one: a statistic, not a frame-by-frame target, so an uncertain future cannot lower it
    # by standing still (the mean of many possible moves is no move at all)
    energy_loss: float = 0.5
    # weight of a loss matching each joint's mean displacement over a third of a second
    # (SWEEP_SECONDS) within the predicted frames, with the last seed frame, to the real one:
    # sustained motion, which the kinetic features weigh and shaking in place cannot fake.
    # A window's later frames are the most uncertain, and their hypotheses moved at 0.74-0.84
    # of the real speed. At weight 3 it overshot (2.4 times the real speed, docs/results.md,
    # session 5); off
    sweep_loss: float = 0.0
    # weight of a loss matching each joint's speed at each predicted frame (magnitudes only)
    # to the real one: real dancers slow down on the beat (0.4 of their mean speed within a
    # tenth of a beat of it), and the beat phase says exactly when, but a loss on velocity
    # vectors averages uncertain directions into slower moves everywhere; magnitudes keep
    # the timing of the slow-downs without asking for their direction
    speed_loss: float = 0.0
    # append the phase within the beat (sin, cos) to the music features: a dense clock where
    # the one-hots are sparse spikes, so every predicted frame knows where it falls in the
    # beat (not in the paper; False is the paper's input)
    beat_phase: bool = True
    # where that clock's beats come from: "tracker", dancekit's beat tracker (F 0.999 on synth
    # songs), or "features", the 35-d features' own beat one-hot, which is librosa's
    # beat_track as the paper defines it: on the synth songs it scored F 0.68, ~50 ms late,
    # with songs at half tempo or on the off-beat, and models trained on that clock learned
    # no rhythm at all (speed 0.98-1.0x of the mean on the beat; real dancers 0.62x)
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
                   cross_layers=12, generate_step=1, seed_noise=0.0, seed_offset_noise=0.0,
                   predict_change=False, future_queries=False, velocity_input=False,
                   linear_base=False, rollout_passes=1, velocity_loss=0.0, energy_loss=0.0,
                   beat_phase=False, anchor_seconds=0.0, hypotheses=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, complete: bool = True) -> FACTConfig:
        """Build from a dict; unknown keys are an error, and with ``complete`` (checkpoints)
        so are missing ones, except those of :data:`ADDED_KEYS` (a checkpoint older than a
        key gets the value it was trained with)."""
        return build_config(cls, d, complete=complete, label="FACT", added=ADDED_KEYS,
                            missing_error=CheckpointError)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self) -> None:
        check_fields(self, "FACT config", {
            "fps": FPS, "motion_frames": size(), "audio_frames": size(),
            "future_frames": size(), "hidden": size(), "heads": size(), "ff": size(),
            "audio_layers": size(MAX_LAYERS), "motion_layers": size(MAX_LAYERS),
            "cross_layers": size(MAX_LAYERS), "dropout": FRACTION, "style_dropout": FRACTION,
            "seed_noise": WEIGHT, "seed_offset_noise": WEIGHT, "position_loss": WEIGHT,
            "generate_step": size(), "blend_frames": Range(0, MAX_SIZE, integer=True),
            "join_frames": Range(0, MAX_SIZE, integer=True), "anchor_seconds": Range(0, 1e6),
            "rollout_passes": size(MAX_LAYERS), "rollout_draw": Range(0, 1),
            "velocity_loss": WEIGHT, "energy_loss": WEIGHT, "sweep_loss": WEIGHT,
            "speed_loss": WEIGHT, "hypotheses": size(), "choice_loss": WEIGHT,
            "choice_temperature": Range(0, 1e6), "seed_bank": size()},
            flags=("beat_phase", "predict_change", "future_queries", "velocity_input",
                   "linear_base"))
        if self.hidden % self.heads:
            raise ParameterError(f"FACT config hidden={self.hidden} must be a multiple of "
                                 f"heads={self.heads}")
        if self.generate_step > self.future_frames:
            raise ParameterError(f"generate_step={self.generate_step} exceeds "
                                 f"future_frames={self.future_frames}")
        if self.blend_frames > min(self.generate_step, self.future_frames - self.generate_step):
            raise ParameterError(f"FACT config blend_frames={self.blend_frames!r} must be an "
                                 "integer from 0 to min(generate_step, future_frames - "
                                 "generate_step)")
        if self.linear_base and (not self.predict_change or self.motion_frames < BASE_LAG + 1):
            raise ParameterError(f"FACT config linear_base needs predict_change and at least "
                                 f"{BASE_LAG + 1} seed frames")
        if self.phase_source not in ("tracker", "features"):
            raise ParameterError(f"FACT config phase_source must be 'tracker' or 'features', "
                                 f"got {self.phase_source!r}")
        if self.join_frames > min(self.generate_step, self.future_frames - 2) or (
                self.join_frames and self.motion_frames < 2):
            raise ParameterError(f"FACT config join_frames={self.join_frames!r} must be an "
                                 "integer from 0 to min(generate_step, future_frames - 2) (and "
                                 "needs at least 2 seed frames)")
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


# --- 3. the network ----------------------------------------------------------------------------
@register_model("fact")
class FACT(nn.Module):
    """Audio transformer + motion transformer -> cross-modal transformer -> next frames.

    Buffers (saved with the weights): normalisation statistics of motion and music features,
    and a bank of real seed clips from the training data (a dance has to start somewhere; the
    ``seed`` argument of :meth:`generate` picks one).
    """

    config_class = FACTConfig

    def __init__(self, config: FACTConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        self.audio_dim = AUDIO_DIM + (2 if c.beat_phase else 0)
        self.audio_in = nn.Linear(self.audio_dim, c.hidden)
        self.motion_in = nn.Linear(MOTION_DIM * (2 if c.velocity_input else 1), c.hidden)
        # one extra row: "no style given"
        self.style_emb = nn.Embedding(len(c.styles) + 1, c.hidden)
        self.audio_tf = Transformer(c.audio_layers, c.hidden, c.heads, c.ff, c.dropout,
                                    c.audio_frames)
        self.motion_tf = Transformer(c.motion_layers, c.hidden, c.heads, c.ff, c.dropout,
                                     c.motion_frames)
        queries = c.future_frames if c.future_queries else 0
        self.cross_tf = Transformer(c.cross_layers, c.hidden, c.heads, c.ff, c.dropout,
                                    queries + c.motion_frames + c.audio_frames)
        if c.future_queries:
            self.query_emb = nn.Parameter(torch.zeros(1, c.future_frames, c.hidden))
            nn.init.normal_(self.query_emb, std=0.02)
        self.head = nn.Linear(c.hidden, c.hypotheses * MOTION_DIM)
        if c.predict_change and c.hypotheses == 1:  # start from "hold the last pose"
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
        elif c.predict_change:  # near "hold", but distinct, so each hypothesis wins somewhere
            nn.init.normal_(self.head.weight, std=0.01)
            nn.init.zeros_(self.head.bias)
        if c.hypotheses > 1:
            self.choice = nn.Linear(c.hidden, c.hypotheses)
        self.register_buffer("motion_mean", torch.zeros(MOTION_DIM))
        self.register_buffer("motion_std", torch.ones(MOTION_DIM))
        if c.velocity_input:
            self.register_buffer("velocity_std", torch.ones(MOTION_DIM))
        if c.linear_base:
            inputs = 3 * MOTION_DIM + (2 if c.beat_phase else 0) + 1
            self.register_buffer("base_weight",
                                 torch.zeros(c.future_frames, inputs, MOTION_DIM))
        self.register_buffer("audio_mean", torch.zeros(self.audio_dim))
        self.register_buffer("audio_std", torch.ones(self.audio_dim))
        self.register_buffer("seeds", torch.zeros(c.seed_bank, c.motion_frames, MOTION_DIM))
        self.register_buffer("seeds_ready", torch.zeros((), dtype=torch.bool))

    def forward(self, motion: torch.Tensor, audio: torch.Tensor,
                style: torch.Tensor | None = None) -> torch.Tensor:
        """Normalised seed motion (B, Sm, 147) and music (B, Sa, 35 or 37 with beat phase) ->
        next (B, N, 147): the most likely of the :meth:`hypotheses`."""
        preds, logits = self.hypotheses(motion, audio, style)
        return _pick(preds, logits.argmax(dim=1))

    def hypotheses(self, motion: torch.Tensor, audio: torch.Tensor,
                   style: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Like :meth:`forward`, but every hypothesis: (B, K, N, 147) and the choice head's
        logits (B, K) (zeros when K = 1)."""
        x = self._read_out(motion, audio, style)
        return self._decode(x, motion, audio), self._choice_logits(x)

    def _read_out(self, motion: torch.Tensor, audio: torch.Tensor,
                  style: torch.Tensor | None, encoded: torch.Tensor | None = None) -> torch.Tensor:
        """The cross-modal transformer's outputs for the N predicted frames (B, N, C).
        ``encoded``: the audio transformer's output for ``audio``, when already computed."""
        B, Sm, _ = motion.shape
        tokens = motion
        if self.config.velocity_input:  # the first frame's change is unknown: zero
            change = F.pad(motion.diff(dim=1), (0, 0, 1, 0)) / self.velocity_std
            tokens = torch.cat([motion, change], dim=-1)
        m = self.motion_tf(self.motion_in(tokens))  # (B, Sm, C)
        a = self._encode_audio(audio, style) if encoded is None else encoded  # (B, Sa, C)
        # full attention over both streams; only the first N outputs are read out
        N = self.config.future_frames
        streams = [m, a]
        if self.config.future_queries:  # frame Sm + k's query starts from its own music
            streams.insert(0, a[:, Sm:Sm + N] + self.query_emb)
        return self.cross_tf(torch.cat(streams, dim=1), keep=N)  # (B, N, C)

    def _encode_audio(self, audio: torch.Tensor, style: torch.Tensor | None) -> torch.Tensor:
        """The audio transformer over music windows (B, Sa, 37) -> (B, Sa, C); it never sees
        the motion, so generation encodes many windows in one batch."""
        if style is None:
            style = torch.full((audio.shape[0],), len(self.config.styles), dtype=torch.long,
                               device=audio.device)
        return self.audio_tf(self.audio_in(audio) + self.style_emb(style)[:, None])

    def _choice_logits(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.hypotheses == 1:
            return x.new_zeros(x.shape[0], 1)
        return self.choice(x.mean(dim=1))

    def _decode(self, x: torch.Tensor, motion: torch.Tensor, audio: torch.Tensor,
                index: torch.Tensor | None = None,
                base_split: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """Transformer outputs -> every hypothesis (B, K, N, 147), or with ``index`` (B,) only
        the chosen one (B, 1, N, 147): generation computes just the hypothesis it keeps.
        ``base_split``: :meth:`_base_split`, which generation computes once per dance."""
        B, N, _ = x.shape
        K = self.config.hypotheses
        if index is None:
            out = self.head(x).view(B, N, K, MOTION_DIM).transpose(1, 2)  # (B, K, N, 147)
        else:
            weight = self.head.weight.view(K, MOTION_DIM, -1)
            bias = self.head.bias.view(K, MOTION_DIM)
            if B == 1:  # one song (dancekit dance): a plain linear layer, twice as fast
                out = F.linear(x, weight[index[0]], bias[index[0]])[:, None]
            else:
                out = (torch.einsum("bnc,bdc->bnd", x, weight[index])
                       + bias[index][:, None])[:, None]
        if self.config.linear_base and base_split is None:
            out = out + torch.einsum("bnf,nfd->bnd", self._base_inputs(motion, audio),
                                     self.base_weight)[:, None]
        elif self.config.linear_base:
            out = out + self._base_from_split(motion, audio, *base_split)[:, None]
        if self.config.predict_change:
            out = motion[:, None, -1:] + out
        return out

    def _base_inputs(self, motion: torch.Tensor, audio: torch.Tensor) -> torch.Tensor:
        """Inputs of the linear base for each predicted frame (B, N, F): the seed's last
        normalised pose, its last change and its mean change over BASE_LAG frames, the
        (normalised) beat phase at that frame, and a constant."""
        c = self.config
        B, N = motion.shape[0], c.future_frames
        parts = [_seed_state(motion)[:, None].expand(B, N, -1)]
        if c.beat_phase:
            parts.append(self._predicted_phase(audio))
        parts.append(motion.new_ones(B, N, 1))
        return torch.cat(parts, dim=-1)

    def _predicted_phase(self, audio: torch.Tensor) -> torch.Tensor:
        """The beat-phase channels (B, N, 2) of the music at the N predicted frames."""
        c = self.config
        return audio[:, c.motion_frames:c.motion_frames + c.future_frames,
                     AUDIO_DIM:AUDIO_DIM + 2]

    def _base_split(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The linear base's weights rearranged for one dance at a time: the seed's part
        (shared by all N predicted frames) as one (441, N * 147) matrix, and the rest
        (N, F - 441, 147). The same sums as :meth:`_base_inputs` with ``base_weight``, but
        one matrix-vector product instead of N: 380 -> 207 us a window."""
        n_now = 3 * MOTION_DIM
        w = self.base_weight
        return (w[:, :n_now].permute(1, 0, 2).reshape(n_now, -1).contiguous(),
                w[:, n_now:].contiguous())

    def _base_from_split(self, motion: torch.Tensor, audio: torch.Tensor, now_weight:
                         torch.Tensor, rest_weight: torch.Tensor) -> torch.Tensor:
        """The linear base (B, N, 147) from :meth:`_base_split`'s weights."""
        c = self.config
        B, N = motion.shape[0], c.future_frames
        out = (_seed_state(motion) @ now_weight).view(B, N, MOTION_DIM)
        if c.beat_phase:
            out = out + torch.einsum("bnf,nfd->bnd", self._predicted_phase(audio),
                                     rest_weight[:, :2])
        return out + rest_weight[:, -1]

    def _fit_linear_base(self, sequences: list[Any], ridge: float = 1.0) -> None:
        """Ridge regression of each future frame's change from the seed's last frame on
        :meth:`_base_inputs`, over the training windows (normal equations summed per
        sequence, so memory does not grow with the data)."""
        c = self.config
        F_in = self.base_weight.shape[1]
        gram = torch.zeros(c.future_frames, F_in, F_in, dtype=torch.float64)
        cross = torch.zeros(c.future_frames, F_in, MOTION_DIM, dtype=torch.float64)
        window = c.motion_frames + c.future_frames
        span = max(window, c.audio_frames)
        for s in sequences:
            if len(s.motion) < span:
                continue
            batch = collate([s], make_windows([s], span, max(1, c.future_frames // 4)), window,
                            c.audio_frames, [])
            mot, aud = _canonical_root_t(batch["motion"]), batch["audio"]
            seed = self._norm_motion(mot[:, :c.motion_frames])
            target = self._norm_motion(mot[:, c.motion_frames:]) - seed[:, -1:]
            x = self._base_inputs(seed, self._norm_audio(aud)).double()  # (W, N, F)
            gram += torch.einsum("wnf,wng->nfg", x, x)
            cross += torch.einsum("wnf,wnd->nfd", x, target.double())
        # solved with numpy's LAPACK: after librosa/numba have started their own OpenMP
        # runtime in the process, torch's threaded batched LU returned invalid pivots
        eye = ridge * np.eye(F_in)
        weight = np.linalg.solve(gram.numpy() + eye, cross.numpy())
        self.base_weight.copy_(torch.from_numpy(weight).float())

    # --- data (the Trainer's side of the interface) ------------------------------------------
    def encode(self, pair: Any) -> Sequence:
        """A :class:`dancekit.data.Pair` -> per-frame motion and music features at
        ``config.fps``, cut to the shorter of the two."""
        motion = resample(pair.motion, self.config.fps)
        mot = motion_to_features(motion)
        aud = self.music_features(pair.audio)
        n = min(len(mot), len(aud))
        return Sequence(pair.name, mot[:n], aud[:n], pair.style)

    def window_lengths(self) -> tuple[int, int]:
        """Frames of motion (seed + future of every roll-out pass) and of music in one
        training window."""
        c = self.config
        hops = (c.rollout_passes - 1) * c.generate_step
        return c.motion_frames + hops + c.future_frames, c.audio_frames + hops

    def validation_metrics(self, sequences: list[Sequence], seconds: float,
                           count: int) -> dict[str, float]:
        """Dance to held-out music from each sequence's own first two seconds and compare with
        the real dances: FID_k, FID_g, Beat Align Score (against the beats of the model's own
        clock, :meth:`_music_beats`), jitter, and the ratio of mean joint speeds (near 0
        means freezing)."""
        from dancekit.metrics import evaluate

        c = self.config
        frames = int(seconds * c.fps)
        chosen = [s for s in sequences if len(s.motion) >= frames][:count]
        if not chosen or frames <= c.motion_frames:
            return {}
        audio = torch.from_numpy(np.stack([s.audio[:frames] for s in chosen]))
        seed = torch.from_numpy(np.stack([s.motion[:c.motion_frames] for s in chosen]))
        gen = self.generate_features(audio.to(self.seeds.device), frames,
                                     seed.to(self.seeds.device),
                                     generator=torch.Generator().manual_seed(0)).cpu()
        real = torch.from_numpy(np.stack([s.motion[:frames] for s in chosen]))
        tail = slice(c.motion_frames, frames)  # only what the model generated
        gen_pos, real_pos = _fk(gen[:, tail]), _fk(real[:, tail])
        speed_gen = gen_pos.diff(dim=1).norm(dim=-1).mean()
        speed_real = real_pos.diff(dim=1).norm(dim=-1).mean()
        beats = [self._music_beats(s.audio[tail]) / c.fps for s in chosen]
        result = evaluate([Motion(p.numpy(), c.fps, SKELETON) for p in gen_pos],
                          [Motion(p.numpy(), c.fps, SKELETON) for p in real_pos],
                          music_beats=beats, bootstrap=0)
        out = {"speed_ratio": float(speed_gen / speed_real)}
        for name in ("fid_k", "fid_g", "bas", "jitter", "jitter_real"):
            if name in result["metrics"]:
                out[name] = result["metrics"][name]["value"]
        return out

    def _music_beats(self, audio: np.ndarray) -> np.ndarray:
        """Beat frames of music feature rows (T, 35 or 37): where the beat phase wraps when
        the clock comes from the tracker (the beats the model reads), else the librosa
        one-hot of the 35-d features."""
        c = self.config
        if not (c.beat_phase and c.phase_source == "tracker"):
            return np.flatnonzero(audio[:, BEAT_COLUMN] > 0.5)
        angle = np.arctan2(audio[:, AUDIO_DIM], audio[:, AUDIO_DIM + 1])  # 0 on a beat
        after = np.flatnonzero((angle[:-1] < 0) & (angle[1:] >= 0)
                               & (audio[1:, AUDIO_DIM + 1] > 0)) + 1
        return np.where(-angle[after - 1] < angle[after], after - 1, after)  # the nearer

    # --- data preparation (called by the Trainer once, on the training split) ----------------
    def prepare(self, sequences: list[Any]) -> None:
        """Fit normalisation statistics and the seed bank on training sequences (objects with
        ``motion`` (T, 147) and ``audio`` (T, 35) arrays at ``config.fps``)."""
        c = self.config
        span = c.motion_frames + c.future_frames
        mot = np.concatenate([_canonical_root(s.motion[i:i + span]) for s in sequences
                              for i in range(0, max(1, len(s.motion) - span + 1),
                                             c.motion_frames // 2)])
        aud = np.concatenate([s.audio for s in sequences])
        self.motion_mean.copy_(torch.from_numpy(mot.mean(0)))
        self.motion_std.copy_(torch.from_numpy(np.maximum(mot.std(0), 1e-3)))
        self.audio_mean.copy_(torch.from_numpy(aud.mean(0)))
        self.audio_std.copy_(torch.from_numpy(np.maximum(aud.std(0), 1e-3)))
        if c.linear_base:
            self._fit_linear_base(sequences)
        if c.velocity_input:
            change = np.concatenate([np.diff(s.motion, axis=0) for s in sequences])
            std = np.maximum(change.std(0), 1e-6) / self.motion_std.numpy()
            self.velocity_std.copy_(torch.from_numpy(np.maximum(std, 1e-4)))
        # seed clips spread evenly over the sequences long enough to hold one
        usable = [s for s in sequences if len(s.motion) >= c.motion_frames]
        if not usable:
            raise ParameterError(f"no training sequence has the {c.motion_frames} frames a "
                                 "seed needs")
        for k in range(c.seed_bank):
            s = usable[k % len(usable)]
            span = len(s.motion) - c.motion_frames
            start = (k // len(usable) * 37 * c.future_frames) % (span + 1)
            clip = _canonical_root(s.motion[start:start + c.motion_frames])
            self.seeds[k] = torch.from_numpy(clip)
        self.seeds_ready.fill_(True)

    def _norm_motion(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.motion_mean) / self.motion_std

    def _norm_audio(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.audio_mean) / self.audio_std

    # --- training ----------------------------------------------------------------------------
    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """Future-N loss on a batch of windows, over ``rollout_passes`` roll-out passes.

        ``batch["motion"]`` (B, Sm + (R-1) * step + N, 147), ``batch["audio"]``
        (B, Sa + (R-1) * step, 35) and ``batch["style"]`` (B,) label indices (``len(styles)``
        = none); see :meth:`window_lengths`. Pass ``r`` sees the seed ``r * step`` frames
        later, whose last ``r * step`` frames are the earlier passes' predictions (detached),
        as in generation. Returns the scalar loss (mean over passes) and its parts.
        """
        c = self.config
        motion, audio = batch["motion"], batch["audio"]
        style = batch["style"]
        if self.training and c.style_dropout > 0:
            drop = torch.rand(style.shape, generator=generator) < c.style_dropout
            style = torch.where(drop.to(style.device), len(c.styles), style)
        seed = motion[:, :c.motion_frames]  # raw; becomes partly generated after pass 0
        parts: dict[str, float] = {}
        total = motion.new_zeros(())
        for r in range(c.rollout_passes):
            start = r * c.generate_step
            end = start + c.motion_frames
            offset = _pad_root(_root_offset(seed))  # x/z of the seed's first frame
            target = motion[:, end:end + c.future_frames] - offset  # (B, N, 147)
            seed_n = self._norm_motion(seed - offset)
            if self.training and c.seed_noise > 0:
                noise = torch.randn(seed_n.shape, generator=generator).to(seed_n.device)
                seed_n = seed_n + c.seed_noise * noise
            if self.training and c.seed_offset_noise > 0:
                B, _, D = seed_n.shape
                noise = torch.randn((B, 1, D), generator=generator).to(seed_n.device)
                seed_n = seed_n + c.seed_offset_noise * noise
            preds, logits = self.hypotheses(
                seed_n, self._norm_audio(audio[:, start:start + c.audio_frames]), style)
            target_n = self._norm_motion(target)
            # multiple choice: the hypothesis closest to the real frames takes the loss
            error = (preds - target_n[:, None]).pow(2).mean(dim=(2, 3))  # (B, K)
            best = error.argmin(dim=1)
            pred = _pick(preds, best)
            terms = {"feature_loss": F.mse_loss(pred, target_n)}
            if c.hypotheses > 1:
                # the others get a small share, so none is stranded where it never wins
                rest = (error.sum(dim=1) - error.min(dim=1).values) / (c.hypotheses - 1)
                terms["other_loss"] = rest.mean()
                terms["choice_loss"] = F.cross_entropy(logits, best)
            pred_raw = pred * self.motion_std + self.motion_mean
            if max(c.position_loss, c.velocity_loss, c.energy_loss, c.sweep_loss,
                   c.speed_loss) > 0:
                last = seed[:, -1:] - offset
                pos_pred = _fk(torch.cat([last, pred_raw], dim=1))
                pos_true = _fk(torch.cat([motion[:, end - 1:end] - offset, target], dim=1))
                if c.position_loss > 0:  # (10 cm)^2 as the unit
                    terms["position_loss"] = F.mse_loss(pos_pred[:, 1:], pos_true[:, 1:]) / 0.01
                if c.velocity_loss > 0:  # (1 cm per frame)^2 as the unit
                    terms["velocity_loss"] = F.mse_loss(pos_pred.diff(dim=1),
                                                        pos_true.diff(dim=1)) / 1e-4
                speed_pred = pos_pred.diff(dim=1).norm(dim=-1)  # (B, N, J)
                speed_true = pos_true.diff(dim=1).norm(dim=-1)
                if c.energy_loss > 0:  # (1 cm per frame)^2 as the unit
                    terms["energy_loss"] = F.mse_loss(speed_pred.mean(dim=1),
                                                      speed_true.mean(dim=1)) / 1e-4
                if c.speed_loss > 0:  # (1 cm per frame)^2 as the unit
                    terms["speed_loss"] = F.mse_loss(speed_pred, speed_true) / 1e-4
                if c.sweep_loss > 0:  # (10 cm)^2 as the unit
                    lag = min(max(1, round(SWEEP_SECONDS * c.fps)), c.future_frames)
                    terms["sweep_loss"] = F.mse_loss(_sweep(pos_pred, lag),
                                                     _sweep(pos_true, lag)) / 0.01
            weights = {"feature_loss": 1.0, "position_loss": c.position_loss,
                       "velocity_loss": c.velocity_loss, "energy_loss": c.energy_loss,
                       "sweep_loss": c.sweep_loss, "speed_loss": c.speed_loss,
                       "other_loss": OTHERS_SHARE, "choice_loss": c.choice_loss}
            for name, value in terms.items():
                total = total + weights[name] * value / c.rollout_passes
                parts[name] = parts.get(name, 0.0) + float(value.detach()) / c.rollout_passes
            if c.rollout_passes > 1:
                parts[f"pass{r}_feature_loss"] = float(terms["feature_loss"].detach())
            if r + 1 < c.rollout_passes:
                if c.rollout_draw > 0 and c.hypotheses > 1:
                    drawn = _pick(preds, self._draw(logits.detach(), generator))
                    share = torch.rand(best.shape, generator=generator) < c.rollout_draw
                    pred = torch.where(share.to(pred.device)[:, None, None], drawn, pred)
                    pred_raw = pred * self.motion_std + self.motion_mean
                kept = pred_raw[:, :c.generate_step].detach() + offset
                seed = torch.cat([seed[:, c.generate_step:], kept], dim=1)
        return total, parts

    # --- generation --------------------------------------------------------------------------
    @torch.no_grad()
    def generate_features(self, audio: torch.Tensor, frames: int, seed: torch.Tensor,
                          style: torch.Tensor | None = None,
                          generator: torch.Generator | None = None) -> torch.Tensor:
        """Autoregressive sliding-window generation on feature tensors.

        ``audio`` (B, >= frames, 35) music features, ``seed`` (B, Sm, 147) raw seed motion
        (it becomes the first Sm frames of the output). Returns (B, frames, 147). Each window
        predicts ``future_frames`` and keeps ``generate_step`` of them; the generated motion
        is the next seed. With several hypotheses, each window draws one from the choice
        head's probabilities (at ``choice_temperature``) using ``generator`` (without one:
        the most likely).
        """
        was_training = self.training
        self.eval()
        # one song's windows are too small to split across threads; on a busy 2-core machine
        # OpenMP's waiting made 2 threads 10x slower than 1 (benchmarks/generate.py)
        one_song = audio.shape[0] == 1 and audio.device.type == "cpu"
        try:
            with single_threaded(torch=True) if one_song else contextlib.nullcontext():
                return self._roll_out(audio, frames, seed, style, generator)
        finally:
            self.train(was_training)

    def _roll_out(self, audio: torch.Tensor, frames: int, seed: torch.Tensor,
                  style: torch.Tensor | None,
                  generator: torch.Generator | None) -> torch.Tensor:
        c = self.config
        B = audio.shape[0]
        pad = max(0, frames - c.motion_frames + c.audio_frames - audio.shape[1])
        audio = F.pad(audio.transpose(1, 2), (0, pad), mode="replicate").transpose(1, 2)
        audio = self._norm_audio(audio)
        out = torch.empty(B, max(frames, c.motion_frames), MOTION_DIM, dtype=seed.dtype,
                          device=seed.device)
        out[:, :c.motion_frames] = seed
        # cross-fade weights of the new window over the previous window's extra predictions
        ramp = torch.arange(1, c.blend_frames + 1, dtype=seed.dtype) / (c.blend_frames + 1)
        ramp = ramp[None, :, None]  # (1, blend, 1)
        pending = None  # previous window's predictions of the frames this window starts with
        # slow average of the dance's normalised pose, for anchor_seconds (root x/z excluded:
        # travelling is not drift)
        anchored = torch.ones(MOTION_DIM, dtype=seed.dtype, device=seed.device)
        anchored[[0, 2]] = 0
        slow = (self._norm_motion(seed) * anchored).mean(dim=1)  # (B, 147)
        tau = c.anchor_seconds * c.fps
        # every window starts generate_step frames after the last, and the audio transformer
        # does not depend on the dance: encode the windows' music ahead, AUDIO_BATCH at a time
        # (the same numbers, in large batches instead of one small pass per window)
        starts = list(range(0, max(frames - c.motion_frames, 0), c.generate_step))
        encoded: dict[int, torch.Tensor] = {}
        base_split = self._base_split() if c.linear_base else None
        t = 0
        while t + c.motion_frames < frames:
            if t not in encoded:
                encoded.clear()
                chunk = [u for u in starts if u >= t][:AUDIO_BATCH]
                windows = torch.stack([audio[:, u:u + c.audio_frames] for u in chunk], dim=1)
                codes = self._encode_audio(  # (B * W, Sa, 37), song-major
                    windows.flatten(0, 1),
                    None if style is None else style.repeat_interleave(len(chunk)))
                codes = codes.unflatten(0, (B, len(chunk)))
                encoded.update({u: codes[:, i] for i, u in enumerate(chunk)})
            window = out[:, t:t + c.motion_frames]
            offset = _pad_root(_root_offset(window))
            seed_n, music = self._norm_motion(window - offset), audio[:, t:t + c.audio_frames]
            x = self._read_out(seed_n, music, style, encoded[t])
            choice = self._draw(self._choice_logits(x), generator)
            pred = self._decode(x, seed_n, music, choice, base_split)[:, 0]
            pred = pred * self.motion_std + self.motion_mean + offset
            if pending is not None:
                b = pending.shape[1]
                pred[:, :b] = (1 - ramp) * pending + ramp * pred[:, :b]
            k = min(c.generate_step, frames - t - c.motion_frames)
            if tau > 0:
                rate = min(1.0, k / tau)
                kept_n = self._norm_motion(pred[:, :k]) * anchored
                slow = slow + rate * (kept_n.mean(dim=1) - slow)
                # reached gradually over the kept frames: a whole-window shift was a step
                spread = (torch.arange(1, pred.shape[1] + 1, dtype=pred.dtype) / k).clamp(max=1)
                pred = pred - rate * (slow * self.motion_std)[:, None] * spread[None, :, None]
            pending = pred[:, c.generate_step:c.generate_step + c.blend_frames].clone()
            if pending.shape[1] == 0:
                pending = None
            if c.join_frames:
                pred[:, :c.join_frames] = _join(out[:, t + c.motion_frames - 2:t + c.motion_frames],
                                                pred, c.join_frames)
            kept = pred[:, :k]
            out[:, t + c.motion_frames:t + c.motion_frames + k] = kept
            t += k
        return out[:, :frames]

    def _draw(self, logits: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        """One hypothesis per row of choice logits (B, K) -> (B,): drawn from the odds at
        ``choice_temperature`` with ``generator``; the most likely without one."""
        c = self.config
        if generator is None or c.hypotheses == 1 or c.choice_temperature == 0:
            return logits.argmax(dim=1)
        odds = (logits / c.choice_temperature).softmax(dim=1).cpu()
        return torch.multinomial(odds, 1, generator=generator)[:, 0].to(logits.device)

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
        return features_to_motion(out, c.fps, dance_meta("fact", audio, seed, style))

    def music_features(self, audio: Any) -> np.ndarray:
        """FACT's 35-d music features at ``config.fps`` (disk-cached by content), (T, 35),
        with the beat phase appended (T, 37) when the config asks for it (from the cached
        beats of ``config.phase_source``)."""
        c = self.config
        return fact_music_features(audio, c.fps, with_phase=c.beat_phase,
                                   phase_source=c.phase_source)

    def style_index(self, style: str) -> int:
        return style_index(self.config.styles, style, "FACT model")

    def _seed_clip(self, seed: int, seed_motion: Motion | None) -> torch.Tensor:
        c = self.config
        if seed_motion is None:
            if not bool(self.seeds_ready):
                raise CheckpointError("this FACT model has no seed bank (it was never "
                                      "prepared on data); pass seed_motion")
            return self.seeds[seed % c.seed_bank].clone()
        seed_motion = resample(seed_motion, c.fps)
        if seed_motion.num_frames < c.motion_frames:
            raise ParameterError(f"seed motion needs at least {c.motion_frames / c.fps:g} s "
                                 f"({c.motion_frames} frames at {c.fps:g} fps), got "
                                 f"{seed_motion.num_frames} frames")
        return torch.from_numpy(motion_to_features(seed_motion[-c.motion_frames:]))

    # --- checkpoints -------------------------------------------------------------------------
    def checkpoint_config(self) -> dict[str, Any]:
        return self.config.to_dict()

    @classmethod
    def from_checkpoint(cls, path: str | Path) -> FACT:
        """Rebuild from a checkpoint written by :func:`dancekit.train.save_model`: the config
        comes only from the file (strict: unknown or missing keys and any weight mismatch are
        errors)."""
        return rebuild(path, "fact", lambda config: cls(FACTConfig.from_dict(config)))

    @classmethod
    def load_default(cls) -> FACT:
        """The weights bundled with dancekit (see ``weights/fact/README.md``)."""
        return cls.from_checkpoint(bundled_weights(WEIGHTS_DIR, "FACT"))


# --- helpers -----------------------------------------------------------------------------------
def fact_music_features(audio: Any, fps: float, *, with_phase: bool = True,
                        phase_source: str = "tracker") -> np.ndarray:
    """FACT's 35-d music features at ``fps`` (disk-cached by content), (T, 35), with the
    sine and cosine of the phase within the beat appended (T, 37) when ``with_phase``: the
    beats of dancekit's tracker (``phase_source`` "tracker") or librosa's one-hot column."""
    from dancekit.audio import cached_features

    feats = np.asarray(cached_features(audio, "fact", fps=int(fps)), dtype=np.float32)
    if with_phase:
        if phase_source == "tracker":
            beats = cached_features(audio, "beats") * fps
        else:
            beats = np.flatnonzero(feats[:, BEAT_COLUMN] > 0.5)
        feats = np.concatenate([feats, beat_phase(beats, len(feats))], axis=1)
    return feats


def _sweep(positions: torch.Tensor, lag: int) -> torch.Tensor:
    """(B, T, J, 3) joint positions -> (B, J): each joint's mean displacement over ``lag``
    frames."""
    return (positions[:, lag:] - positions[:, :-lag]).norm(dim=-1).mean(dim=1)


def beat_phase(beat_frames: np.ndarray, frames: int) -> np.ndarray:
    """Beats (in frames, fractional allowed, increasing) -> (frames, 2) sin and cos of the
    phase within the beat at each frame.

    The phase runs linearly from one beat to the next; before the first and after the last
    beat it continues at the median beat period. With fewer than two beats there is no
    clock to read, and both channels are zero.
    """
    beats = np.asarray(beat_frames, dtype=np.float64).ravel()
    if len(beats) < 2:
        return np.zeros((frames, 2), np.float32)
    period = float(np.median(np.diff(beats)))
    t = np.arange(frames, dtype=np.float64)
    index = np.interp(t, beats, np.arange(len(beats)))  # fractional beat count inside
    index = np.where(t < beats[0], (t - beats[0]) / period, index)
    index = np.where(t > beats[-1], len(beats) - 1 + (t - beats[-1]) / period, index)
    angle = 2 * np.pi * index
    return np.stack([np.sin(angle), np.cos(angle)], axis=1).astype(np.float32)


def _seed_state(motion: torch.Tensor) -> torch.Tensor:
    """The linear base's view of a normalised seed (B, Sm, 147) -> (B, 441): its last pose,
    its last change and its mean change over BASE_LAG frames."""
    last = motion[:, -1]
    return torch.cat([last, last - motion[:, -2], (last - motion[:, -1 - BASE_LAG]) / BASE_LAG],
                     dim=-1)


def _join(before: torch.Tensor, pred: torch.Tensor, n: int) -> torch.Tensor:
    """The first ``n`` frames of a window, redrawn as a cubic Hermite curve from the dance so
    far (its last two frames ``before`` (B, 2, D): position and velocity) to the window's own
    frame ``n`` and velocity there (``pred`` (B, >= n + 2, D)): continuous in position and
    velocity at both ends, so a window start is no jolt. Returns (B, n, D)."""
    p0, p1 = before[:, 1], pred[:, n]
    m0 = (before[:, 1] - before[:, 0]) * (n + 1)  # velocities per frame -> per curve length
    m1 = (pred[:, n + 1] - pred[:, n]) * (n + 1)
    s = (torch.arange(1, n + 1, dtype=pred.dtype) / (n + 1))[None, :, None]
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * p0[:, None] + (s3 - 2 * s2 + s) * m0[:, None]
            + (3 * s2 - 2 * s3) * p1[:, None] + (s3 - s2) * m1[:, None])


def _pick(preds: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """(B, K, N, D) hypotheses and (B,) indices -> (B, N, D)."""
    return preds[torch.arange(preds.shape[0], device=preds.device), index]


def _canonical_root(motion: np.ndarray) -> np.ndarray:
    """Shift a (T, 147) window so its first frame's root is above the origin (x = z = 0)."""
    out = motion.copy()
    out[:, [0, 2]] -= motion[:1, [0, 2]]
    return out


def _canonical_root_t(motion: torch.Tensor) -> torch.Tensor:
    """Batched :func:`_canonical_root` for (B, T, 147) tensors."""
    return motion - _pad_root(_root_offset(motion))


def _root_offset(motion: torch.Tensor) -> torch.Tensor:
    """(B, T, 147) -> (B, 1, 3): the first frame's root x and z (height kept): windows are
    seen relative to where they start, so a dance may travel anywhere."""
    offset = motion[:, :1, :3].clone()
    offset[..., 1] = 0
    return offset


def _pad_root(offset: torch.Tensor) -> torch.Tensor:
    """(B, 1, 3) root offset -> (B, 1, 147), zero on the rotation part."""
    return F.pad(offset, (0, MOTION_DIM - 3))


def _fk(feats: torch.Tensor) -> torch.Tensor:
    """(B, T, 147) features -> (B, T, 24, 3) joint positions."""
    mats, root = decode_matrices(feats)
    return forward_kinematics(mats, root, get_skeleton(SKELETON))


def describe(model: FACT) -> str:
    """One line for logs: size and timing of the network."""
    c = model.config
    n = sum(p.numel() for p in model.parameters())
    return (f"FACT {n / 1e6:.2f}M parameters, hidden {c.hidden}, layers "
            f"{c.audio_layers}/{c.motion_layers}/{c.cross_layers}, {c.fps:g} fps, "
            f"seed {c.motion_frames} / music {c.audio_frames} / future {c.future_frames} frames")


__all__ = ["FACT", "FACTConfig", "beat_phase", "describe", "encode_motion", "features_to_motion",
           "motion_to_features"]
