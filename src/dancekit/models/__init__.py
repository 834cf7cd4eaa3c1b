"""Dance generators behind one interface, found by name.

Every model is a class registered under a short name with :func:`register_model`. It offers

* ``generate(audio, *, seconds=None, seed=0, style=None, seed_motion=None) -> Motion``
  where ``audio`` is a path or a :class:`dancekit.audio.Audio`;
* ``styles``: the style names ``generate`` takes (``dancekit dance --style auto`` chooses
  among them; a model without this list is taken to know none);
* ``load_default()`` (classmethod): the bundled weights, or the model itself for models that
  need no training;
* ``from_checkpoint(path)`` (classmethod), for learned models;
* for ``dancekit train``: ``config_class`` (with ``from_dict``), ``encode``,
  ``window_lengths``, ``prepare``, ``loss``, ``validation_metrics`` and
  ``checkpoint_config`` (docs/architecture.md, "Adding a model").

:func:`load_model` turns a name or a checkpoint path into a ready model and
:func:`model_class` a name into its class. Randomness comes only from ``seed``: the same seed
gives the same dance. A model defined outside dancekit registers itself the same way, when
its module is imported.
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
    @property
    def styles(self) -> list[str]: ...

    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion: ...


_REGISTRY: dict[str, type] = {}
#: The built-in models by name, with the module whose import registers each. A module is
#: imported only when one of its names is asked for (every one to list them), so `import
#: dancekit` stays light and `dancekit dance` imports only the model it dances with (the
#: other models' modules cost 0.4 s of start-up).
_BUILTIN = {
    "procedural": "dancekit.models.procedural",
    "fact": "dancekit.models.fact",
    "fact-ballroom": "dancekit.models.fact",
    "motion-vq": "dancekit.models.motion_vq",
    "travel": "dancekit.models.travel",
    "dance-tokens": "dancekit.models.dance_tokens",
    "dance-tokens-ballroom": "dancekit.models.dance_tokens",
    "dance-revolution": "dancekit.models.dance_revolution",
    "d2m": "dancekit.models.d2m",
    "transfer": "dancekit.models.transfer",
    "dancenet-vae": "dancekit.models.dancenet",
    "dancenet": "dancekit.models.dancenet",
}
_MODEL_MODULES = tuple(dict.fromkeys(_BUILTIN.values()))


def register_model(name: str) -> Callable[[type], type]:
    """Class decorator: make the model class known as ``name`` to :func:`load_model`,
    :func:`available_models` (unless the class sets ``dances = False``) and, with a
    ``config_class``, to ``dancekit train``. A name is taken once: registering another class
    under it is a :class:`ParameterError`."""
    if not isinstance(name, str) or not name:
        raise ParameterError(f"a model name must be a non-empty string, got {name!r}")

    def add(cls: type) -> type:
        known = _REGISTRY.get(name)
        if known is not None and _qualified(known) != _qualified(cls):
            raise ParameterError(f"model name {name!r} is taken by {_qualified(known)}")
        _REGISTRY[name] = cls
        return cls

    return add


def _qualified(cls: type) -> str:
    """Where a class is defined: a module re-imported registers the same name again."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _ensure_registered(name: str | None = None) -> None:
    """Import the module that registers the built-in model ``name``, or, for any other
    name or none, every built-in model's module."""
    import importlib

    for mod in (_BUILTIN[name],) if name in _BUILTIN else _MODEL_MODULES:
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
    """Names of the models ``dancekit train`` can train (those with a config class, unless
    the class sets ``trainable = False``: another name for bundled weights of a trainable
    model), including parts of a dance model such as the motion tokenizer."""
    _ensure_registered()
    return sorted(n for n, cls in _REGISTRY.items()
                  if hasattr(cls, "config_class") and getattr(cls, "trainable", True))


def model_class(name: str) -> type:
    """The class registered as ``name``; a :class:`ParameterError` naming the known models
    otherwise."""
    _ensure_registered(name)
    if name not in _REGISTRY:
        raise ParameterError(f"unknown model {name!r} (known: {', '.join(sorted(_REGISTRY))})")
    return _REGISTRY[name]


def load_model(name_or_path: str | Path, checkpoint: str | Path | None = None) -> DanceModel:
    """A model by registry name (bundled default weights) or from a checkpoint.

    ``load_model("fact")`` uses the weights shipped in the package; ``load_model("fact",
    checkpoint="runs/x/model.safetensors")`` or ``load_model("runs/x/model.safetensors")``
    loads a checkpoint, whose JSON config names its model class.
    """
    path = Path(name_or_path) if checkpoint is None else Path(checkpoint)
    if checkpoint is None and (str(name_or_path) in _BUILTIN or str(name_or_path) in _REGISTRY):
        _ensure_registered(str(name_or_path))
        return _REGISTRY[str(name_or_path)].load_default()
    if checkpoint is None and path.suffix == "" and not path.exists():
        _ensure_registered()
        known = ", ".join(sorted(_REGISTRY))
        raise ParameterError(f"unknown model {str(name_or_path)!r} (known: {known})")
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    name = str(name_or_path) if checkpoint is not None else _model_name_of(path)
    _ensure_registered(name)
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


__all__ = ["DanceModel", "available_models", "load_model", "model_class", "register_model",
           "trainable_models"]
