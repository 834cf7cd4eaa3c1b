"""The blind A/B votes: which of two dances to one song a viewer preferred, kept in a local
SQLite file, and the tallies per pair of systems (the seed papers' human studies).

Each vote records both dances' system (the model's name, or ``real: <sequence>`` for a motion
opened from a file) and their full labels (model, style, seed), the song and the side chosen.
Tallies count wins per pair of systems over all songs; two dances of one system (seeds of a
model) are told apart by their labels instead. Every query is a fixed statement with
parameters: no SQL is built from text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dancekit.errors import DataFormatError, ParameterError
from dancekit.utils import atomic_output

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    song TEXT NOT NULL,
    left_system TEXT NOT NULL,
    right_system TEXT NOT NULL,
    left_label TEXT NOT NULL,
    right_label TEXT NOT NULL,
    chosen TEXT NOT NULL CHECK (chosen IN ('left', 'right'))
)"""
TALLY_FIELDS = ("a", "b", "votes", "a_wins", "b_wins", "a_share")
SIDES = ("left", "right")


def default_votes_file() -> Path:
    """``$XDG_DATA_HOME/dancekit/votes.sqlite`` (``~/.local/share`` without it): votes are
    results people collect over days, so they live with user data, not in a cache."""
    root = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(root) / "dancekit" / "votes.sqlite"


class Votes:
    """The votes in the SQLite file ``path``, made with its schema on the first vote."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    @contextmanager
    def _db(self, *, create: bool) -> Iterator[sqlite3.Connection | None]:
        """A connection (None where the file does not exist and ``create`` is false)."""
        if not create and not self.path.exists():
            yield None
            return
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock, closing(sqlite3.connect(self.path)) as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, SCHEMA_VERSION):
                    raise DataFormatError(f"{self.path} holds votes of schema {version}; this "
                                          f"dancekit reads schema {SCHEMA_VERSION}")
                if version == 0:
                    db.execute(_SCHEMA)
                    db.execute("PRAGMA user_version = 1")  # SCHEMA_VERSION
                yield db
                db.commit()
        except sqlite3.DatabaseError as err:
            raise DataFormatError(f"cannot use {self.path} as the votes file: {err}") from None

    def record(self, song: str, systems: tuple[str, str], labels: tuple[str, str],
               chosen: str) -> None:
        """Keep one vote: ``systems`` and ``labels`` of the left and right dance."""
        if chosen not in SIDES:
            raise ParameterError(f"choose 'left' or 'right', got {chosen!r}")
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._db(create=True) as db:
            assert db is not None
            db.execute("INSERT INTO votes (at, song, left_system, right_system, left_label, "
                       "right_label, chosen) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (at, song, *systems, *labels, chosen))

    def count(self) -> int:
        with self._db(create=False) as db:
            return 0 if db is None else db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]

    def tallies(self) -> list[dict[str, Any]]:
        """One row per pair (``a`` before ``b`` alphabetically): votes, wins, a's share."""
        with self._db(create=False) as db:
            rows = [] if db is None else db.execute(
                "SELECT left_system, right_system, left_label, right_label, chosen "
                "FROM votes ORDER BY id").fetchall()
        pairs: dict[tuple[str, str], dict[str, Any]] = {}
        for left_system, right_system, left_label, right_label, chosen in rows:
            left, right = (left_system, right_system) if left_system != right_system \
                else (left_label, right_label)
            winner = left if chosen == "left" else right
            a, b = sorted((left, right))
            row = pairs.setdefault((a, b), {"a": a, "b": b, "votes": 0, "a_wins": 0,
                                            "b_wins": 0})
            row["votes"] += 1
            row["a_wins" if winner == a else "b_wins"] += 1
        for row in pairs.values():
            row["a_share"] = round(row["a_wins"] / row["votes"], 4)
        return [pairs[k] for k in sorted(pairs)]

    def export(self, out: Path) -> int:
        """Write the tallies to ``out`` (``.csv`` or ``.json``, atomically); the vote count."""
        fmt = Path(out).suffix.lower()
        if fmt not in (".csv", ".json"):
            raise ParameterError(f"export the votes to a .csv or .json file, not {out}")
        text = tallies_csv(self.tallies()) if fmt == ".csv" else \
            json.dumps({"votes": self.count(), "tallies": self.tallies()}, indent=2) + "\n"
        with atomic_output(out) as tmp:
            tmp.write_text(text)
        return self.count()


def tallies_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TALLY_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
