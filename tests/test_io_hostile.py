"""Hostile and extreme motion files: resource bombs, absurd values and nesting, each refused
with a one-line error (exit code 2), never a traceback or an exhausted machine."""

from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np
import pytest
from typer.testing import CliRunner

from dancekit.cli import app
from dancekit.errors import DataFormatError, ParameterError
from dancekit.io import common, load_motion, save_motion
from dancekit.motion import Motion

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _npy_header_only(shape: tuple[int, ...], dtype: str = "<f4") -> bytes:
    """An .npy member that declares ``shape`` but holds no data (what a crafted file does)."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _write_npz_members(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_npz_header_claiming_terabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.npz"
    # 2.6 TiB of float32 declared by a header of a few dozen bytes
    _write_npz_members(path, {"positions.npy": _npy_header_only((10_000_000_000, 24, 3)),
                              "fps.npy": _npy_header_only((), "<f8")})
    with pytest.raises(DataFormatError, match="TiB|GiB limit"):
        load_motion(path)
    r = run("info", path)
    assert r.exit_code == 2 and "over the 4 GiB limit" in r.output


def test_zip_bomb_npz_is_refused_from_the_zip_directory(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    zeros = np.zeros((200_000, 24, 3), np.float32)  # 55 MB that deflate to about 60 kB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("positions.npy", "w") as fh:
            np.lib.format.write_array(fh, zeros)
    assert path.stat().st_size < 1_000_000
    monkeypatch.setattr(common, "MAX_ARRAY_BYTES", 32 << 20)
    with pytest.raises(DataFormatError, match="decompressed members would take"):
        load_motion(path)


def test_pickle_declaring_a_huge_array_is_refused_before_allocation(tmp_path):
    # the pickle of a small array, its reconstruction shape (0,) changed to (2^30, 100):
    # numpy would reserve 100 GiB before the (missing) data is even looked at
    small = pickle.dumps({"smpl_poses": np.zeros((1, 72))}, protocol=2)
    assert small.count(b"K\x00\x85") == 1
    path = tmp_path / "bomb.pkl"
    path.write_bytes(small.replace(b"K\x00\x85", b"J\x00\x00\x00@Kd\x86"))
    with pytest.raises(DataFormatError, match=r"shape \(1073741824, 100\) exceeds the 4 GiB"):
        load_motion(path)


def test_bvh_nested_2000_deep_is_refused_without_recursion(tmp_path, bvh_file):
    depth = 2000
    lines = ["HIERARCHY", "ROOT r", "{", "OFFSET 0 0 0", "CHANNELS 3 Xposition Yposition "
             "Zposition"]
    for i in range(depth):
        lines += [f"JOINT j{i}", "{", "OFFSET 0 1 0"]
    lines += ["}"] * (depth + 1) + ["MOTION", "Frames: 1", "Frame Time: 0.033", "0 0 0"]
    path = tmp_path / "deep.bvh"
    path.write_text("\n".join(lines))
    with pytest.raises(DataFormatError, match="deeper than 256"):
        load_motion(path)
    assert run("info", path).exit_code == 2


@pytest.mark.parametrize("field, value, message", [
    ("positions", 1e30, "magnitude 1e\\+30"),
    ("positions", float(np.finfo(np.float32).max), "magnitude 3.40282e\\+38"),
    ("positions", 1j, "complex"),
    ("fps", 1e-300, "fps must be between"),
    ("fps", 1e300, "fps must be between"),
])
def test_absurd_values_fail_info_render_and_convert_with_exit_2(tmp_path, field, value,
                                                                message):
    positions = np.zeros((10, 24, 3)) + np.linspace(0, 1, 24)[:, None]
    fps = 30.0
    if field == "positions":
        positions = positions * 0 + value  # keeps a complex dtype for 1j
    else:
        fps = value
    with pytest.raises(ParameterError, match=message):
        Motion(positions, fps, "smpl24")
    path = tmp_path / "bad.npz"
    np.savez(path, positions=positions, fps=np.float64(fps), skeleton=np.array("smpl24"))
    for args in (("info", path), ("render", path, "-o", tmp_path / "f.png", "-q"),
                 ("convert", path, tmp_path / "c.bvh")):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert r.output.startswith("error:") and r.output.count("\n") == 1, r.output
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "c.bvh").exists()


def test_the_largest_accepted_values_still_save_and_load(tmp_path):
    motion = Motion(np.full((4, 24, 3), 1e6), 1e4, "smpl24")
    save_motion(motion, tmp_path / "edge.npz")
    back = load_motion(tmp_path / "edge.npz")
    assert back.fps == 1e4 and float(back.positions.max()) == 1e6


def test_text_files_over_the_limit_are_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text("[" + "0," * 5000 + "0]")
    monkeypatch.setattr(common, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(DataFormatError, match="limit for text motion files"):
        load_motion(path)


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_special_files_are_refused_without_blocking(tmp_path, kind):
    path = tmp_path / "motion.bvh"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    else:
        path.symlink_to("/dev/zero")  # reading it would never end
    with pytest.raises(DataFormatError, match="empty"):
        load_motion(path)


@pytest.mark.parametrize("name", ["motion.json", "skeletons.json"])
def test_json_nested_beyond_the_recursion_limit_is_a_format_error(tmp_path, name):
    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataFormatError, match="not valid JSON"):
        load_motion(path)


def test_ballroom_skeletons_json_that_is_not_utf8_is_a_format_error(tmp_path):
    folder = tmp_path / "DANCE_W_9"
    folder.mkdir()
    (folder / "skeletons.json").write_bytes(b'\xff\xfe{"skeletons": [], "center": []}')
    with pytest.raises(DataFormatError, match="not UTF-8 text"):
        load_motion(folder)
