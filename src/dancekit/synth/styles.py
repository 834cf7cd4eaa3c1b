"""The music styles the synthesiser writes and the choreographer dances.

A style is a table of musical habits: tempo range, meter, swing, drum and bass patterns, the
chord instrument and its rhythm, the melody voice, and the chord progressions. Patterns are
step strings over one bar, one character per step (16th notes in 4/4 and 3/4, 8th notes in
6/8): ``X`` accent, ``x`` normal hit, ``o`` ghost note, ``.`` rest. Bass steps name the chord
tone (``R`` root, ``5`` fifth, ``O`` octave, ``3`` third), ``-`` holds the previous note.
Chord steps: ``X``/``x`` strike a chord, ``-`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from dancekit.errors import ParameterError


class StyleName(str, Enum):
    """Names accepted by ``--style`` and ``--styles``."""

    hiphop = "hiphop"
    house = "house"
    pop = "pop"
    waltz = "waltz"
    latin = "latin"
    ballet = "ballet"
    chacha = "chacha"
    rumba = "rumba"
    tango = "tango"


@dataclass(frozen=True)
class Style:
    name: str
    tempo: tuple[float, float]          # BPM range the synthesiser draws from
    meters: tuple[str, ...]             # "4/4", "3/4" or "6/8"
    swing: float                        # 0.5 = straight, 0.66 = triplet swing
    swing_level: int                    # 8 or 16: which note value swings
    mode: str                           # "major" or "minor"
    progressions: tuple[tuple[int, ...], ...]  # scale degrees (0-based) of the chord roots
    drums: dict[str, dict[str, str]]    # meter -> instrument -> step string
    bass: dict[str, str]                # meter -> step string
    bass_voice: str
    chords: dict[str, str]              # meter -> step string
    chord_voice: str
    melody_voice: str
    melody_rate: float                  # melody notes per beat, roughly
    kick_low_hz: float = 48.0
    perc_tones: dict[str, float] = field(default_factory=dict)
    travels: bool = False               # ballroom: the dance goes round the floor


def _p(*bars: str) -> str:
    return "".join(bars)


STYLES: dict[str, Style] = {s.name: s for s in (
    Style(
        name="hiphop", tempo=(78, 98), meters=("4/4",), swing=0.6, swing_level=16,
        mode="minor", progressions=((0, 5, 2, 6), (0, 3, 5, 4), (0, 0, 5, 6)),
        drums={"4/4": {
            "kick": _p("X......x..X.....", ),
            "snare": "....X.......X..o",
            "hat": "x.x.x.xox.x.x.xx",
            "clap": "....x.......x...",
        }},
        bass={"4/4": "R-.....R..5.....", }, bass_voice="sub", kick_low_hz=45.0,
        chords={"4/4": "X---------------"}, chord_voice="piano",
        melody_voice="bell", melody_rate=1.0,
    ),
    Style(
        name="house", tempo=(118, 128), meters=("4/4",), swing=0.5, swing_level=16,
        mode="minor", progressions=((0, 5, 2, 6), (0, 3, 0, 4), (5, 3, 0, 4)),
        drums={"4/4": {
            "kick": "X...x...X...x...",
            "clap": "....X.......X...",
            "hat": "..x...x...x...x.",
            "shaker": "xoxoxoxoxoxoxoxo",
        }},
        bass={"4/4": "..R...R...R...5."}, bass_voice="saw_bass",
        chords={"4/4": "..x..x....x..x.."}, chord_voice="organ",
        melody_voice="lead", melody_rate=1.5,
    ),
    Style(
        name="pop", tempo=(96, 128), meters=("4/4",), swing=0.5, swing_level=8,
        mode="major", progressions=((0, 4, 5, 3), (0, 5, 3, 4), (3, 0, 4, 5)),
        drums={"4/4": {
            "kick": "X.....x.X.......",
            "snare": "....X.......X...",
            "hat": "x.x.x.x.x.x.x.x.",
            "clap": "............x...",
        }},
        bass={"4/4": "R-.R..R.R-.R..5."}, bass_voice="saw_bass",
        chords={"4/4": "x--.x--.x--.x-x."}, chord_voice="piano",
        melody_voice="lead", melody_rate=1.5,
    ),
    Style(
        name="waltz", tempo=(84, 90), meters=("3/4",), swing=0.5, swing_level=8,
        mode="major", progressions=((0, 3, 4, 0), (0, 5, 1, 4), (0, 4, 4, 0)),
        drums={"3/4": {"timpani": "X...........", "shaker": "....o...o..."}},
        bass={"3/4": "R-----------"}, bass_voice="pizz",
        chords={"3/4": "....x---x---"}, chord_voice="piano",
        melody_voice="strings", melody_rate=1.0, travels=True,
    ),
    Style(
        name="latin", tempo=(100, 128), meters=("4/4",), swing=0.5, swing_level=8,
        mode="minor", progressions=((0, 3, 4, 0), (0, 6, 5, 4), (0, 3, 6, 2)),
        drums={"4/4": {
            "clave": "x..x..x...x.x...",
            "conga": "..o.x.xo..o.x.xx",
            "shaker": "xoxoxoxoxoxoxoxo",
            "kick": "X.......x.......",
            "hat": "....x.......x...",
        }},
        bass={"4/4": "......R-....5-.."}, bass_voice="upright",
        chords={"4/4": "x..x..x...x.x..."}, chord_voice="piano",
        melody_voice="marimba", melody_rate=1.5,
        perc_tones={"conga": 240.0},
    ),
    Style(
        name="ballet", tempo=(70, 132), meters=("3/4", "4/4", "6/8"), swing=0.5,
        swing_level=8, mode="major", progressions=((0, 3, 4, 0), (0, 5, 3, 4), (0, 1, 4, 0)),
        drums={"3/4": {"timpani": "X..........."},
               "4/4": {"timpani": "X.......x......."},
               "6/8": {"timpani": "X....."}},
        bass={"3/4": "R---5---5---", "4/4": "R---5---R---5---", "6/8": "R--5--"},
        bass_voice="pizz",
        chords={"3/4": "X-----------", "4/4": "X-------x-------", "6/8": "X-----"},
        chord_voice="strings", melody_voice="flute", melody_rate=1.0,
    ),
    Style(
        # Cha-cha: the "cha-cha-cha" of guiro and cowbell on 4-and-1 (shaker, clave here).
        name="chacha", tempo=(120, 128), meters=("4/4",), swing=0.5, swing_level=8,
        mode="minor", progressions=((0, 3, 4, 0), (0, 5, 3, 4)),
        drums={"4/4": {
            "kick": "X.......X.......",
            "conga": "....x...x.x.x.x.",
            "shaker": "x.x.x.x.x.x.x.x.",
            "clave": "............x.x.",
            "hat": "..x...x...x...x.",
        }},
        bass={"4/4": "R.....5.R.....5."}, bass_voice="upright",
        chords={"4/4": "..x...x...x.x.x."}, chord_voice="piano",
        melody_voice="marimba", melody_rate=1.5, perc_tones={"conga": 220.0}, travels=True,
    ),
    Style(
        # Rumba: slow, the bass anticipating beat 3, the clave's 3-2 son pattern.
        name="rumba", tempo=(100, 108), meters=("4/4",), swing=0.5, swing_level=8,
        mode="minor", progressions=((0, 3, 4, 0), (0, 5, 3, 4), (0, 6, 5, 4)),
        drums={"4/4": {
            "clave": "x..x..x...x.x...",
            "conga": "......xo......xx",
            "shaker": "x.x.x.x.x.x.x.x.",
            "kick": "X...............",
        }},
        bass={"4/4": "R-....5-R-....5-"}, bass_voice="upright",
        chords={"4/4": "x-..x-..x-..x-.."}, chord_voice="piano",
        melody_voice="strings", melody_rate=0.75, perc_tones={"conga": 200.0}, travels=True,
    ),
    Style(
        # Tango: the marcato on every beat, the last eighth of the bar pushed.
        name="tango", tempo=(120, 132), meters=("4/4",), swing=0.5, swing_level=8,
        mode="minor", progressions=((0, 4, 4, 0), (0, 3, 4, 0), (5, 4, 0, 0)),
        drums={"4/4": {
            "kick": "X...x...X...x...",
            "snare": "............X.x.",
            "timpani": "X.......X.......",
        }},
        bass={"4/4": "R...R...5...R.5."}, bass_voice="pizz",
        chords={"4/4": "X...x...X...x.x."}, chord_voice="organ",
        melody_voice="strings", melody_rate=1.0, travels=True,
    ),
)}


def get_style(name: str) -> Style:
    """Look a style up by name; raises :class:`ParameterError` listing the known ones."""
    key = str(getattr(name, "value", name)).lower().replace("-", "").replace("_", "")
    if key not in STYLES:
        raise ParameterError(f"unknown style {name!r} (known: {', '.join(STYLES)})")
    return STYLES[key]


def parse_styles(text: str | None) -> list[str]:
    """``"hiphop,waltz"`` -> ``["hiphop", "waltz"]``; empty or None -> every style."""
    if not text:
        return list(STYLES)
    return [get_style(s.strip()).name for s in text.split(",") if s.strip()]


def meter_info(meter: str) -> tuple[int, int]:
    """(beats per bar, steps per beat): a 6/8 bar has two dotted-quarter beats of 3 eighths."""
    table = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (2, 3)}
    if meter not in table:
        raise ParameterError(f"unsupported meter {meter!r} (known: {', '.join(table)})")
    return table[meter]


def phrase_beats(meter: str) -> int:
    """Counts in one dance phrase: 8 (two bars of 4/4, four of 6/8) or 6 (two bars of 3/4)."""
    beats_per_bar, _ = meter_info(meter)
    return 6 if beats_per_bar == 3 else 8
