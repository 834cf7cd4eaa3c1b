"""Every numeric option of every command has a range, stated in its help and checked before
any work: a value outside it (NaN and infinity included) is one ``error:`` line, exit code 2,
no traceback and no output. The models refuse the same seconds and seeds from Python, so no
library call can hang on a huge or infinite length either."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dancekit.cli import app
from dancekit.cli.dance_cmds import DEMO_SONG
from dancekit.errors import ParameterError
from dancekit.limits import MAX_SEED


def _run(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def _one_error_line(res, message: str) -> None:
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in res.output and res.stdout == ""


DANCE_CASES = [
    (["--seconds", "inf"], "--seconds must be from 1 to 7200, got inf"),
    (["--seconds", "nan"], "--seconds must be from 1 to 7200, got nan"),
    (["--seconds", "1e-9"], "--seconds must be from 1 to 7200, got 1e-09"),
    (["--seconds", "1000000"], "--seconds must be from 1 to 7200, got 1000000"),
    (["--seconds", "0"], "--seconds must be from 1 to 7200"),
    (["--seed", "-1"], f"--seed must be from 0 to {MAX_SEED}, got -1"),
    (["--seed", str(MAX_SEED + 1)], f"--seed must be from 0 to {MAX_SEED}"),
    (["--size", "10"], "--size must be from 64 to 4096"),
    (["--size", "5000"], "--size must be from 64 to 4096"),
    (["--size", "257"], "--size must be even for .mp4"),
]


@pytest.mark.parametrize("model", ["procedural", "dance-tokens"])
@pytest.mark.parametrize("args, message", DANCE_CASES)
def test_dance_bounds(model: str, args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "d.mp4"
    start = time.perf_counter()
    res = _run("dance", DEMO_SONG, "-o", out, "--model", model, *args)
    _one_error_line(res, message)
    assert time.perf_counter() - start < 5  # refused before the model loads
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "--seed must be from 0"),
    (["--size", "32"], "--size must be from 64"),
])
def test_demo_bounds(args: list[str], message: str, tmp_path: Path) -> None:
    res = _run("demo", "-o", tmp_path / "demo.png", *args)
    _one_error_line(res, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--size", "63"], "--size must be from 64 to 4096, got 63"),
    (["--fps", "0"], "--fps must be from 1 to 240, got 0"),
    (["--fps", "inf"], "--fps must be from 1 to 240, got inf"),
    (["--frame", "1e12"], "Invalid value"),  # not an integer: typer's own usage error
    (["--frame", str(10**12)], "--frame must be from"),
    (["--view", "-1"], "--view must be from 0 to 8"),
    (["--min-confidence", "1.5"], "--min-confidence must be from 0 to 1"),
    (["--audio-offset", "nan"], "--audio-offset must be from -7200 to 7200, got nan"),
])
def test_render_bounds(args: list[str], message: str, ballroom_dir: Path,
                       tmp_path: Path) -> None:
    res = _run("render", ballroom_dir / "DANCE_W_1", "-o", tmp_path / "r.png", *args)
    if message == "Invalid value":
        assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    else:
        _one_error_line(res, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["info", "convert"])
@pytest.mark.parametrize("args, message", [
    (["--view", "9"], "--view must be from 0 to 8, got 9"),
    (["--fps", "0"], "--fps must be from 1 to 1000, got 0"),
    (["--fps", "-inf"], "--fps must be from 1 to 1000, got -inf"),
])
def test_info_and_convert_bounds(command: str, args: list[str], message: str, bvh_file: Path,
                                 tmp_path: Path) -> None:
    outputs = [tmp_path / "o.npz"] if command == "convert" else []
    res = _run(command, bvh_file, *outputs, *args)
    _one_error_line(res, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--bootstrap", "-1"], "--bootstrap must be from 0 to 100000, got -1"),
    (["--bootstrap", "1000000"], "--bootstrap must be from 0 to 100000"),
    (["--seed", "-1"], "--seed must be from 0"),
])
def test_evaluate_bounds(args: list[str], message: str, ballroom_dir: Path,
                         tmp_path: Path) -> None:
    res = _run("evaluate", "--generated", ballroom_dir, "--real", ballroom_dir, "--json",
               tmp_path / "r.json", *args)
    _one_error_line(res, message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--n", "0"], "--n must be from 1 to 100000, got 0"),
    (["--n", "1000000"], "--n must be from 1 to 100000"),
    (["--seed", "-1"], "--seed must be from 0"),
    (["--seconds", "inf"], "--seconds must be from 2 to 600, got inf"),
    (["--fps", "0"], "--fps must be from 1 to 240"),
    (["--fps", "nan"], "--fps must be from 1 to 240, got nan"),
])
def test_synth_bounds(args: list[str], message: str, tmp_path: Path) -> None:
    base = {"--n": "1"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    res = _run("synth", "--out", tmp_path / "s", *[x for kv in base.items() for x in kv])
    _one_error_line(res, message)
    assert list(tmp_path.iterdir()) == []


def test_train_steps_bound(ballroom_dir: Path, tmp_path: Path) -> None:
    res = _run("train", "fact", "--data", ballroom_dir, "--out", tmp_path / "run",
               "--steps", "0")
    _one_error_line(res, "--steps must be from 1 to 10000000, got 0")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, ranges", [
    ("dance", ["[0 to 4294967295]", "[1 to 7200]", "[64 to 4096]"]),
    ("demo", ["[0 to 4294967295]", "[64 to 4096]"]),
    ("render", ["[64 to 4096]", "[1 to 240]", "[0 to 8]", "[0 to 1]", "[-7200 to 7200]"]),
    ("info", ["[0 to 8]", "[1 to 1000]"]),
    ("convert", ["[0 to 8]", "[1 to 1000]"]),
    ("evaluate", ["[0 to 100000]", "[0 to 4294967295]"]),
    ("synth", ["[1 to 100000]", "[0 to 4294967295]", "[2 to 600]", "[1 to 240]"]),
    ("train", ["[1 to 10000000]"]),
])
def test_help_states_the_ranges(command: str, ranges: list[str]) -> None:
    res = CliRunner().invoke(app, [command, "--help"], terminal_width=400)
    assert res.exit_code == 0
    text = " ".join(res.stdout.split())
    for r in ranges:
        assert r in text, (command, r)


@pytest.mark.parametrize("kwargs, message", [
    ({"seconds": math.inf}, "seconds must be between 1 and 7200"),
    ({"seconds": math.nan}, "seconds must be between 1 and 7200"),
    ({"seconds": 1e-9}, "seconds must be between 1 and 7200"),
    ({"seconds": 1e6}, "seconds must be between 1 and 7200"),
    ({"seed": -1}, "seed must be an integer from 0 to 4294967295"),
    ({"seed": MAX_SEED + 1}, "seed must be an integer from 0"),
    ({"seed": 1.5}, "seed must be an integer"),
])
def test_procedural_model_refuses_from_python(kwargs: dict, message: str) -> None:
    from dancekit.models import load_model

    start = time.perf_counter()
    with pytest.raises(ParameterError, match=message):
        load_model("procedural").generate(DEMO_SONG, **kwargs)
    assert time.perf_counter() - start < 5


def test_learned_models_share_the_seed_range() -> None:
    from dancekit.models import load_model

    with pytest.raises(ParameterError, match="seed must be an integer from 0"):
        load_model("dance-tokens").generate(DEMO_SONG, seconds=2, seed=-1)


@pytest.mark.slow
def test_procedural_at_the_longest_length_finishes() -> None:
    """The top of the range is a real dance, not a hang: two hours past a 20 s song (the
    procedural dancer continues at the last tempo; about 100 s on two busy cores)."""
    from dancekit.models import load_model

    start = time.perf_counter()
    motion = load_model("procedural").generate(DEMO_SONG, seconds=7200)
    assert motion.duration == pytest.approx(7200, abs=0.05)
    assert time.perf_counter() - start < 300
