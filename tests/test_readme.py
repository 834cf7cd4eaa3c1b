"""Every command line in README.md's ```bash blocks runs, in README order, on small real inputs.

Each line must have an entry in :data:`RECIPES`: the README line itself (comment stripped) and
what makes it small here (words replaced, words added). A README line without a recipe fails
("no recipe for this README line"), and so does a recipe whose line left the README, so the
table follows the README and a renamed flag or command breaks this test. The first word says
how a line runs: ``dancekit`` in-process in one work folder (beside a link to ``../shared``),
so outputs of earlier lines feed later ones; ``make`` as ``make --dry-run`` (the target exists
and its recipe expands; running it would install or recurse into this suite); pip as
``pip install --dry-run`` with the installed set (offline: the pins and the floors agree);
``python3 -m venv`` into a scratch folder; ``pytest`` as ``--collect-only``.
"""

from __future__ import annotations

import pickle
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from dancekit.cli import app
from dancekit.io import load_motion, save_motion
from transfer_fixture import TINY as TINY_TRANSFER
from transfer_fixture import write_target

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SONG = SHARED / "data" / "music" / "dev03_berlin_alexanders_ragtime_band.ogg"
BVH = SHARED / "data" / "bvh" / "dataset-1_dance-short_normal_001.bvh"
KEYPOINTS2D = SHARED / "data" / "aistpp_keypoints2d" / "gBR_sBM_cAll_d04_mBR0_ch01.pkl"

# Networks small enough that a training step takes milliseconds.
TINY_TRAIN = {"batch_size": 4, "val_fraction": 0.34, "val_every": 3, "val_seconds": 3.0,
              "checkpoint_every": 2, "warmup_steps": 1}
TINY_FACT = dict(motion_frames=12, audio_frames=24, future_frames=4, hidden=32, heads=2, ff=64,
                 audio_layers=1, motion_layers=1, cross_layers=1, generate_step=4, seed_bank=4)
TINY_VQ = dict(codes=16, latent=8, width=16, levels=2, window_frames=16)
TINY_TOKENS = dict(hidden=32, heads=2, ff=64, layers=2, context_codes=6, dropout=0.0)
CONFIGS = {  # file: (model section, train section beyond TINY_TRAIN)
    "fact.yaml": (TINY_FACT, {}),
    "vq.yaml": (TINY_VQ, {"window_stride": 8}),
    "tokens.yaml": ({**TINY_TOKENS, "tokenizer": "runs/vq/model.safetensors"},
                    {"window_stride": 1}),
    "transfer.yaml": (TINY_TRANSFER, {"batch_size": 2}),
}


@dataclass(frozen=True)
class Recipe:
    """How one README line runs here: ``replace`` swaps whole words, ``add`` appends words."""

    replace: dict[str, str] = field(default_factory=dict)
    add: tuple[str, ...] = ()


STEPS = ("--steps", "3")
RECIPES: dict[str, Recipe] = {
    "make demo": Recipe(),
    "make test": Recipe(),
    "make demo TORCH=cuda": Recipe(),
    "python3 -m venv .venv": Recipe(),
    ".venv/bin/pip install --no-deps -c constraints.txt --index-url "
    "https://download.pytorch.org/whl/cpu torch": Recipe(),
    '.venv/bin/pip install -c constraints.txt -e ".[dev,serve]"': Recipe(),
    "make test-all": Recipe(),
    ".venv/bin/pytest -m slow": Recipe(),
    "make test-pose": Recipe(),
    "dancekit dance song.mp3 -o dance.mp4": Recipe(),
    "dancekit dance song.m4a -o dance.bvh --style latin --seed 3": Recipe(),
    "dancekit demo -o demo.mp4": Recipe(),
    "dancekit render dance.npz -o dance.mp4 --audio song.mp3": Recipe(),
    "dancekit render real.bvh generated.npz -o compare.mp4 --title real --title generated":
        Recipe(),
    "dancekit render keypoints2d.pkl -o pose.gif": Recipe(),
    "dancekit render dance.npz -o still.png --frame -1": Recipe(),
    "dancekit info ../shared/data/ballroom/DANCE_W_1": Recipe(),
    "dancekit convert ../shared/data/ballroom/DANCE_W_1 waltz.bvh": Recipe(),
    "dancekit convert motion.pkl motion.json": Recipe(),
    "dancekit beats song.mp3": Recipe(),
    "dancekit beats song.mp3 --json --plot beats.png": Recipe(),
    "dancekit evaluate --generated out/ --real test_set/ --music music/ --protocol bailando "
    "--json report.json": Recipe(),
    "dancekit synth --n 200 --out synth/ --seed 0": Recipe({"200": "3"}, ("--seconds", "6")),
    "dancekit train fact --data synth/ --out runs/fact": Recipe(add=("--config", "fact.yaml",
                                                                     *STEPS)),
    "dancekit dance song.mp3 -o dance.mp4 --model fact --checkpoint runs/fact/model.safetensors":
        Recipe(),
    "dancekit train motion-vq --data synth/ --out runs/vq": Recipe(add=("--config", "vq.yaml",
                                                                        *STEPS)),
    "dancekit train dance-tokens --data synth/ --out runs/tokens --config tokens.yaml":
        Recipe(add=STEPS),
    "dancekit train transfer --video target.mp4 --poses poses.npz --out runs/me":
        Recipe(add=("--config", "transfer.yaml", *STEPS)),
    "dancekit transfer --checkpoint runs/me/model.safetensors --motion song.mp3 -o "
    "me_dancing.mp4": Recipe(add=("--seconds", "2")),
}


def readme_lines() -> list[str]:
    """The command lines of README.md's ```bash blocks, comments and blank lines dropped."""
    blocks = re.findall(r"^```bash\n(.*?)^```", (REPO / "README.md").read_text(),
                        flags=re.MULTILINE | re.DOTALL)
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for b in blocks for line in b.splitlines())
    return [" ".join(line.split()) for line in lines if line]


def test_readme_lines_and_recipes_match() -> None:
    """Quick and without data, so a README edit that needs a new recipe fails the quick suite."""
    lines = readme_lines()
    missing = [line for line in lines if line not in RECIPES]
    assert not missing, f"no recipe for these README lines (add them to RECIPES): {missing}"
    stale = sorted(set(RECIPES) - set(lines))
    assert not stale, f"recipes for lines no longer in README.md (update RECIPES): {stale}"


def words_to_run(line: str) -> list[str]:
    """``line`` as it runs here, by its recipe."""
    if line not in RECIPES:
        pytest.fail(f"no recipe for this README line (add one to RECIPES): {line}")
    recipe = RECIPES[line]
    return [recipe.replace.get(w, w) for w in shlex.split(line)] + list(recipe.add)


def make_inputs(work: Path) -> None:
    """The files the README's commands read, cut short: a song (8 s of a real recording, as
    mp3 and m4a), dances, a real BVH, real AIST++ 2D keypoints, an AIST++ motion pickle,
    generated and real dance folders with their music, a drawn target video with its poses,
    and tiny training configs."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    for name in ("song.mp3", "song.m4a"):
        subprocess.run([ffmpeg, "-v", "error", "-ss", "20", "-t", "8", "-i", str(SONG),
                        str(work / name)], check=True)
    runner = CliRunner()
    for folder, seed in (("test_set", "1"), ("out", "2")):
        res = runner.invoke(app, ["synth", "--n", "2", "--seconds", "4", "--out",
                                  str(work / folder), "--seed", seed])
        assert res.exit_code == 0, res.output
    (work / "music").symlink_to(work / "test_set")
    dance = load_motion(sorted((work / "out").glob("*.npz"))[0])
    for name in ("dance.npz", "generated.npz"):
        save_motion(dance, work / name)
    save_motion(load_motion(BVH)[:120], work / "real.bvh")
    with open(KEYPOINTS2D, "rb") as fh:
        keypoints = pickle.load(fh)
    with open(work / "keypoints2d.pkl", "wb") as fh:
        pickle.dump({k: v[..., :90, :, :] if k == "keypoints2d" else v[..., :90]
                     for k, v in keypoints.items()}, fh)
    scale = 95.0
    with open(work / "motion.pkl", "wb") as fh:
        pickle.dump({"smpl_loss": 0.0, "smpl_scaling": np.array([scale], np.float32),
                     "smpl_poses": dance.rotations.reshape(len(dance.rotations), -1),
                     "smpl_trans": dance.root * scale}, fh)
    write_target(dance, work / "target.mp4", work / "poses.npz")
    for name, (model, train) in CONFIGS.items():
        (work / name).write_text(yaml.safe_dump({"model": model,
                                                 "train": {**TINY_TRAIN, **train}}))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder README commands run in, with ``../shared`` beside it and the inputs made."""
    for path in (SONG, BVH, KEYPOINTS2D):
        if not path.exists():
            pytest.skip(f"real data not found at {path} (tests read ../shared/data)")
    root = tmp_path_factory.mktemp("readme")
    (root / "shared").symlink_to(SHARED)
    work = root / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANCEKIT_CACHE", str(root / "cache"))
        mp.chdir(work)
        make_inputs(work)
        yield work


def run_outside(words: list[str], work: Path) -> subprocess.CompletedProcess:
    """A line that is not a dancekit command, in its offline form (see the module docstring)."""
    python = [sys.executable]
    if words[0] == "make":
        cmd = ["make", "--dry-run", *words[1:]]
    elif words[:3] == ["python3", "-m", "venv"]:
        cmd = [*python, "-m", "venv", "--without-pip", str(work / words[3])]
    elif words[0] == ".venv/bin/pip" and words[1] == "install":
        cmd = [*python, "-m", "pip", "install", "--dry-run", "--no-build-isolation", *words[2:]]
    elif words[0] == ".venv/bin/pytest":
        cmd = [*python, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
               *words[1:]]
    else:
        pytest.fail(f"no way to run a README line starting with {words[0]!r}")
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("line", readme_lines(), ids=readme_lines())
def test_readme_line_runs(line: str, work: Path) -> None:
    words = words_to_run(line)
    if words[0] == "dancekit":
        res = CliRunner().invoke(app, words[1:])
        assert res.exit_code == 0, f"{line}\n{res.output}"
        return
    done = run_outside(words, work)
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
