"""``dancekit dance --seconds S`` analyses only the start of the music: the dance it makes
from a long song is the one made from that song cut after S + the analysis margin."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dancekit.audio import load
from dancekit.audio.features import SPAN_MARGIN_SECONDS
from dancekit.cli.dance_cmds import dance_to_file


@pytest.mark.slow
def test_a_short_dance_from_a_long_song_is_the_dance_of_the_cut_song(
        ballroom_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    song = ballroom_dir / "DANCE_C_4" / "audio.mp3"  # 3 min 25 s
    seconds = 6.0
    span = load(song, max_seconds=seconds + SPAN_MARGIN_SECONDS)
    assert span.duration == pytest.approx(seconds + SPAN_MARGIN_SECONDS, abs=1e-3)
    cut = tmp_path / "cut.wav"
    sf.write(cut, span.samples, span.sr, subtype="FLOAT")

    made = {}
    for name, music in (("long", song), ("cut", cut)):
        out = tmp_path / f"{name}.npz"
        dance_to_file(music, out, seconds=seconds, seed=3)
        made[name] = np.load(out)
    long, short = made["long"], made["cut"]
    assert long["positions"].shape[0] == round(seconds * 30)
    for key in ("positions", "rotations", "root"):
        np.testing.assert_array_equal(long[key], short[key])
    # The same span two seconds later is other music, so another dance: the comparison
    # above can fail.
    later = tmp_path / "later.wav"
    sf.write(later, span.samples[2 * span.sr:], span.sr, subtype="FLOAT")
    dance_to_file(later, tmp_path / "later.npz", seconds=seconds, seed=3)
    assert not np.array_equal(np.load(tmp_path / "later.npz")["positions"], long["positions"])
