"""``dancekit train``: train a model on music-motion folders with the shared Trainer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from dancekit.cli.app import command
from dancekit.cli.bounds import STEPS


class TrainCommand(TyperCommand):
    """``dancekit train`` whose help ends with the trainable models, read from the model
    registry when the help is shown: importing every model at start-up would slow down
    every other command."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from dancekit.models import trainable_models

        self.epilog = f"Trainable models: {', '.join(trainable_models())}."
        super().format_help(ctx, formatter)


@command("train", cls=TrainCommand)
def train_command(
    model: Annotated[str, typer.Argument(help="Model to train, by registry name (listed "
                                              "below).")],
    out: Annotated[Path, typer.Option(
        "--out", help="Run directory: model.safetensors (+ .json), trainer.safetensors, log.csv.")],
    data: Annotated[list[Path] | None, typer.Option(
        "--data", help="Folder of paired music and motion: a `dancekit synth` output, "
        "ballroom, AIST++ (official layout) or motion files with same-stem audio. Repeat "
        "for several.")] = None,
    video: Annotated[Path | None, typer.Option(
        "--video", help="transfer only: a video of the target person (the last 20% is held "
        "out for validation).", dir_okay=False)] = None,
    poses: Annotated[Path | None, typer.Option(
        "--poses", help="transfer only: the video's 2D poses (`dancekit pose VIDEO -o "
        "POSES.npz`); without it the detector runs (the pose extra).", dir_okay=False)] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="YAML with `model:` and `train:` sections overriding the defaults.",
        dir_okay=False)] = None,
    steps: Annotated[int | None, typer.Option("--steps", help=STEPS.help(
        "Total optimisation steps (overrides the config)."))] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the run in --out exactly where its last checkpoint "
        "left off.")] = False,
) -> None:
    """Train MODEL; prints the final validation metrics and the checkpoint path."""
    STEPS.check(steps)
    from dancekit.train import train

    results = train(model, data or [], out, config=config, steps=steps, resume=resume,
                    video=video, poses=poses)
    for name, value in results.items():
        typer.echo(f"{name}\t{value:.6g}")
    typer.echo(f"checkpoint\t{out / 'model.safetensors'}")
