"""``--style auto``: a style the model knows, chosen from the music's meter and tempo, printed
and recorded; real ballroom songs get their own genre where meter and tempo can tell."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import dancekit
from dancekit.audio import Music
from dancekit.cli import app
from dancekit.cli.dance_cmds import DEMO_SONG
from dancekit.errors import ParameterError
from dancekit.io import load_motion
from dancekit.models import load_model
from dancekit.models.style_choice import STYLE_PRIORS, choose_style, known_styles, style_for

#: The styles of the bundled models once retrained on ballroom motion beside synthetic pairs.
BALLROOM_MODEL = ["ballet", "chacha", "hiphop", "house", "latin", "pop", "rumba", "tango",
                  "waltz"]
SPAN = 30.0  # seconds of each song analysed, as for `dancekit dance --seconds 30`


def test_meter_first_then_tempo() -> None:
    styles = ["hiphop", "house", "waltz"]
    assert style_for("3/4", 87, styles).style == "waltz"
    assert style_for("3/4", 124, styles).style == "waltz"  # the only three-beat style
    assert style_for("4/4", 87, styles).style == "hiphop"
    assert style_for("4/4", 124, styles).style == "house"
    assert style_for("unknown", 124, styles).style == "house"  # no meter: tempo alone
    # within a meter, the narrower range that holds the tempo: cha-cha over tango and house
    assert style_for("4/4", 124, BALLROOM_MODEL).style == "chacha"
    assert style_for("2/4", 130, BALLROOM_MODEL).style == "tango"
    assert style_for("4/4", 104, BALLROOM_MODEL).style == "rumba"
    assert style_for("6/8", 100, BALLROOM_MODEL).style == "ballet"


def test_half_and_double_tempo_count_at_a_cost() -> None:
    """A tracker locked onto half the cha-cha's beat still gets cha-cha, and says so; a tempo
    inside a range beats one that fits only when halved."""
    choice = style_for("4/4", 61, ["chacha", "hiphop", "house"])
    assert choice.style == "chacha" and "122 BPM counted in double time" in choice.reason
    assert style_for("3/4", 176, ["ballet", "waltz"]).style == "waltz"  # Viennese tempo
    assert style_for("3/4", 120, ["ballet", "waltz"]).style == "ballet"
    assert choice.meta() == {"meter": "4/4", "tempo": 61.0, "reason": choice.reason}


def test_a_tempo_near_a_range_counts_as_in_it() -> None:
    """A tracked tempo within 4 % of a range is near it: a waltz recorded a hair slower than
    the dance-sport 84 BPM is still a waltz, not the catch-all ballet (danced in every meter);
    among styles equally near, the range that holds the tempo itself wins (a tango at 130 BPM
    is not a cha-cha because cha-cha's range ends 2 % lower)."""
    assert style_for("3/4", 83.5, ["ballet", "waltz"]).style == "waltz"
    assert style_for("3/4", 93.0, ["ballet", "waltz"]).style == "waltz"  # 90 * 1.04 = 93.6
    assert style_for("3/4", 95.0, ["ballet", "waltz"]).style == "ballet"
    assert style_for("4/4", 130, BALLROOM_MODEL).style == "tango"
    assert style_for("4/4", 133, BALLROOM_MODEL).style == "tango"
    assert style_for("4/4", 96, BALLROOM_MODEL).style == "hiphop"  # inside 78-98 itself


def test_only_styles_the_model_knows_and_has_priors_for() -> None:
    grid = [(m, t) for m in ("2/4", "3/4", "4/4", "6/8", "9/8", "12/8", "unknown")
            for t in np.linspace(30, 240, 43)]
    assert {style_for(m, t, ["hiphop", "house"]).style for m, t in grid} == {"hiphop", "house"}
    assert style_for("4/4", 120, ["robot"]) is None  # no prior: only ever chosen by name
    assert style_for("4/4", 120, ["robot", "pop"]).style == "pop"
    assert style_for("4/4", 120, []) is None  # a model that knows no styles: no style
    assert style_for("4/4", 0.0, ["pop"]) is None  # no beat found
    assert "robot" not in STYLE_PRIORS


def test_a_style_name_is_checked_against_the_model_before_any_work() -> None:
    model = load_model("procedural")
    assert known_styles(model, None, "procedural") == model.styles
    assert known_styles(model, "none", "procedural") == known_styles(model, "waltz", "x")
    assert known_styles(object(), "auto", "outside") == []
    with pytest.raises(ParameterError, match=r"unknown style 'foxtrot' for this procedural "
                                             r"model \(known: .*waltz"):
        known_styles(model, "foxtrot", "procedural")


def test_auto_is_the_default_and_is_recorded(tmp_path: Path) -> None:
    auto = dancekit.dance(DEMO_SONG, model="procedural", seconds=3, style="auto")
    default = dancekit.dance(DEMO_SONG, model="procedural", seconds=3)
    np.testing.assert_array_equal(auto.positions, default.positions)
    expected = choose_style(Music.load(DEMO_SONG, 3), load_model("procedural").styles)
    assert auto.meta["style"] == expected.style
    assert auto.meta["style_auto"] == expected.meta()

    out = tmp_path / "d.npz"
    res = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out), "--seconds", "3"])
    assert res.exit_code == 0, res.output
    meta = load_motion(out).meta
    heard = meta["style_auto"]
    assert set(heard) == {"meter", "tempo", "reason"} and meta["style"] in heard["reason"]
    assert (f"style {meta['style']} (auto: {heard['meter']}, {heard['tempo']:.0f} BPM)"
            in res.stdout)
    info = CliRunner().invoke(app, ["info", str(out), "--json"])
    assert json.loads(info.stdout)["meta"]["style_auto"] == heard


def test_style_none_and_a_wrong_name(tmp_path: Path) -> None:
    out = tmp_path / "d.npz"
    res = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out), "--seconds", "3",
                                   "--style", "none"])
    assert res.exit_code == 0, res.output
    assert "style none," in res.stdout and "style" not in load_motion(out).meta
    bad = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out), "--style",
                                   "foxtrot", "--model", "fact"])
    assert bad.exit_code == 2
    lines = bad.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown style 'foxtrot' for this "
                                                   "fact model (known: ")
    assert all(s in lines[0] for s in load_model("fact").styles)
    helptext = CliRunner().invoke(app, ["dance", "--help"]).stdout
    assert "[default: auto]" in " ".join(helptext.split())


def test_the_demo_says_which_style_it_chose(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["demo", "-o", str(tmp_path / "demo.png"), "--size", "64"])
    assert res.exit_code == 0, res.output
    choice = choose_style(Music.load(DEMO_SONG), load_model("dance-tokens").styles)
    assert (f"style {choice.style} (auto: {choice.meter}, {choice.tempo:.0f} BPM)"
            in res.stdout)


@pytest.mark.slow
def test_ballroom_songs_get_their_own_genre(ballroom_dir: Path) -> None:
    """Waltzes with a model that knows waltz (the bundled models do): measured on the first
    30 s, 21 of 24 get waltz (those tracked at their quavers, ~170 BPM, are read in bars of
    six quavers: 3/4 at 84-90; the other three are tracked in two or four beats a bar, or at
    97 BPM, and get hip-hop or ballet). Cha-chas with the ballroom styles: 3 of 4
    measured, asserted. The rumbas here are tracked at 87-95 or 130-134 BPM, outside the
    dance-sport 100-108 (measured: none gets rumba), so nothing is asserted of them."""
    waltz_model = load_model("dance-tokens").styles
    waltzes, chachas = Counter(), Counter()
    for audio in sorted(ballroom_dir.glob("DANCE_[WC]_*/audio.mp3")):
        waltz = "_W_" in audio.parent.name
        choice = choose_style(Music.load(audio, SPAN), waltz_model if waltz else BALLROOM_MODEL)
        (waltzes if waltz else chachas)[choice.style] += 1
    assert "waltz" in waltz_model and sum(waltzes.values()) == 24, waltzes
    assert waltzes["waltz"] >= 20, waltzes
    assert chachas["chacha"] >= 3, chachas


@pytest.mark.slow
def test_meter_decides_three_beat_styles_on_songs_with_exact_meters(music_dir: Path) -> None:
    """Of 16 DEV songs (meters known exactly), a three-beat style for the songs in three and
    none for the others, with ballet (danced in every meter) left out: 15 of 16 measured
    (the 9/8 slip jig is tracked as 12/8); 14 asserted."""
    import csv

    styles = [s for s in BALLROOM_MODEL if s != "ballet"]
    hits = 0
    with open(music_dir / "index.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        choice = choose_style(Music.load(music_dir / f"{row['name']}.ogg", SPAN), styles)
        three = row["meter"] in ("3/4", "9/8")
        hits += (choice.style == "waltz") == three
    assert len(rows) == 16 and hits >= 14, hits


def test_a_model_that_never_dropped_its_style_refuses_none_and_falls_back_to_a_style() -> None:
    """A model trained with every window labelled (``style_dropout`` 0) has no dance without
    a style: ``--style none`` is a one-line error, and ``auto`` with no beat to read dances
    its first style instead of an untrained unlabelled dance. Models that dropped labels keep
    both (the bundled fact: 0.3)."""
    from types import SimpleNamespace

    from dancekit.models.style_choice import fallback_style

    labelled = SimpleNamespace(styles=BALLROOM_MODEL, config=SimpleNamespace(style_dropout=0.0))
    with pytest.raises(ParameterError, match="never learned to dance without a style"):
        known_styles(labelled, "none", "tokens")
    assert known_styles(labelled, "waltz", "tokens") == BALLROOM_MODEL
    assert fallback_style(labelled, BALLROOM_MODEL) == "ballet"
    fact = load_model("fact")
    assert known_styles(fact, "none", "fact") == list(fact.styles)
    assert fallback_style(fact, fact.styles) is None
