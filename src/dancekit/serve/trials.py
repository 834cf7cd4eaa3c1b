"""Blind A/B trials: two finished dances to one song shown in a random left/right order with
their labels hidden until the viewer has voted; the vote goes to :class:`Votes`.

A trial takes one vote; "another round" is a new trial of the same two dances, drawn again,
so a viewer cannot learn a side. The page knows a trial by a random id and its dances only as
``left`` and ``right``: their job ids, which would name them, never reach it.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any

from dancekit.errors import ParameterError
from dancekit.serve.jobs import Job, Opening
from dancekit.serve.votes import SIDES, Votes

#: Trials remembered at once; the oldest are forgotten.
MAX_TRIALS = 256


class VotedAlready(Exception):
    """The trial has its vote."""


@dataclass
class Trial:
    id: str
    left: Job
    right: Job
    chosen: str | None = None

    def side(self, name: str) -> Job:
        if name not in SIDES:
            raise ParameterError(f"a trial has a left and a right dance, not {name!r}")
        return self.left if name == "left" else self.right

    def reveal(self) -> dict[str, Any]:
        """The labels, once voted."""
        return {"chosen": self.chosen, "left": self.left.label,
                "right": self.right.label} if self.chosen else {}


def system(job: Job) -> str:
    """What a vote is for: the model that made the dance, or the real motion it is."""
    r = job.request
    return f"real: {r.name}" if isinstance(r, Opening) else r.model


class Trials:
    def __init__(self, votes: Votes) -> None:
        self.votes = votes
        self._trials: dict[str, Trial] = {}
        self._lock = threading.Lock()

    def start(self, first: Job, second: Job) -> Trial:
        """A trial of two finished dances to one song, in an order drawn here."""
        if first is second:
            raise ParameterError("a blind test needs two different dances")
        if any(j.state != "done" for j in (first, second)):
            raise ParameterError("both dances must be finished first")
        songs = {j.song.id if j.song else None for j in (first, second)}
        if len(songs) != 1 or None in songs:
            raise ParameterError("a blind test needs two dances to the same song")
        pair = (first, second) if secrets.randbelow(2) == 0 else (second, first)
        trial = Trial(secrets.token_hex(16), *pair)
        with self._lock:
            self._trials[trial.id] = trial
            while len(self._trials) > MAX_TRIALS:
                del self._trials[next(iter(self._trials))]
        return trial

    def get(self, trial_id: str) -> Trial | None:
        with self._lock:
            return self._trials.get(trial_id)

    def vote(self, trial: Trial, chosen: Any) -> dict[str, Any]:
        """Record the viewer's choice (``left`` or ``right``) once; the labels revealed."""
        if chosen not in SIDES:
            raise ParameterError(f"choose 'left' or 'right', got {chosen!r}")
        song = trial.left.song
        assert song is not None
        with self._lock:
            if trial.chosen is not None:
                raise VotedAlready("this trial has its vote: start another round")
            self.votes.record(song.name, (system(trial.left), system(trial.right)),
                              (trial.left.label, trial.right.label), chosen)
            trial.chosen = chosen
        return trial.reveal()
