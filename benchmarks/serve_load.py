"""A bounded load test of ``dancekit serve`` on localhost: a real server process, 50 requests
from 8 clients at once, bad uploads among them, then every accepted job followed to its end.

Usage: python benchmarks/serve_load.py [path/to/shared/data] [--requests N]

Each request has the answer it should get (a page, a song, a job, or a refusal: 400 for a
file that is not what it claims, 413 past the size limit, 404 outside the app, 503 when a
model's queue is full). Prints a table per kind of request: requests, answered as expected
(ok, or rejected as expected), lost (no answer, an unexpected status, or an accepted job that
never finished), latency percentiles; and whether the server still answers after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import pickle
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.serve.songs import DEMO_SONG

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"
CLIENTS = 8


class _Exploit:
    def __reduce__(self):
        return (print, ("a pickle ran code",))


@dataclass
class Call:
    kind: str
    method: str
    path: str
    body: bytes | None
    expect: tuple[int, ...]
    headers: dict[str, str] | None = None


def calls(data: Path, count: int) -> list[Call]:
    """``count`` requests, the kinds in turn: good and bad uploads, jobs, pages, paths."""
    song = DEMO_SONG.read_bytes()
    bvh = data / "bvh" / "dataset-1_dance-short_normal_001.bvh"
    job = json.dumps({"song": "demo", "model": "procedural", "style": "pop", "seed": 0,
                      "seconds": 2}).encode()
    kinds = [
        Call("page", "GET", "/", None, (200,)),
        Call("song upload", "POST", "/api/songs", song, (200,)),
        Call("bad song: web page", "POST", "/api/songs", b"<html>" * 200, (400,)),
        Call("bad song: truncated WAV", "POST", "/api/songs",
             b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(300), (400,)),
        Call("bad song: 200 MB declared", "POST", "/api/songs", b"OggS" + bytes(1000), (413,),
             {"Content-Length": str(200 * 2**20)}),
        Call("dance job", "POST", "/api/jobs", job, (202, 503)),
        Call("bad job: unknown model", "POST", "/api/jobs", job.replace(b"procedural", b"x"),
             (400,)),
        Call("bad motion: executable", "POST", "/api/motions", b"MZ\x90\x00" + bytes(900),
             (400,)),
        Call("bad motion: code pickle", "POST", "/api/motions", pickle.dumps(_Exploit()),
             (202, 503)),
        Call("path outside the app", "GET", "/static/..%2Fapp.py", None, (404,)),
    ]
    if bvh.is_file():
        kinds.append(Call("motion upload (BVH)", "POST", "/api/motions", bvh.read_bytes(),
                          (202, 503)))
    return [kinds[i % len(kinds)] for i in range(count)]


def request(port: int, call: Call) -> tuple[int | None, float, bytes]:
    """Status (None: no answer), seconds taken, body."""
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.putrequest(call.method, call.path)
        headers = {"Content-Length": str(len(call.body or b"")), **(call.headers or {})}
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        if call.body:
            try:
                conn.send(call.body)
            except OSError:  # the server may refuse before reading it all
                pass
        answer = conn.getresponse()
        body = answer.read()
        conn.close()
        return answer.status, time.perf_counter() - start, body
    except OSError:
        return None, time.perf_counter() - start, b""


def follow(port: int, job_id: str, limit_s: float = 300) -> str:
    """The state an accepted job ends in: done or failed (lost past the limit)."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        status, _, body = request(port, Call("", "GET", f"/api/jobs/{job_id}", None, (200,)))
        if status == 200 and json.loads(body)["state"] in ("done", "failed"):
            return json.loads(body)["state"]
        time.sleep(0.2)
    return "lost"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    votes = Path(tempfile.mkdtemp()) / "votes.sqlite"
    server = subprocess.Popen([sys.executable, "-c", "from dancekit.cli import main; main()",
                               "serve", "--port", str(port), "--votes", str(votes)],
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if request(port, Call("", "GET", "/api/options", None, (200,)))[0] == 200:
                break
            time.sleep(0.1)
        todo = calls(args.data, args.requests)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda c: request(port, c), todo))
        wall = time.perf_counter() - started
        # an accepted dance must end done; an accepted code pickle must end failed
        endings = {"dance job": "done", "motion upload (BVH)": "done",
                   "bad motion: code pickle": "failed"}
        rows: dict[str, dict] = {}
        for call, (status, seconds, body) in zip(todo, results, strict=True):
            row = rows.setdefault(call.kind, {"n": 0, "ok": 0, "rejected": 0, "lost": 0,
                                              "t": []})
            row["n"] += 1
            row["t"].append(seconds)
            if status not in call.expect:
                row["lost"] += 1
            elif status == 202 and follow(port, json.loads(body)["id"]) != endings[call.kind]:
                row["lost"] += 1
            elif status in (200, 202) and call.kind not in ("bad motion: code pickle",):
                row["ok"] += 1
            else:
                row["rejected"] += 1
        alive = server.poll() is None and \
            request(port, Call("", "GET", "/api/options", None, (200,)))[0] == 200
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.requests} requests from {CLIENTS} clients at once on localhost in {wall:.1f} s; "
          f"server up after: {'yes' if alive else 'NO'}\n")
    print("| request | n | ok | rejected as expected | lost | p50 ms | p90 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    every: list[float] = []
    for kind, row in rows.items():
        every += row["t"]
        p50, p90, top = np.percentile(np.array(row["t"]) * 1000, [50, 90, 100])
        print(f"| {kind} | {row['n']} | {row['ok']} | {row['rejected']} | {row['lost']} | "
              f"{p50:.0f} | {p90:.0f} | {top:.0f} |")
    total = {k: sum(r[k] for r in rows.values()) for k in ("n", "ok", "rejected", "lost")}
    p50, p90, top = np.percentile(np.array(every) * 1000, [50, 90, 100])
    print(f"| **all** | {total['n']} | {total['ok']} | {total['rejected']} | {total['lost']} | "
          f"{p50:.0f} | {p90:.0f} | {top:.0f} |")
    if total["lost"] or not alive:
        sys.exit(1)


if __name__ == "__main__":
    main()
