"""Small pieces every learned model needs the same way: strict configs, style labels,
checkpoints (rebuilt from the file alone, bundled weights), the length of a requested dance
and the metadata a generated dance carries."""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from dancekit.errors import CheckpointError, ParameterError
from dancekit.limits import MAX_SECONDS, MAX_SEED, MAX_TEMPERATURE, MIN_SECONDS
from dancekit.utils import single_threaded

if TYPE_CHECKING:
    import torch

C = TypeVar("C")
T = TypeVar("T")


M = TypeVar("M", bound="ModelConfig")


class ModelConfig:
    """Base of the model configs (dataclasses): the ``model:`` section of a training YAML and
    the config stored whole in each checkpoint. A subclass names itself (``label``, used in
    messages) and the keys that came or went after checkpoints shipped (``added`` /
    ``removed``, as :func:`build_config` takes them)."""

    label: ClassVar[str]
    added: ClassVar[dict[str, Any]] = {}
    removed: ClassVar[dict[str, Any]] = {}

    @classmethod
    def from_dict(cls: type[M], d: dict[str, Any], *, complete: bool = True) -> M:
        """Build from a dict: unknown keys are an error, and with ``complete`` (checkpoints)
        so are missing ones (a :class:`CheckpointError`), except ``added`` keys."""
        return build_config(cls, d, complete=complete, label=cls.label, added=cls.added,
                            removed=cls.removed, missing_error=CheckpointError)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


def build_config(cls: type[C], d: dict[str, Any], *, complete: bool, label: str,
                 added: dict[str, Any] | None = None, removed: dict[str, Any] | None = None,
                 missing_error: type[Exception] = ParameterError) -> C:
    """A config dataclass from a dict; unknown keys are an error, and with ``complete``
    (checkpoints) so are missing ones (``missing_error``), so a checkpoint never silently
    takes today's defaults. ``added``: keys introduced after checkpoints were shipped, with
    the values those older checkpoints were trained with, filled in when ``complete``.
    ``removed``: keys of features taken out, with the value that turned them off; older
    configs carry them, and load when they hold that value. The result's ``validate()``
    runs."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    if not isinstance(d, dict):
        raise ParameterError(f"{label} config must be a mapping, got {type(d).__name__}")
    if removed:
        d = drop_removed(d, removed, label, missing_error if complete else ParameterError)
    unknown = sorted(map(str, set(d) - names))
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


def drop_removed(d: dict[str, Any], removed: dict[str, Any], label: str,
                 error: type[Exception]) -> dict[str, Any]:
    """``d`` without the ``removed`` keys it holds at their "off" value; any other value asks
    for a feature this version no longer has, which is an ``error`` naming it."""
    for key in sorted(set(d) & set(removed)):
        value, off = d[key], removed[key]
        if isinstance(value, bool) or not isinstance(value, type(off) | int) or value != off:
            raise error(f"{label} config asks for {key}={value!r}, a feature this version of "
                        f"dancekit no longer has (only {key}={off!r} is accepted)")
    return {k: v for k, v in d.items() if k not in removed}


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


def check_temperature(temperature: float) -> float:
    """``temperature`` as a float if it is a number in (0, :data:`MAX_TEMPERATURE`]: a
    sampling model's sharpening of its odds (1: as learned)."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.number)) \
            or not 0 < temperature <= MAX_TEMPERATURE:
        raise ParameterError(f"temperature must be a number in (0, {MAX_TEMPERATURE:g}], got "
                             f"{temperature!r}")
    return float(temperature)


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


MAX_SIZE = 1 << 20  # any width, count or length in a model config
MAX_LAYERS = 256  # a deeper stack is a typo or a hostile file, and slow even to build
MEMORY_SHARE = 0.5  # of physical memory, the most a model (and its training) may need


@dataclasses.dataclass(frozen=True)
class Range:
    """Allowed values of one config number: integers (never bools) or finite reals (ints
    accepted) from ``lo`` to ``hi``, each end included unless marked open."""

    lo: float
    hi: float
    integer: bool = False
    lo_open: bool = False
    hi_open: bool = False

    def holds(self, value: Any) -> bool:
        kinds = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or (
                isinstance(value, float) and not math.isfinite(value)):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        below = value < self.hi if self.hi_open else value <= self.hi
        return above and below

    def __str__(self) -> str:
        kind = "an integer" if self.integer else "a number"
        return (f"{kind} in {'(' if self.lo_open else '['}{self.lo:g}, "
                f"{self.hi:g}{')' if self.hi_open else ']'}")


def size(hi: int = MAX_SIZE) -> Range:
    """A positive integer up to ``hi``."""
    return Range(1, hi, integer=True)


FRACTION = Range(0, 1, hi_open=True)  # dropout-like shares: 1 would drop everything
WEIGHT = Range(0, 1e6)  # loss weights and similar non-negative scales
FPS = Range(0, 1000, lo_open=True)


def check_fields(cfg: Any, prefix: str, ranges: dict[str, Range],
                 flags: tuple[str, ...] = ()) -> None:
    """Config validation: each of ``ranges`` in its range, each of ``flags`` a bool, and
    ``styles`` a list of strings. Types are exact (``true`` is not 1), so a YAML slip or a
    hostile checkpoint fails here, before anything is built."""
    for name, allowed in ranges.items():
        value = getattr(cfg, name)
        if not allowed.holds(value):
            raise ParameterError(f"{prefix} {name} must be {allowed}, got {value!r}")
    for name in flags:
        if not isinstance(getattr(cfg, name), bool):
            raise ParameterError(f"{prefix} {name} must be true or false, got "
                                 f"{getattr(cfg, name)!r}")
    styles = getattr(cfg, "styles", [])
    if not isinstance(styles, list) or not all(isinstance(x, str) for x in styles) or (
            len(styles) > MAX_SIZE):
        raise ParameterError(f"{prefix} styles must be a list of names, got {styles!r}")


def transformer_size(layers: int, hidden: int, heads: int, ff: int, tokens: int
                     ) -> tuple[int, int]:
    """(weights, activations of one sample) of :class:`dancekit.models.layers.Transformer`,
    in floats, over ``tokens`` positions."""
    weights = layers * (4 * hidden * hidden + 2 * hidden * ff + 9 * hidden + ff) + (
        tokens + 2) * hidden
    activations = layers * (heads * tokens * tokens + tokens * (ff + 8 * hidden))
    return weights, activations


def physical_memory() -> int | None:
    """Bytes of RAM in this machine; None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(prefix: str, estimate: tuple[int, int], *, batch: int = 1,
                 training: bool = False) -> None:
    """Refuse a model whose float32 ``estimate`` (weights, activations per sample) would take
    more than :data:`MEMORY_SHARE` of this machine's memory: a config that asks for
    terabytes is an error message, not an allocation failure. Training keeps the gradients,
    the optimiser's two moments and the activations for the backward pass."""
    weights, activations = estimate
    need = 4 * (weights * (4 if training else 1) + activations * batch * (3 if training else 1))
    total = physical_memory()
    if total is not None and need > MEMORY_SHARE * total:
        task = f"training with batch {batch}" if training else "running"
        raise ParameterError(f"{prefix} is too large: {task} needs about {need / 2**30:.3g} "
                             f"GiB, more than {MEMORY_SHARE:.0%} of this machine's "
                             f"{total / 2**30:.3g} GiB")


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
    from dancekit.checkpoint import load_model_file

    config, state = load_model_file(path, name)
    try:
        model = build(config)
    except ParameterError as err:
        raise CheckpointError(f"checkpoint {path}: {err}") from None
    try:
        # Copying the weights in (float16 files into float32 parameters) takes 10 ms on one
        # thread; split over threads it waited up to 0.5 s for a busy core (torch's
        # threads spin at every tensor's barrier).
        with single_threaded(torch=True):
            model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise CheckpointError(f"checkpoint {path} does not match its config: "
                              f"{str(err).splitlines()[0]}") from None
    return model.eval()


def named_part(source: str, part: str, cls: type[T], label: str) -> T:
    """The frozen part (a ``cls``, registered as ``label``) a config names by ``source``: a
    checkpoint of the part itself, or the part (attribute ``part``) inside a checkpoint or
    bundled model that holds one, so that a run keeps a trained model's part and can start
    from its weights too (``train: init:``)."""
    from dancekit.models import load_model

    try:
        loaded = load_model(source)  # the file is read once, whichever it holds
    except (ParameterError, CheckpointError) as err:  # say which setting named it
        raise type(err)(f"{part} {source!r}: {err}") from None
    found = loaded if isinstance(loaded, cls) else getattr(loaded, part, None)
    if not isinstance(found, cls):
        raise ParameterError(f"{part} {source!r} is neither a {label} checkpoint nor a model "
                             f"holding one")
    return found


def bank_entry(bank: torch.Tensor, ready: torch.Tensor, seed: int, lacks: str) -> torch.Tensor:
    """Entry ``seed`` (modulo the bank's size) of a bank a model fills from its training data
    in ``prepare`` (seed clips, start poses or latents), where a dance starts without a
    ``seed_motion``; a :class:`CheckpointError` saying what it ``lacks`` if it was never
    filled."""
    if not bool(ready):
        raise CheckpointError(f"this {lacks} (it was never prepared on data); pass seed_motion")
    return bank[seed % len(bank)].clone()


def bundled_weights(weights_dir: Path, label: str) -> Path:
    """The bundled checkpoint in ``weights_dir``, or a clear error if the install lacks it."""
    path = weights_dir / "model.safetensors"
    if not path.is_file():
        raise CheckpointError(f"bundled {label} weights are missing from the installation "
                              f"({path}); reinstall dancekit or pass --checkpoint")
    return path


def music_at_start(music: np.ndarray, pair: Any, fps: float) -> np.ndarray:
    """Rows of a song's per-frame ``music`` features from where ``pair``'s dance begins
    (``pair.start`` seconds into the song; 0 for pairs that start with their song)."""
    return music[int(round(float(getattr(pair, "start", 0.0)) * fps)):]
