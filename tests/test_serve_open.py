"""``dancekit serve`` opening existing motions, through Starlette's test client: real ballroom
sequences from a data folder (with their music), a real BVH capture, an AIST++ SMPL pickle
made from real capture, each shown and downloadable in the other formats; hostile files and
entry names refused with a message, nothing left behind, the server still answering."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="dancekit serve needs the serve extra")
from starlette.testclient import TestClient  # noqa: E402

from dancekit.audio.loading import load as load_audio  # noqa: E402
from dancekit.data.ballroom import ballroom_sequence  # noqa: E402
from dancekit.io import load_motion  # noqa: E402
from dancekit.serve.app import create_app  # noqa: E402
from dancekit.serve.motions import sniff_motion  # noqa: E402


@pytest.fixture
def client(tmp_path: Path, data_dir: Path):
    (tmp_path / "server").mkdir()
    app = create_app(folder=tmp_path / "server", max_motion_bytes=4 * 2**20, data=data_dir)
    with TestClient(app) as c:
        yield c


def _finish(client: TestClient, answer, limit_s: float = 60) -> dict:
    assert answer.status_code == 202, answer.text
    job, end = answer.json(), time.monotonic() + limit_s
    while job["state"] in ("waiting", "running"):
        assert time.monotonic() < end, job
        time.sleep(0.05)
        job = client.get(f"/api/jobs/{job['id']}").json()
    return job


def _positions(client: TestClient, job: dict) -> np.ndarray:
    view = client.get(f"/api/jobs/{job['id']}/motion").json()
    return np.asarray(view["positions_mm"]).reshape(view["frames"], len(view["joints"]), 3)


def _upload(client: TestClient, data: bytes, name: str = "motion.bin") -> dict:
    return _finish(client, client.post("/api/motions", content=data,
                                       headers={"X-Filename": name}))


def test_the_data_folder_lists_ballroom_sequences_and_files(client: TestClient) -> None:
    entries = {e["id"]: e for e in client.get("/api/library").json()["entries"]}
    cha = entries["ballroom/DANCE_C_2"]
    assert cha == {"id": "ballroom/DANCE_C_2", "name": "ballroom/DANCE_C_2 (cha-cha)",
                   "kind": "ballroom", "music": True}
    assert entries["bvh/dataset-1_dance-short_normal_001.bvh"]["kind"] == "bvh"
    assert sum(e["kind"] == "ballroom" for e in entries.values()) == 40
    assert not any(k.endswith(("skeletons.json", "config.json", ".md")) for k in entries)


def test_a_ballroom_sequence_opens_with_its_music_and_downloads_as_bvh(
        client: TestClient, ballroom_dir: Path, tmp_path: Path) -> None:
    """The sequence plays on its measured clock (DANCE_C_2: 25 / 0.95 fps, from 6.24 s into
    its song) with its floor levelled, and its music is that part of the song, so it plays
    in step with the dance."""
    job = _finish(client, client.post("/api/library/open", json={"entry": "ballroom/DANCE_C_2"}))
    assert job["state"] == "done", job
    pair = ballroom_sequence(ballroom_dir / "DANCE_C_2")
    assert pair.motion.meta["timing"]["source"] == "measured"
    assert job["label"] == "ballroom/DANCE_C_2 (cha-cha)"
    assert job["fps"] == pytest.approx(25 / 0.95) and job["music_start"] == 6.24
    real = load_motion(ballroom_dir / "DANCE_C_2")
    shown = _positions(client, job)
    assert shown.shape == real.positions.shape
    np.testing.assert_allclose(shown[:, 0, [0, 2]] / 1000, real.positions[:, 0, [0, 2]],
                               atol=0.001)
    (tmp_path / "part.wav").write_bytes(client.get(job["audio"]).content)
    part = load_audio(tmp_path / "part.wav")
    song = load_audio(ballroom_dir / "DANCE_C_2" / "audio.mp3", sr=part.sr)
    assert part.duration == pytest.approx(pair.motion.duration, abs=0.01)
    first = round(6.24 * part.sr)
    np.testing.assert_allclose(part.samples[:part.sr], song.samples[first:first + part.sr],
                               atol=2e-4)  # 16-bit samples of the same decoded song
    again = _finish(client, client.post("/api/library/open", json={"entry": "ballroom/DANCE_C_2"}))
    assert again["song_id"] == job["song_id"]  # one song: dances to it can be compared
    bvh = client.get(job["downloads"]["bvh"])
    assert 'filename="DANCE_C_2_cha-cha.bvh"' in bvh.headers["content-disposition"]
    (tmp_path / "back.bvh").write_bytes(bvh.content)
    back = load_motion(tmp_path / "back.bvh")
    assert len(back) == len(real)
    np.testing.assert_allclose(back.positions[:, 0], pair.motion.positions[:, 0], atol=0.01)
    assert np.abs(back.positions[:, 0, 1] - real.positions[:, 0, 1]).max() > 0.1  # levelled


def test_a_ballroom_sequence_without_music_opens_levelled(client: TestClient,
                                                         ballroom_dir: Path) -> None:
    """DANCE_W_13 has no song: it opens as captured (25 fps), its drifting floor levelled
    all the same, so the dancer does not rise off the floor."""
    job = _finish(client, client.post("/api/library/open", json={"entry": "ballroom/DANCE_W_13"}))
    assert job["state"] == "done", job
    shown = _positions(client, job) / 1000
    raw = load_motion(ballroom_dir / "DANCE_W_13")
    assert shown.shape == raw.positions.shape
    lowest = [np.percentile(part[..., 1].min(axis=1), 5) for part in np.array_split(shown, 5)]
    as_read = [np.percentile(part[..., 1].min(axis=1), 5)
               for part in np.array_split(raw.positions, 5)]
    assert np.ptp(as_read) > 0.2 and np.ptp(lowest) < 0.08


@pytest.mark.parametrize("entry", ["../../etc/passwd", "/etc/passwd", "ballroom/../bvh",
                                   "ballroom", "", None, 7])
def test_entries_outside_the_listing_are_refused(client: TestClient, entry) -> None:
    answer = client.post("/api/library/open", json={"entry": entry})
    assert answer.status_code == 400, answer.text
    assert "no such entry" in answer.json()["error"]


def test_without_a_data_folder_the_listing_is_empty(tmp_path: Path) -> None:
    with TestClient(create_app(folder=tmp_path)) as c:
        assert c.get("/api/library").json() == {"entries": []}


def test_an_uploaded_bvh_shows_and_comes_back_as_npz_and_json(
        client: TestClient, bvh_file: Path, tmp_path: Path) -> None:
    job = _upload(client, bvh_file.read_bytes(), "../../capture.bvh")
    assert job["state"] == "done", job
    assert job["label"] == "capture.bvh" and job["audio"] is None
    real = load_motion(bvh_file)
    assert _positions(client, job).shape == real.positions.shape
    for fmt in ("npz", "json"):
        got = client.get(job["downloads"][fmt])
        assert f'filename="capture.{fmt}"' in got.headers["content-disposition"]
        (tmp_path / f"back.{fmt}").write_bytes(got.content)
        np.testing.assert_allclose(load_motion(tmp_path / f"back.{fmt}").positions,
                                   real.positions, atol=1e-4)
    assert not list((tmp_path / "server" / "motions").iterdir())  # read, then removed
    reopened = _upload(client, (tmp_path / "back.npz").read_bytes())
    assert reopened["state"] == "done" and reopened["seconds"] == \
        pytest.approx(len(real) / real.fps, abs=0.05)


def test_an_aistpp_smpl_pickle_opens(client: TestClient, ballroom_dir: Path) -> None:
    from aistpp_fixture import SCALING, source_motion

    motion = source_motion(ballroom_dir, "DANCE_C_2")
    data = pickle.dumps({"smpl_poses": motion.rotations.reshape(-1, 72).astype(np.float32),
                         "smpl_trans": (motion.root * SCALING).astype(np.float32),
                         "smpl_scaling": np.array([SCALING], np.float32), "smpl_loss": 0.5})
    job = _upload(client, data, "gBR_sBM_cAll_d04_mBR0_ch01.pkl")
    assert job["state"] == "done", job
    assert job["fps"] == 60 and len(_positions(client, job)) == len(motion)


def test_2d_keypoints_say_the_viewer_is_3d(client: TestClient, aist2d_dir: Path) -> None:
    entry = "aistpp_keypoints2d/gBR_sBM_cAll_d04_mBR0_ch01.pkl"
    job = _finish(client, client.post("/api/library/open", json={"entry": entry}))
    assert job["state"] == "failed" and "2D keypoints" in job["error"]


class _Run:
    def __reduce__(self):
        return (os.system, ("touch /tmp/dancekit-serve-pwned",))


@pytest.mark.parametrize("data, message", [
    (pickle.dumps(_Run()), "motion.bin is not a safe data pickle"),
    (b"HIERARCHY\nROOT Hips\n{\n OFFSET 0 0\n", "motion.bin: no MOTION section"),
    (b"PK\x03\x04" + bytes(300), "npz"),
    (b'{"positions": "lots"}', "json"),
])
def test_damaged_or_hostile_files_fail_alone(client: TestClient, tmp_path: Path,
                                             data: bytes, message: str) -> None:
    job = _upload(client, data)
    assert job["state"] == "failed" and message.lower() in job["error"].lower(), job
    assert str(tmp_path) not in job["error"]  # the private folder stays private
    assert not Path("/tmp/dancekit-serve-pwned").exists()
    assert not list((tmp_path / "server" / "motions").iterdir())
    assert client.get("/api/library").status_code == 200


@pytest.mark.parametrize("data, status, message", [
    (b"", 400, "empty"),
    (b"MZ\x90\x00" + bytes(500), 400, "not a motion file"),
    (b"<html>" + bytes(100), 400, "not a motion file"),
    (b"HIERARCHY\n" + bytes(4 * 2**20), 413, "larger than 4 MB"),
])
def test_refused_uploads_leave_nothing(client: TestClient, tmp_path: Path, data: bytes,
                                       status: int, message: str) -> None:
    answer = client.post("/api/motions", content=data)
    assert answer.status_code == status and message in answer.json()["error"], answer.text
    assert not list((tmp_path / "server" / "motions").iterdir())


def test_motion_formats_are_told_by_their_first_bytes() -> None:
    assert sniff_motion(b"\xef\xbb\xbfHIERARCHY\r\n") == ".bvh"
    assert sniff_motion(b"PK\x03\x04rest") == ".npz"
    assert sniff_motion(pickle.dumps({"a": 1}, protocol=2)) == ".pkl"
    assert sniff_motion(b'  {"fps": 30}') == ".json"
    assert sniff_motion(b"ID3\x04") is None and sniff_motion(b"") is None
