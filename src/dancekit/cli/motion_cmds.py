"""Motion file commands: ``info``, ``convert``, ``render``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import (
    AUDIO_OFFSET,
    FPS,
    FRAME,
    INPUT_FPS,
    MIN_CONFIDENCE,
    SIZE,
    VIEW,
    check_all,
)
from dancekit.cli.stages import Stages
from dancekit.errors import ParameterError
from dancekit.utils import check_output_path

VIEW_HELP = VIEW.help("Camera view of an AIST++ keypoints2d file.")
_SKIP_META = ("source", "format", "det_scores", "timestamps", "bvh_end_sites",
              "bvh_joint_names")


def _motion_summary(motion: Any) -> dict[str, Any]:
    meta = motion.meta
    return {
        "file": meta.get("source"),
        "format": meta.get("format"),
        "frames": motion.num_frames,
        "fps": motion.fps,
        "duration_s": round(motion.duration, 4),
        "skeleton": motion.skeleton.name,
        "joints": motion.num_joints,
        "dims": motion.dims,
        "rotations": motion.has_rotations,
        "confidence": motion.confidence is not None,
        "joint_names": list(motion.skeleton.joints),
        "meta": {k: v for k, v in meta.items() if k not in _SKIP_META},
    }


@command("info")
def info(
    file: Annotated[Path, typer.Argument(help="Motion file (.npz, .json, .bvh, AIST++ .pkl) "
                                              "or ballroom sequence folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of "
                                                         "a table.")] = False,
    view: Annotated[int, typer.Option(help=VIEW_HELP)] = 0,
    fps: Annotated[float | None, typer.Option(help=INPUT_FPS.help(
        "Frame rate to assume instead of the file's own."))] = None,
) -> None:
    """Show frames, fps, duration, skeleton, joints and source format of a motion file."""
    from dancekit.io import load_motion

    check_all((VIEW, view), (INPUT_FPS, fps))

    summary = _motion_summary(load_motion(file, fps=fps, view=view))
    if as_json:
        typer.echo(json.dumps(summary, default=str))
        return
    space = "2D image keypoints, px" if summary["dims"] == 2 else "3D, metres, y up"
    rows = [
        ("file", summary["file"]),
        ("format", summary["format"]),
        ("frames", summary["frames"]),
        ("fps", f"{summary['fps']:g}"),
        ("duration", f"{summary['duration_s']:.2f} s"),
        ("skeleton", summary["skeleton"]),
        ("joints", f"{summary['joints']} ({space})"),
        ("rotations", "yes" if summary["rotations"] else "no"),
        ("confidence", "yes" if summary["confidence"] else "no"),
    ]
    rows += [(k, v) for k, v in summary["meta"].items() if v is not None]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        typer.echo(f"{key:<{width}}  {value}")
    typer.echo(f"{'names':<{width}}  {', '.join(summary['joint_names'])}")


@command("convert")
def convert(
    src: Annotated[Path, typer.Argument(metavar="IN", help="Motion file (.npz, .json, .bvh, "
                                                           "AIST++ .pkl) or ballroom folder.")],
    dst: Annotated[Path, typer.Argument(metavar="OUT", help="Output file; the extension "
                                                            "chooses .npz, .json or .bvh.")],
    skeleton: Annotated[str | None, typer.Option(
        help="Retarget to this skeleton first (e.g. smpl24, coco17, body25).")] = None,
    view: Annotated[int, typer.Option(help=VIEW_HELP)] = 0,
    fps: Annotated[float | None, typer.Option(help=INPUT_FPS.help(
        "Frame rate to assume for the input instead of its own."))] = None,
) -> None:
    """Convert a motion to .npz, .json or .bvh (BVH of position-only motion is fitted by
    inverse kinematics; the fit error is reported)."""
    from dancekit.io import load_motion, save_motion
    from dancekit.motion.mapping import retarget

    check_all((VIEW, view), (INPUT_FPS, fps))
    check_output_path(dst)
    motion = load_motion(src, fps=fps, view=view)
    if skeleton is not None:
        motion = retarget(motion, skeleton)
    report = save_motion(motion, dst)
    line = (f"wrote {dst} ({report['format']}, {motion.num_frames} frames @ {motion.fps:g} "
            f"fps, {motion.skeleton.name}, {motion.num_joints} joints)")
    if report.get("ik"):
        line += (f"; rotations fitted by IK, joint position error mean "
                 f"{report['fit_error_mean_m'] * 1000:.1f} mm, 95th percentile "
                 f"{report['fit_error_p95_m'] * 1000:.1f} mm, max "
                 f"{report['fit_error_max_m'] * 1000:.1f} mm")
    typer.echo(line)


@command("render")
def render_cmd(
    motions: Annotated[list[Path], typer.Argument(
        metavar="MOTION", help="Motion file(s) or ballroom folder(s); several are drawn "
                                  "side by side, each framed on its own dancer.")],
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="Output file: .mp4 (H.264 with the audio), .gif or .png "
                            "(one frame).")] = None,
    output: Annotated[Path | None, typer.Option("--output", hidden=True,
                                                help="Old spelling of --out.")] = None,
    audio: Annotated[Path | None, typer.Option(
        help="Music to mux into the MP4 (any format ffmpeg reads), trimmed or padded with "
             "silence to the motion's duration.")] = None,
    audio_offset: Annotated[float, typer.Option(help=AUDIO_OFFSET.help(
        "Seconds into the audio where the motion starts (negative: delay the music)."))]
        = 0.0,
    size: Annotated[int, typer.Option(help=SIZE.help(
        "Panel width and height in pixels (even for .mp4)."))] = 512,
    fps: Annotated[float | None, typer.Option(help=FPS.help(
        "Output frame rate (default: the motion's; GIF at most 25)."))] = None,
    title: Annotated[list[str] | None, typer.Option(
        help="Caption of a panel; give it once per MOTION.")] = None,
    frame: Annotated[int, typer.Option(help=FRAME.help(
        "Frame shown in a .png (negative counts from the end; within the video's "
        "length)."))] = 0,
    view: Annotated[int, typer.Option(help=VIEW_HELP)] = 0,
    min_confidence: Annotated[float, typer.Option(help=MIN_CONFIDENCE.help(
        "Joints below this confidence (2D detections, joints a mapping lacks) are not "
        "drawn."))] = 0.3,
    look: Annotated[str, typer.Option(
        "--look", help="How a 3D dancer is drawn: sticks (fastest) or body (shaded capsules "
        "of a person's proportions).")] = "sticks",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Draw motions as a skeleton video (following 3D camera, floor, shadows; 2D keypoints
    as stick figures), with the music muxed in, or as a GIF or a single PNG frame."""
    from dancekit.io import load_motion
    from dancekit.render import render

    if (out is None) == (output is None):
        raise ParameterError("give the output file once, as -o/--out")
    check_all((AUDIO_OFFSET, audio_offset), (SIZE, size), (FPS, fps), (FRAME, frame),
              (VIEW, view), (MIN_CONFIDENCE, min_confidence))
    target = check_output_path(out if out is not None else output)
    loaded = [load_motion(m, view=view) for m in motions]
    written = render(loaded, target, audio=audio, audio_offset=audio_offset, size=size,
                     fps=fps, titles=title or None, frame=frame,
                     min_confidence=min_confidence, progress=Stages(quiet).bars, look=look)
    typer.echo(str(written))
