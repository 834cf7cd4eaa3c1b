"""``dancekit dance`` (any model, any music) and ``dancekit demo`` (the bundled song)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dancekit.cli.app import command
from dancekit.errors import ParameterError
from dancekit.synth.styles import StyleName
from dancekit.utils import check_output_path

#: The model ``dancekit dance`` and ``dancekit demo`` use when none is named.
DEFAULT_MODEL = "dance-tokens"
VIDEO_SUFFIXES = (".mp4", ".gif", ".png")
MOTION_SUFFIXES = (".bvh", ".npz", ".json")
ASSETS = Path(__file__).resolve().parents[1] / "assets"
#: Music analysed past the end of a ``--seconds`` dance, so the features and beats of its last
#: moments see what follows them, as they would in the whole song.
SPAN_MARGIN_SECONDS = 5.0
DEMO_SONG = ASSETS / "demo_song.ogg"


def _check_output(out: Path) -> str:
    """Fail before any work on an output we could not write."""
    return check_output_path(out, VIDEO_SUFFIXES + MOTION_SUFFIXES).suffix.lower()


def _music_span(audio: Path, seconds: float | None) -> Any:
    """What the model analyses: the whole file, or for a ``seconds`` dance only its first
    ``seconds`` + :data:`SPAN_MARGIN_SECONDS`, decoded once (the rest is never read). The
    decoded span keys the feature cache by its samples, so a span and the whole song never
    share an entry, and the dance equals the one made for the file cut at that length."""
    if seconds is None:
        return audio
    from dancekit.audio import load

    return load(audio, max_seconds=seconds + SPAN_MARGIN_SECONDS)


def dance_to_file(audio: Path, out: Path, *, model: str = DEFAULT_MODEL,
                  checkpoint: Path | None = None, seed: int = 0, style: str | None = None,
                  seconds: float | None = None, size: int = 512,
                  beat_warp: bool = True, beat_ease: bool = True) -> str:
    """Generate a dance for ``audio`` with ``model`` and write it to ``out`` (video with the
    music, or a motion file, by extension); with ``beat_warp``, re-time it so its slow-downs
    land on the tracked beats (:func:`dancekit.motion.beat_warp.warp_to_beats`), with
    ``beat_ease`` so it slows down on them (:func:`dancekit.motion.beat_ease.ease_to_beats`).
    Returns a one-line summary."""
    from dancekit.models import load_model

    suffix = _check_output(out)
    if seconds is not None and not seconds > 0:
        raise ParameterError(f"--seconds must be positive, got {seconds}")
    music = _music_span(audio, seconds)
    dancer = load_model(model, checkpoint)
    motion = dancer.generate(music, seconds=seconds, seed=seed, style=style)
    motion.meta.setdefault("audio", str(audio))
    retimed = ""
    if beat_warp or beat_ease:
        from dancekit.audio import cached_features
        from dancekit.motion import time_to_beats

        motion = time_to_beats(motion, cached_features(music, "beats"), warp=beat_warp,
                               ease=beat_ease)
        if beat_warp:
            retimed += f", {motion.meta['beat_warp']['moved']} slow-downs moved onto beats"
        if beat_ease:
            retimed += f", eased on the beat at {motion.meta['beat_ease']['strength']:.2f}"
    if suffix in VIDEO_SUFFIXES:
        from dancekit.render import render

        render(motion, out, audio=audio if suffix == ".mp4" else None, size=size)
    else:
        from dancekit.io import save_motion

        save_motion(motion, out)
    chosen = motion.meta.get("style", style or "-")
    return (f"{out}: {motion.duration:.1f} s at {motion.fps:g} fps, model {model}, "
            f"style {chosen}, seed {seed}{retimed}")


@command("dance")
def dance(
    audio: Annotated[Path, typer.Argument(help="Music file (wav, mp3, ogg, flac, m4a, ...).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output: .mp4 (with the music), "
                                      ".gif, .png, .bvh, .npz or .json.")],
    model: Annotated[str, typer.Option("--model", help="Model name (dance-tokens: the "
                                       "default; fact; procedural) or a checkpoint path.")]
        = DEFAULT_MODEL,
    checkpoint: Annotated[Path | None, typer.Option(
        "--checkpoint", help="Checkpoint to load instead of the model's bundled weights.")]
        = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same "
                                                     "dance.")] = 0,
    style: Annotated[StyleName | None, typer.Option(
        "--style", help="Dance style; default: chosen by the model from the music.")] = None,
    seconds: Annotated[float | None, typer.Option(
        "--seconds", help="Length of the dance; default the length of the music.")] = None,
    size: Annotated[int, typer.Option("--size", help="Video size in pixels.")] = 512,
    beat_warp: Annotated[bool, typer.Option(
        "--beat-warp/--no-beat-warp", help="Re-time the dance so its slow-downs land on the "
        "music's beats (Dancing to Music's beat warper; moves shift by at most 0.3 beat).")]
        = True,
    beat_ease: Annotated[bool, typer.Option(
        "--beat-ease/--no-beat-ease", help="Then slow the dance down on the beats, as dancers "
        "do, where it does not already (re-timing inside each beat; poses are kept).")]
        = True,
) -> None:
    """Make a dance for a piece of music and save it as a video or a motion file."""
    typer.echo(dance_to_file(audio, out, model=model, checkpoint=checkpoint, seed=seed,
                             style=style.value if style else None, seconds=seconds, size=size,
                             beat_warp=beat_warp, beat_ease=beat_ease))


@command("demo")
def demo(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output video (.mp4 with the "
                                      "music, .gif or .png).")] = Path("demo.mp4"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    size: Annotated[int, typer.Option("--size", help="Video size in pixels.")] = 512,
) -> None:
    """Render the default model dancing to the bundled demo song, with the music."""
    if out.suffix.lower() not in VIDEO_SUFFIXES:
        raise ParameterError(f"the demo is a video: choose {out.name} ending in "
                             f"{', '.join(VIDEO_SUFFIXES)}")
    typer.echo(dance_to_file(DEMO_SONG, out, seed=seed, size=size))
