"""AIST++ for users who have it: the official annotation layout (``motions/`` or only
``keypoints3d/``, ``splits/``, ``ignore_list.txt``, music in ``wav/``) is read, split as
published and trained on by ``dancekit train``; a pickle that would run code is refused."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import yaml

from aistpp_fixture import SCALING, SEQUENCES, source_motion, write_aistpp_root
from dancekit.checkpoint import read_header
from dancekit.data import Sequence, load_sources, split_by_sequence
from test_dance_tokens import TINY_TOKENS, TINY_VQ
from test_io_aistpp import _Shell
from test_train import TINY

TRAIN = {"batch_size": 4, "val_every": 3, "val_seconds": 3.0, "checkpoint_every": 3,
         "warmup_steps": 1, "val_samples": 1}
LIMBS = ["left_knee", "right_knee", "left_ankle", "right_ankle", "left_elbow", "right_elbow",
         "left_wrist", "right_wrist", "left_shoulder", "right_shoulder"]


@pytest.fixture(scope="module")
def roots(tmp_path_factory) -> dict[str, Path]:
    """The fixture root in both layouts (written once for the module)."""
    from conftest import DATA

    ballroom = DATA / "ballroom"
    if not ballroom.exists():
        pytest.skip(f"real data not found at {ballroom} (tests read ../shared/data beside "
                    "the repo)")
    base = tmp_path_factory.mktemp("aistpp")
    return {layout: write_aistpp_root(base / layout / "aist_plusplus_final", ballroom,
                                      layout=layout)
            for layout in ("motions", "keypoints3d")}


def names(pairs) -> dict[str, str | None]:
    return {p.name.split("/")[1]: p.split for p in pairs}


def test_official_layout_is_read_with_its_splits_and_units(roots):
    pairs = load_sources([roots["motions"]])
    # the test list and the ignore list stay unseen; train and val carry their split
    assert names(pairs) == {n: s for n, (_, s) in SEQUENCES.items() if s in ("train", "val")}
    first = next(p for p in pairs if p.name.endswith("mBR0_ch01"))
    assert first.style == "break" and first.audio.name == "mBR0.wav"
    raw = pickle.loads((roots["motions"] / "motions" / "gBR_sBM_cAll_d04_mBR0_ch01.pkl")
                       .read_bytes())
    m = first.motion
    assert (m.fps, m.skeleton.name, m.num_frames) == (60.0, "smpl24", 480)
    np.testing.assert_allclose(m.root, raw["smpl_trans"] / SCALING, rtol=1e-6)  # metres
    np.testing.assert_allclose(m.rotations.reshape(-1, 72), raw["smpl_poses"], atol=1e-6)
    assert 0.7 < np.median(m.positions[:, 15, 1] - m.positions[:, 7, 1]) < 2.0  # head-ankle


def test_without_split_lists_all_but_the_ignored_are_read(roots, tmp_path):
    plain = tmp_path / "aist"
    plain.mkdir()
    for sub in ("motions", "wav", "ignore_list.txt"):
        os.symlink(roots["motions"] / sub, plain / sub)
    pairs = load_sources([plain])
    assert names(pairs) == {n: None for n, (_, s) in SEQUENCES.items() if s is not None}


def test_keypoints_only_root_is_fitted_to_smpl(roots, data_dir):
    pairs = load_sources([roots["keypoints3d"]])
    assert names(pairs) == {n: s for n, (_, s) in SEQUENCES.items() if s in ("train", "val")}
    first = next(p for p in pairs if p.name.endswith("mBR0_ch01"))
    m = first.motion
    assert m.skeleton.name == "smpl24" and m.has_rotations and m.fps == 60.0
    assert m.meta["aist_key"] == "keypoints3d_optim"  # the smoothed triangulation
    assert {"pelvis", "spine2", "left_foot", "neck"} <= set(m.meta["approximated_joints"])
    # limbs, which COCO has, come back within a few centimetres of the captured dance
    truth = source_motion(data_dir / "ballroom", SEQUENCES[first.name.split("/")[1]][0])
    sk = m.skeleton
    idx = [sk.index(j) for j in LIMBS]
    err = np.linalg.norm(m.positions[:, idx] - truth.positions[:, idx], axis=-1)
    assert err.mean() < 0.04, err.mean(axis=0)
    # the feet, which COCO lacks, sit below and in front of the ankles
    for side in ("left", "right"):
        foot, ankle = m.positions[:, sk.index(f"{side}_foot")], \
            m.positions[:, sk.index(f"{side}_ankle")]
        assert (foot[:, 1] < ankle[:, 1]).all()
        forward = np.cross(m.positions[:, sk.index("left_hip")]
                           - m.positions[:, sk.index("right_hip")], [0.0, 1.0, 0.0])
        assert (np.einsum("td,td->t", foot - ankle, forward) > 0).mean() > 0.95


def test_official_split_wins_and_the_rest_is_hashed():
    seqs = [Sequence(f"s/{i}", np.zeros((5, 2), np.float32), np.zeros((5, 1), np.float32))
            for i in range(8)]
    fixed = {"s/0": "val", "s/1": "train", "s/2": "train"}
    train, val = split_by_sequence(seqs, 0.0, fixed=fixed)
    assert [s.name for s in val] == ["s/0"]
    train, val = split_by_sequence(seqs, 0.9, fixed=fixed)
    val_names = {s.name for s in val}
    assert "s/0" in val_names and not {"s/1", "s/2"} & val_names
    # the unlabelled five are split by the usual rule: at least one kept for training
    assert 1 <= len(val_names - {"s/0"}) <= 4
    assert split_by_sequence(seqs[3:], 0.9)[1] == [s for s in val if s.name != "s/0"]


def train_cli(args: list[str]):
    from typer.testing import CliRunner

    from dancekit.cli import app

    return CliRunner().invoke(app, ["train", *args])


def tiny_config(path: Path, model: dict, **train) -> Path:
    path.write_text(yaml.safe_dump({"model": model, "train": {**TRAIN, **train}}))
    return path


@pytest.mark.parametrize("layout", [
    "motions", pytest.param("keypoints3d", marks=pytest.mark.slow)])
def test_train_fact_on_the_official_layout(roots, layout, tmp_path, monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    model = {k: v for k, v in TINY.items() if k != "styles"}
    # a val_fraction that would hold out 2 of the 3 sequences if the lists were ignored
    cfg = tiny_config(tmp_path / "tiny.yaml", model, val_fraction=0.9)
    run = tmp_path / "run"
    res = train_cli(["fact", "--data", str(roots[layout]), "--out", str(run), "--config",
                     str(cfg), "--steps", "3"])
    assert res.exit_code == 0, res.output
    header = read_header(run / "model.safetensors")
    # the official lists decide, not val_fraction: 2 train, 1 val
    assert (header["meta"]["train_sequences"], header["meta"]["val_sequences"]) == (2, 1)
    assert [n.split("/")[1] for n in header["meta"]["val_names"]] == [
        n for n, (_, s) in SEQUENCES.items() if s == "val"]
    assert header["config"]["styles"] == ["break", "lock", "pop"]
    assert header["meta"]["step"] == 3


@pytest.mark.slow
def test_train_tokenizer_then_dance_tokens_on_the_official_layout(roots, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = str(roots["motions"])
    vq = tiny_config(tmp_path / "vq.yaml", TINY_VQ, window_stride=8)
    res = train_cli(["motion-vq", "--data", data, "--out", str(tmp_path / "vq"), "--config",
                     str(vq), "--steps", "3"])
    assert res.exit_code == 0, res.output
    tok = tiny_config(tmp_path / "tok.yaml", {
        **TINY_TOKENS, "tokenizer": str(tmp_path / "vq" / "model.safetensors")},
        window_stride=2)
    res = train_cli(["dance-tokens", "--data", data, "--out", str(tmp_path / "tok"),
                     "--config", str(tok), "--steps", "3"])
    assert res.exit_code == 0, res.output
    meta = read_header(tmp_path / "tok" / "model.safetensors")["meta"]
    assert (meta["train_sequences"], meta["val_sequences"]) == (2, 1)


@pytest.mark.parametrize("layout", ["motions", "keypoints3d"])
def test_a_pickle_that_would_run_code_is_refused(roots, layout, tmp_path):
    root = tmp_path / "aist"
    (root / layout).mkdir(parents=True)
    os.symlink(roots[layout] / "wav", root / "wav")
    target = tmp_path / "pwned"
    name = "gBR_sBM_cAll_d04_mBR0_ch01"
    good = pickle.loads((roots[layout] / layout / f"{name}.pkl").read_bytes())
    with open(root / layout / f"{name}.pkl", "wb") as fh:
        pickle.dump({**good, "x": _Shell(target)}, fh)
    run = tmp_path / "run"
    res = train_cli(["fact", "--data", str(root), "--out", str(run), "--steps", "1"])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "safe" in lines[0]
    assert not target.exists() and not run.exists()
