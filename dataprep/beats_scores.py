"""Compose random pieces and render them like the DEV set: beat-network training music that
cannot contain a held-out piece.

The beat network learned the collections it was trained on rather than music in general
(``docs/audio.md``), and any score of the music21 corpus outside the DEV collections may be
a held-out piece. So this script writes its own scores, drawn at random, and renders them
through the pipeline of ``dataprep/beats_corpus.py`` (the DEV set's README): a MIDI tempo
map, FluidR3_GM through tinysoundfont, accompaniment and drum levels relative to the score
parts, light reverb, a 30 s window with fades, 22050 Hz OGG, exact beats from the tempo map
checked against pretty_midi, and the same audio checks (excerpts that fail are skipped).

Each piece draws:

* a key (major or harmonic minor), a meter (2/4, 3/4, 4/4, 6/8, 9/8, 12/8 or cut time,
  annotated as 4/4 quarters like the DEV set's reels) and a tempo, log-uniform over that
  meter's conventional range (together 40-200 annotated BPM; see ``METERS``) (the beat
  unit is pretty_midi's: the quarter, the dotted quarter in 6/8,
  9/8 and 12/8);
* a harmony: a chord progression (one chord per bar or half bar, one per beat in a
  chorale) with a cadence every four bars;
* a melody from rhythm cells that fit the meter (held notes, dotted figures, running
  quavers or semiquavers, syncopation, rests, pickups before phrases), denser in slow pieces
  and sparser in fast ones, as composers write; a bar rhythm is repeated with variation;
* a texture: chorale-like four-part homophony (fermatas at phrase ends), a melody over an
  accompaniment pattern (oom-pah, stride, waltz, compound, arpeggio, block chords; the
  patterns of ``beats_corpus.py``), piano solo, or a string-quartet-like layering
  (a melody, a second voice, a pulsing inner voice, a bass; strings doubled by a piano or
  played as a piano reduction, since FluidR3's bowed strings attack slowly); a drum track
  (kick on the bar, hi-hat on the beat) with some;
* GM programs, metric velocity accents with jitter, and on some a tempo change (the DEV
  set's accelerando, phrase rubato, ritardando then a tempo, fermata slow-downs).

    python dataprep/beats_scores.py --seed 0 --count 400 --out ~/.cache/dancekit/beats_scores_s0

(about 2 s per excerpt on one core). ``index.csv`` names every excerpt's draw; its
``composer_collection`` is ``procedural`` and its ``source`` ``procedural:SEED:K`` (unique,
so ``recipes/train_beat_net.py`` splits validation by it as for the rendered scores).
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from beats_corpus import (
    BASS_PROGRAMS,
    CHORD_PROGRAMS,
    MELODY_PROGRAMS,
    RENDER_SR,
    SECONDS,
    SOUNDFONT,
    Note,
    Piece,
    accent_accompaniment,
    accented_drums,
    accompaniment,
    midi_bytes,
    mix_down,
    note_onsets,
    render,
    save_excerpt,
    score_velocity,
    timed_window,
    verify,
    write_index,
)
from dancekit.utils import progress

#: (numerator, denominator, weight, annotated-beat BPM range drawn log-uniformly); (2, 2) is
#: cut time, written and annotated as 4/4 quarters. The ranges are the conventional ones of
#: each meter (a 3/4 presto or a quick waltz near 180, a slow air in 6/8 near 40 dotted
#: quarters, a reel in cut time up to 200 quarters), together 40-200: one range for every
#: meter would teach that three quick even pulses are as often a fast 3/4 bar as the quavers
#: of a slow 6/8 beat, which composers' music does not bear out.
METERS = ((2, 4, 2, (56, 160)), (3, 4, 3, (48, 184)), (4, 4, 3, (44, 160)),
          (6, 8, 2, (40, 136)), (9, 8, 1, (40, 132)), (12, 8, 1, (40, 120)),
          (2, 2, 1, (96, 200)))
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 11)  # harmonic minor: a major dominant
#: Chord degree -> the degrees that may follow it (common-practice progressions).
NEXT_DEGREE = {0: (3, 4, 5, 1, 2, 3, 4), 1: (4, 4, 6), 2: (5, 3), 3: (4, 0, 1, 4),
               4: (0, 0, 5, 3), 5: (1, 3, 4), 6: (0,)}
H = Fraction(1, 2)
Q4 = Fraction(1, 4)
#: Melody rhythm cells filling one beat (quarters; negative = rest), simple and compound.
SIMPLE_CELLS = ([1], [H, H], [Fraction(3, 4), Q4], [Q4] * 4, [H, Q4, Q4], [Q4, Q4, H],
                [Q4, Fraction(3, 4)], [-H, H], [Fraction(1, 3)] * 3, [-1])
COMPOUND_CELLS = ([Fraction(3, 2)], [1, H], [H] * 3, [Fraction(3, 4), Q4, H], [Q4] * 6,
                  [H, 1], [H, Q4, Q4, H], [-1, H], [-Fraction(3, 2)])
#: Cells that fill two beats: a held note, a syncopation, a dotted beat.
SIMPLE_LONG = ([2], [H, 1, H], [Fraction(3, 2), H])
COMPOUND_LONG = ([3], [1, H, Fraction(3, 2)], [Fraction(9, 4), Fraction(3, 4)])
TEXTURES = (("melody+accompaniment", 0.4), ("piano", 0.2), ("chorale", 0.2),
            ("quartet", 0.2))
KEYBOARDS = (0, 1, 2, 4, 5, 6)
EXTRA_MELODY = (56, 65, 60, 40, 13, 25)
CHORALE_SETS = ((56, 57, 60, 58), (19, 19, 19, 19), (73, 68, 71, 70), (0, 0, 0, 0),
                (52, 52, 52, 52))
TEMPO_KINDS = (("constant", 0.7), ("accelerando", 0.075), ("rubato", 0.075),
               ("ritardando", 0.075), ("fermatas", 0.075))


def pick(rng: np.random.Generator, options, weights=None):
    """One of ``options`` (any objects), with optional weights."""
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return options[int(rng.choice(len(options), p=p))]


def meter_grid(numerator: int, denominator: int) -> tuple[Fraction, int]:
    """Annotated beat (quarters) and beats per bar: the dotted quarter in compound meters,
    cut time (2/2) as four quarters."""
    if denominator == 8:
        return Fraction(3, 2), numerator // 3
    return Fraction(1), 4 if (numerator, denominator) == (2, 2) else numerator


class Key:
    """A key: scale degrees -> MIDI pitches and triads."""

    def __init__(self, tonic: int, minor: bool) -> None:
        self.tonic, self.minor = tonic, minor
        self.scale = MINOR if minor else MAJOR

    def pitch(self, degree: int, octave_base: int = 60) -> int:
        return octave_base + self.tonic + self.scale[degree % 7] + 12 * (degree // 7)

    def triad(self, degree: int) -> list[int]:
        """Pitch classes of the triad on ``degree``: root, third, fifth."""
        return [(self.tonic + self.scale[(degree + k) % 7]) % 12 for k in (0, 2, 4)]


def progression(rng: np.random.Generator, spans: int, per_phrase: int) -> list[int]:
    """Chord degrees, one per harmonic span, with a cadence (V, or V-I) ending each phrase."""
    out = [0]
    for i in range(1, spans):
        place = i % per_phrase
        if place == per_phrase - 1:
            out.append(4 if rng.random() < 0.5 else 0)
        elif place == per_phrase - 2 and rng.random() < 0.6:
            out.append(4 if out[-1] != 4 else 1)
        elif place == 0:
            out.append(0 if rng.random() < 0.7 else int(pick(rng, (3, 5))))
        else:
            out.append(int(pick(rng, NEXT_DEGREE[out[-1]])))
    return out


def cell_weights(cells, unit: Fraction, beat_bpm: float, rate: float) -> np.ndarray:
    """Prefer cells whose note rate (notes per second) is near the piece's ``rate``."""
    out = []
    for cell in cells:
        length = sum(abs(x) for x in cell)
        notes = sum(1 for x in cell if x > 0)
        per_second = max(notes, 0.3) / float(length / unit) * beat_bpm / 60.0
        out.append(math.exp(-0.5 * (math.log(per_second / rate) / 0.55) ** 2))
    return np.asarray(out) + 1e-3


def bar_rhythm(rng: np.random.Generator, beats: int, unit: Fraction, beat_bpm: float,
               rate: float) -> list[Fraction]:
    """Durations (negative = rest) filling one bar of ``beats`` beats."""
    compound = unit == Fraction(3, 2)
    cells = COMPOUND_CELLS if compound else SIMPLE_CELLS
    long_cells = COMPOUND_LONG if compound else SIMPLE_LONG
    weights = cell_weights(cells, unit, beat_bpm, rate)
    long_weights = cell_weights(long_cells, unit, beat_bpm, rate)
    out: list[Fraction] = []
    b = 0
    while b < beats:
        if b + 2 <= beats and rng.random() < 0.25 * long_weights.max() / weights.max():
            out += [Fraction(x) for x in pick(rng, long_cells, long_weights)]
            b += 2
        else:
            out += [Fraction(x) for x in pick(rng, cells, weights)]
            b += 1
    if out[0] < 0 and rng.random() < 0.7:  # mostly something sounds on the bar line
        out[0] = -out[0]
    return out


def phrase_end(rng: np.random.Generator, beats: int, unit: Fraction) -> list[Fraction]:
    """A phrase's last bar: a long note, then a rest or a pickup into the next phrase."""
    if beats == 1 or rng.random() < 0.3:
        return [unit * beats]
    held = unit * (beats - 1)
    last = pick(rng, ([unit], [-unit / 2, unit / 2], [-unit / 2, unit / 4, unit / 4],
                      [-unit], [unit / 3] * 3))
    return [held] + [Fraction(x) for x in last]


class Composer:
    """One random piece: key, meter, harmony and the parts of its texture."""

    def __init__(self, rng: np.random.Generator, bars: int, numerator: int, denominator: int,
                 beat_bpm: float) -> None:
        self.rng = rng
        self.compound = denominator == 8
        self.unit, self.beats = meter_grid(numerator, denominator)
        self.bar = self.unit * self.beats
        self.bars = bars
        self.beat_bpm = beat_bpm
        self.key = Key(int(rng.integers(12)), bool(rng.random() < 0.35))
        # Phrases of 4 bars (2 when bars are long), so cadences come every 8-16 beats.
        self.phrase = 2 if self.beats >= 4 and rng.random() < 0.4 else 4

    def harmony(self, per_minute: float) -> list[tuple[Fraction, int]]:
        """(start, chord degree): one chord per beat, half bar, bar or two bars, whichever
        changes chords nearest ``per_minute`` times a minute (harmonic rhythm slows down as
        the beat speeds up: a chorale at 70 BPM changes on every beat, a quick reel once a
        bar)."""
        spans = {self.unit, self.bar, 2 * self.bar}
        if self.beats % 2 == 0:
            spans.add(self.bar / 2)
        span = min(sorted(spans), key=lambda x: abs(math.log(
            self.beat_bpm / float(x / self.unit) / per_minute)))
        count = int(math.ceil(self.bars * self.bar / span))
        per_phrase = max(1, int(self.phrase * self.bar / span))
        degrees = progression(self.rng, count, per_phrase)
        return [(k * span, d) for k, d in enumerate(degrees)]

    def melody(self, chords: list[tuple[Fraction, int]], rate: float, low: int = 62,
               high: int = 84) -> list[tuple[Fraction, Fraction, int]]:
        """(start, length, pitch): a stepwise line, chord tones on the beats, a bar rhythm
        repeated with variation, phrase endings with a held note and a pickup."""
        rng = self.rng
        motif = bar_rhythm(rng, self.beats, self.unit, self.beat_bpm, rate)
        degree = int(rng.integers(2, 7))
        out = []
        for b in range(self.bars):
            if b % self.phrase == self.phrase - 1:
                rhythm = phrase_end(rng, self.beats, self.unit)
            elif rng.random() < 0.35:
                rhythm = bar_rhythm(rng, self.beats, self.unit, self.beat_bpm, rate)
            else:
                rhythm = motif
            t = b * self.bar
            for length in rhythm:
                if length > 0:
                    chord = chord_at(chords, t)
                    step = int(pick(rng, (-2, -1, -1, 0, 1, 1, 2, 3, -3)))
                    degree = int(np.clip(degree + step, -2, 11))
                    if t % self.unit == 0 and rng.random() < 0.75:
                        degree = nearest_chord_degree(degree, chord)
                    pitch = self.key.pitch(degree)
                    while pitch > high:
                        pitch -= 12
                    while pitch < low:
                        pitch += 12
                    out.append((t, length, pitch))
                t += abs(length)
        return out

    def voice(self, chords: list[tuple[Fraction, int]], low: int, high: int,
              rhythm: Fraction, passing: float = 0.0) -> list[tuple[Fraction, Fraction, int]]:
        """A smooth inner voice on chord tones, one note per ``rhythm`` quarters; with
        probability ``passing`` a note gives its second half to a passing tone of the scale
        towards the next one (the quavers of a chorale's inner voices)."""
        line, last = [], (low + high) // 2
        t = Fraction(0)
        while t < self.bars * self.bar:
            tones = self.key.triad(chord_at(chords, t))
            options = [p for p in range(low, high + 1) if p % 12 in tones]
            last = min(options, key=lambda p: (abs(p - last), p))
            line.append((t, rhythm, last))
            t += rhythm
        scale = {(self.key.tonic + d) % 12 for d in self.key.scale}
        out = []
        for (t, length, pitch), (_, _, following) in zip(line, line[1:] + line[-1:], strict=True):
            between = [p for p in range(min(pitch, following) + 1, max(pitch, following))
                       if p % 12 in scale]
            if between and self.rng.random() < passing:
                out += [(t, length / 2, pitch),
                        (t + length / 2, length / 2, between[len(between) // 2])]
            else:
                out.append((t, length, pitch))
        return out

    def bass_line(self, chords: list[tuple[Fraction, int]], style: str
                  ) -> list[tuple[Fraction, Fraction, int]]:
        """Chord roots (fifths on weak beats) on every beat, on the bar line only, or in
        walking quavers."""
        out = []
        t = Fraction(0)
        step = {"beats": self.unit, "bar": self.bar, "quavers": self.unit / 2
                if not self.compound else self.unit / 3}[style]
        while t < self.bars * self.bar:
            tones = self.key.triad(chord_at(chords, t))
            pc = tones[0] if t % self.bar == 0 else int(pick(self.rng, tones, (2, 1, 2)))
            out.append((t, step, 36 + (pc - 36) % 12))
            t += step
        return out


def chord_at(chords: list[tuple[Fraction, int]], t: Fraction) -> int:
    """The chord degree sounding at ``t``."""
    current = chords[0][1]
    for start, degree in chords:
        if start > t:
            break
        current = degree
    return current


def nearest_chord_degree(degree: int, chord: int) -> int:
    """The scale degree nearest ``degree`` that belongs to the triad on ``chord``."""
    members = {(chord + k) % 7 for k in (0, 2, 4)}
    for delta in (0, 1, -1, 2, -2):
        if (degree + delta) % 7 in members:
            return degree + delta
    return degree


def compose_excerpt(rng: np.random.Generator, synth, sfid: int, source: str) -> dict | None:
    """Compose, arrange and render one excerpt; None if its window does not fit."""
    numerator, denominator, _, bpm_range = pick(rng, METERS, [m[2] for m in METERS])
    beat_bpm = float(np.exp(rng.uniform(*np.log(bpm_range))))
    cut = (numerator, denominator) == (2, 2)
    # Chorales move in slow beats; a hymn-like texture at a quick tempo is rare.
    texture = str(pick(rng, [t for t, _ in TEXTURES], [w * (0.3 if t == "chorale" and beat_bpm
                                                             > 110 else 1.0)
                                                         for t, w in TEXTURES]))
    kind = str(pick(rng, [k for k, _ in TEMPO_KINDS], [w for _, w in TEMPO_KINDS]))
    if kind == "fermatas" and texture != "chorale":  # fermata slow-downs are the chorales'
        kind = "rubato"
    fastest = 1.5 if kind == "accelerando" else 1.05
    unit, beats_per_bar = meter_grid(numerator, denominator)
    bar = unit * beats_per_bar
    need = int(math.ceil(SECONDS * beat_bpm * fastest / 60 * float(unit) / float(bar))) + 2
    piece = Composer(rng, need + 2, numerator, denominator, beat_bpm)
    # Notes per second the tune aims at: slow pieces get running figures, quick ones fewer.
    rate = float(np.exp(rng.uniform(np.log(1.5), np.log(6.0))))
    origin = Fraction(0)  # MIDI time zero; the first counted bar is the piece's second
    fermatas = [k * piece.phrase * bar - unit for k in range(1, piece.bars // piece.phrase + 1)]
    window = timed_window(kind, beat_bpm, unit, bar, (need + 1) * bar, fermatas, rng)
    if window is None:
        return None
    tempo, desc, lead, w0, beats, downbeats = window[:6]
    end_q = origin + window.end

    programs: dict[int, int] = {}
    parts: list[tuple[int, list[tuple[Fraction, Fraction, int]]]] = []  # channel, notes
    accomp: list[Note] = []
    arrangement = texture
    if texture == "chorale":
        chords = piece.harmony(per_minute=float(rng.uniform(50, 100)))
        table = pick(rng, CHORALE_SETS)
        soprano = piece.melody(chords, rate=min(rate, 2.2 * beat_bpm / 60), low=64, high=79)
        passing = float(rng.uniform(0, 0.4)) if beat_bpm < 110 else 0.0
        parts = [(0, soprano), (1, piece.voice(chords, 57, 69, unit, passing)),
                 (2, piece.voice(chords, 50, 62, unit, passing)),
                 (3, piece.bass_line(chords, "beats"))]
        for channel, program in enumerate(table):
            programs[channel] = program
        arrangement += f" ({'/'.join(str(p) for p in table)})"
    else:
        chords = piece.harmony(per_minute=float(np.exp(rng.uniform(np.log(15), np.log(70)))))
        tune = piece.melody(chords, rate)
        if texture == "quartet":
            reduction = rng.random() < 0.5
            second = piece.voice(chords, 55, 70, pick(rng, (unit, bar / 2 if piece.beats % 2 == 0
                                                            else unit)))
            inner_step = unit / 2 if not piece.compound else unit / 3
            inner = piece.voice(chords, 50, 64, inner_step if rng.random() < 0.6 else bar)
            bass = piece.bass_line(chords, str(pick(rng, ("beats", "bar", "quavers"))))
            parts = [(0, tune), (1, second), (2, inner), (3, bass)]
            for channel, program in enumerate((40, 40, 41, 42)):
                programs[channel] = 0 if reduction else program
            if not reduction:
                programs[8] = 0
            arrangement += " (piano reduction)" if reduction else " (strings + piano doubling)"
        else:
            if texture == "piano":
                programs[0] = int(pick(rng, KEYBOARDS))
                programs[1] = programs[2] = programs[0]
            else:
                programs[0] = int(pick(rng, MELODY_PROGRAMS + EXTRA_MELODY))
                programs[1] = int(pick(rng, BASS_PROGRAMS))
                programs[2] = int(pick(rng, CHORD_PROGRAMS))
            if programs[0] == 40:  # a bowed melody needs a quicker attack beside it
                programs[8] = 0
            parts = [(0, tune)]
            if rng.random() < 0.3:  # a countermelody in long notes
                programs[3] = int(pick(rng, (0, 48, 68, 71, 19)))
                parts.append((3, piece.voice(chords, 55, 67, bar)))
            if piece.compound:
                pattern = str(pick(rng, ("compound", "arpeggio", "block"), (3, 2, 1)))
            elif piece.beats == 3:
                pattern = str(pick(rng, ("waltz", "arpeggio", "block"), (3, 2, 1)))
            else:
                pattern = str(pick(rng, ("oompah", "stride", "arpeggio", "block"), (3, 2, 2, 1)))
            holder = Piece(source=source, collection="procedural", title="",
                           numerator=numerator, denominator=denominator, bar=bar, bars=[],
                           notes=[], parts=1, key_tonic=piece.key.tonic,
                           key_minor=piece.key.minor,
                           chords=[(s, [p + 48 for p in piece.key.triad(d)]) for s, d in chords])
            accomp = accent_accompaniment(accompaniment(holder, pattern, unit, origin, end_q, rng),
                                          origin, unit, bar, rng)
            arrangement += f" ({pattern})"
    notes: list[Note] = []
    for channel, line in parts:
        for s, length, pitch in line:
            if s >= end_q:
                continue
            velocity = score_velocity(s - origin, unit, bar, rng) - (8 if channel else 0)
            notes.append(Note(s, length, pitch, "score", channel, velocity))
            if 8 in programs and (channel == 0 or texture == "quartet"):
                notes.append(Note(s, length, pitch, "score", 8, max(velocity - 10, 30)))
    notes += accomp
    use_drums = texture != "chorale" and rng.random() < 0.3
    if use_drums:
        programs[9] = 0
        notes += accented_drums(origin, end_q, unit, bar, rng)
    y = mix_down(render(notes, programs, tempo, origin, w0 + SECONDS + 0.5, synth, sfid),
                 w0, rng)
    meter = "4/4" if cut else f"{numerator}/{denominator}"
    row = {
        "source": source, "composer_collection": "procedural", "title": "",
        "meter": meter, "notated_meter": "2/2" if cut else meter, "bpm": round(beat_bpm, 1),
        "bpm_min": round(60 / float(np.diff(beats).max()), 1),
        "bpm_max": round(60 / float(np.diff(beats).min()), 1),
        "tempo_changes": "no" if kind == "constant" else "yes", "tempo_curve": desc,
        "drums": "yes" if use_drums else "no",
        "programs": "; ".join(f"ch{c}:{p}" for c, p in sorted(programs.items())),
        "style": texture, "arrangement": arrangement,
        "key": f"{piece.key.tonic}{'m' if piece.key.minor else ''}",
        "note_rate": round(rate, 2), "duration_s": SECONDS, "n_beats": len(beats),
        "n_downbeats": len(downbeats), "first_beat_s": round(float(beats[0]), 3),
        "lead_in_beats": round(float(lead / unit), 3),
    }
    sig = (4, 4) if cut else (numerator, denominator)
    return {"audio": y, "beats": beats, "downbeats": downbeats, "row": row,
            "midi": midi_bytes(notes, programs, tempo, origin, *sig), "w0": w0,
            "onsets_midi": note_onsets(notes, tempo, origin, w0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path.home() / ".cache" / "dancekit"
                        / "beats_scores_s0", help="folder for NAME.ogg/.beats.txt/.downbeats.txt")
    parser.add_argument("--count", type=int, default=400, help="excerpts to draw")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    args = parser.parse_args()
    import tinysoundfont

    if not SOUNDFONT.exists():
        raise SystemExit(f"{SOUNDFONT} missing: apt-get install fluid-soundfont-gm")
    args.out.mkdir(parents=True, exist_ok=True)
    synth = tinysoundfont.Synth(samplerate=RENDER_SR)
    sfid = synth.sfload(str(SOUNDFONT))
    rows, rejected = [], 0
    for k in progress(range(args.count), total=args.count, description="composing"):
        source = f"procedural:{args.seed}:{k}"
        ex = compose_excerpt(np.random.default_rng([args.seed, k]), synth, sfid, source)
        check = verify(ex) if ex is not None else {"verified": "no window"}
        if check.get("verified") != "yes":
            rejected += 1
            print(f"reject {source}: {check}")
            continue
        row = ex["row"]
        name = (f"gen{args.seed}_{k:04d}_{row['meter'].replace('/', '')}_"
                f"{row['style'].split('+')[0]}")
        save_excerpt(args.out, name, ex)
        rows.append({"name": name, **row, **check})
    write_index(args.out, rows)
    print(f"{len(rows)} excerpts in {args.out} ({rejected} rejected by the checks)")


if __name__ == "__main__":
    main()
