"""Paired music-motion data from folders on disk, in any mix of layouts.

:func:`load_sources` looks at each directory and picks the reader:

* **AIST++ official layout** — ``motions/*.pkl`` (``smpl_poses`` (T, 72) axis-angle,
  ``smpl_trans`` (T, 3), ``smpl_scaling``; 60 fps) with the music in ``wav/`` or ``music/``
  named by the music id inside each sequence name (``gBR_sBM_cAll_d04_mBR0_ch01`` dances to
  ``mBR0``); ``ignore_list.txt`` is honoured; the genre comes from the ``g??`` code.
* **ballroom** (Tang et al. 2018) — ``DANCE_<W|R|C|T>_<n>/`` folders, each on its best clock
  (:func:`dancekit.data.ballroom.ballroom_sequence`: waltz really runs at about 5.8 fps, and
  the dance starts partway into its song), then the SMPL-24 mapping of
  :mod:`dancekit.motion.mapping` and inverse kinematics; only sequences that kept their audio
  are paired.
* **a folder of pairs** — any motion file dancekit reads (``.npz``, ``.bvh``, ...) with an
  audio file of the same stem; a ``dancekit synth`` directory is one. A style label comes from
  a same-stem ``.json`` with a ``"style"`` key when there is one.

Every pair gets a name unique across sources (``<folder>/<stem>``), which is what the
train/validation split hashes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion import Motion

AUDIO_SUFFIXES = (".wav", ".ogg", ".mp3", ".flac", ".m4a", ".aac", ".webm")
MOTION_SUFFIXES = (".npz", ".bvh")
AIST_GENRES = {"gBR": "break", "gPO": "pop", "gLO": "lock", "gMH": "middle_hiphop",
               "gLH": "la_hiphop", "gHO": "house", "gWA": "waack", "gKR": "krump",
               "gJS": "street_jazz", "gJB": "ballet_jazz"}
BALLROOM_STYLES = {"W": "waltz", "R": "rumba", "C": "chacha", "T": "tango"}


@dataclass
class Pair:
    """A dance and the music it was danced to."""

    name: str
    motion: Motion
    audio: Path
    style: str | None = None
    start: float = 0.0  # seconds into the audio where the motion's first frame falls


def load_sources(paths: list[str | Path]) -> list[Pair]:
    """All pairs from ``paths``, each directory read in its own layout (see module doc)."""
    if not paths:
        raise ParameterError("no training data given (pass --data DIR)")
    pairs: list[Pair] = []
    for p in map(Path, paths):
        if not p.is_dir():
            raise ParameterError(f"data directory does not exist: {p}")
        if (p / "motions").is_dir():
            found = load_aistpp(p)
        elif any(p.glob("DANCE_*")):
            found = load_ballroom(p)
        else:
            found = load_folder(p)
        if not found:
            raise DataFormatError(f"no music-motion pairs found in {p} (expected AIST++ "
                                  "motions/, ballroom DANCE_* folders, or motion files with "
                                  "same-stem audio)")
        pairs.extend(found)
    return pairs


def load_folder(root: str | Path) -> list[Pair]:
    """Motion files with a same-stem audio file, searched recursively."""
    from dancekit.io import load_motion

    root = Path(root)
    pairs = []
    for mfile in sorted(f for f in root.rglob("*") if f.suffix.lower() in MOTION_SUFFIXES):
        audio = next((mfile.with_suffix(s) for s in AUDIO_SUFFIXES
                      if mfile.with_suffix(s).is_file()), None)
        if audio is None:
            continue
        rel = mfile.relative_to(root).with_suffix("")
        pairs.append(Pair(f"{root.name}/{rel.as_posix()}", load_motion(mfile), audio,
                          _style_label(mfile.with_suffix(".json"))))
    return pairs


def load_aistpp(root: Path) -> list[Pair]:
    """AIST++ motions (SMPL poses at 60 fps) with their music (see module doc)."""
    from dancekit.io.aistpp import load_aist_motion

    ignore_file = root / "ignore_list.txt"
    ignore = set(ignore_file.read_text().split()) if ignore_file.is_file() else set()
    music_dirs = [d for d in (root / "wav", root / "music", root / "audio") if d.is_dir()]
    pairs = []
    for pkl in sorted((root / "motions").glob("*.pkl")):
        if pkl.stem in ignore:
            continue
        music_id = re.search(r"_(m[A-Z]{2}\d)_", pkl.stem)
        if music_id is None:
            raise DataFormatError(f"{pkl}: no music id (like _mBR0_) in the file name")
        audio = next((d / f"{music_id.group(1)}{s}" for d in music_dirs for s in AUDIO_SUFFIXES
                      if (d / f"{music_id.group(1)}{s}").is_file()), None)
        if audio is None:
            continue
        pairs.append(Pair(f"{root.name}/{pkl.stem}", load_aist_motion(pkl), audio,
                          AIST_GENRES.get(pkl.stem[:3])))
    return pairs


def load_ballroom(root: Path) -> list[Pair]:
    """Ballroom sequences that kept their audio, on their clocks, on SMPL-24 with rotations;
    ``meta["retarget_error_m"]`` is the mean distance between the mapped joints and the
    SMPL template driven by the fitted rotations (the template's bones are not the dancer's).
    """
    from dancekit.data.ballroom import ballroom_sequence

    pairs = []
    for seq in sorted(root.glob("DANCE_*")):
        if (seq / "audio.mp3").is_file():
            found = ballroom_sequence(seq)
            style = BALLROOM_STYLES.get(seq.name.split("_")[1])
            pairs.append(Pair(f"{root.name}/{seq.name}", smpl_with_rotations(found.motion),
                              found.audio, style, found.start))
    return pairs


def smpl_with_rotations(motion: Motion) -> Motion:
    """Any 3D motion -> SMPL-24 with joint rotations: the skeleton mapping, then inverse
    kinematics (rest directions of the SMPL template, so the rotations drive its offsets)."""
    from dancekit.io import fit_rotations
    from dancekit.motion.mapping import retarget

    if motion.skeleton.name == "smpl24" and motion.rotations is not None:
        return motion
    smpl = retarget(motion, "smpl24")
    rotations, root, _ = fit_rotations(smpl)
    fitted = Motion.from_rotations(rotations, root, fps=smpl.fps, skeleton="smpl24",
                                   meta=smpl.meta)
    error = float(np.linalg.norm(fitted.positions - smpl.positions, axis=-1).mean())
    return fitted.replace(meta={**fitted.meta, "retarget_error_m": error})


def _style_label(meta_file: Path) -> str | None:
    if not meta_file.is_file():
        return None
    try:
        style = json.loads(meta_file.read_text()).get("style")
    except (ValueError, AttributeError):
        return None
    return str(style) if style else None
