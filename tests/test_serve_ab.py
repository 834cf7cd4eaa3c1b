"""``dancekit serve``'s blind A/B test through Starlette's test client: two dances to one song
(two seeds, or a model against a real ballroom sequence with its own music) in a drawn order
with hidden labels, one vote per trial kept in a SQLite file, the tallies as JSON, CSV and
from the command line."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="dancekit serve needs the serve extra")
from starlette.testclient import TestClient  # noqa: E402

from dancekit.serve.app import create_app  # noqa: E402
from dancekit.serve.votes import Votes  # noqa: E402


@pytest.fixture
def votes_file(tmp_path: Path) -> Path:
    return tmp_path / "study" / "votes.sqlite"


@pytest.fixture
def client(tmp_path: Path, votes_file: Path, data_dir: Path):
    (tmp_path / "server").mkdir()
    with TestClient(create_app(folder=tmp_path / "server", votes=votes_file,
                               data=data_dir)) as c:
        yield c


def _finish(client: TestClient, answer) -> dict:
    assert answer.status_code == 202, answer.text
    job, end = answer.json(), time.monotonic() + 120
    while job["state"] in ("waiting", "running"):
        assert time.monotonic() < end, job
        time.sleep(0.05)
        job = client.get(f"/api/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    return job


def _dance(client: TestClient, song: str = "demo", seed: int = 1) -> dict:
    return _finish(client, client.post("/api/jobs", json={
        "song": song, "model": "procedural", "style": "pop", "seed": seed, "seconds": 2}))


def _trial(client: TestClient, *jobs: dict) -> str:
    answer = client.post("/api/trials", json={"dances": [j["id"] for j in jobs]})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _motion(client: TestClient, url: str) -> np.ndarray:
    return np.asarray(client.get(url).json()["positions_mm"])


def test_a_trial_hides_the_labels_until_the_vote(client: TestClient, votes_file: Path) -> None:
    one, two = _dance(client, seed=1), _dance(client, seed=2)
    trial = _trial(client, one, two)
    view = client.get(f"/api/trials/{trial}")
    assert view.json() == {"id": trial, "song": "demo song (pop, 113 bpm)",
                           "audio": "/api/songs/demo/audio", "voted": False}
    sides = {s: _motion(client, f"/api/trials/{trial}/motion/{s}") for s in ("left", "right")}
    for side in sides.values():
        assert side.size and "seed" not in json.dumps(view.json())
    mine = {j["label"]: _motion(client, f"/api/jobs/{j['id']}/motion") for j in (one, two)}
    order = [next(k for k, m in mine.items() if np.array_equal(m, sides[s]))
             for s in ("left", "right")]
    assert sorted(order) == sorted(mine)  # each side is one of the two dances
    assert not votes_file.exists()  # nothing written before the first vote

    revealed = client.post(f"/api/trials/{trial}/vote", json={"choice": "right"}).json()
    assert revealed == {"chosen": "right", "left": order[0], "right": order[1]}
    assert client.get(f"/api/trials/{trial}").json()["voted"] is True
    again = client.post(f"/api/trials/{trial}/vote", json={"choice": "left"})
    assert again.status_code == 409 and "has its vote" in again.json()["error"]

    tallies = client.get("/api/votes.json").json()
    a, b = sorted(order)
    assert tallies == {"votes": 1, "tallies": [{
        "a": a, "b": b, "votes": 1, "a_wins": int(order[1] == a), "b_wins": int(order[1] == b),
        "a_share": float(order[1] == a)}]}
    with sqlite3.connect(votes_file) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert db.execute("SELECT song, chosen FROM votes").fetchall() == \
            [("demo song (pop, 113 bpm)", "right")]


def test_another_round_draws_the_order_again(client: TestClient) -> None:
    one, two = _dance(client, seed=1), _dance(client, seed=2)
    first = _trial(client, one, two)
    lefts = set()
    trial = first
    for _ in range(30):  # both orders: all 30 draws alike has odds 2**-29
        trial = client.post(f"/api/trials/{trial}/again").json()["id"]
        lefts.add(_motion(client, f"/api/trials/{trial}/motion/left")[:60].tobytes())
    assert len(lefts) == 2


def test_a_model_against_the_real_sequence_to_its_music(client: TestClient,
                                                        ballroom_dir: Path) -> None:
    real = _finish(client, client.post("/api/library/open", json={"entry": "ballroom/DANCE_C_2"}))
    model = _dance(client, song=real["song_id"])
    for chosen in ("left", "right", "left"):
        trial = _trial(client, model, real)
        revealed = client.post(f"/api/trials/{trial}/vote", json={"choice": chosen}).json()
        assert {revealed["left"], revealed["right"]} == {real["label"], model["label"]}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/votes.csv").text)))
    assert len(rows) == 1 and rows[0]["a"] == "procedural"
    assert rows[0]["b"] == "real: ballroom/DANCE_C_2 (cha-cha)" and rows[0]["votes"] == "3"
    assert int(rows[0]["a_wins"]) + int(rows[0]["b_wins"]) == 3


def test_bad_trials_and_votes_say_what_is_wrong(client: TestClient) -> None:
    one, other_song = _dance(client), _dance(client, seed=5)
    real = _finish(client, client.post("/api/library/open", json={"entry": "ballroom/DANCE_C_2"}))
    for dances, message in [([one["id"], real["id"]], "same song"),
                            ([one["id"], one["id"]], "two different dances"),
                            ([one["id"]], "list of two"),
                            ([one["id"], "0" * 32], "no such dance"),
                            ("both", "list of two")]:
        answer = client.post("/api/trials", json={"dances": dances})
        assert answer.status_code == 400 and message in answer.json()["error"], answer.text
    trial = _trial(client, one, other_song)
    for choice in ("middle", None, 1, "LEFT"):
        answer = client.post(f"/api/trials/{trial}/vote", json={"choice": choice})
        assert answer.status_code == 400 and "choose 'left' or 'right'" in answer.json()["error"]
    assert client.get(f"/api/trials/{trial}/motion/both").status_code == 400
    assert client.get("/api/trials/..%2F..%2Fetc/motion/left").status_code == 404
    assert client.post(f"/api/trials/{'f' * 32}/vote", json={"choice": "left"}).status_code == 404
    assert client.get("/api/votes.json").json() == {"votes": 0, "tallies": []}


def test_labels_are_data_never_sql(tmp_path: Path) -> None:
    votes = Votes(tmp_path / "v.sqlite")
    hostile = "x'); DROP TABLE votes; --"
    votes.record(hostile, ("m", hostile), ("m, seed 0", hostile), "right")
    votes.record("song", ("m", "m"), ("m, seed 0", "m, seed 1"), "left")
    assert votes.count() == 2
    assert votes.tallies() == [
        {"a": "m", "b": hostile, "votes": 1, "a_wins": 0, "b_wins": 1, "a_share": 0.0},
        {"a": "m, seed 0", "b": "m, seed 1", "votes": 1, "a_wins": 1, "b_wins": 0,
         "a_share": 1.0}]  # two seeds of one model are told apart by their labels


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from dancekit.cli import main; main()",
                           "serve", *args], capture_output=True, text=True, timeout=60)


def test_the_command_exports_the_tallies(tmp_path: Path) -> None:
    source = tmp_path / "votes.sqlite"
    votes = Votes(source)
    for chosen in ("left", "left", "right"):
        votes.record("song", ("dance-tokens", "fact"), ("d", "f"), chosen)
    run = _serve("--votes", str(source), "--export-votes", str(tmp_path / "t.csv"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"{tmp_path / 't.csv'}: tallies of 3 votes from {source}"
    assert (tmp_path / "t.csv").read_text() == \
        "a,b,votes,a_wins,b_wins,a_share\ndance-tokens,fact,3,2,1,0.6667\n"
    run = _serve("--votes", str(source), "--export-votes", str(tmp_path / "t.json"))
    assert json.loads((tmp_path / "t.json").read_text())["tallies"][0]["a_wins"] == 2

    for votes_arg, out, message in [
            (tmp_path / "none.sqlite", "t.csv", "no votes file at"),
            (source, "t.txt", "a .csv or .json file"),
            (Path(__file__), "t.csv", "cannot use"),
            (source, "no/such/dir/t.csv", "")]:
        run = _serve("--votes", str(votes_arg), "--export-votes", str(tmp_path / out))
        assert run.returncode == 2 and run.stderr.startswith("error: "), run.stderr
        assert message in run.stderr and "Traceback" not in run.stderr
