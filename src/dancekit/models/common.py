"""Small pieces every learned model needs the same way: strict configs, style labels,
checkpoints (rebuilt from the file alone, bundled weights), the length of a requested dance
and the metadata a generated dance carries."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from dancekit.errors import CheckpointError, ParameterError
from dancekit.limits import MAX_SECONDS, MAX_SEED, MIN_SECONDS

C = TypeVar("C")


def build_config(cls: type[C], d: dict[str, Any], *, complete: bool, label: str,
                 added: dict[str, Any] | None = None,
                 missing_error: type[Exception] = ParameterError) -> C:
    """A config dataclass from a dict; unknown keys are an error, and with ``complete``
    (checkpoints) so are missing ones (``missing_error``), so a checkpoint never silently
    takes today's defaults. ``added``: keys introduced after checkpoints were shipped, with
    the values those older checkpoints were trained with, filled in when ``complete``. The
    result's ``validate()`` runs."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(d) - names)
    if unknown:
        raise ParameterError(f"unknown {label} config keys: {', '.join(unknown)}")
    if complete and added:
        d = {**{k: v for k, v in added.items() if k not in d}, **d}
    if complete and set(d) != names:
        raise missing_error(f"{label} config is missing keys: "
                            + ", ".join(sorted(names - set(d))))
    cfg = dataclasses.replace(cls(), **d)  # type: ignore[type-var]
    cfg.validate()  # type: ignore[attr-defined]
    return cfg


def check_seconds(seconds: float) -> float:
    """``seconds`` as a float if it is a dance length between :data:`MIN_SECONDS` and
    :data:`MAX_SECONDS` (NaN and infinity are not)."""
    value = float(seconds)
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise ParameterError(f"seconds must be between {MIN_SECONDS:g} and {MAX_SECONDS:g} "
                             f"(2 hours), got {seconds}")
    return value


def check_seed(seed: int) -> int:
    """``seed`` if it is an integer from 0 to :data:`MAX_SEED`."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed <= MAX_SEED:
        raise ParameterError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def requested_frames(seconds: float | None, available: int, fps: float) -> int:
    """Frames of a dance of ``seconds`` (all ``available`` music frames when None)."""
    if seconds is None:
        return available
    seconds = check_seconds(seconds)
    want = int(round(seconds * fps))
    if want > available:
        raise ParameterError(f"asked for {seconds:g} s but the music lasts only "
                             f"{available / fps:.2f} s")
    return want


def dance_meta(model: str, audio: Any, seed: int, style: str | None) -> dict[str, Any]:
    """What a generated dance records about how it was made."""
    meta: dict[str, Any] = {"model": model, "seed": seed, "source": f"dancekit {model}"}
    if style is not None:
        meta["style"] = style
    if isinstance(audio, (str, Path)):
        meta["audio"] = str(audio)
    return meta


def require_positive_ints(cfg: Any, names: tuple[str, ...], prefix: str) -> None:
    """Config validation: each of ``names`` must be an int of at least 1."""
    for name in names:
        value = getattr(cfg, name)
        if not isinstance(value, int) or value < 1:
            raise ParameterError(f"{prefix} {name} must be a positive integer, got {value!r}")


def style_index(styles: list[str], style: str, model: str) -> int:
    """The index of ``style`` among a model's ``styles``, or a clear error naming them."""
    if style not in styles:
        known = ", ".join(styles) or "none: this model is not style-conditioned"
        raise ParameterError(f"unknown style {style!r} for this {model} (known: {known})")
    return styles.index(style)


def rebuild(path: str | Path, name: str, build: Callable[[dict[str, Any]], Any]) -> Any:
    """A ``name`` model from its checkpoint: ``build(config)`` makes it from the file's
    config alone (a :class:`ParameterError` there is a bad checkpoint), then the weights load
    strictly; in eval mode."""
    from dancekit.train.checkpoint import load_model_file

    config, state = load_model_file(path, name)
    try:
        model = build(config)
    except ParameterError as err:
        raise CheckpointError(f"checkpoint {path}: {err}") from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise CheckpointError(f"checkpoint {path} does not match its config: "
                              f"{str(err).splitlines()[0]}") from None
    return model.eval()


def bundled_weights(weights_dir: Path, label: str) -> Path:
    """The bundled checkpoint in ``weights_dir``, or a clear error if the install lacks it."""
    path = weights_dir / "model.safetensors"
    if not path.is_file():
        raise CheckpointError(f"bundled {label} weights are missing from the installation "
                              f"({path}); reinstall dancekit or pass --checkpoint")
    return path
