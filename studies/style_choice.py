"""How often ``--style auto`` picks a song's own style, on real music.

1. **Ballroom genres**: every ballroom song with audio (``DANCE_<W|R|C|T>_n/audio.mp3``),
   the style :func:`dancekit.models.style_choice.choose_style` picks among ``--styles``
   (default: the bundled models' styles plus the four ballroom ones), counted per genre.
2. **Meter**: on the music DEV set (exact meters in ``index.csv``), how often the chosen
   style is danced in a meter of the song's kind (three beats a bar or not), with ballet,
   which is danced in every meter, left out of the styles so that a hit means something.

    python studies/style_choice.py [--data ../shared/data] [--seconds 120]
        [--styles ballet,chacha,hiphop,house,latin,pop,rumba,tango,waltz]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from dancekit.audio import Music
from dancekit.errors import AudioDecodeError
from dancekit.models.style_choice import STYLE_PRIORS, choose_style, meter_kind

GENRES = {"W": "waltz", "C": "chacha", "R": "rumba", "T": "tango"}
STYLES = "ballet,chacha,hiphop,house,latin,pop,rumba,tango,waltz"


def ballroom_table(folder: Path, styles: list[str], seconds: float) -> None:
    """Per genre: songs, how many got their own style, and what they got."""
    picked: dict[str, Counter] = {genre: Counter() for genre in GENRES.values()}
    for audio in sorted(folder.glob("DANCE_*/audio.mp3")):
        genre = GENRES[audio.parent.name.split("_")[1]]
        try:
            choice = choose_style(Music.load(audio, seconds), styles)
        except AudioDecodeError as err:
            print(f"skipped {audio.parent.name}: {err}")
            continue
        picked[genre][choice.style if choice else "none"] += 1
    print("| genre | songs | own style | chosen (count) |\n|---|---|---|---|")
    for genre, counts in picked.items():
        total = sum(counts.values())
        chosen = ", ".join(f"{s} {n}" for s, n in counts.most_common())
        print(f"| {genre} | {total} | {counts[genre]} | {chosen} |")


def meter_table(folder: Path, styles: list[str], seconds: float) -> None:
    """Per DEV song: its meter, the tracked one, the chosen style and whether it fits."""
    styles = [s for s in styles if s != "ballet"]
    hits = rows = 0
    print("\n| song | meter | tracked | BPM | chosen | fits |\n|---|---|---|---|---|---|")
    with open(folder / "index.csv", newline="") as f:
        for row in csv.DictReader(f):
            music = Music.load(folder / f"{row['name']}.ogg", seconds)
            choice = choose_style(music, styles)
            triple = meter_kind(row["meter"])[0]
            fits = choice is not None and any(
                meter_kind(m)[0] == triple for m in STYLE_PRIORS[choice.style].meters)
            hits, rows = hits + fits, rows + 1
            print(f"| {row['name']} | {row['meter']} | {music.beats.meter} | "
                  f"{music.beats.tempo:.0f} | {choice.style if choice else 'none'} | "
                  f"{'yes' if fits else 'no'} |")
    print(f"\nmeter hit rate: {hits}/{rows} (styles: {', '.join(styles)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="analyse the first SECONDS (+5) of each song, as --seconds does")
    parser.add_argument("--styles", default=STYLES, help="the styles the model knows")
    args = parser.parse_args()
    styles = args.styles.split(",")
    ballroom_table(args.data / "ballroom", styles, args.seconds)
    meter_table(args.data / "music", styles, args.seconds)


if __name__ == "__main__":
    main()
