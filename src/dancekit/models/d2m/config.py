"""Every number that defines a Dancing to Music network, its dance units and its two
training stages; a checkpoint stores all of it."""

from __future__ import annotations

from dataclasses import dataclass, field

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
from dancekit.models.music import AUDIO_DIM
from dancekit.models.representation import MOTION_DIM

FPS = 30.0  # the rate units are cut at and FACT's music features are read at


@dataclass
class D2MConfig(ModelConfig):
    """Dance units, the DU-VAE, the MM-GAN and the two training stages.

    A unit spans ``unit_beats`` kinematic beats in training (and the number of music beats
    nearest the training units' median length when dancing), time-normalised to
    ``unit_frames`` poses. The first ``vae_steps`` training steps fit the DU-VAE alone; the
    rest fit the MM-GAN against the frozen DU-VAE.
    """

    label = "d2m"

    fps: float = FPS
    unit_beats: int = 2
    unit_frames: int = 32
    min_unit_seconds: float = 0.4  # shorter units (beats too close) are not dance units
    max_unit_seconds: float = 4.0  # longer ones span a pause of the detector
    units: int = 5  # consecutive units in a training window (about 10 s of ballroom)
    beat_points: int = 8  # the music's onset envelope over a unit, resampled to this many
    # DU-VAE: an initial-pose code and a movement code, recurrent encoder and decoder
    pose_code: int = 32
    move_code: int = 64
    hidden: int = 128
    kl_weight: float = 0.001
    shift_weight: float = 1.0  # the shifted-initial-pose losses that keep the codes apart
    # MM-GAN: a recurrent generator of movement codes and a (music, dance) discriminator
    noise: int = 32
    music_hidden: int = 128
    dis_hidden: int = 128
    adv_weight: float = 0.5
    code_weight: float = 0.5  # generated movement codes regress to the real dance's codes
    style_weight: float = 0.5  # the discriminator's style head must read the music's style
    vae_steps: int = 3000
    styles: list[str] = field(default_factory=list)  # genre labels; empty: unconditioned
    style_dropout: float = 0.2  # drop the label this often in training so style=None works
    seed_bank: int = 16  # real initial poses kept in the checkpoint to start a dance from

    @property
    def music_dim(self) -> int:
        """Per unit: mean and std of FACT's 35 features (style), the onset envelope at
        ``beat_points`` moments and the unit's length in log seconds (beat)."""
        return 2 * AUDIO_DIM + self.beat_points + 1

    @property
    def unit_dim(self) -> int:
        """A unit as one row of a training sequence: its poses and its length in seconds."""
        return self.unit_frames * MOTION_DIM + 1

    def validate(self) -> None:
        seconds = Range(0.05, 60.0)
        check_fields(self, "d2m config", {
            "fps": Range(FPS, FPS), "unit_beats": size(64), "unit_frames": size(4096),
            "min_unit_seconds": seconds, "max_unit_seconds": seconds, "units": size(4096),
            "beat_points": size(4096), "pose_code": size(), "move_code": size(),
            "hidden": size(), "kl_weight": WEIGHT, "shift_weight": WEIGHT, "noise": size(),
            "music_hidden": size(), "dis_hidden": size(), "adv_weight": WEIGHT,
            "code_weight": WEIGHT, "style_weight": WEIGHT,
            "vae_steps": Range(0, 1 << 30, integer=True), "style_dropout": FRACTION,
            "seed_bank": size()})
        if self.unit_frames < 2 or self.min_unit_seconds >= self.max_unit_seconds:
            raise ParameterError("d2m config needs unit_frames >= 2 and min_unit_seconds < "
                                 "max_unit_seconds")
        check_memory("d2m config", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one training window) in floats, for
        :func:`~dancekit.models.common.check_memory`."""
        h, m, d = self.hidden, self.music_hidden, self.dis_hidden
        gru = 3 * h * (MOTION_DIM + h + 2)
        codes = self.pose_code + self.move_code
        vae = MOTION_DIM * h + h * 2 * self.pose_code + gru + h * 2 * self.move_code + (
            3 * h * (codes + 1 + h + 2) + codes * h + h * MOTION_DIM)
        gen = self.music_dim * m + 3 * h * (m + self.noise + self.pose_code + h + 2) + (
            h * self.move_code)
        dis = MOTION_DIM * d * 3 + self.music_dim * d + 3 * d * (3 * d) + d * (
            1 + len(self.styles))
        weights = vae + gen + dis + 2 * (MOTION_DIM + self.music_dim) + (
            self.seed_bank * MOTION_DIM) + len(self.styles) * m
        activations = self.units * self.unit_frames * (8 * h + 4 * MOTION_DIM + 4 * d)
        return weights, activations

