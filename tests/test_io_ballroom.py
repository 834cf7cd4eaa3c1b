"""The ballroom dataset loader and the data-derived ballroom23 skeleton."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from dancekit import DataFormatError, get_skeleton
from dancekit.io import detect_format, load_motion
from dancekit.motion.skeletons import BALLROOM23_COLUMNS


def body_frame(m):
    """Positions with the origin at mid-hips, x towards the left hip, y up, z forward."""
    sk = m.skeleton
    lh, rh = m.positions[:, sk.index("left_hip")], m.positions[:, sk.index("right_hip")]
    x = lh - rh
    x[:, 1] = 0
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    z = np.cross(x, [0.0, 1.0, 0.0])
    rel = m.positions - ((lh + rh) / 2)[:, None]
    return np.stack([(rel * x[:, None]).sum(-1), rel[..., 1], (rel * z[:, None]).sum(-1)], -1)


BALLROOM = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"


@pytest.fixture(scope="module")
def all_sequences():
    # module scope: the 40 sequences are read once for the tests below
    root = BALLROOM
    if not root.exists():
        pytest.skip(f"real data not found at {root} (tests read ../shared/data beside the repo)")
    return {d.name: load_motion(d) for d in sorted(root.glob("DANCE_*"))}


def test_every_sequence_loads(all_sequences, ballroom_dir):
    assert len(all_sequences) == 40
    genres = {"W": "waltz", "R": "rumba", "C": "cha-cha", "T": "tango"}
    with_audio = 0
    for name, m in all_sequences.items():
        assert m.skeleton.name == "ballroom23" and m.fps == 25 and m.num_frames > 100
        assert m.meta["genre"] == genres[name.split("_")[1]]
        assert m.meta["format"] == "ballroom" and m.meta["sequence"] == name
        cfg = json.loads((ballroom_dir / name / "config.json").read_text())
        assert m.meta["start_position"] == cfg["start_position"]
        assert m.meta["end_position"] == cfg["end_position"]
        audio = ballroom_dir / name / "audio.mp3"
        assert m.meta["audio"] == (str(audio) if audio.exists() else None)
        with_audio += m.meta["audio"] is not None
        # metres, y up: a person between 1.4 and 2.1 m tall
        height = np.median(m.positions[..., 1].max(1) - m.positions[..., 1].min(1))
        assert 1.4 < height < 2.1
    assert with_audio == 36  # ../shared/data/README.md: audio for 36 of the 40 sequences
    assert detect_format(ballroom_dir / "DANCE_W_1") == "ballroom"


def test_loader_maps_dataset_columns(ballroom_dir):
    raw = json.loads((ballroom_dir / "DANCE_R_2" / "skeletons.json").read_text())
    m = load_motion(ballroom_dir / "DANCE_R_2" / "skeletons.json")
    world = (np.asarray(raw["skeletons"]) + np.asarray(raw["center"])[:, None]) / 100
    np.testing.assert_allclose(m.positions, world[:, list(BALLROOM23_COLUMNS)], atol=1e-5)
    assert sorted(BALLROOM23_COLUMNS) == list(range(23))


def test_skeleton_bones_are_rigid_and_anatomical(all_sequences):
    sk = get_skeleton("ballroom23")
    assert sk.num_joints == 23 and sk.offsets is not None
    cvs = []
    for m in all_sequences.values():
        L = np.linalg.norm(m.positions[:, 1:] - m.positions[:, list(sk.parents[1:])], axis=-1)
        cvs.append(L.std(0) / L.mean(0))
    cv = np.mean(cvs, 0)
    # every bone keeps its length to within a quarter; trunk and leg bones much better
    assert cv.max() < 0.25
    for bone in ("left_shoulder", "right_shoulder", "right_ankle", "head"):
        assert cv[sk.index(bone) - 1] < 0.05
    # and the pairs we did not connect vary far more (e.g. wrist to ankle)
    m = all_sequences["DANCE_W_1"]
    d = np.linalg.norm(m.positions[:, sk.index("left_wrist")]
                       - m.positions[:, sk.index("left_ankle")], axis=-1)
    assert d.std() / d.mean() > 0.05

    body = np.concatenate([body_frame(m) for m in all_sequences.values()])
    y = {n: body[:, sk.index(n), 1].mean() for n in sk.joints}
    assert y["head"] > y["left_shoulder"] > y["spine"] > y["left_hip"] > y["left_knee"] \
        > y["left_ankle"] > y["left_toe"]
    for side, sign in (("left", 1), ("right", -1)):
        for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            assert sign * body[:, sk.index(f"{side}_{part}"), 0].mean() > 0.05
        # toes in front of heels
        assert body[:, sk.index(f"{side}_toe"), 2].mean() > body[:, sk.index(f"{side}_heel"),
                                                                 2].mean() + 0.05
    left, right = sk.feet
    assert {sk.joints[i] for i in left} == {"left_ankle", "left_heel", "left_toe"}
    assert (sk.sides[sk.mirror_indices] == -sk.sides).all()


def test_fps_override_and_broken_folders(ballroom_dir, tmp_path):
    m = load_motion(ballroom_dir / "DANCE_W_1", fps=100)
    assert m.fps == 100
    seq = tmp_path / "DANCE_W_99"
    seq.mkdir()
    with pytest.raises(DataFormatError, match="no skeletons.json"):
        load_motion(seq)
    text = (ballroom_dir / "DANCE_W_1" / "skeletons.json").read_text()
    (seq / "skeletons.json").write_text(text[: len(text) // 2])
    with pytest.raises(DataFormatError, match="not valid JSON"):
        load_motion(seq)
    doc = json.loads(text)
    doc["skeletons"] = [f[:20] for f in doc["skeletons"]]
    (seq / "skeletons.json").write_text(json.dumps(doc))
    with pytest.raises(DataFormatError, match=r"expected \(frames, 23, 3\)"):
        load_motion(seq)
    doc = json.loads(text)
    doc["length"] = 999
    (seq / "skeletons.json").write_text(json.dumps(doc))
    with pytest.raises(DataFormatError, match="999"):
        load_motion(seq)
    shutil.copy(ballroom_dir / "DANCE_W_1" / "skeletons.json", seq / "skeletons.json")
    m = load_motion(seq)  # no config, no audio: still a motion
    assert m.meta["audio"] is None and m.meta["start_position"] is None
    assert m.meta["genre"] == "waltz"


def test_a_genre_with_one_sequence_always_trains(ballroom_dir, tmp_path):
    """Tango has one sequence: the Trainer's hash split must not hold it out for validation
    (it did, so no bundled weight learned tango), while the other genres split as before."""
    from dancekit.data import Sequence, split_by_sequence
    from dancekit.data.sources import load_ballroom

    root = tmp_path / "ballroom"
    root.mkdir()
    for name in ("DANCE_T_5", "DANCE_W_1", "DANCE_W_6"):
        (root / name).symlink_to(ballroom_dir / name)
    pairs = {p.name.split("/")[1]: p for p in load_ballroom(root)}
    assert pairs["DANCE_T_5"].split == "train" and pairs["DANCE_T_5"].style == "tango"
    assert pairs["DANCE_W_1"].split is None and pairs["DANCE_W_6"].split is None
    empty = np.zeros((1, 0), np.float32)
    seqs = [Sequence(p.name, empty, empty, p.style) for p in pairs.values()]
    fixed = {p.name: p.split for p in pairs.values() if p.split}
    for fraction in (0.1, 0.5, 0.9):
        train, _ = split_by_sequence(seqs, fraction, 0, fixed=fixed)
        assert "ballroom/DANCE_T_5" in {s.name for s in train}
    # without the mark, the default split (0.1, seed 0) holds it out: what happened before
    _, val = split_by_sequence(seqs, 0.1, 0)
    assert "ballroom/DANCE_T_5" in {s.name for s in val}
    # a folder where every genre has one sequence keeps them all free to validate on
    (root / "DANCE_W_6").unlink()
    (root / "DANCE_W_1").unlink()
    (root / "DANCE_C_4").symlink_to(ballroom_dir / "DANCE_C_4")
    assert all(p.split is None for p in load_ballroom(root))
