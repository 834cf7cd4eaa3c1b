"""The recipes parse: every script is valid bash, and the published-size AIST++ config loads
with `dancekit train`'s strict reader, validates, and holds the published FACT network."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dancekit.models.fact import FACTConfig
from dancekit.train import TrainConfig
from dancekit.train.run import load_run_config

RECIPES = Path(__file__).resolve().parents[1] / "recipes"
NETWORK = ("fps", "motion_frames", "audio_frames", "future_frames", "hidden", "heads", "ff",
           "audio_layers", "motion_layers", "cross_layers", "generate_step", "hypotheses",
           "predict_change", "future_queries", "velocity_input", "linear_base", "beat_phase",
           "rollout_passes")


@pytest.mark.parametrize("script", sorted(RECIPES.glob("*.sh")), ids=lambda p: p.name)
def test_every_recipe_script_is_valid_bash(script):
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_aistpp_recipe_config_is_the_published_network():
    model, train = load_run_config(RECIPES / "fact_aistpp.yaml")
    cfg = FACTConfig.from_dict(model, complete=False)
    cfg.validate()  # includes the memory check against this machine
    published = FACTConfig.published()
    assert {k: getattr(cfg, k) for k in NETWORK} == {k: getattr(published, k) for k in NETWORK}
    assert cfg.styles == [] and cfg.position_loss == 0.0
    t = TrainConfig.from_dict(train)
    t.validate()
    assert (t.batch_size, t.lr, t.lr * t.min_lr_ratio) == (32, 1e-4, pytest.approx(1e-6))
    assert "--config \"$config\"" in (RECIPES / "fact_aistpp.sh").read_text()


@pytest.mark.parametrize("make, message", [
    (lambda root: None, "neither motions/ nor keypoints3d/"),
    (lambda root: (root / "motions").mkdir(), "place the AIST music"),
])
def test_aistpp_recipe_refuses_a_root_it_cannot_use(tmp_path, make, message):
    make(tmp_path)
    res = subprocess.run(["bash", str(RECIPES / "fact_aistpp.sh"), str(tmp_path),
                          str(tmp_path / "run")], capture_output=True, text=True)
    assert res.returncode == 2 and message in res.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("config", ["weights/dance_tokens_ballroom/vq_config.yaml",
                                    "weights/dance_tokens_ballroom/train_config.yaml",
                                    "weights/dance_revolution/train_config.yaml",
                                    "weights/d2m/train_config.yaml",
                                    "weights/travel/train_config.yaml",
                                    "weights/fact_ballroom/train_config.yaml",
                                    "weights/dancenet/vae_config.yaml",
                                    "weights/dancenet/train_config.yaml",
                                    "recipes/dancenet_no_music.yaml",
                                    "recipes/dancenet_one_frame.yaml"])
def test_ballroom_weights_never_saw_the_ballroom_test_split(config):
    """Every config a weight was trained with on ballroom capture leaves out exactly the
    held-out sequences its quality table is reported on."""
    from dancekit.data.ballroom import TEST_SEQUENCES

    root = Path(__file__).resolve().parents[1]
    path = root / "src" / "dancekit" / config if config.startswith("weights") else root / config
    _, train = load_run_config(path)
    assert sorted(TrainConfig.from_dict(train).exclude) == sorted(TEST_SEQUENCES)
