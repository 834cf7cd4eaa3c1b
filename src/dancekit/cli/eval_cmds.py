"""``dancekit evaluate``: the field's metrics on folders of generated and real motions."""

from __future__ import annotations

import json
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dancekit.cli.app import command
from dancekit.cli.bounds import BOOTSTRAP, SEED, check_all
from dancekit.utils import atomic_output, check_output_path


class Protocol(str, Enum):
    corrected = "corrected"
    bailando = "bailando"
    fact = "fact"
    aistpp_prefix = "aistpp-prefix"


@command("evaluate")
def evaluate_cmd(
    generated: Annotated[Path, typer.Option(
        "--generated", help="Folder of generated motions (.npz, .json, .bvh, AIST++ .pkl, "
        "ballroom sequence folders).")],
    real: Annotated[Path, typer.Option(
        "--real", help="Folder of real (ground-truth) motions, same skeleton and fps.")],
    music: Annotated[Path | None, typer.Option(
        "--music", help="Folder of music per generated motion, matched by file stem: "
        "<name>.beats.txt / .json beat times, or audio (beats are tracked). Enables beat "
        "alignment metrics.")] = None,
    protocol: Annotated[Protocol, typer.Option(
        "--protocol", help="Whose arithmetic: corrected (default), bailando, fact, or "
        "aistpp-prefix (FACT with the AIST++ geometric features before their name-order "
        "fix). See docs/metrics.md.")] = Protocol.corrected,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the full report (values, intervals, warnings) as JSON "
        "here.")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help=BOOTSTRAP.help(
        "Bootstrap resamples for the 95% intervals (0: none)."))] = 1000,
    seed: Annotated[int, typer.Option("--seed", help=SEED.help("Seed of the bootstrap."))]
        = 0,
) -> None:
    """Compare generated dances with real ones: FID_k, FID_g, diversity, beat alignment,
    foot contact, skating and jitter, printed as a Markdown table."""
    from dancekit.metrics import evaluate
    from dancekit.metrics.files import load_motion_folder, markdown_table, music_for

    check_all((BOOTSTRAP, bootstrap), (SEED, seed))
    if json_out is not None:
        check_output_path(json_out)
    gen_motions = load_motion_folder(generated)
    real_motions = load_motion_folder(real)
    beats = music_for(gen_motions, music) if music is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every warning is in the report and echoed below
        report = evaluate(gen_motions, real_motions, music_beats=beats,
                          protocol=protocol.value, bootstrap=bootstrap, seed=seed)
    report["generated"] = [str(m.meta.get("source")) for m in gen_motions]
    report["real"] = [str(m.meta.get("source")) for m in real_motions]
    for note in report["warnings"]:
        typer.echo(f"warning: {note}", err=True)
    typer.echo(markdown_table(report))
    if json_out is not None:
        with atomic_output(json_out) as tmp:
            tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        typer.echo(f"wrote {json_out}", err=True)
