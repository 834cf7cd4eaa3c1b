"""``dancekit synth``: synthetic music and dance pairs with exact ground truth."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import FPS, PAIRS, SEED, SYNTH_SECONDS, check_all


class AudioFormat(str, Enum):
    wav = "wav"
    ogg = "ogg"


@command("synth")
def synth(
    n: Annotated[int, typer.Option("--n", help=PAIRS.help(
        "Number of music-dance pairs to write."))],
    out: Annotated[Path, typer.Option("--out", help="Output folder (created; its parent "
                                                     "must exist).")],
    seed: Annotated[int, typer.Option("--seed", help=SEED.help(
        "Dataset seed: same seed, same files."))] = 0,
    styles: Annotated[str, typer.Option(
        "--styles", help="Comma-separated styles (hiphop,house,pop,waltz,latin,ballet,"
                         "chacha,rumba,tango); default all.")] = "",
    seconds: Annotated[float, typer.Option("--seconds", help=SYNTH_SECONDS.help(
        "Length of each pair in seconds."))] = 30.0,
    fps: Annotated[float, typer.Option("--fps", help=FPS.help(
        "Frame rate of the dances."))] = 30.0,
    audio_format: Annotated[AudioFormat, typer.Option(
        "--audio-format", help="Audio file type: wav (lossless) or ogg (small).")]
        = AudioFormat.wav,
) -> None:
    """Write N synthetic songs with dances and exact beats, sections and style labels."""
    from dancekit.synth.dataset import write_dataset
    from dancekit.synth.styles import parse_styles

    check_all((PAIRS, n), (SEED, seed), (SYNTH_SECONDS, seconds), (FPS, fps))
    records = write_dataset(out, n, seed=seed, styles=parse_styles(styles), seconds=seconds,
                            fps=fps, audio_format=audio_format.value)
    typer.echo(f"{len(records)} pairs in {out} (index.json, README.md)")
