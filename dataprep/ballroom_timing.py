"""Measure how each ballroom sequence's motion is timed against its music, judge it against
chance, and write the table :func:`dancekit.data.ballroom.ballroom_pair` uses.

Usage::

    python dataprep/ballroom_timing.py [--data ../shared/data/ballroom] [--cache DIR]
                                       [--write src/dancekit/data/ballroom_timing.json]

A time map is ``music_time = offset + rate * motion_time`` (motion time = frame / 25). Its
score is how strongly the dance's whole-body speed envelope locks to the song's beat grid:
``|sum_t w(t) exp(2 pi i phase(offset + rate t) / m)| / sqrt(T)``, with w the z-scored
speed envelope (:func:`dancekit.metrics.beats.speed_envelope`), ``phase`` the beat count of
the tracked beats (:func:`dancekit.audio.track_beats`, interpolated between beats) and m the
number of beats one movement cycle spans (1 to 4; the best is kept). A dance whose speed
follows the beat at any fixed lag scores high; one that drifts against it scores about 1.
The phase is free, so a perfectly steady song cannot pin the offset beyond one movement
cycle: only the config's start (below) and the song's own tempo changes can.

Two maps are scored per sequence:

* **config**: ``config.json`` read as frames of 25 fps *music* time: offset = start / 25 s,
  rate = (end - start) / frames (so the motion spans exactly start..end of the song);
* **search**: the best over rates within +-20 % of the config's and of 1 (0.3 % steps, then
  0.02 %), every offset (20 ms steps) that keeps the dance inside the song, and m.

Chance: the same scores for the same envelope cut into 1-3 s blocks in random order
(``NULL_DRAWS`` draws), which keeps its movement vocabulary and destroys its timing. For the
config map the null is the fixed-map score; for the search it is the best the coarse search
finds around the real best rate (+-20 %, the best m). ``z`` = (real - null mean) / null std.

Verdicts: *config* (the config map scores z >= Z_MIN and the search's best rate is within
RATE_AGREE of it: use the config map), *search* (only the search is above chance, z >=
Z_MIN: use its map, whose offset is then known only to one movement cycle), *drop*
otherwise, or when the audio cannot be read.
"""

from __future__ import annotations

import argparse
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.audio import load, track_beats
from dancekit.errors import AudioDecodeError
from dancekit.io import load_ballroom
from dancekit.metrics.beats import speed_envelope

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"
GRID_HZ = 50.0
SPREAD = 1.2
COARSE_STEP = 3e-3
FINE_STEP = 2e-4
CYCLES = (1, 2, 3, 4)
NULL_DRAWS = 40
BLOCK_SECONDS = (1.0, 3.0)
Z_MIN = 4.0
RATE_AGREE = 0.01
TRUNCATED_READ = 240.0


@dataclass
class Song:
    """A song's tracked beats and length."""

    beats: np.ndarray
    tempo: float
    meter: str
    duration: float


@dataclass
class Fit:
    """A time map and its score."""

    rate: float
    offset: float
    score: float
    cycle: int


def song_beats(folder: Path, cache: Path | None) -> Song:
    """Beats of ``folder/audio.mp3`` (from ``cache`` when it holds them). A file shorter than
    its header says is read up to TRUNCATED_READ seconds."""
    cached = cache / f"{folder.name}.json" if cache else None
    if cached and cached.is_file():
        d = json.loads(cached.read_text())
    else:
        try:
            audio = load(folder / "audio.mp3")
        except AudioDecodeError:
            audio = load(folder / "audio.mp3", max_seconds=TRUNCATED_READ)
        d = {**track_beats(audio).to_dict(), "duration": audio.duration}
        if cached:
            cache.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(d))
    return Song(np.asarray(d["beats"]), d["tempo"], d["meter"], d["duration"])


class Scorer:
    """Scores of every offset for one envelope against one song, one FFT per rate."""

    def __init__(self, song: Song, cycle: int) -> None:
        grid = np.arange(int(song.duration * GRID_HZ) + 1) / GRID_HZ
        phase = np.interp(grid, song.beats, np.arange(song.beats.size),
                          left=np.nan, right=np.nan)
        wave = np.where(np.isnan(phase), 0, np.exp(2j * np.pi * np.nan_to_num(phase) / cycle))
        self.n = 1 << int(np.ceil(np.log2(2 * grid.size)))
        self.spectrum = np.fft.fft(wave, self.n)
        self.duration = song.duration
        self.cycle = cycle

    def offsets(self, w: np.ndarray, fps: float, rate: float) -> np.ndarray:
        """Complex lock of envelope ``w`` (z-scored, at ``fps``) for every offset on the grid
        that keeps the dance inside the song (index / GRID_HZ seconds)."""
        t = np.arange(w.size) / fps
        last = int((self.duration - rate * t[-1]) * GRID_HZ)
        if last < 0:
            return np.zeros(0, complex)
        train = np.zeros(self.n, complex)
        np.add.at(train, np.round(rate * t * GRID_HZ).astype(int), w)
        lock = np.fft.ifft(self.spectrum * np.conj(np.fft.fft(train)))
        return lock[: last + 1] / np.sqrt(w.size)

    def best(self, w: np.ndarray, fps: float, rates: np.ndarray) -> Fit:
        """Best map over ``rates`` and all offsets."""
        out = Fit(0.0, 0.0, -1.0, self.cycle)
        for rate in rates:
            lock = np.abs(self.offsets(w, fps, rate))
            if lock.size and lock.max() > out.score:
                j = int(np.argmax(lock))
                out = Fit(float(rate), j / GRID_HZ, float(lock[j]), self.cycle)
        return out

    def at(self, w: np.ndarray, fps: float, rate: float, offset: float) -> float:
        """Score of one map (0 when it leaves the song)."""
        lock = self.offsets(w, fps, rate)
        j = int(round(offset * GRID_HZ))
        return float(abs(lock[j])) if 0 <= j < lock.size else 0.0


def rate_grid(center: float, spread: float, step: float) -> np.ndarray:
    """Rates from ``center / spread`` to ``center * spread``, ``step`` apart in log."""
    k = int(np.ceil(np.log(spread) / step))
    return center * np.exp(np.arange(-k, k + 1) * step)


def search(scorer: Scorer, w: np.ndarray, fps: float, centers: tuple[float, ...]) -> Fit:
    """Coarse search around each of ``centers``, then a fine one around the best."""
    coarse = max((scorer.best(w, fps, rate_grid(c, SPREAD, COARSE_STEP)) for c in centers),
                 key=lambda f: f.score)
    return scorer.best(w, fps, rate_grid(coarse.rate, np.exp(COARSE_STEP), FINE_STEP))


def block_shuffled(w: np.ndarray, fps: float, rng: np.random.Generator) -> np.ndarray:
    """``w`` cut into blocks of random length (BLOCK_SECONDS, uniform), put back in random
    order. Random lengths matter: blocks of one length that holds a whole number of movement
    cycles would keep a periodic dance's phase."""
    cuts = np.cumsum(rng.uniform(*BLOCK_SECONDS, size=w.size) * fps).astype(int)
    parts = np.split(w, cuts[cuts < w.size])
    return np.concatenate([parts[i] for i in rng.permutation(len(parts))])


def zscore(real: float, null: np.ndarray) -> float:
    """How many null standard deviations ``real`` lies above the null mean."""
    return float((real - null.mean()) / max(float(null.std()), 1e-9))


@dataclass
class Row:
    """One line of the table."""

    sequence: str
    genre: str
    frames: int
    start: int
    end: int
    tempo: float
    meter: str
    config_rate: float
    config_score: float
    config_z: float
    rate: float
    offset: float
    cycle: int
    score: float
    z: float
    verdict: str
    use_rate: float
    use_offset: float
    why: str


def study(folder: Path, song: Song, rng: np.random.Generator) -> Row:
    """Measure one sequence (see the module doc)."""
    motion = load_ballroom(folder)
    env = speed_envelope(motion)[0]
    w = (env - env.mean()) / env.std()
    fps = motion.fps
    start, end = motion.meta["start_position"], motion.meta["end_position"]
    cfg_rate, cfg_offset = (end - start) / motion.num_frames, start / 25.0
    fits = [search(Scorer(song, m), w, fps, (cfg_rate, 1.0)) for m in CYCLES]
    best = max(fits, key=lambda f: f.score)
    scorer = Scorer(song, best.cycle)
    draws = [block_shuffled(w, fps, rng) for _ in range(NULL_DRAWS)]
    null_search = np.array([scorer.best(d, fps, rate_grid(best.rate, SPREAD, COARSE_STEP)).score
                            for d in draws])
    z = zscore(best.score, null_search)
    cfg_score = scorer.at(w, fps, cfg_rate, cfg_offset)
    cfg_z = zscore(cfg_score, np.array([scorer.at(d, fps, cfg_rate, cfg_offset)
                                        for d in draws]))
    agree = abs(best.rate / cfg_rate - 1) <= RATE_AGREE
    if cfg_z >= Z_MIN and agree:
        verdict, use, why = "config", (cfg_rate, cfg_offset), \
            f"config map locks (z {cfg_z:.1f}); search agrees on the rate"
    elif z >= Z_MIN:
        verdict, use, why = "search", (best.rate, best.offset), \
            f"only the searched map locks (z {z:.1f}; config z {cfg_z:.1f}, " \
            f"rates {'agree' if agree else 'differ'})"
    else:
        verdict, use, why = "drop", (float("nan"), float("nan")), \
            f"no map locks better than chance (search z {z:.1f}, config z {cfg_z:.1f})"
    return Row(folder.name, motion.meta["genre"], motion.num_frames, start, end,
               round(song.tempo, 1), song.meter, round(cfg_rate, 4), round(cfg_score, 2),
               round(cfg_z, 1), round(best.rate, 4), round(best.offset, 2), best.cycle,
               round(best.score, 2), round(z, 1), verdict, round(use[0], 4),
               round(use[1], 2), why)


COLUMNS = (("sequence", "sequence"), ("genre", "genre"), ("frames", "frames"),
           ("start", "config start"), ("end", "config end"), ("tempo", "tempo BPM"),
           ("meter", "meter"), ("config_rate", "config rate"),
           ("config_score", "config score"), ("config_z", "config z"),
           ("rate", "search rate"), ("offset", "search offset s"), ("cycle", "m"),
           ("score", "search score"), ("z", "search z"), ("verdict", "verdict"),
           ("why", "why"))


def markdown(rows: list[Row]) -> str:
    """The table as Markdown."""
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(getattr(r, key)) for key, _ in COLUMNS) + " |"
              for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, help="folder for tracked beats (JSON per song)")
    ap.add_argument("--write", type=Path, help="write the timing table (JSON) here")
    ap.add_argument("--only", nargs="*", help="study only these sequences")
    args = ap.parse_args()
    rows = []
    for folder in sorted(args.data.glob("DANCE_*")):
        if args.only and folder.name not in args.only:
            continue
        if not (folder / "audio.mp3").is_file():
            print(f"{folder.name}: no audio.mp3, skipped", flush=True)
            continue
        # each sequence draws its own null from its name, so its row does not depend on
        # which other sequences were studied before it
        rng = np.random.default_rng(zlib.crc32(folder.name.encode()))
        rows.append(study(folder, song_beats(folder, args.cache), rng))
        print(f"{folder.name}: {rows[-1].verdict} ({rows[-1].why})", flush=True)
        if args.write:  # after every sequence, so a long run that stops keeps what it measured
            write_table(rows, args.write)
    print(markdown(rows))


def write_table(rows: list[Row], path: Path) -> None:
    """The verdict and the map to use per sequence, as JSON."""
    table = {r.sequence: {"verdict": r.verdict, "why": r.why,
                          "rate": None if r.verdict == "drop" else r.use_rate,
                          "offset_s": None if r.verdict == "drop" else r.use_offset}
             for r in rows}
    path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
