"""``dancekit serve``'s HTTP API through Starlette's test client: a dance from the demo song
and from a real uploaded song, its downloads read back, hostile uploads and paths refused with
a message while the server keeps answering, and the one-job-per-model queue."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="dancekit serve needs the serve extra")
from starlette.testclient import TestClient  # noqa: E402

from dancekit.io import load_motion  # noqa: E402
from dancekit.serve.app import create_app  # noqa: E402
from dancekit.serve.dances import SOLE_M  # noqa: E402
from dancekit.serve.jobs import Busy, Jobs, Request  # noqa: E402
from dancekit.serve.songs import DEMO_SONG, Songs  # noqa: E402


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(create_app(folder=tmp_path, max_upload_bytes=3 * 2**20)) as c:
        yield c


def _finish(client: TestClient, job: dict, limit_s: float = 120) -> dict:
    end = time.monotonic() + limit_s
    while job["state"] in ("waiting", "running"):
        assert time.monotonic() < end, job
        time.sleep(0.1)
        job = client.get(f"/api/jobs/{job['id']}").json()
    return job


def _dance(client: TestClient, song: str, **asked) -> dict:
    asked = {"song": song, "model": "procedural", "style": "pop", "seed": 3, **asked}
    answer = client.post("/api/jobs", json=asked)
    assert answer.status_code == 202, answer.text
    return _finish(client, answer.json())


def test_the_page_and_its_viewer_library_come_from_the_server(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    assert 'from "/static/viewer.js"' in client.get("/static/app.js").text
    assert 'from "/static/viewer.js"' in client.get("/static/ab.js").text
    assert 'from "/static/three.min.js"' in client.get("/static/viewer.js").text
    ab = client.get("/ab")
    assert ab.status_code == 200 and "/static/ab.js" in ab.text and "http" not in ab.text
    three = client.get("/static/three.min.js")
    assert three.status_code == 200 and "WebGLRenderer" in three.text
    assert len(three.content) > 300_000


def test_demo_dance_plays_and_downloads_in_every_format(client: TestClient,
                                                         tmp_path: Path) -> None:
    job = _dance(client, "demo", seconds=4)
    assert job["state"] == "done", job
    assert job["seconds"] == pytest.approx(4, abs=0.05) and job["style"] == "pop"
    view = client.get(f"/api/jobs/{job['id']}/motion").json()
    pos = np.asarray(view["positions_mm"]).reshape(view["frames"], len(view["joints"]), 3)
    assert view["frames"] == 120 and view["fps"] == 30
    # the soles rest on the viewer's floor: the lowest joint a foot's thickness above it
    assert np.median(pos[..., 1].min(axis=1)) == pytest.approx(SOLE_M * 1000, abs=15)
    assert len(view["radii_m"]) == len(view["bones"]) and min(view["radii_m"]) > 0.02
    audio = client.get(job["audio"])
    assert audio.status_code == 200 and audio.content == DEMO_SONG.read_bytes()
    for fmt in ("npz", "json", "bvh"):
        got = client.get(job["downloads"][fmt])
        assert got.status_code == 200
        assert f"dance-procedural-seed3.{fmt}" in got.headers["content-disposition"]
        path = tmp_path / f"back.{fmt}"
        path.write_bytes(got.content)
        back = load_motion(path)
        assert len(back) == 120
        np.testing.assert_allclose(back.positions[:, 0, [0, 2]], pos[:, 0, [0, 2]] / 1000,
                                   atol=0.02)
    video = client.get(job["downloads"]["mp4"])
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_a_real_uploaded_song_dances(client: TestClient, ballroom_dir: Path) -> None:
    song = ballroom_dir / "DANCE_C_2" / "audio.mp3"
    data = song.read_bytes()[: 3 * 2**20]
    up = client.post("/api/songs", content=data, headers={"X-Filename": "..%2F..%2Fcha.mp3"})
    assert up.status_code == 200, up.text
    assert up.json()["name"] == "cha.mp3" and up.json()["seconds"] > 10
    job = _dance(client, up.json()["id"], style="chacha", seconds=3)
    assert job["state"] == "done", job
    assert job["song"] == "cha.mp3"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>" * 10, "not an audio file"),
    (b"MZ\x90\x00" + bytes(500), "not an audio file"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(200), "cannot read this file as audio"),
    (b"ID3\x04" + bytes(1000), "cannot read this file as audio"),
])
def test_bad_uploads_get_a_message_and_leave_no_file(client: TestClient, tmp_path: Path,
                                                      data: bytes, message: str) -> None:
    answer = client.post("/api/songs", content=data, headers={"X-Filename": "song.mp3"})
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert not list((tmp_path / "songs").iterdir())
    assert client.get("/api/options").status_code == 200


def test_an_upload_over_the_limit_is_cut_off(client: TestClient, tmp_path: Path) -> None:
    big = DEMO_SONG.read_bytes() * 40  # > 3 MB, starts as a real OGG
    answer = client.post("/api/songs", content=big)
    assert answer.status_code == 413 and "larger than 3 MB" in answer.json()["error"]
    streamed = client.post("/api/songs", content=iter([big[:2**20]] * 4))  # no length given
    assert streamed.status_code == 413
    assert not list((tmp_path / "songs").iterdir())


@pytest.mark.parametrize("path", [
    "/api/songs/..%2F..%2F..%2Fetc%2Fpasswd/audio",
    "/api/songs/../../etc/passwd/audio",
    "/static/../app.py",
    "/static/..%2Fapp.py",
    "/api/jobs/..%2Fsongs/motion",
    "/api/jobs/0123456789abcdef0123456789abcdef/download/bvh",
])
def test_paths_outside_the_app_are_not_found(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404, (path, answer.text[:200])
    assert b"def create_app" not in answer.content and b"root:" not in answer.content


def test_download_names_are_a_fixed_list(client: TestClient) -> None:
    job = _dance(client, "demo", seconds=2)
    for fmt in ("..%2F..%2Fetc%2Fpasswd", "py", "npz%00.py"):
        assert client.get(f"/api/jobs/{job['id']}/download/{fmt}").status_code == 404


@pytest.mark.parametrize("asked, message", [
    ({"model": "nope"}, "unknown model"),
    ({"style": "polka"}, "knows no style"),
    ({"seed": -1}, "seed must be"),
    ({"seed": True}, "seed must be"),
    ({"seed": "7"}, "seed must be"),
    ({"seconds": 500}, "lasts only"),
    ({"seconds": "all"}, "seconds must be a number"),
    ({"song": "../../etc/passwd"}, "no such song"),
])
def test_bad_requests_say_what_is_wrong(client: TestClient, asked: dict, message: str) -> None:
    body = {"song": "demo", "model": "procedural", "style": "auto", "seed": 0, **asked}
    answer = client.post("/api/jobs", json=body)
    assert answer.status_code == 400 and message in answer.json()["error"], answer.text
    not_json = client.post("/api/jobs", content=b"{oops")
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["error"]


def _request(model: str = "m") -> Request:
    return Request(Songs(Path(".")).demo(), model, "auto", 0, None)


def test_one_job_at_a_time_per_model_then_busy(tmp_path: Path) -> None:
    gate, running, order = threading.Event(), [], []

    def work(job, say) -> None:
        running.append(job.request.model)
        assert running.count(job.request.model) == 1  # never two of one model at once
        gate.wait(10)
        order.append(job.id)
        running.remove(job.request.model)

    jobs = Jobs(tmp_path, work, max_waiting=2)
    first = jobs.submit(_request())
    while first.state != "running":
        time.sleep(0.01)
    queued = [jobs.submit(_request()), jobs.submit(_request())]
    assert [jobs.ahead(j) for j in queued] == [1, 2]
    with pytest.raises(Busy, match="busy: 2 dances are waiting"):
        jobs.submit(_request())
    other = jobs.submit(_request("other"))  # another model has its own queue
    while other.state != "running":
        time.sleep(0.01)
    gate.set()
    for job in (first, *queued, other):
        while job.state != "done":
            time.sleep(0.01)
    assert order.index(first.id) < order.index(queued[0].id) < order.index(queued[1].id)


def test_a_crashing_job_fails_alone(tmp_path: Path) -> None:
    def work(job, say) -> None:
        if job.request.seed == 0:
            raise RuntimeError("boom")
        say("fine")

    jobs = Jobs(tmp_path, work)
    bad, good = jobs.submit(_request()), jobs.submit(
        Request(Songs(Path(".")).demo(), "m", "auto", 1, None))
    while good.state != "done":
        time.sleep(0.01)
    assert bad.state == "failed" and bad.error == "internal error (RuntimeError): boom"
    assert good.stage == "fine"


def test_busy_is_a_503_with_the_message(tmp_path: Path) -> None:
    with TestClient(create_app(folder=tmp_path, max_waiting=0)) as c:
        answer = c.post("/api/jobs", json={"song": "demo", "model": "procedural",
                                          "style": "auto", "seed": 0})
        assert answer.status_code == 503
        assert "procedural model is busy" in answer.json()["error"]


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from dancekit.cli import main; main()",
                           "serve", *args], capture_output=True, text=True, timeout=60)


def test_serve_refuses_a_privileged_port_and_one_in_use() -> None:
    run = _serve("--port", "80")
    assert run.returncode == 2
    assert run.stderr.strip() == "error: --port must be from 1024 to 65535, got 80"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = _serve("--port", str(port))
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_uploads_stay_in_the_private_folder(tmp_path: Path) -> None:
    songs = Songs(tmp_path)
    song = songs.add(DEMO_SONG.read_bytes(), "/etc/../../x.ogg")
    assert song.path.parent == tmp_path and song.name == "x.ogg"
    assert song.path.name.startswith(song.id) and song.path.suffix == ".ogg"
    assert io.BytesIO(song.path.read_bytes()).read(4) == b"OggS"


def test_the_default_folder_is_private_and_goes_with_the_server() -> None:
    app = create_app()
    folder = app.state.folder
    with TestClient(app):
        assert folder.stat().st_mode & 0o077 == 0
        assert (folder / "songs").stat().st_mode & 0o077 == 0
    assert not folder.exists()
