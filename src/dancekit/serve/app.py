"""The web app's HTTP side (Starlette): the page, its static files and a small JSON API.

Every name in a URL is checked against what the server made (random hex ids, a fixed table
of download formats) before it is used, and every file it serves lives in its private
temporary folder or the package: no path is ever built from what a browser sent.

API (all JSON unless said otherwise)::

    GET  /api/options                  models with their styles, the demo song, upload limit
    POST /api/songs                    body: the audio file's bytes -> {id, name, seconds}
    GET  /api/songs/{id}/audio         the song, for the page's player
    POST /api/jobs                     {song, model, style, seed, seconds} -> the job
    GET  /api/jobs/{id}                the job: state, stage, place in the queue, error
    GET  /api/jobs/{id}/motion         joint positions for the viewer
    GET  /api/jobs/{id}/download/{fmt} mp4, bvh, npz or json (a file)
    POST /api/motions                  body: a motion file's bytes -> the job reading it
    GET  /api/library                  the entries of the data folder (``--data``)
    POST /api/library/open             {entry} -> the job reading it
    POST /api/trials                   {dances: [id, id]} -> a blind A/B trial {id}
    GET  /api/trials/{id}              its song and, once voted, the labels
    GET  /api/trials/{id}/motion/{side} left or right, for the viewer
    POST /api/trials/{id}/vote         {choice: left|right} -> the labels revealed
    POST /api/trials/{id}/again        the same two dances drawn again -> {id}
    GET  /api/votes.csv, /api/votes.json  the tallies of all votes

An opened motion is a job like a dance (queued, then its motion and downloads).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dancekit.errors import DancekitError, ParameterError
from dancekit.limits import MAX_SEED
from dancekit.serve import dances
from dancekit.serve.jobs import Busy, Job, Jobs, Opening
from dancekit.serve.jobs import Request as JobRequest
from dancekit.serve.motions import MAX_MOTION_BYTES, DataFolder, open_motion, store_upload
from dancekit.serve.songs import MAX_UPLOAD_BYTES, Songs
from dancekit.serve.trials import Trial, Trials, VotedAlready
from dancekit.serve.votes import Votes, default_votes_file, tallies_csv

STATIC = Path(__file__).resolve().parent / "static"


class TooLarge(Exception):
    """An upload passed the size limit (its one argument, in bytes) while it was arriving."""


def create_app(*, folder: Path | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               max_motion_bytes: int = MAX_MOTION_BYTES, max_waiting: int | None = None,
               data: Path | None = None, votes: Path | None = None) -> Starlette:
    """The app. Uploads and results go into ``folder``, by default a new private temporary
    folder (mode 700) that is removed when the server stops; ``data`` is a folder of motions
    (ballroom sequences, motion files) the page may open; blind A/B votes go into the SQLite
    file ``votes`` (by default :func:`~dancekit.serve.votes.default_votes_file`)."""
    own = folder is None
    root = Path(tempfile.mkdtemp(prefix="dancekit-serve-")) if own else Path(folder)
    for part in ("songs", "jobs", "motions"):
        (root / part).mkdir(mode=0o700, exist_ok=True)
    songs = Songs(root / "songs", max_bytes=max_upload_bytes)
    library = DataFolder(data)
    extra = {} if max_waiting is None else {"max_waiting": max_waiting}
    jobs = Jobs(root / "jobs", functools.partial(_work, songs=songs), **extra)
    trials = Trials(Votes(votes or default_votes_file()))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if own:
            shutil.rmtree(root, ignore_errors=True)

    def job_of(request: Request) -> Job:
        job = jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404, "no such dance on this server")
        return job

    def trial_of(request: Request) -> Trial:
        trial = trials.get(request.path_params["trial"])
        if trial is None:
            raise HTTPException(404, "no such trial on this server")
        return trial

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def ab_page(request: Request) -> Response:
        return FileResponse(STATIC / "ab.html", media_type="text/html")

    async def new_trial(request: Request) -> Response:
        asked = (await _json(request)).get("dances")
        if not isinstance(asked, list) or len(asked) != 2:
            raise ParameterError("a blind test needs a list of two dances")
        pair = [jobs.get(str(d)) for d in asked]
        if None in pair:
            raise ParameterError("no such dance on this server")
        return JSONResponse({"id": trials.start(*pair).id}, status_code=201)

    async def trial_view(request: Request) -> Response:
        trial = trial_of(request)
        song = trial.left.song
        assert song is not None
        return JSONResponse({"id": trial.id, "song": song.name,
                             "audio": f"/api/songs/{song.id}/audio",
                             "voted": trial.chosen is not None, **trial.reveal()})

    async def trial_motion(request: Request) -> Response:
        job = trial_of(request).side(request.path_params["side"])
        if jobs.get(job.id) is not job:
            raise HTTPException(404, "this trial's dances are gone from the server")
        data = await run_in_threadpool(lambda: dances.viewer_data(dances.dance_of(job)))
        return JSONResponse(data)

    async def vote(request: Request) -> Response:
        trial = trial_of(request)
        chosen = (await _json(request)).get("choice")
        return JSONResponse(await run_in_threadpool(trials.vote, trial, chosen))

    async def again(request: Request) -> Response:
        trial = trial_of(request)
        return JSONResponse({"id": trials.start(trial.left, trial.right).id}, status_code=201)

    async def tallies_json(request: Request) -> Response:
        return JSONResponse({"votes": await run_in_threadpool(trials.votes.count),
                             "tallies": await run_in_threadpool(trials.votes.tallies)})

    async def tallies_as_csv(request: Request) -> Response:
        text = tallies_csv(await run_in_threadpool(trials.votes.tallies))
        return Response(text, media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="votes.csv"'})

    async def options(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(_options, songs))

    async def upload(request: Request) -> Response:
        data, name = await _upload(request, songs.max_bytes)
        song = await run_in_threadpool(songs.add, data, name)
        return JSONResponse({"id": song.id, "name": song.name, "seconds": song.seconds})

    async def open_upload(request: Request) -> Response:
        data, name = await _upload(request, max_motion_bytes)
        opening = await run_in_threadpool(store_upload, root / "motions", data, name,
                                          max_motion_bytes)
        try:
            job = jobs.submit(opening)
        except Busy:
            opening.path.unlink()
            raise
        return JSONResponse(_job_view(job, jobs), status_code=202)

    async def listing(request: Request) -> Response:
        return JSONResponse({"entries": await run_in_threadpool(library.listing)})

    async def open_entry(request: Request) -> Response:
        entry = (await _json(request)).get("entry")
        opening = await run_in_threadpool(library.opening, str(entry))
        return JSONResponse(_job_view(jobs.submit(opening), jobs), status_code=202)

    async def audio(request: Request) -> Response:
        try:
            song = songs.get(request.path_params["song"])
        except ParameterError:
            raise HTTPException(404, "no such song on this server") from None
        return FileResponse(song.path)

    async def submit(request: Request) -> Response:
        asked = await _json(request)
        job = jobs.submit(await run_in_threadpool(_job_request, asked, songs))
        return JSONResponse(_job_view(job, jobs), status_code=202)

    async def status(request: Request) -> Response:
        return JSONResponse(_job_view(job_of(request), jobs))

    async def motion(request: Request) -> Response:
        job = _finished(job_of(request))
        data = await run_in_threadpool(lambda: dances.viewer_data(dances.dance_of(job)))
        return JSONResponse(data)

    async def download(request: Request) -> Response:
        job = _finished(job_of(request))
        fmt = request.path_params["fmt"]
        if fmt not in dances.DOWNLOADS:
            raise HTTPException(404, f"no download {fmt!r}: choose "
                                     f"{', '.join(dances.DOWNLOADS)}")
        path = await run_in_threadpool(dances.download, job, fmt)
        return FileResponse(path, media_type=dances.DOWNLOADS[fmt],
                            filename=f"{_file_stem(job.request)}.{fmt}")

    routes = [
        Route("/", index),
        Route("/api/options", options),
        Route("/api/songs", upload, methods=["POST"]),
        Route("/api/songs/{song}/audio", audio),
        Route("/api/jobs", submit, methods=["POST"]),
        Route("/api/jobs/{job}", status),
        Route("/api/jobs/{job}/motion", motion),
        Route("/api/jobs/{job}/download/{fmt}", download),
        Route("/api/motions", open_upload, methods=["POST"]),
        Route("/api/library", listing),
        Route("/api/library/open", open_entry, methods=["POST"]),
        Route("/ab", ab_page),
        Route("/api/trials", new_trial, methods=["POST"]),
        Route("/api/trials/{trial}", trial_view),
        Route("/api/trials/{trial}/motion/{side}", trial_motion),
        Route("/api/trials/{trial}/vote", vote, methods=["POST"]),
        Route("/api/trials/{trial}/again", again, methods=["POST"]),
        Route("/api/votes.json", tallies_json),
        Route("/api/votes.csv", tallies_as_csv),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {DancekitError: _refused(400), Busy: _refused(503), VotedAlready: _refused(409),
                TooLarge: _too_large, HTTPException: _http_error}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.state.folder = root
    app.state.jobs = jobs
    app.state.votes = trials.votes
    return app


def _refused(code: int):
    """A handler answering ``{"error": message}`` with ``code``, for errors the page shows."""

    async def handler(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=code)

    return handler


async def _too_large(request: Request, exc: Exception) -> Response:
    limit = exc.args[0]
    return JSONResponse({"error": f"the file is larger than {limit // 2**20} MB"},
                        status_code=413)


async def _upload(request: Request, limit: int) -> tuple[bytes, str]:
    """The request's body, cut off past ``limit`` bytes (:class:`TooLarge`) whether or not
    it declares its length, and the file name the page sent (for showing only)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise TooLarge(limit)
    return bytes(data), urllib.parse.unquote(request.headers.get("x-filename", ""))


async def _json(request: Request) -> dict[str, Any]:
    """The request's JSON object; a ParameterError for anything else."""
    try:
        asked = json.loads(await request.body())
    except ValueError:
        raise ParameterError("the request is not JSON") from None
    if not isinstance(asked, dict):
        raise ParameterError("the request must be a JSON object")
    return asked


def _work(job: Job, say, *, songs: Songs) -> None:
    """What a job does: read an opened file, or make a dance."""
    if isinstance(job.request, Opening):
        open_motion(job, say, songs)
    else:
        dances.make_dance(job, say)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


@functools.lru_cache(maxsize=1)
def _model_styles() -> dict[str, list[str]]:
    """Each dancing model's styles (loading each model once; the weights are small); models
    that dance in pictures (``output = "images"``: DanceNet) have no joints for the viewer."""
    from dancekit.models import available_models, load_model, model_class

    return {name: list(getattr(load_model(name), "styles", []))
            for name in available_models()
            if getattr(model_class(name), "output", "motion") == "motion"}


def _options(songs: Songs) -> dict[str, Any]:
    from dancekit.pipeline import DEFAULT_MODEL

    demo = songs.demo()
    return {"models": [{"name": n, "styles": s} for n, s in _model_styles().items()],
            "default_model": DEFAULT_MODEL,
            "demo": {"id": demo.id, "name": demo.name, "seconds": demo.seconds},
            "max_upload_mb": songs.max_bytes // 2**20, "max_seed": MAX_SEED}


def _job_request(asked: Any, songs: Songs) -> JobRequest:
    """The page's request checked field by field: a ParameterError names the first bad one."""
    from dancekit.models.common import check_seconds, check_seed

    song = songs.get(str(asked.get("song", "")))
    model = asked.get("model")
    styles = _model_styles()
    if model not in styles:
        raise ParameterError(f"unknown model {model!r}: choose {', '.join(styles)}")
    style = asked.get("style", "auto")
    if style not in ["auto", "none", *styles[model]]:
        raise ParameterError(f"the {model} model knows no style {style!r}")
    seed = check_seed(asked.get("seed", 0))
    seconds = asked.get("seconds")
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ParameterError(f"seconds must be a number, got {seconds!r}")
        seconds = check_seconds(seconds)
        if song.seconds is not None and seconds > song.seconds:
            raise ParameterError(f"the song lasts only {song.seconds:.1f} s")
    return JobRequest(song, model, style, seed, seconds)


def _job_view(job: Job, jobs: Jobs) -> dict[str, Any]:
    """What the page hears about a job: ``label`` names the dance in words."""
    r = job.request
    song = job.song
    view: dict[str, Any] = {
        "id": job.id, "state": job.state, "stage": job.stage, "error": job.error,
        "ahead": jobs.ahead(job), "song": song and song.name, "song_id": song and song.id,
        "audio": song and f"/api/songs/{song.id}/audio", **job.meta}
    view["label"] = job.label
    if isinstance(r, JobRequest):
        view.update(model=r.model, seed=r.seed)
    if job.state == "done":
        view["downloads"] = {f: f"/api/jobs/{job.id}/download/{f}" for f in dances.DOWNLOADS}
    return view


def _file_stem(request: JobRequest | Opening) -> str:
    """The download's file name without suffix: the model and seed, or the opened name in
    letters, digits, dots, dashes and underscores."""
    if isinstance(request, Opening):
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(request.name).stem).strip("._")
        return stem or "motion"
    return f"dance-{request.model}-seed{request.seed}"


def _finished(job: Job) -> Job:
    if job.state != "done":
        raise HTTPException(409, f"this dance is {job.state}, not ready")
    return job
