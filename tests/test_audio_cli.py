"""``dancekit beats``: summary, JSON, plot, and every bad input ending in exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from dancekit.audio.clicks import click_track
from dancekit.cli import app
from test_audio_load import BAD_KINDS, make_bad

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def clicks(tmp_path: Path) -> Path:
    audio, _, _ = click_track(100.0, 12.0, beats_per_bar=3)
    path = tmp_path / "clicks.flac"
    sf.write(path, audio.samples, audio.sr)
    return path


def test_summary(clicks: Path) -> None:
    r = run("beats", clicks)
    assert r.exit_code == 0, r.output
    lines = dict(line.split(maxsplit=1) for line in r.stdout.splitlines())
    assert lines["tempo"] == "100.0 BPM"
    assert lines["meter"].startswith("3/4")
    count, times = lines["beats"].split(":", 1)
    assert count == "20"
    first = [float(t) for t in times.split()[:3]]
    assert np.allclose(first, [0.50, 1.10, 1.70], atol=0.015)  # within 15 ms of the clicks


def test_json_and_plot(clicks: Path, tmp_path: Path) -> None:
    out = tmp_path / "beats.png"
    r = run("beats", clicks, "--json", "--plot", out)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert set(doc) >= {"tempo", "beats", "downbeats"}
    assert doc["tempo"] == pytest.approx(100.0, abs=0.5)
    assert doc["beats"][:2] == pytest.approx([0.5, 1.1], abs=0.02)
    assert doc["downbeats"][:2] == pytest.approx([0.5, 2.3], abs=0.02)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in r.stderr and "wrote" not in r.stdout


def test_no_pulse(tmp_path: Path) -> None:
    t = np.arange(3 * 22050) / 22050
    sf.write(tmp_path / "drone.wav", 0.3 * np.sin(2 * np.pi * 220 * t), 22050)
    r = run("beats", tmp_path / "drone.wav")
    assert r.exit_code == 0 and "no steady pulse found" in r.stdout
    r = run("beats", "--json", tmp_path / "drone.wav")
    assert json.loads(r.stdout)["beats"] == []


def test_real_files(music_dir: Path) -> None:
    r = run("beats", "--json", music_dir / "dev05_nottingham_cuckoos_nest.ogg")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["tempo"] == pytest.approx(120.0, rel=0.02)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_inputs_exit_2_without_output(tmp_path: Path, kind: str) -> None:
    path, message = make_bad(kind, tmp_path)
    out = tmp_path / "plot.png"
    r = run("beats", path, "--plot", out)
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert "Traceback" not in r.output and r.stdout == ""
    assert not out.exists() and not list(tmp_path.glob(".plot*"))


def test_bad_plot_path(clicks: Path, tmp_path: Path) -> None:
    r = run("beats", clicks, "--plot", tmp_path / "missing" / "x.png")
    assert r.exit_code == 2 and "output directory does not exist" in r.stderr
    r = run("beats", clicks, "--plot", tmp_path / "x.gif")
    assert r.exit_code == 2 and "cannot write 'x.gif'" in r.stderr
