"""Fuzzing the loaders: random bytes, and real files with bytes flipped, cut or spliced, may
only ever give a valid result or a :class:`~dancekit.errors.DancekitError`, never another
exception (which the command line would show as a traceback) and never a hang.

Hypothesis runs a fixed, derandomised set of examples, so the test is reproducible and takes
seconds."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dancekit.audio import Audio, click_track, load
from dancekit.errors import DancekitError
from dancekit.io import load_motion, save_motion
from dancekit.motion import Motion

FUZZ = settings(max_examples=40, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class _Files(dict):
    """Seed files by format; a short repr keeps Hypothesis's failure reports readable."""

    def __repr__(self) -> str:
        return f"<{len(self)} seed files: {', '.join(self)}>"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """Small real files of every format the loaders read, as bytes."""
    folder = tmp_path_factory.mktemp("seeds")
    clip = load_motion(_real("bvh", "dataset-1_dance-short_normal_001.bvh"))[:6]
    out = _Files()
    for ext in ("npz", "json", "bvh"):
        save_motion(clip, folder / f"clip.{ext}")
        out[ext] = (folder / f"clip.{ext}").read_bytes()
    smpl = Motion.from_rotations(np.zeros((4, 24, 3)), np.zeros((4, 3)), fps=60)
    out["pkl"] = pickle.dumps({"smpl_poses": smpl.rotations.reshape(4, 72).astype(np.float64),
                               "smpl_trans": np.zeros((4, 3)), "smpl_scaling": np.ones(1)},
                              protocol=2)
    with open(_real("aistpp_keypoints2d", "gBR_sBM_cAll_d04_mBR0_ch01.pkl"), "rb") as fh:
        out["kp2d.pkl"] = fh.read(200_000)  # a real AIST++ file's first bytes: truncated
    return out


def _real(*parts: str) -> Path:
    path = Path(__file__).resolve().parents[2].joinpath("shared", "data", *parts)
    if not path.exists():
        pytest.skip(f"real data not found at {path}")
    return path


def _mutate(data: bytes, draw) -> bytes:
    """Flip a few bytes, cut the file, or splice a block of random bytes into it."""
    kind = draw(st.sampled_from(["flip", "truncate", "splice"]))
    buf = bytearray(data)
    if kind == "truncate":
        return bytes(buf[: draw(st.integers(0, len(buf) - 1))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] = draw(st.integers(0, 255))
        return bytes(buf)
    i = draw(st.integers(0, len(buf)))
    return bytes(buf[:i]) + draw(st.binary(min_size=1, max_size=64)) + bytes(buf[i:])


def _load_or_refuse(path: Path) -> None:
    try:
        motion = load_motion(path)
    except DancekitError:
        return
    assert isinstance(motion, Motion)
    assert np.isfinite(motion.positions).all() and motion.num_frames >= 1


@pytest.mark.parametrize("fmt, ext", [("npz", "npz"), ("json", "json"), ("bvh", "bvh"),
                                      ("pkl", "pkl"), ("kp2d.pkl", "pkl")])
@FUZZ
@given(data=st.data())
def test_mutated_real_motion_files(seeds, tmp_path, fmt, ext, data):
    path = tmp_path / f"fuzz.{ext}"
    path.write_bytes(_mutate(seeds[fmt], data.draw))
    _load_or_refuse(path)


@pytest.mark.parametrize("ext", ["npz", "json", "bvh", "pkl"])
@FUZZ
@given(blob=st.binary(min_size=0, max_size=2048))
def test_random_bytes_as_motion_files(tmp_path, ext, blob):
    path = tmp_path / f"random.{ext}"
    path.write_bytes(blob)
    _load_or_refuse(path)


@FUZZ
@given(text=st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
                         lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.sampled_from(
                             ["format", "fps", "skeleton", "frames", "joints", "parents",
                              "confidence", "meta", "name", "offsets"]), inner, max_size=6),
                         max_leaves=30))
def test_json_documents_of_any_shape(tmp_path, text):
    import json

    doc = {"format": "dancekit-motion", "fps": 30,
           "skeleton": {"joints": ["a", "b"], "parents": [-1, 0]}, "frames": text}
    for candidate in (doc, text):
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(candidate))
        _load_or_refuse(path)


@pytest.fixture(scope="module")
def audio_seeds(tmp_path_factory) -> dict[str, bytes]:
    import soundfile as sf

    folder = tmp_path_factory.mktemp("audio")
    audio, _, _ = click_track(120, 1.5, sr=8000)
    out = _Files()
    for ext, fmt in (("wav", "WAV"), ("ogg", "OGG"), ("flac", "FLAC")):
        sf.write(folder / f"c.{ext}", audio.samples, audio.sr, format=fmt)
        out[ext] = (folder / f"c.{ext}").read_bytes()
    return out


@pytest.mark.parametrize("ext", ["wav", "ogg", "flac"])
@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_mutated_audio_files(audio_seeds, tmp_path, ext, data):
    path = tmp_path / f"fuzz.{ext}"
    path.write_bytes(_mutate(audio_seeds[ext], data.draw))
    try:
        audio = load(path)
    except DancekitError:
        return
    assert isinstance(audio, Audio) and np.isfinite(audio.samples).all()


def test_seeds_themselves_load(seeds, tmp_path):
    for fmt, blob in seeds.items():
        if fmt == "kp2d.pkl":
            continue
        path = tmp_path / f"seed.{fmt}"
        path.write_bytes(blob)
        assert load_motion(path).num_frames >= 4
    shutil.rmtree(tmp_path)
