"""Jobs of the web app: one worker thread per model (and one reading opened files), each
taking its queue in order.

A model runs one job at a time, because two generations of one model would share the CPU and
both finish later than one after the other; different models work side by side. A queue
longer than ``max_waiting`` refuses new jobs (:class:`Busy`), so a crowd of requests cannot
pile up hours of work.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dancekit.errors import DancekitError
from dancekit.serve.songs import Song

log = logging.getLogger("dancekit.serve")

#: Jobs that may wait for one model; the next gets the busy message.
MAX_WAITING = 4
#: Jobs remembered at once; the oldest finished ones are forgotten (and their files removed).
MAX_JOBS = 64


class Busy(Exception):
    """The model's queue is full; the message says so in words for the page."""


@dataclass(frozen=True)
class Request:
    """A dance the page asked a model for."""

    song: Song
    model: str
    style: str
    seed: int
    seconds: float | None

    @property
    def queue(self) -> str:
        """The queue the job waits in: its model's."""
        return self.model


@dataclass(frozen=True)
class Opening:
    """A motion file or data-folder entry the page asked to see: ``path`` on this server
    (the private folder or the data folder, never a name from the browser), ``name`` to
    show, ``song`` where the motion comes with its music, and ``upload`` for a file of the
    private folder that goes once it is read."""

    path: Path
    name: str
    song: Song | None
    upload: bool = False

    #: Opened files wait in one queue of their own, read one at a time.
    queue = "open"


@dataclass
class Job:
    """One requested dance and where it stands: waiting, running, done or failed."""

    id: str
    request: Request | Opening
    folder: Path
    state: str = "waiting"
    stage: str = ""
    error: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The music an opened motion turned out to go with (a ballroom sequence's part of its
    #: song), found while the job runs; else the request's song.
    music: Song | None = None

    @property
    def song(self) -> Song | None:
        """The song this dance goes with, for the page's player, trials and the MP4."""
        return self.music or self.request.song

    @property
    def label(self) -> str:
        """The dance in words: its model, style and seed, or the opened file's name."""
        r = self.request
        if isinstance(r, Opening):
            return r.name
        return f"{r.model}, style {self.meta.get('style', r.style)}, seed {r.seed}"


Work = Callable[[Job, Callable[[str], None]], None]


class Jobs:
    """The job table and the per-model queues.

    ``work(job, say)`` makes the dance of ``job`` in ``job.folder``, calling ``say`` with each
    stage; a :class:`DancekitError` it raises is shown to the user as it is, anything else as
    an internal error (logged with its traceback), and the worker goes on with the next job.
    """

    def __init__(self, folder: Path, work: Work, *, max_waiting: int = MAX_WAITING,
                 max_jobs: int = MAX_JOBS) -> None:
        self.folder = folder
        self.work = work
        self.max_waiting = max_waiting
        self.max_jobs = max_jobs
        self._jobs: dict[str, Job] = {}
        self._queues: dict[str, queue.Queue[Job]] = {}
        self._waiting: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def submit(self, request: Request | Opening) -> Job:
        """Queue a job for ``request.queue``; :class:`Busy` when that queue is full."""
        with self._lock:
            waiting = self._waiting.setdefault(request.queue, [])
            if len(waiting) >= self.max_waiting:
                who, what = ("file reader", "files") if request.queue == Opening.queue \
                    else (f"{request.queue} model", "dances")
                raise Busy(f"the {who} is busy: {len(waiting)} {what} are waiting for it "
                           "already. Try again in a minute.")
            job_id = secrets.token_hex(16)
            job = Job(job_id, request, self.folder / job_id)
            job.folder.mkdir(mode=0o700)
            self._jobs[job_id] = job
            waiting.append(job_id)
            self._forget_old()
            if request.queue not in self._queues:
                self._queues[request.queue] = queue.Queue()
                threading.Thread(target=self._worker, args=(request.queue,), daemon=True,
                                 name=f"dance-{request.queue}").start()
            self._queues[request.queue].put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def ahead(self, job: Job) -> int:
        """How many jobs wait before ``job`` in its queue (the running one included)."""
        with self._lock:
            waiting = self._waiting.get(job.request.queue, [])
            if job.id not in waiting:
                return 0
            busy = any(j.state == "running" and j.request.queue == job.request.queue
                       for j in self._jobs.values())
            return waiting.index(job.id) + int(busy)

    def _worker(self, name: str) -> None:
        """Take queue ``name``'s jobs one at a time, for as long as the server runs."""
        jobs = self._queues[name]
        while True:
            job = jobs.get()
            with self._lock:
                self._waiting[name].remove(job.id)
                job.state = "running"

            def say(text: str, job: Job = job) -> None:
                job.stage = text

            try:
                self.work(job, say)
                job.state = "done"
            except DancekitError as err:
                job.error, job.state = str(err), "failed"
            except Exception as err:  # a bug: the page hears of it and the server stays up
                log.exception("job %s failed", job.id)
                job.error, job.state = f"internal error ({type(err).__name__}): {err}", "failed"

    def _forget_old(self) -> None:
        """Drop the oldest finished jobs beyond ``max_jobs`` with their files (lock held)."""
        finished = [j for j in self._jobs.values() if j.state in ("done", "failed")]
        for job in finished[:max(0, len(self._jobs) - self.max_jobs)]:
            del self._jobs[job.id]
            with job.lock:
                for path in job.folder.iterdir():
                    path.unlink()
                job.folder.rmdir()
