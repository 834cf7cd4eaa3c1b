"""Every number that defines a Dance Revolution network and its curriculum; a checkpoint
stores all of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from dancekit.errors import ParameterError
from dancekit.models.common import (
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
from dancekit.models.representation import MOTION_DIM

MUSIC_FPS = 30.0  # the 438-d features hop 512 samples at 15360 Hz
MUSIC_DIM = 438


@dataclass
class DanceRevolutionConfig(ModelConfig):
    """The network's sizes, the auto-condition schedule and dancekit's additions.

    The defaults are sized to train on 2 CPU cores in well under an hour;
    :meth:`published` is the paper's network and curriculum.
    """

    label = "dance-revolution"
    # config keys added after checkpoints were shipped, with the value they were trained with
    added = {"heading_free": False}

    fps: float = MUSIC_FPS  # fixed by the music features
    # music encoder: a transformer whose frames attend to frames at most ``window`` away
    window: int = 15
    hidden: int = 128
    heads: int = 4
    ff: int = 256
    encoder_layers: int = 2
    # dance decoder: stacked LSTM cells fed the previous pose (embedded to ``pose_embed``)
    pose_embed: int = 64
    decoder_hidden: int = 256
    decoder_layers: int = 3
    dropout: float = 0.1
    train_frames: int = 120  # frames predicted per training window (4 s)
    # dynamic auto-condition: inputs alternate between blocks of ``truth_frames`` real poses
    # and blocks of the decoder's own predictions; the own block grows by one frame every
    # ``own_every`` training steps up to ``own_max`` (0: teacher forcing only)
    truth_frames: int = 10
    own_max: int = 30
    own_every: int = 30
    # std of the random initial LSTM state (the published decoder starts from noise)
    state_noise: float = 0.5
    # dancekit's additions, each off in :meth:`published`: the phase within the tracked beat
    # appended to the music; the encoded music fed into the LSTM as well as into the read-out
    # (the published decoder's recurrent state never hears the music); a loss on joint
    # positions (forward kinematics, (10 cm)^2 as its unit) beside the published L1
    beat_phase: bool = True
    music_to_decoder: bool = True
    position_loss: float = 1.0
    # poses seen in the dancer's own frame: root steps in its heading and the pelvis's heading
    # as a turn since the previous frame (:func:`.sampling.to_steps`), so a turning couple's
    # figure is one pattern at every heading, not one per heading
    heading_free: bool = False
    styles: list[str] = field(default_factory=list)  # genre labels; empty: unconditioned
    style_dropout: float = 0.3  # drop the label this often in training so style=None works
    seed_bank: int = 16  # real first frames kept in the checkpoint to start a dance from

    @classmethod
    def published(cls) -> DanceRevolutionConfig:
        """Huang et al., ICLR 2021, and its released training script: 2 encoder layers of
        width 200 with 8 heads and a 1024-wide feed-forward, attention within 100 frames,
        3 LSTM cells of 1024 fed a 50-d pose embedding, dropout 0.1, 900-frame (30 s)
        windows, blocks of 10 real frames, the own block growing without a cap worth
        reaching (one frame per 100 epochs there; here one per 1000 steps up to 100), a
        random initial state, the L1 loss alone and the 438-d music alone."""
        return cls(window=100, hidden=200, heads=8, ff=1024, encoder_layers=2, pose_embed=50,
                   decoder_hidden=1024, decoder_layers=3, dropout=0.1, train_frames=900,
                   truth_frames=10, own_max=100, own_every=1000, state_noise=1.0,
                   beat_phase=False, music_to_decoder=False, position_loss=0.0)

    @property
    def music_dim(self) -> int:
        return MUSIC_DIM + (2 if self.beat_phase else 0)

    def validate(self) -> None:
        check_fields(self, "dance-revolution config", {
            "fps": Range(MUSIC_FPS, MUSIC_FPS), "window": size(), "hidden": size(),
            "heads": size(), "ff": size(), "encoder_layers": size(MAX_LAYERS),
            "pose_embed": size(), "decoder_hidden": size(),
            "decoder_layers": size(MAX_LAYERS), "dropout": FRACTION, "train_frames": size(),
            "truth_frames": size(), "own_max": Range(0, 1 << 20, integer=True),
            "own_every": size(), "state_noise": WEIGHT, "position_loss": WEIGHT,
            "style_dropout": FRACTION, "seed_bank": size()},
            flags=("beat_phase", "music_to_decoder", "heading_free"))
        if self.hidden % self.heads:
            raise ParameterError(f"dance-revolution config hidden={self.hidden} must be a "
                                 f"multiple of heads={self.heads}")
        check_memory("dance-revolution config", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one training window) in floats, for
        :func:`~dancekit.models.common.check_memory`; attention is local, so activations
        grow with frames x window, not frames squared."""
        h, dh, frames = self.hidden, self.decoder_hidden, self.train_frames + self.window + 1
        encoder, _ = transformer_size(self.encoder_layers, h, self.heads, self.ff, 0)
        lstm_in = self.pose_embed + (h if self.music_to_decoder else 0)
        decoder = 4 * dh * (lstm_in + dh + 2) + 4 * dh * (2 * dh + 2) * (self.decoder_layers - 1)
        weights = encoder + (self.music_dim + len(self.styles) + 3) * h + self.heads * (
            2 * self.window + 1) + decoder + (MOTION_DIM + 1) * (self.pose_embed + dh + h) + (
            2 * self.music_dim + (2 + self.seed_bank) * MOTION_DIM)
        attention = self.heads * frames * (2 * self.window + 1)
        activations = self.encoder_layers * (attention + frames * (self.ff + 8 * h)) + (
            self.train_frames * (self.decoder_layers * 6 * dh + 4 * MOTION_DIM))
        return weights, activations
