"""``dancekit dance`` (any model, any music) and ``dancekit demo`` (the bundled song)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import SECONDS, SEED, SIZE, TEMPERATURE, check_all
from dancekit.cli.stages import Stages
from dancekit.errors import ParameterError
from dancekit.pipeline import DEFAULT_MODEL, LEARNED_TRAVEL
from dancekit.utils import check_output_path

VIDEO_SUFFIXES = (".mp4", ".gif", ".png")
MOTION_SUFFIXES = (".bvh", ".npz", ".json")
ASSETS = Path(__file__).resolve().parents[1] / "assets"
DEMO_SONG = ASSETS / "demo_song.ogg"

if TYPE_CHECKING:
    from dancekit.motion import Motion
    from dancekit.render.images import ImageDance
    from dancekit.render.soundtrack import Soundtrack


def _check_output(out: Path) -> str:
    """Fail before any work on an output we could not write."""
    return check_output_path(out, VIDEO_SUFFIXES + MOTION_SUFFIXES).suffix.lower()


def _makes_images(model: str) -> bool:
    """Whether the named model dances in pictures (``output = "images"``: no joints, so no
    BVH or JSON); a checkpoint path is only known once it is loaded."""
    from dancekit.models import model_class

    try:
        return getattr(model_class(model), "output", "motion") == "images"
    except ParameterError:
        return False


def _write_images(dance: ImageDance, out: Path, suffix: str, track: Soundtrack | None,
                  size: int, say: Stages) -> None:
    """An image model's dance: a video of its frames with the music, or NPZ."""
    from dancekit.render.images import IMAGE_FORMATS, render_images, save_image_dance

    if suffix not in IMAGE_FORMATS:
        raise ParameterError(f"this model's dances are pictures, not joints: choose "
                             f"{', '.join(IMAGE_FORMATS)} instead of {suffix}")
    if suffix == ".npz":
        say(f"writing {out.name}")
        save_image_dance(dance, out)
        return
    frames = _video_frames(dance, suffix)
    say(f"rendering {frames} frame{'s' if frames != 1 else ''}")
    render_images(dance, out, audio=track, width=size, progress=say.bars)


def _video_frames(motion: Motion | ImageDance, suffix: str) -> int:
    """How many frames :func:`dancekit.render.render` draws for ``motion`` into ``suffix``."""
    from dancekit.render.video import GIF_FPS

    if suffix == ".png":
        return 1
    fps = min(GIF_FPS, motion.fps) if suffix == ".gif" else motion.fps
    return max(1, round(motion.duration * fps))


def _retimed(meta: dict[str, Any]) -> str:
    """The summary's account of the re-timing: only what actually changed the dance."""
    parts = []
    moved = meta.get("beat_warp", {}).get("moved", 0)
    if moved:
        parts.append(f"{moved} slow-down{'s' if moved != 1 else ''} moved onto beats")
    strength = round(float(meta.get("beat_ease", {}).get("strength", 0.0)), 2)
    if strength > 0:
        parts.append(f"eased on the beat at {strength:.2f}")
    if meta.get("travel") == "learned":
        parts.append("travel learned from real dancers")
    return "".join(f", {p}" for p in parts)


def _soundtrack(audio: Path, seconds: float | None,
                suffix: str) -> AbstractContextManager[Soundtrack | None]:
    """An MP4's music, encoded on the other core while this one makes the dance."""
    if suffix != ".mp4":
        return nullcontext()
    from dancekit.render.soundtrack import Soundtrack

    return Soundtrack(audio, seconds)


def dance_to_file(audio: Path, out: Path, *, model: str = DEFAULT_MODEL,
                  checkpoint: Path | None = None, seed: int = 0, style: str | None = None,
                  seconds: float | None = None, size: int = 512,
                  beat_warp: bool = True, beat_ease: bool = True,
                  temperature: float | None = None, travel: str | None = None,
                  stages: Stages | None = None) -> str:
    """:func:`dancekit.pipeline.dance` for ``audio`` with the command's options, written to
    ``out`` (video with the music, or a motion file, by extension). ``stages`` hears what is
    being done. Returns a one-line summary."""
    from dancekit.pipeline import dance

    say = stages or Stages(quiet=True)
    check_all((SEED, seed), (SECONDS, seconds), (SIZE, size), (TEMPERATURE, temperature))
    suffix = _check_output(out)
    if suffix == ".mp4" and size % 2:
        raise ParameterError(f"--size must be even for .mp4 (H.264 needs an even width and "
                             f"height), got {size}")
    if suffix in (".bvh", ".json") and _makes_images(model):
        raise ParameterError(f"model {model} makes videos of dancer images, not joints: "
                             f"choose .mp4, .gif, .png or .npz instead of {suffix}")
    with _soundtrack(audio, seconds, suffix) as track:
        motion = dance(audio, model=model, checkpoint=checkpoint, style=style, seed=seed,
                       seconds=seconds, beat_warp=beat_warp, beat_ease=beat_ease,
                       temperature=temperature, travel=travel, stages=say)
        from dancekit.render.images import ImageDance

        if isinstance(motion, ImageDance):
            _write_images(motion, out, suffix, track, size, say)
        elif suffix in VIDEO_SUFFIXES:
            from dancekit.render import render

            frames = _video_frames(motion, suffix)
            say(f"rendering {frames} frame{'s' if frames != 1 else ''}")
            render(motion, out, audio=track, size=size, progress=say.bars)
        else:
            from dancekit.io import save_motion

            say(f"writing {out.name}")
            save_motion(motion, out)
    return (f"{out}: {motion.duration:.1f} s at {motion.fps:g} fps, model {model}, "
            f"style {_style(motion.meta)}, seed {seed}"
            + (f", temperature {temperature:g}" if temperature is not None else "")
            + _retimed(motion.meta))


def _style(meta: dict[str, Any]) -> str:
    """The summary's style: the one danced and, when chosen automatically, what it heard."""
    auto = meta.get("style_auto")
    heard = f" (auto: {auto['meter']}, {auto['tempo']:.0f} BPM)" if auto else ""
    return f"{meta.get('style', 'none')}{heard}"


QUIET_HELP = "No stage lines or progress bars on stderr."


@command("dance")
def dance(
    audio: Annotated[Path, typer.Argument(help="Music file (wav, mp3, ogg, flac, m4a, ...).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output: .mp4 (with the music), "
                                      ".gif, .png, .bvh, .npz or .json.")],
    model: Annotated[str, typer.Option("--model", help="Model name (dance-tokens-ballroom: "
                                       "the default, trained on real ballroom capture; "
                                       "dance-tokens: trained on synthetic dances; fact; "
                                       "fact-ballroom: FACT trained on real ballroom capture; "
                                       "dance-revolution; d2m; procedural; dancenet: a video "
                                       "of generated dancer silhouettes, .mp4/.gif/.png/.npz) "
                                       "or a checkpoint path.")]
        = DEFAULT_MODEL,
    checkpoint: Annotated[Path | None, typer.Option(
        "--checkpoint", help="Checkpoint to load instead of the model's bundled weights.")]
        = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED.help(
        "Random seed: same seed, same dance."))] = 0,
    style: Annotated[str, typer.Option(
        "--style", help="Dance style: auto picks the style of the model's that fits the "
        "music's meter and tempo best (printed); none asks for no style (the learned models' "
        "unconditioned dance); or any style the model knows (a wrong name lists them).")]
        = "auto",
    seconds: Annotated[float | None, typer.Option("--seconds", help=SECONDS.help(
        "Length of the dance; default the length of the music."))] = None,
    size: Annotated[int, typer.Option("--size", help=SIZE.help(
        "Video size in pixels (even for .mp4); the width of an image model's video."))] = 512,
    beat_warp: Annotated[bool, typer.Option(
        "--beat-warp/--no-beat-warp", help="Re-time the dance so its slow-downs land on the "
        "music's beats (Dancing to Music's beat warper; moves shift by at most 0.3 beat; "
        "models that make joints).")]
        = True,
    beat_ease: Annotated[bool, typer.Option(
        "--beat-ease/--no-beat-ease", help="Then slow the dance down on the beats, as dancers "
        "do, where it does not already (re-timing inside each beat; poses are kept).")]
        = True,
    temperature: Annotated[float | None, typer.Option(
        "--temperature", help=TEMPERATURE.help(
            "Models that draw their dance from learned odds (dance-tokens, "
            "dance-tokens-ballroom, dancenet): below 1 calmer and more typical, above 1 more "
            "varied; default the model's own."))] = None,
    travel: Annotated[str | None, typer.Option(
        "--travel", help="Where the dancer's path over the floor comes from: model (the "
        "model's own), learned (the travel real ballroom dancers' movement implies, for "
        "models whose dancers move but hardly travel) or a travel checkpoint (dancekit "
        "train travel). Default: learned for the bundled weights of "
        f"{', '.join(LEARNED_TRAVEL[:-1])} and {LEARNED_TRAVEL[-1]}, model otherwise.",
        show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """Make a dance for a piece of music and save it as a video or a motion file. On a
    terminal, stderr shows each stage and the rendering's progress; stdout gets one summary
    line."""
    typer.echo(dance_to_file(audio, out, model=model, checkpoint=checkpoint, seed=seed,
                             style=style, seconds=seconds, size=size,
                             beat_warp=beat_warp, beat_ease=beat_ease,
                             temperature=temperature, travel=travel, stages=Stages(quiet)))


@command("demo")
def demo(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output video (.mp4 with the "
                                      "music, .gif or .png).")] = Path("demo.mp4"),
    seed: Annotated[int, typer.Option("--seed", help=SEED.help("Random seed."))] = 0,
    size: Annotated[int, typer.Option("--size", help=SIZE.help(
        "Video size in pixels (even for .mp4)."))] = 512,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """Render the default model dancing to the bundled demo song, with the music."""
    if out.suffix.lower() not in VIDEO_SUFFIXES:
        raise ParameterError(f"the demo is a video: choose {out.name} ending in "
                             f"{', '.join(VIDEO_SUFFIXES)}")
    typer.echo(dance_to_file(DEMO_SONG, out, seed=seed, size=size, stages=Stages(quiet)))
