"""Habits of the ``dancekit`` command: ``--version``, one ``-o/--out`` spelling, the
trainable models in ``train --help``, outputs checked for writability before any work,
stages on stderr with stdout kept to the result, and a summary line that only reports what
was done."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

import dancekit
from dancekit.cli import app
from dancekit.cli.dance_cmds import DEMO_SONG, _retimed
from dancekit.io import load_motion
from dancekit.models import trainable_models

REPO = Path(__file__).resolve().parents[1]
#: Not writable even by root: no file can be created in /proc.
UNWRITABLE = Path("/proc")


def _run(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_version() -> None:
    res = _run("--version")
    assert res.exit_code == 0, res.output
    declared = re.search(r'^version = "(.+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert declared is not None
    assert res.stdout == f"dancekit {declared.group(1)}\n"
    assert dancekit.__version__ == declared.group(1)


def test_train_help_lists_every_trainable_model() -> None:
    names = trainable_models()
    assert {"motion-vq", "dance-tokens", "fact", "dance-revolution", "d2m"} <= set(names)
    res = CliRunner().invoke(app, ["train", "--help"], terminal_width=200)
    assert res.exit_code == 0
    assert f"Trainable models: {', '.join(names)}." in " ".join(res.stdout.split())


@pytest.mark.parametrize("args", [
    ["dance", DEMO_SONG, "-o", UNWRITABLE / "d.npz"],
    ["dance", DEMO_SONG, "-o", UNWRITABLE / "d.mp4", "--model", "procedural"],
    ["demo", "-o", UNWRITABLE / "demo.png"],
])
def test_unwritable_output_fails_before_any_work(args: list) -> None:
    start = time.perf_counter()
    res = _run(*args)
    assert res.exit_code == 2, res.output
    assert res.stderr == "error: cannot write to the output directory /proc: permission " \
                         "denied or read-only\n"
    assert time.perf_counter() - start < 3  # no model loaded, no music read


def test_unwritable_output_of_render_convert_evaluate(ballroom_dir: Path) -> None:
    seq = ballroom_dir / "DANCE_W_1"
    for args in (["render", seq, "-o", UNWRITABLE / "r.png"],
                 ["convert", seq, UNWRITABLE / "c.npz"],
                 ["evaluate", "--generated", ballroom_dir, "--real", ballroom_dir,
                  "--json", UNWRITABLE / "report.json"]):
        res = _run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert res.stderr.startswith("error: cannot write to the output directory /proc"), \
            res.stderr
        assert res.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a mode-0555 folder")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        res = _run("dance", DEMO_SONG, "-o", folder / "d.npz")
        assert res.exit_code == 2 and "cannot write to the output directory" in res.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_output_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    res = _run("dance", DEMO_SONG, "-o", blocker / "d.npz")
    assert res.exit_code == 2 and "output directory does not exist" in res.stderr


def test_dance_stages_go_to_stderr_on_a_terminal(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal every stage is a line on stderr; stdout is the summary alone, and
    ``-q`` (or stderr not being a terminal) leaves stderr empty."""
    out = tmp_path / "d.npz"
    args = ["dance", DEMO_SONG, "-o", out, "--model", "procedural", "--seconds", "4"]
    plain = _run(*args)  # CliRunner's stderr is not a terminal
    assert plain.exit_code == 0, plain.output
    assert plain.stderr == ""
    summary = plain.stdout

    monkeypatch.setattr("dancekit.cli.stages._stderr_is_terminal", lambda: True)
    res = _run(*args)
    assert res.exit_code == 0, res.output
    assert res.stdout == summary and summary.count("\n") == 1
    assert res.stderr.splitlines() == [
        "loading model procedural",
        "reading music demo_song.ogg (0:20)",
        "choosing a style",
        "generating 0:04 of dance",
        "tracking beats",
        "re-timing onto the beats",
        "writing d.npz",
    ]
    quiet = _run(*args, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == summary

    png = _run("dance", DEMO_SONG, "-o", tmp_path / "d.png", "--model", "procedural",
               "--seconds", "2", "--size", "64", "--no-beat-warp", "--no-beat-ease")
    assert png.exit_code == 0, png.output
    assert png.stderr.splitlines()[-1] == "rendering 1 frame"
    assert "tracking beats" not in png.stderr


def test_summary_reports_only_what_was_done(tmp_path: Path) -> None:
    assert _retimed({"beat_warp": {"moved": 0}, "beat_ease": {"strength": 0.0}}) == ""
    assert _retimed({"beat_ease": {"strength": 0.004}}) == ""  # would read "at 0.00"
    assert _retimed({"beat_warp": {"moved": 1}, "beat_ease": {"strength": 0.2}}) == \
        ", 1 slow-down moved onto beats, eased on the beat at 0.20"

    out = tmp_path / "d.npz"
    res = _run("dance", DEMO_SONG, "-o", out, "--model", "procedural", "--seconds", "5",
               "--style", "pop")
    assert res.exit_code == 0, res.output
    meta = load_motion(out).meta
    moved, strength = meta["beat_warp"]["moved"], meta["beat_ease"]["strength"]
    assert moved > 0 and strength >= 0.005  # this (pop) dance is re-timed both ways
    assert f", {moved} slow-downs moved onto beats, eased on the beat at {strength:.2f}" \
        in res.stdout

    none = _run("dance", DEMO_SONG, "-o", out, "--model", "procedural", "--seconds", "5",
                "--no-beat-warp", "--no-beat-ease")
    assert none.exit_code == 0, none.output
    assert "eased" not in none.stdout and "slow-down" not in none.stdout


def test_render_output_spelling(ballroom_dir: Path, tmp_path: Path) -> None:
    """``-o/--out`` as in every command; the old ``--output`` still works (hidden)."""
    seq = ballroom_dir / "DANCE_W_1"
    for flag in ("-o", "--out", "--output"):
        out = tmp_path / f"{flag.strip('-')}.png"
        res = _run("render", seq, flag, out, "--size", "64")
        assert res.exit_code == 0, res.output
        assert res.stdout == f"{out}\n" and cv2.imread(str(out)).shape == (64, 64, 3)
    helptext = CliRunner().invoke(app, ["render", "--help"]).stdout
    assert "-o, --out" in helptext and "--output" not in helptext
    for args in ([], ["-o", tmp_path / "a.png", "--output", tmp_path / "b.png"]):
        res = _run("render", seq, *args)
        assert res.exit_code == 2 and res.stderr == "error: give the output file once, as " \
                                                    "-o/--out\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.png", "out.png", "output.png"]


def _colourful(panel: np.ndarray) -> int:
    """Pixels of a clearly coloured limb (the figure's left/right colours)."""
    rgb = panel.astype(np.int16)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 60).sum())


def test_side_by_side_shows_that_the_shorter_motion_ended(ballroom_dir: Path, bvh_file: Path,
                                                          tmp_path: Path) -> None:
    """Beside a 63 s BVH, the 13.6 s waltz's panel turns grey and says when it ended,
    instead of freezing on its last pose as if the dancer stood still."""
    size = 128
    frames = {}
    for frame in ("100", "-1"):
        out = tmp_path / f"f{frame}.png"
        res = _run("render", bvh_file, ballroom_dir / "DANCE_W_1", "-o", out, "--size",
                   str(size), "--frame", frame)
        assert res.exit_code == 0, res.output
        frames[frame] = cv2.imread(str(out))
    live, ended = frames["100"], frames["-1"]
    # the long motion dances on in colour in both frames
    assert _colourful(live[:, :size]) > 100 and _colourful(ended[:, :size]) > 100
    # the waltz is in colour while it dances and grey after its end
    assert _colourful(live[:, size:]) > 100
    assert _colourful(ended[:, size:]) == 0
    # "ended at 13.6 s": bright letters at the bottom of the ended panel only
    bottom = slice(int(0.8 * size), size)
    assert (ended[bottom, size + 4:].min(axis=2) > 200).sum() > 20
    assert (live[bottom, size + 4:].min(axis=2) > 200).sum() == 0
