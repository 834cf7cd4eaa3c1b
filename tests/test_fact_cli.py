"""`dancekit dance` with a FACT checkpoint, and its bad inputs (exit 2, no partial files)."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from dancekit.checkpoint import save_model
from dancekit.cli import app
from dancekit.io import load_motion
from test_fact import prepared


@pytest.fixture
def checkpoint(tmp_path):
    model = prepared(styles=["house", "waltz"])
    path = tmp_path / "fact.safetensors"
    save_model(path, "fact", model.config.to_dict(), model.state_dict())
    return path


@pytest.fixture
def song(music_dir):
    return sorted(music_dir.glob("*.ogg"))[0]


def dance(*args: str):
    return CliRunner().invoke(app, ["dance", *map(str, args)])


def test_dance_with_checkpoint(tmp_path, checkpoint, song, monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "dance.npz"
    res = dance(song, "-o", out, "--model", "fact", "--checkpoint", checkpoint,
                "--seconds", 3, "--seed", 2, "--style", "waltz")
    assert res.exit_code == 0, res.output
    motion = load_motion(out)
    assert motion.num_frames == 90 and motion.skeleton.name == "smpl24"
    # a checkpoint path alone names its model
    res = dance(song, "-o", tmp_path / "again.npz", "--model", checkpoint, "--seconds", 3,
                "--seed", 2, "--style", "waltz")
    assert res.exit_code == 0, res.output
    np.testing.assert_array_equal(load_motion(tmp_path / "again.npz").positions,
                                  motion.positions)


@pytest.mark.parametrize("case", ["missing", "corrupt", "unknown_model", "bad_style",
                                  "no_out_dir"])
def test_dance_bad_input(tmp_path, checkpoint, song, case, monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "dance.npz"
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(checkpoint.read_bytes()[:5000])
    args = {
        "missing": ["--model", "fact", "--checkpoint", tmp_path / "nope.safetensors"],
        "corrupt": ["--model", "fact", "--checkpoint", corrupt],
        "unknown_model": ["--model", "nope"],
        "bad_style": ["--model", "fact", "--checkpoint", checkpoint, "--style", "ballet"],
        "no_out_dir": ["--model", "fact", "--checkpoint", checkpoint],
    }[case]
    target = tmp_path / "missing_dir" / "dance.npz" if case == "no_out_dir" else out
    res = dance(song, "-o", target, "--seconds", 3, *args)
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("error: ")
    assert not out.exists() and not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dance")]
