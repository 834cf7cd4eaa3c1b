"""The public model registry: a model defined outside dancekit registers itself, is listed,
loads by name and dances; lookups of unknown names and clashing names are clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dancekit import Motion, ParameterError
from dancekit.models import (
    available_models,
    load_model,
    model_class,
    register_model,
    trainable_models,
)
from dancekit.models.common import check_seed, dance_meta, requested_frames
from dancekit.train import train

DEMO_SONG = Path(__file__).resolve().parents[1] / "src" / "dancekit" / "assets" / "demo_song.ogg"


@register_model("test-sway")
class Sway:
    """A seed system in a dozen lines: the rest pose swaying sideways once a second."""

    fps = 30.0

    def generate(self, audio: Any, *, seconds: float | None = None, seed: int = 0,
                 style: str | None = None, seed_motion: Motion | None = None) -> Motion:
        from dancekit.audio import as_audio

        song = as_audio(audio)
        frames = requested_frames(seconds, int(song.duration * self.fps), self.fps)
        t = np.arange(frames) / self.fps
        root = np.zeros((frames, 3))
        root[:, 0] = 0.1 * np.sin(2 * np.pi * t + check_seed(seed))
        root[:, 1] = 0.9
        return Motion.from_rotations(np.zeros((frames, 24, 3)), root, fps=self.fps,
                                     skeleton="smpl24",
                                     meta=dance_meta("test-sway", audio, seed, style))

    @classmethod
    def load_default(cls) -> Sway:
        return cls()


@register_model("test-part")
class Part(Sway):
    """A part of a model (like a tokenizer): registered, but not listed as a dance model."""

    dances = False


def test_a_model_registered_outside_the_package_is_listed_and_loads_by_name():
    assert "test-sway" in available_models()
    assert {"fact", "dance-tokens", "procedural"} <= set(available_models())
    assert "test-part" not in available_models()  # dances = False
    assert "test-sway" not in trainable_models()  # no config_class: nothing to train
    assert model_class("test-sway") is Sway and model_class("test-part") is Part
    model = load_model("test-sway")
    assert isinstance(model, Sway)
    dance = model.generate(DEMO_SONG, seconds=2.0, seed=1)
    assert dance.num_frames == 60 and dance.meta["model"] == "test-sway"
    again = load_model("test-sway").generate(DEMO_SONG, seconds=2.0, seed=1)
    np.testing.assert_array_equal(dance.positions, again.positions)


def test_unknown_and_clashing_names_are_clear_errors(tmp_path):
    with pytest.raises(ParameterError, match=r"unknown model 'nope' \(known: .*fact.*test-sway"):
        model_class("nope")
    with pytest.raises(ParameterError, match="model name 'fact' is taken by "
                                             "dancekit.models.fact.model.FACT"):
        register_model("fact")(Sway)
    assert model_class("fact").__name__ == "FACT"
    register_model("test-sway")(Sway)  # the same class again (a module re-imported): fine
    with pytest.raises(ParameterError, match="non-empty string"):
        register_model("")
    with pytest.raises(ParameterError, match=r"cannot train model 'test-sway' \(trainable: "
                                             r".*fact"):
        train("test-sway", [], tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_every_built_in_name_maps_to_the_module_that_registers_it():
    """``load_model(name)`` imports only ``_BUILTIN[name]``: a built-in model missing from
    the map would be unknown until something else imported its module."""
    from dancekit import models

    models._ensure_registered()
    built_in = {name for name, cls in models._REGISTRY.items()
                if cls.__module__.startswith("dancekit.models.")}
    assert built_in == set(models._BUILTIN)
    for name in built_in:
        assert models._REGISTRY[name].__module__.startswith(models._BUILTIN[name])


def test_loading_one_model_imports_no_other_model():
    import ast
    import subprocess
    import sys

    code = ("import sys; from dancekit.models import load_model; "
            "load_model('dance-tokens-ballroom'); "
            "print(sorted(m for m in sys.modules if m.count('.') == 2 "
            "and m.startswith('dancekit.models.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    loaded = ast.literal_eval(out)
    assert "dancekit.models.dance_tokens" in loaded
    for other in ("fact", "d2m", "dancenet", "transfer", "dance_revolution", "procedural"):
        assert f"dancekit.models.{other}" not in loaded


def test_every_model_config_reads_checkpoints_the_same_way():
    """Each built-in model's config is a ModelConfig: its dict round-trips, an unknown key is
    a ParameterError naming it, and a checkpoint config missing a key is a CheckpointError
    (the same failure whichever model wrote the file)."""
    import dataclasses

    from dancekit import models
    from dancekit.errors import CheckpointError
    from dancekit.models.common import ModelConfig
    from dancekit.models.dancenet.config import DanceNetVAEConfig
    from dancekit.models.motion_vq import MotionVQConfig

    models._ensure_registered()
    configs = {getattr(cls, "config_class", None) for name, cls in models._REGISTRY.items()
               if name in models._BUILTIN} - {None}
    assert len(configs) >= 8
    for config in configs:
        assert issubclass(config, ModelConfig), config
        fields = [f for f in dataclasses.fields(config) if f.name not in config.added]
        d = {f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
             for f in dataclasses.fields(config)}
        if "tokenizer_config" in d:  # dance-tokens and dancenet stand alone with their part's
            d["tokenizer_config"] = MotionVQConfig().to_dict()
        if "vae_config" in d:
            d["vae_config"] = DanceNetVAEConfig().to_dict()
        whole = config.from_dict(d)
        assert config.from_dict(whole.to_dict()) == whole
        with pytest.raises(ParameterError, match="bogus"):
            config.from_dict({**d, "bogus": 1})
        missing = {k: v for k, v in d.items() if k != fields[0].name}
        with pytest.raises(CheckpointError, match=fields[0].name):
            config.from_dict(missing)
