"""The procedural dancer's ballroom styles on real ballroom recordings: the dance travels the
floor as real couples do, turns, never freezes, keeps the closed hold, and repeats under a
seed.

The bars come from the real motion capture in ../shared/data/ballroom (measured with
``dancekit.metrics.travel`` by ``studies/ballroom_travel.py``): the slowest real sequence
travels 0.39 m/s, 23 m a minute, and every one covers a floor at least 3.9 m across; none
stands still for 2 s. The procedural figures are the leader's steps alone, so the bars ask
for two thirds of the slowest real pace (15 m a minute) and 2 m of floor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dancekit.metrics.travel import travel
from dancekit.models import load_model
from dancekit.motion import Motion
from dancekit.synth.poses import IDX

MIN_METRES_PER_MINUTE = 15.0
MIN_EXTENT = 2.0
SONGS = {"waltz": "DANCE_W_1", "rumba": "DANCE_C_2", "chacha": "DANCE_C_2",
         "tango": "DANCE_C_2"}


@pytest.fixture(scope="module")
def dances(request: pytest.FixtureRequest) -> dict[str, Motion]:
    folder = Path(request.config.rootpath).parent / "shared" / "data" / "ballroom"
    if not folder.is_dir():
        pytest.skip(f"real data not found at {folder} (tests read ../shared/data beside the repo)")
    model = load_model("procedural")
    return {style: model.generate(folder / song / "audio.mp3", seconds=60, seed=3, style=style)
            for style, song in SONGS.items()}


@pytest.mark.parametrize("style", list(SONGS))
def test_travels_turns_and_never_freezes(style: str, dances: dict[str, Motion]) -> None:
    m = dances[style]
    assert m.meta["style"] == style and m.duration == pytest.approx(60, abs=0.05)
    t = travel(m)
    assert t.per_minute > MIN_METRES_PER_MINUTE, t
    assert t.extent > MIN_EXTENT, t
    assert t.freezes == 0, t
    if style == "waltz":
        assert t.turned > 180, t


def _in_body_frame(m: Motion) -> np.ndarray:
    """Positions relative to the pelvis, turned so the dancer faces +z with the left at +x."""
    p = m.positions.astype(np.float64) - m.positions[:, :1]
    across = p[:, IDX["left_hip"]] - p[:, IDX["right_hip"]]
    a = np.arctan2(across[:, 2], across[:, 0])            # how far the hips turned from +x
    c, s = np.cos(a)[:, None], np.sin(a)[:, None]
    out = p.copy()
    out[..., 0] = c * p[..., 0] + s * p[..., 2]
    out[..., 2] = -s * p[..., 0] + c * p[..., 2]
    return out


@pytest.mark.parametrize("style", list(SONGS))
def test_closed_hold_most_of_the_time(style: str, dances: dict[str, Motion]) -> None:
    """Left hand up by the head, out to the side; right hand in front of the chest at
    shoulder-blade height (on the partner's back); both elbows up near shoulder height."""
    b = _in_body_frame(dances[style])
    y = b[..., 1]
    shoulder = (y[:, IDX["left_shoulder"]] + y[:, IDX["right_shoulder"]]) / 2
    left_up = (y[:, IDX["left_wrist"]] > y[:, IDX["neck"]] + 0.1) & (
        b[:, IDX["left_wrist"], 0] > b[:, IDX["left_shoulder"], 0])
    right_on_back = ((b[:, IDX["right_wrist"], 2] > b[:, IDX["spine3"], 2] + 0.12)
                     & (np.abs(y[:, IDX["right_wrist"]] - shoulder) < 0.2))
    elbows = ((np.abs(y[:, IDX["left_elbow"]] - shoulder) < 0.12)
              & (np.abs(y[:, IDX["right_elbow"]] - shoulder) < 0.12))
    hold = left_up & right_on_back & elbows
    assert hold.mean() > 0.75, (left_up.mean(), right_on_back.mean(), elbows.mean())


def test_same_seed_same_dance(dances: dict[str, Motion], ballroom_dir: Path) -> None:
    model = load_model("procedural")
    song = ballroom_dir / SONGS["tango"] / "audio.mp3"
    again = model.generate(song, seconds=60, seed=3, style="tango")
    np.testing.assert_array_equal(again.positions, dances["tango"].positions)
    other = model.generate(song, seconds=60, seed=4, style="tango")
    assert not np.array_equal(other.positions, dances["tango"].positions)


def test_a_ballroom_style_keeps_its_pace_where_the_tracker_doubles_it(ballroom_dir: Path) -> None:
    """The beat tracker counts this waltz at about 171 BPM in 3/4 (a slow waltz's quavers or a
    Viennese waltz: the tracker cannot tell): the waltz is danced on every other beat, at the
    84-90 BPM a slow waltz has; a street style is not."""
    model = load_model("procedural")
    song = ballroom_dir / "DANCE_W_7" / "audio.mp3"
    waltz = model.generate(song, seconds=20, seed=0, style="waltz")
    assert 80 < waltz.meta["tempo_bpm"] < 95, waltz.meta["tempo_bpm"]
    house = model.generate(song, seconds=20, seed=0, style="house")
    assert house.meta["tempo_bpm"] == pytest.approx(2 * waltz.meta["tempo_bpm"], rel=0.05)
