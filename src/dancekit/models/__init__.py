"""Dance generators behind one interface, found by name.

Every model is a class registered under a short name with :func:`register_model`. It offers

* ``generate(audio, *, seconds=None, seed=0, style=None, seed_motion=None) -> Motion``
  where ``audio`` is a path or a :class:`dancekit.audio.Audio`;
* ``load_default()`` (classmethod): the bundled weights, or the model itself for models that
  need no training;
* ``from_checkpoint(path)`` (classmethod), for learned models.

:func:`load_model` turns a name or a checkpoint path into a ready model. Randomness comes only
from ``seed``: the same seed gives the same dance.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from dancekit.errors import CheckpointError, ParameterError
from dancekit.motion import Motion


@runtime_checkable
class DanceModel(Protocol):
    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion: ...


_REGISTRY: dict[str, type] = {}
# Modules whose import registers a model; imported lazily so `import dancekit` stays light.
_MODEL_MODULES = ("dancekit.models.procedural", "dancekit.models.fact",
                  "dancekit.models.motion_vq", "dancekit.models.dance_tokens")


def register_model(name: str) -> Callable[[type], type]:
    def add(cls: type) -> type:
        _REGISTRY[name] = cls
        return cls

    return add


def _ensure_registered() -> None:
    import importlib

    for mod in _MODEL_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as err:
            if err.name != mod:  # a real import error inside an existing module
                raise


def available_models() -> list[str]:
    """Names of the models that dance (not tokenizers and other parts of one)."""
    _ensure_registered()
    return sorted(n for n, cls in _REGISTRY.items() if getattr(cls, "dances", True))


def trainable_models() -> list[str]:
    """Names of the models ``dancekit train`` can train (those with a config class),
    including parts of a dance model such as the motion tokenizer."""
    _ensure_registered()
    return sorted(n for n, cls in _REGISTRY.items() if hasattr(cls, "config_class"))


def load_model(name_or_path: str | Path, checkpoint: str | Path | None = None) -> DanceModel:
    """A model by registry name (bundled default weights) or from a checkpoint.

    ``load_model("fact")`` uses the weights shipped in the package; ``load_model("fact",
    checkpoint="runs/x/model.safetensors")`` or ``load_model("runs/x/model.safetensors")``
    loads a checkpoint, whose JSON config names its model class.
    """
    _ensure_registered()
    path = Path(name_or_path) if checkpoint is None else Path(checkpoint)
    if checkpoint is None and str(name_or_path) in _REGISTRY:
        return _REGISTRY[str(name_or_path)].load_default()
    if checkpoint is None and path.suffix == "" and not path.exists():
        known = ", ".join(sorted(_REGISTRY))
        raise ParameterError(f"unknown model {str(name_or_path)!r} (known: {known})")
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    name = str(name_or_path) if checkpoint is not None else _model_name_of(path)
    if name not in _REGISTRY:
        raise CheckpointError(f"checkpoint {path} is for unknown model {name!r}")
    cls = _REGISTRY[name]
    if not hasattr(cls, "from_checkpoint"):
        raise ParameterError(f"model {name!r} takes no checkpoint")
    return cls.from_checkpoint(path)


def _model_name_of(path: Path) -> str:
    """Read the model name from a checkpoint's JSON config (``<ckpt>.json`` or ``config.json``
    beside it, or the safetensors metadata)."""
    for cfg in (path.with_suffix(".json"), path.parent / "config.json"):
        if cfg.is_file():
            try:
                return str(json.loads(cfg.read_text())["model"])
            except (ValueError, KeyError) as err:
                raise CheckpointError(f"corrupt checkpoint config {cfg}: {err}") from None
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        return str(json.loads(meta["config"])["model"])
    except Exception as err:  # noqa: BLE001 - any failure here means an unreadable checkpoint
        raise CheckpointError(f"cannot read checkpoint {path}: {err}") from None


__all__ = ["DanceModel", "available_models", "load_model", "register_model",
           "trainable_models"]
