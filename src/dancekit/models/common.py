"""Small pieces every learned model needs the same way: strict configs, the length of a
requested dance, and the metadata a generated dance carries."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, TypeVar

from dancekit.errors import ParameterError

C = TypeVar("C")


def build_config(cls: type[C], d: dict[str, Any], *, complete: bool, label: str) -> C:
    """A config dataclass from a dict; unknown keys are an error, and with ``complete``
    (checkpoints) so are missing ones, so a checkpoint never silently takes today's
    defaults. The result's ``validate()`` runs."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(d) - names)
    if unknown:
        raise ParameterError(f"unknown {label} config keys: {', '.join(unknown)}")
    if complete and set(d) != names:
        raise ParameterError(f"{label} config is missing keys: "
                             + ", ".join(sorted(names - set(d))))
    cfg = dataclasses.replace(cls(), **d)  # type: ignore[type-var]
    cfg.validate()  # type: ignore[attr-defined]
    return cfg


def requested_frames(seconds: float | None, available: int, fps: float) -> int:
    """Frames of a dance of ``seconds`` (all ``available`` music frames when None)."""
    if seconds is None:
        return available
    if seconds <= 0:
        raise ParameterError(f"seconds must be positive, got {seconds}")
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
