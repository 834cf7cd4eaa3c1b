"""``dancekit.dance`` over ``dancekit.Music``: the README's Python example makes the command's
dance, a song is analysed once per dance, ``seconds`` bounds what is read, and every bundled
model dances through it as through ``dancekit dance``."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import dancekit
from dancekit.audio import features, load
from dancekit.cli import app
from dancekit.cli.dance_cmds import DEMO_SONG
from dancekit.io import load_motion

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_golden", DATA / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


def readme_python() -> str:
    """The README's "In Python" example, as written."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## In Python"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def cold_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.slow
def test_the_readme_python_example_makes_the_commands_dance(
        tmp_path: Path, bvh_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = readme_python()
    assert 'dancekit.dance("song.mp3", seed=0)' in code
    code = code.replace("song.mp3", str(DEMO_SONG)).replace(
        "../shared/data/bvh/dataset-1_dance-short_normal_001.bvh", str(bvh_file))
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    exec(compile(code, "README.md", "exec"), names)

    out = tmp_path / "cli.npz"
    result = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out), "--seed", "0"])
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(names["dance"].positions, load_motion(out).positions)
    assert (tmp_path / "dance.bvh").stat().st_size > 0
    assert (tmp_path / "dance.mp4").stat().st_size > 0
    assert names["waltz"].meta["style"] == "waltz"


def test_a_dance_analyses_the_song_once(cold_cache: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One decode, one beat tracking and one FACT feature pass for the model and the
    re-timing together (the features' tempo prior is the tracked one), and a second dance
    of the same Music analyses nothing: without the Music each would be done again."""
    from dancekit.audio import beats as beats_module

    calls = {"load": 0, "track_beats": 0, "fact": 0}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(features, "load", counted("load", features.load))
    monkeypatch.setattr(beats_module, "track_beats",
                        counted("track_beats", beats_module.track_beats))
    monkeypatch.setitem(features._KINDS, "fact", counted("fact", features._KINDS["fact"]))
    music = dancekit.Music.load(DEMO_SONG, seconds=4)
    first = dancekit.dance(music, seconds=4, seed=0)
    assert calls == {"load": 1, "track_beats": 1, "fact": 1}
    again = dancekit.dance(music, seconds=4, seed=1, beat_ease=False)
    assert calls == {"load": 1, "track_beats": 1, "fact": 1}
    assert first.meta["beat_ease"] and "beat_ease" not in again.meta
    assert sorted(p.name.split("-")[0] for p in cold_cache.iterdir()) == [
        "beats", "fact", "meter"]
    # a song heard before: the style choice reads its meter and tempo from the disk cache
    warm = dancekit.dance(dancekit.Music.load(DEMO_SONG, seconds=4), seconds=4, seed=0)
    assert calls == {"load": 2, "track_beats": 1, "fact": 1}
    assert warm.meta["style"] == first.meta["style"]
    np.testing.assert_array_equal(warm.positions, first.positions)


def test_seconds_bounds_the_music_read(cold_cache: Path) -> None:
    """A dance of S seconds reads S + 5 s of the song, from a file or an Audio alike; the
    whole song is read without it."""
    whole = dancekit.Music.load(DEMO_SONG)
    assert whole.span is None and whole.audio.duration == pytest.approx(20.0)
    assert whole.length == pytest.approx(20.0, abs=0.05)
    span = dancekit.Music.load(DEMO_SONG, seconds=3)
    assert span.audio.duration == pytest.approx(3 + features.SPAN_MARGIN_SECONDS)
    assert span.length == pytest.approx(20.0, abs=0.05)
    cut = dancekit.Music.of(load(DEMO_SONG), seconds=3)
    np.testing.assert_array_equal(cut.audio.samples, span.audio.samples)
    np.testing.assert_array_equal(cut.features("beats"), span.features("beats"))
    assert span.features("beats").max() < 3 + features.SPAN_MARGIN_SECONDS
    assert whole.features("beats").max() > 15


@pytest.mark.parametrize("model", ["dance-tokens", "fact", "procedural"])
def test_every_bundled_model_dances_as_the_command_does(model: str) -> None:
    """The library call gives the golden dances recorded through ``dancekit dance``."""
    golden = np.load(DATA / "golden_dances.npz")
    for case in [c for c in make_golden.CASES if c[0] == model]:
        _, seed, retime, style = case
        motion = dancekit.dance(DEMO_SONG, model=model, seed=seed, seconds=make_golden.SECONDS,
                                beat_warp=retime, beat_ease=retime, style=style)
        assert motion.meta["model"] == model and motion.meta["seed"] == seed
        assert ("beat_warp" in motion.meta) == retime
        np.testing.assert_allclose(motion.positions, golden[make_golden.case_key(*case)],
                                   rtol=0, atol=1e-4)  # as tests/test_golden.py allows


def test_stages_are_reported_not_printed(capsys: pytest.CaptureFixture) -> None:
    heard: list[str] = []
    dancekit.dance(DEMO_SONG, model="procedural", seconds=2, stages=heard.append)
    assert heard == ["loading model procedural", "reading music demo_song.ogg (0:20)",
                     "choosing a style", "generating 0:02 of dance", "tracking beats",
                     "re-timing onto the beats"]
    assert capsys.readouterr() == ("", "")


def test_music_is_refused_when_it_is_not_music() -> None:
    with pytest.raises(dancekit.ParameterError, match="expected music"):
        dancekit.Music.of(42)
    with pytest.raises(dancekit.AudioDecodeError, match="missing.ogg"):
        dancekit.dance("missing.ogg")
    with pytest.raises(dancekit.ParameterError, match="seconds"):
        dancekit.Music.load(DEMO_SONG, seconds=float("nan"))


def test_a_whole_songs_music_gives_the_numbers_its_path_gives(tmp_path: Path) -> None:
    """Decoded once and resampled per analysis, a Music's features and beats equal those
    computed from the file's path (decoded at each analysis' rate), bit for bit, and are
    stored under the path's cache keys."""
    import soundfile as sf

    from dancekit.audio import cached_features

    song = load(DEMO_SONG, max_seconds=8)
    path = tmp_path / "song.flac"
    sf.write(path, song.samples, song.sr)
    by_path, by_music = tmp_path / "path", tmp_path / "music"
    music = dancekit.Music.load(path)
    for kind, params in (("fact", {"fps": 30}), ("beats", {})):
        expected = cached_features(path, kind, cache_dir=by_path, **params)
        np.testing.assert_array_equal(music.features(kind, cache_dir=by_music, **params),
                                      expected)
    assert sorted(p.name for p in by_music.iterdir()) == sorted(p.name for p in by_path.iterdir())


def test_dancenet_takes_a_temperature_through_the_pipeline(tmp_path, monkeypatch):
    """dance(temperature=...) reaches a picture model's sampler too, and is recorded."""
    from dancekit.pipeline import dance

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    cool = dance(DEMO_SONG, model="dancenet", seconds=2.0, temperature=0.5)
    warm = dance(DEMO_SONG, model="dancenet", seconds=2.0, temperature=1.5)
    assert cool.meta["temperature"] == 0.5 and warm.meta["temperature"] == 1.5
    assert not np.array_equal(cool.frames, warm.frames)
