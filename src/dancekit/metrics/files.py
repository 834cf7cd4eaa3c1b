"""Folders of motions and music for ``dancekit evaluate``: what to read, how to pair them,
and the Markdown table of a report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion.core import Motion
from dancekit.utils import progress

MOTION_EXTENSIONS = (".npz", ".json", ".bvh", ".pkl", ".pickle")
AUDIO_EXTENSIONS = (".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".opus")
BEAT_SUFFIXES = (".beats.txt", ".beats.json", ".txt", ".json")

#: Display names of report metrics, in table order.
METRIC_NAMES = {
    "fid_k": "FID_k", "fid_g": "FID_g", "div_k": "Div_k", "div_g": "Div_g",
    "div_k_real": "Div_k (real)", "div_g_real": "Div_g (real)", "bas": "Beat Align Score",
    "beat_coverage": "Beat coverage", "beat_hit_rate": "Beat hit rate", "pfc": "PFC",
    "pfc_real": "PFC (real)", "foot_skating": "Foot skating ratio",
    "foot_skating_real": "Foot skating ratio (real)", "jitter": "Jitter",
    "jitter_real": "Jitter (real)",
}


def synth_metadata(folder: Path) -> set[str]:
    """Names of the JSON files that are not motions in a ``dancekit synth`` output: its
    ``index.json`` and the ground-truth file of every pair it lists. Empty for other folders.

    Only the files the index itself names are left out, so a damaged motion file beside them
    is still read (and reported) rather than skipped.
    """
    index = folder / "index.json"
    try:
        record = json.loads(index.read_text())
    except (OSError, ValueError):
        return set()
    if not isinstance(record, dict) or record.get("generator") != "dancekit synth":
        return set()
    pairs = record.get("pairs")
    if not isinstance(pairs, list):
        return set()
    return {index.name} | {p["truth"] for p in pairs if isinstance(p, dict) and "truth" in p}


def motion_entries(folder: str | os.PathLike) -> list[Path]:
    """The motion files (and ballroom sequence folders) directly inside ``folder``, by name;
    in a ``dancekit synth`` output, without its metadata (:func:`synth_metadata`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError(f"not a directory: {folder}")
    metadata = synth_metadata(folder)
    found = [p for p in sorted(folder.iterdir()) if not p.name.startswith(".")
             and p.name not in metadata and (
        (p.is_file() and p.suffix.lower() in MOTION_EXTENSIONS)
        or (p.is_dir() and (p / "skeletons.json").is_file()))]
    if not found:
        raise ParameterError(f"no motion files in {folder} (readable: "
                             f"{', '.join(MOTION_EXTENSIONS)} and ballroom sequence folders)")
    return found


def load_motion_folder(folder: str | os.PathLike, *, quiet: bool = False) -> list[Motion]:
    """Every motion in ``folder`` (see :func:`motion_entries`), with ``meta["source"]``."""
    from dancekit.io import load_motion

    entries = motion_entries(folder)
    motions = []
    for path in progress(entries, total=len(entries), description=f"reading {Path(folder).name}",
                         disable=quiet or len(entries) < 20):
        m = load_motion(path)
        m.meta.setdefault("source", str(path))
        motions.append(m)
    return motions


def stem_of(motion: Motion) -> str:
    """The name music is matched by: the file name without extension (the folder name for a
    ballroom sequence)."""
    source = Path(str(motion.meta.get("source", "")))
    if source.name == "skeletons.json":
        source = source.parent
    return source.name if source.is_dir() else source.stem


def read_beat_times(path: str | os.PathLike) -> np.ndarray:
    """Beat times (s) from a beat file or an audio file.

    ``.txt``: one beat per line, time first (further columns, such as beat numbers, are
    ignored); ``.json``: a list of times or an object with ``"beats"`` (the output of
    ``dancekit beats``); audio: tracked with :func:`dancekit.audio.beats.track_beats`.
    """
    path = Path(path)
    name = path.name.lower()
    if path.suffix.lower() in AUDIO_EXTENSIONS:
        from dancekit.audio.beats import track_beats

        return np.asarray(track_beats(path).beats, dtype=np.float64)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataFormatError(f"cannot read beat file {path}: {err}") from None
    try:
        if name.endswith(".json"):
            doc = json.loads(text)
            times = doc.get("beats") if isinstance(doc, dict) else doc
            beats = np.asarray(times, dtype=np.float64).ravel()
        else:
            rows = [line.split()[0] for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
            beats = np.asarray(rows, dtype=np.float64)
    except (ValueError, TypeError, AttributeError) as err:
        raise DataFormatError(f"{path} holds no list of beat times in seconds ({err})") from None
    if not np.isfinite(beats).all():
        raise DataFormatError(f"{path} holds non-finite beat times")
    return np.sort(beats)


def music_for(motions: list[Motion], folder: str | os.PathLike) -> list[np.ndarray]:
    """Music beat times for each motion, matched by stem in ``folder``.

    For a motion ``x``: ``x.beats.txt``, ``x.beats.json``, ``x.txt``, ``x.json``, an audio file
    ``x.<ext>``, or a folder ``x/`` holding one audio file (the ballroom layout), in that
    order of preference.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError(f"not a directory: {folder}")
    out, missing = [], []
    for m in motions:
        path = _music_file(folder, stem_of(m))
        if path is None:
            missing.append(stem_of(m))
        else:
            out.append(read_beat_times(path))
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ParameterError(f"no music or beat file in {folder} for {len(missing)} generated "
                             f"motion(s): {shown} (expected <name>.beats.txt, <name>.json or "
                             "<name>.<audio extension>)")
    return out


def _music_file(folder: Path, stem: str) -> Path | None:
    for suffix in BEAT_SUFFIXES + AUDIO_EXTENSIONS:
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    sub = folder / stem
    if sub.is_dir():
        audio = sorted(p for p in sub.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
        if len(audio) == 1:
            return audio[0]
    return None


def markdown_table(report: dict[str, Any]) -> str:
    """The report's metrics as a Markdown table: metric, value, 95% CI, protocol."""
    lines = ["| metric | value | 95% CI | protocol |", "|---|---:|---|---|"]
    metrics = report["metrics"]
    for key in [k for k in METRIC_NAMES if k in metrics] + sorted(set(metrics) - set(METRIC_NAMES)):
        entry = metrics[key]
        ci = entry["ci95"]
        ci_text = "-" if ci is None else f"[{_num(ci[0])}, {_num(ci[1])}]"
        lines.append(f"| {METRIC_NAMES.get(key, key)} | {_num(entry['value'])} | {ci_text} | "
                     f"{report['protocol']} |")
    return "\n".join(lines)


def _num(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    return f"{x:.4g}" if abs(x) < 1e5 else f"{x:.3e}"
