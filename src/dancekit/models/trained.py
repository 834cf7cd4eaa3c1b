"""What every learned dance model shares: its styles from its config, checkpoints, bundled
weights and the Trainer's calls handed to the model's ``training`` module.

A model package sets four class attributes and inherits the rest::

    @register_model("foo")
    class Foo(TrainedModel, FooNetwork):
        checkpoint_name = "foo"            # the "model" field its checkpoints carry
        config_class = FooConfig
        weights_dir = WEIGHTS_DIR          # the bundled checkpoint's folder
        training_module = training         # prepare(model, seqs), loss(model, batch, gen), ...

so that what differs between models (generation, the encoding of a training pair, the
window lengths) is all that its ``model.py`` holds. A model whose Trainer side is written in
the class itself (``prepare``, ``loss``, ``validation_metrics``) leaves ``training_module``
out; one whose checkpoint holds a trained part (a tokenizer, a VAE) overrides
:meth:`from_config`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import torch

from dancekit.models.common import bundled_weights, rebuild, style_index


class TrainedModel:
    """Mixin (first among the bases) for models with a config, checkpoints and bundled
    weights; the class attributes below are set by each model."""

    checkpoint_name: ClassVar[str]
    config_class: ClassVar[type]
    weights_dir: ClassVar[Path]
    #: Not ``training``: that is nn.Module's train/eval flag on every instance.
    training_module: ClassVar[ModuleType]
    config: Any

    @property
    def styles(self) -> list[str]:
        """The style labels it was trained with (none: it is not style-conditioned)."""
        return list(self.config.styles)

    def style_index(self, style: str) -> int:
        return style_index(self.config.styles, style, f"{self.checkpoint_name} model")

    # --- the Trainer's side, held by the model's training module -------------------------
    def prepare(self, sequences: list[Any]) -> None:
        """Fit what the model learns from the data before training (statistics, banks)."""
        self.training_module.prepare(self, sequences)

    def loss(self, batch: dict[str, torch.Tensor],
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """The training loss of one batch and its named parts."""
        return self.training_module.loss(self, batch, generator)

    def validation_metrics(self, sequences: list[Any], seconds: float,
                           count: int) -> dict[str, float]:
        """Numbers the Trainer logs on held-out sequences."""
        return self.training_module.validation_metrics(self, sequences, seconds, count)

    # --- checkpoints ---------------------------------------------------------------------
    def checkpoint_config(self) -> dict[str, Any]:
        return self.config.to_dict()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """The model a checkpoint's config describes, before its weights load."""
        return cls(cls.config_class.from_dict(config))

    @classmethod
    def from_checkpoint(cls, path: str | Path) -> Any:
        """Rebuild from a checkpoint written by :func:`dancekit.train.save_model`: the config
        comes only from the file (strict: unknown or missing keys and any weight mismatch
        are errors)."""
        return rebuild(path, cls.checkpoint_name, cls.from_config)

    @classmethod
    def load_default(cls) -> Any:
        """The weights bundled with dancekit (see the data card beside them), named in an
        error by the name the model dances under (bundled weights of another name, such as
        ``fact-ballroom``, are a subclass with their own ``weights_dir`` and ``dance_name``)."""
        label = getattr(cls, "dance_name", cls.checkpoint_name)
        return cls.from_checkpoint(bundled_weights(cls.weights_dir, label))
