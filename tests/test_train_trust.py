"""Run folders and configs are untrusted input: no code runs on load, damage is detected,
hostile numbers are refused before anything is built, one run per folder, reproducible
training from scratch."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

import pytest
import torch
import yaml
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

from dancekit import CheckpointError, ParameterError
from dancekit.checkpoint import save_model
from dancekit.cli import app
from dancekit.models import load_model
from dancekit.models.fact import FACTConfig
from dancekit.train import TrainConfig, Trainer
from dancekit.train.run_lock import run_lock
from dancekit.train.state import load_trainer_state
from test_train import TINY, make_sequences, tiny_model, tiny_synth_set

WEIGHTS = Path(__file__).resolve().parents[1] / "src" / "dancekit" / "weights"
TINY_MODEL = {k: v for k, v in TINY.items() if k != "styles"}
QUICK_TRAIN = {"batch_size": 4, "val_fraction": 0.34, "val_samples": 0, "warmup_steps": 1}


class Payload:
    """Unpickling this runs a shell command: what a hostile run folder would hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    return tiny_synth_set(tmp_path_factory.mktemp("synth") / "synth", n=3, seconds=4.0)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_error_line(res, message: str) -> None:
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_pickled_trainer_state_never_runs(tmp_path, synth):
    marker = tmp_path / "PWNED"
    run = tmp_path / "run"
    run.mkdir()
    with (run / "trainer.pt").open("wb") as f:
        pickle.dump({"x": Payload(marker)}, f)
    res = cli("train", "fact", "--data", synth, "--out", run, "--resume", "--steps", "2")
    one_error_line(res, "old pickle format")
    assert "another --out" in res.stderr
    # without --resume the old run is not overwritten either
    res = cli("train", "fact", "--data", synth, "--out", run, "--steps", "2")
    one_error_line(res, "already holds a training run")
    # the same bytes under the new name are not a trainer state
    shutil.copy(run / "trainer.pt", run / "trainer.safetensors")
    with pytest.raises(CheckpointError, match="cannot read trainer state"):
        load_trainer_state(run / "trainer.safetensors")
    res = cli("train", "fact", "--data", synth, "--out", run, "--resume", "--steps", "2")
    one_error_line(res, "cannot read trainer state")
    assert not marker.exists()


@pytest.mark.slow
def test_same_seed_same_weights_from_scratch(tmp_path, synth):
    """Also: --out's missing parents are created."""
    def weights(out: Path, seed: int) -> dict[str, torch.Tensor]:
        cfg = out.parent / "cfg.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(yaml.safe_dump({"model": TINY_MODEL,
                                       "train": {**QUICK_TRAIN, "seed": seed}}))
        res = cli("train", "fact", "--data", synth, "--out", out, "--config", cfg,
                  "--steps", "2")
        assert res.exit_code == 0, res.output
        return load_file(str(out / "model.safetensors"))

    a = weights(tmp_path / "a" / "runs" / "fact", 7)
    b = weights(tmp_path / "b" / "fact", 7)
    c = weights(tmp_path / "c" / "fact", 8)
    assert a.keys() == b.keys() == c.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    differ = [k for k in a if not torch.equal(a[k], c[k])]
    assert len(differ) > len(a) // 2, differ


def test_trainer_state_round_trip_and_damage(tmp_path):
    seqs = make_sequences()
    cfg = TrainConfig(steps=2, batch_size=4, val_samples=0, warmup_steps=1)
    trainer = Trainer(tiny_model(), "fact", seqs[:4], seqs[4:], cfg, tmp_path,
                      show_progress=False)
    trainer.fit()
    state = load_trainer_state(tmp_path / "trainer.safetensors")
    assert state["step"] == 2 and state["data"] == trainer.fingerprint
    saved = trainer.opt.state_dict()
    assert state["optimizer"]["param_groups"] == saved["param_groups"]
    for i, entry in saved["state"].items():
        assert all(torch.equal(entry[k], state["optimizer"]["state"][i][k]) for k in entry)
    size = (tmp_path / "trainer.safetensors").stat().st_size
    flip_byte(tmp_path / "trainer.safetensors", size - 100)
    with pytest.raises(CheckpointError, match="damaged"):
        load_trainer_state(tmp_path / "trainer.safetensors")
    with pytest.raises(CheckpointError, match="damaged"):
        Trainer(tiny_model(), "fact", seqs[:4], seqs[4:], cfg, tmp_path, resume=True,
                show_progress=False)


@pytest.mark.parametrize("kind", ["trained", "bundled"])
def test_flipped_byte_in_a_model_checkpoint_is_refused(tmp_path, kind):
    path = tmp_path / "model.safetensors"
    if kind == "bundled":
        shutil.copy(WEIGHTS / "fact" / "model.safetensors", path)
    else:
        save_model(path, "fact", tiny_model().config.to_dict(), tiny_model().state_dict())
    load_model(path)  # intact: loads
    flip_byte(path, path.stat().st_size // 2)
    with pytest.raises(CheckpointError, match="damaged"):
        load_model(path)
    res = cli("dance", WEIGHTS.parent / "assets" / "demo_song.ogg", "--model", "fact",
              "--checkpoint", path, "--out", tmp_path / "d.npz")
    one_error_line(res, "damaged")


def test_checkpoint_without_digest_still_loads(tmp_path):
    """Checkpoints written before digests existed: no check, but they load."""
    from safetensors import safe_open

    src, path = WEIGHTS / "fact" / "model.safetensors", tmp_path / "old.safetensors"
    with safe_open(str(src), framework="pt") as f:
        config = f.metadata()["config"]
        save_file({k: f.get_tensor(k) for k in f.keys()}, str(path),  # noqa: SIM118
                  metadata={"config": config})
    assert load_model(path).config == load_model("fact").config


HOSTILE_MODEL = [
    ({"fps": float("nan")}, "fps must be a number in (0, 1000]"),
    ({"fps": float("inf")}, "fps must be"),
    ({"dropout": float("nan")}, "dropout must be a number in [0, 1)"),
    ({"hidden": 2**40}, "hidden must be an integer"),
    ({"hidden": 10**400}, "hidden must be an integer"),
    ({"hypotheses": 10**12}, "hypotheses must be"),
    ({"hidden": 65536, "heads": 4}, "too large"),
    ({"cross_layers": True}, "cross_layers must be an integer"),
    ({"styles": "ab"}, "styles must be a list"),
]


@pytest.mark.parametrize("over, message", HOSTILE_MODEL)
def test_hostile_checkpoint_config_is_refused_before_building(tmp_path, over, message):
    config = {**FACTConfig().to_dict(), **over}
    path = tmp_path / "model.safetensors"
    save_model(path, "fact", config, {})
    with pytest.raises(CheckpointError, match=re.escape(message)):
        load_model(path)


def test_hostile_motion_vq_and_dance_tokens_configs():
    from dancekit.models.dance_tokens import DanceTokensConfig
    from dancekit.models.motion_vq import MotionVQConfig

    with pytest.raises(ParameterError, match="codes must be"):
        MotionVQConfig.from_dict({"codes": 10**12}, complete=False)
    with pytest.raises(ParameterError, match="too large"):
        MotionVQConfig.from_dict({"width": 2**17}, complete=False)
    tok = MotionVQConfig().to_dict()
    with pytest.raises(ParameterError, match="codes must be"):
        DanceTokensConfig.from_dict({"tokenizer_config": {**tok, "codes": 1e12}},
                                    complete=False)
    with pytest.raises(ParameterError, match="dropout must be"):
        DanceTokensConfig.from_dict({"tokenizer": "x", "dropout": float("nan")},
                                    complete=False)


HOSTILE_YAML = [
    ("steps: true", "steps must be an integer"),
    ("lr: .nan", "lr must be a number in (0, 10]"),
    ("lr: .inf", "lr must be"),
    ("grad_clip: .nan", "grad_clip must be"),
    ("seed: -1", "seed must be an integer"),
    ("batch_size: 100000000000000000000", "batch_size must be"),
    ("steps: 3\n  steps: 4", "duplicate key 'steps'"),
]


@pytest.mark.parametrize("train_yaml, message", HOSTILE_YAML)
def test_hostile_train_config_is_one_error_line(tmp_path, train_yaml, message):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"train:\n  {train_yaml}\n")
    (tmp_path / "data").mkdir()
    res = cli("train", "fact", "--data", tmp_path / "data", "--out", tmp_path / "run",
              "--config", cfg)
    one_error_line(res, message)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("content, message", [
    (os.urandom(4096), "config"),
    (b"[" * 50_000 + b"]" * 50_000, "nested"),
    (b"model: {}\nmodel: {}\n", "duplicate key 'model'"),
    (b"model: !!python/object/apply:os.system ['touch {marker}']\n", "not valid YAML"),
    (b"model:\n  dropout: .nan\n", "dropout must be"),
    (b"model:\n  hidden: 65536\n  heads: 4\n", "too large"),
    (b"x: " + b"a" * (1 << 20), "larger than 1 MiB"),
])
def test_hostile_yaml_file_is_one_error_line(tmp_path, content, message):
    marker = tmp_path / "PWNED"
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(content.replace(b"{marker}", str(marker).encode()))
    (tmp_path / "data").mkdir()
    res = cli("train", "fact", "--data", tmp_path / "data", "--out", tmp_path / "run",
              "--config", cfg)
    one_error_line(res, message)
    assert not marker.exists() and not (tmp_path / "run").exists()


def test_a_run_folder_takes_one_training_at_a_time(tmp_path, synth):
    run = tmp_path / "run"
    run.mkdir()
    with run_lock(run):
        res = cli("train", "fact", "--data", synth, "--out", run, "--steps", "1")
        one_error_line(res, f"in use by another training (pid {os.getpid()})")
    assert not (run / "trainer.safetensors").exists()
    with run_lock(run):  # released: taken again
        pass
