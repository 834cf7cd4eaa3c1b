"""``dancekit pose`` (a video's 2D poses) and ``dancekit transfer`` (a trained target person
dancing any dance: another video, a motion file or a song)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import SECONDS, SEED, check_all
from dancekit.cli.dance_cmds import QUIET_HELP
from dancekit.cli.stages import Stages
from dancekit.errors import ParameterError
from dancekit.pipeline import DEFAULT_MODEL
from dancekit.utils import check_output_path, existing_file

VIDEO_IN = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")
MOTION_IN = (".npz", ".json", ".bvh", ".pkl", ".pickle")


@command("pose")
def pose(
    video: Annotated[Path, typer.Argument(help="Video of one person.", dir_okay=False)],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output poses: .npz or .json (a 2D "
                                      "mediapipe33 motion in the video's pixels).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """Detect the person's 2D pose in every frame (mediapipe, from the optional `pose`
    extra), smoothed over time, for `dancekit train transfer --poses`."""
    from dancekit.io import save_motion
    from dancekit.video.pose import detect_poses

    check_output_path(out, (".npz", ".json"))
    motion = detect_poses(existing_file(video, what="video"), show_progress=Stages(quiet).bars)
    save_motion(motion, out)
    seen = float((motion.confidence.mean(axis=1) >= 0.5).mean())
    typer.echo(f"{out}: {len(motion)} frames at {motion.fps:g} fps, a person found in "
               f"{seen:.0%} of them")


@command("transfer")
def transfer(
    checkpoint: Annotated[Path, typer.Option(
        "--checkpoint", help="A trained transfer model (RUN/model.safetensors from `dancekit "
        "train transfer --video TARGET.mp4 --out RUN`).", dir_okay=False)],
    motion: Annotated[Path, typer.Option(
        "--motion", help="The dance: a video of another dancer (needs the pose extra), a "
        "motion file dancekit reads (.npz, .json, .bvh, AIST++ .pkl, ballroom folder) or a "
        "song (then --model dances to it first and the music is muxed in).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output video (.mp4).")],
    model: Annotated[str, typer.Option("--model", help="For a song: the dance model (or a "
                                       "checkpoint path) that makes the dance.")]
        = DEFAULT_MODEL,
    seconds: Annotated[float | None, typer.Option("--seconds", help=SECONDS.help(
        "Length of the video; default the whole dance or song."))] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED.help(
        "For a song: the dance's random seed."))] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """Render the person a transfer model was trained on dancing the --motion's dance
    (Everybody Dance Now: poses normalised to the target's framing, drawn by the generator)."""
    from dancekit.models import load_model
    from dancekit.models.transfer import MotionTransfer
    from dancekit.models.transfer.perform import driving_poses, write_performance

    check_all((SEED, seed), (SECONDS, seconds))
    check_output_path(out, (".mp4",))
    say = Stages(quiet)
    say(f"loading {checkpoint}")
    person = load_model(existing_file(checkpoint, what="checkpoint"))
    if not isinstance(person, MotionTransfer):
        raise ParameterError(f"{checkpoint} is not a transfer model")
    dance, audio = _source_dance(motion, model=model, seconds=seconds, seed=seed, say=say)
    rows = driving_poses(person, dance)
    if seconds is not None:
        rows = rows[:max(1, round(seconds * dance.fps))]
    say(f"drawing {len(rows)} frames")
    write_performance(person, rows, dance.fps, out, audio=audio, show_progress=say.bars)
    typer.echo(f"{out}: {len(rows) / dance.fps:.1f} s at {dance.fps:g} fps, "
               f"{person.config.width}x{person.config.height}"
               + (f", music from {audio.name}" if audio else ""))


def _source_dance(source: Path, *, model: str, seconds: float | None, seed: int,
                  say: Stages):
    """The dance to perform and the music to mux (songs only)."""
    suffix = source.suffix.lower()
    if source.is_dir() or suffix in MOTION_IN:
        from dancekit.io import load_motion

        say(f"reading {source.name}")
        return load_motion(source), None
    existing_file(source, what="--motion file")
    if suffix in VIDEO_IN:
        from dancekit.video.pose import detect_poses

        say(f"detecting poses in {source.name}")
        return detect_poses(source, show_progress=say.bars), None
    from dancekit.pipeline import dance

    return dance(source, model=model, seed=seed, seconds=seconds, stages=say), source
