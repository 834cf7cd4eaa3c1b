"""The dance-tokens model's shape and generation settings; the ``model:`` section of its
training YAML, stored whole in each checkpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dancekit.errors import ParameterError
from dancekit.models.common import (
    FPS,
    FRACTION,
    MAX_LAYERS,
    ModelConfig,
    Range,
    check_fields,
    check_memory,
    size,
    transformer_size,
)
from dancekit.models.motion_vq import MotionVQConfig

MUSIC_DIM = 37  # FACT's 35 features and the sine and cosine of the beat phase


@dataclass
class DanceTokensConfig(ModelConfig):
    """The code model's shape; the ``model:`` section of its training YAML."""

    label = "dance-tokens"

    # motion-vq checkpoint to start from (read when training starts), or a dance-tokens
    # checkpoint or bundled model whose tokenizer to take
    tokenizer: str = ""
    tokenizer_config: dict[str, Any] | None = None  # filled from it: checkpoints stand alone
    context_codes: int = 48
    hidden: int = 256
    layers: int = 4
    heads: int = 4
    ff: int = 512
    dropout: float = 0.2
    style_dropout: float = 0.3  # share of training windows that see no style label
    temperature: float = 0.8  # generation: the next code's odds are sharpened by this
    # generation: each code is drawn from the likeliest codes that together hold this share
    # of the odds (nucleus sampling); the rare codes left out are where a drawn dance jumps
    # to a move that does not follow. 1 draws from all codes
    top_p: float = 1.0
    # training: each dance is tokenized from this many first frames (0, 1, ...), and every
    # window reads one of those code sequences at random. A dance is one code sequence per
    # frame offset, so 1 lets the model learn a single sequence by heart (what the code
    # model of the ballroom weights did after a few hundred steps); at most frames_per_code
    phases: int = 1
    # training: each dance is cut to the frames between its first and last movement
    # (:func:`dancekit.motion.speed.moving_span`): the seconds a couple stands before and
    # after a dance are not dancing, and a code model that learns them as such can fall into
    # drawing its standing code again and again
    trim_still: bool = False
    # generation: no code is drawn more times in a row than its longest run in the training
    # data (kept in the checkpoint). A still code that follows itself is always the likeliest
    # next code, so a sampler can stand on it for seconds where no real dancer stood
    cap_runs: bool = False
    # generation: each candidate code's odds times exp(-foot_guidance * slide), slide being
    # how fast the feet the tokenizer decodes for it move while on the floor (m/s squared,
    # MotionVQ.planted_slide): a code model strings together codes from different dances,
    # and where they meet the decoded feet slide more than any real dancer's. 0: off
    foot_guidance: float = 0.0
    fps: float = 30.0
    styles: list[str] = field(default_factory=list)

    added = {"phases": 1, "trim_still": False, "cap_runs": False, "top_p": 1.0,
             "foot_guidance": 0.0}

    def validate(self) -> None:
        check_fields(self, "dance-tokens", {
            "context_codes": size(), "hidden": size(), "layers": size(MAX_LAYERS),
            "heads": size(), "ff": size(), "phases": size(), "dropout": FRACTION,
            "style_dropout": Range(0, 1),
            "temperature": Range(0, 1e6, lo_open=True), "top_p": Range(0, 1, lo_open=True),
            "foot_guidance": Range(0, 1e6), "fps": FPS},
            flags=("trim_still", "cap_runs"))
        if self.hidden % self.heads:
            raise ParameterError(f"dance-tokens hidden ({self.hidden}) must be divisible by "
                                 f"heads ({self.heads})")
        if not isinstance(self.tokenizer, str) or not isinstance(
                self.tokenizer_config, (dict, type(None))):
            raise ParameterError("dance-tokens tokenizer must be a path and tokenizer_config "
                                 "a mapping")
        if not self.tokenizer and self.tokenizer_config is None:
            raise ParameterError("dance-tokens needs a tokenizer: set model.tokenizer to a "
                                 "motion-vq checkpoint (dancekit train motion-vq)")
        check_memory("dance-tokens", self.size_estimate())

    def size_estimate(self) -> tuple[int, int]:
        """(weights and buffers, activations of one context) in floats, the tokenizer's
        included once its config is known."""
        h = self.hidden
        tok_weights, tok_activations, codes, per = 0, 0, 0, 1
        if self.tokenizer_config is not None:
            tok = MotionVQConfig.from_dict(self.tokenizer_config)
            (tok_weights, tok_activations), codes = tok.size_estimate(), tok.codes
            per = tok.frames_per_code
        music_in = 2 * per * MUSIC_DIM
        body_weights, body_activations = transformer_size(self.layers, h, self.heads, self.ff,
                                                          self.context_codes)
        weights = tok_weights + body_weights + (codes + 2 + len(self.styles)) * h + (
            music_in * (h + 2) + h * h + h * codes)
        return weights, tok_activations + body_activations + self.context_codes * codes
