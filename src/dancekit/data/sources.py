"""Paired music-motion data from folders on disk, in any mix of layouts.

:func:`load_sources` looks at each directory and picks the reader:

* **AIST++ official layout** — ``motions/*.pkl`` (``smpl_poses`` (T, 72) axis-angle,
  ``smpl_trans`` (T, 3), ``smpl_scaling``; 60 fps) or, in a root without ``motions/``,
  ``keypoints3d/*.pkl`` (COCO-17 joint positions in centimetres, put on SMPL-24 by
  :func:`smpl_from_keypoints`), with the music in ``wav/`` or ``music/`` named by the music id
  inside each sequence name (``gBR_sBM_cAll_d04_mBR0_ch01`` dances to ``mBR0``);
  ``ignore_list.txt`` is honoured; the genre comes from the ``g??`` code. With
  ``splits/crossmodal_{train,val}.txt`` present, each pair carries its official split and only
  the listed sequences are read: the test list and the sequences in no list stay unseen.
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
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion import Motion

if TYPE_CHECKING:
    from dancekit.audio.loading import Audio

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
    audio: Path | Audio  # a file, or music held in memory (a tempo-stretched copy)
    style: str | None = None
    start: float = 0.0  # seconds into the audio where the motion's first frame falls
    split: str | None = None  # "train" or "val" where the dataset's official split says


def load_sources(paths: list[str | Path]) -> list[Pair]:
    """All pairs from ``paths``, each directory read in its own layout (see module doc)."""
    if not paths:
        raise ParameterError("no training data given (pass --data DIR)")
    pairs: list[Pair] = []
    for p in map(Path, paths):
        if not p.is_dir():
            raise ParameterError(f"data directory does not exist: {p}")
        if (p / "motions").is_dir() or (p / "keypoints3d").is_dir():
            found = load_aistpp(p)
        elif any(p.glob("DANCE_*")):
            found = load_ballroom(p)
        else:
            found = load_folder(p)
        if not found:
            raise DataFormatError(f"no music-motion pairs found in {p} (expected AIST++ "
                                  "motions/ or keypoints3d/ with the music in wav/, ballroom "
                                  "DANCE_* folders, or motion files with same-stem audio)")
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
    """AIST++ motions (SMPL poses, else 3D keypoints, at 60 fps) with their music and, where
    the root has the official split lists, their split (see module doc)."""
    from dancekit.io.aistpp import load_aist_keypoints3d, load_aist_motion

    ignore = set(_name_list(root / "ignore_list.txt"))
    splits = {name: split for split in ("train", "val")
              for name in _name_list(root / "splits" / f"crossmodal_{split}.txt")}
    keypoints = not (root / "motions").is_dir()
    files = sorted((root / ("keypoints3d" if keypoints else "motions")).glob("*.pkl"))
    music_dirs = [d for d in (root / "wav", root / "music", root / "audio") if d.is_dir()]
    pairs = []
    for pkl in files:
        if pkl.stem in ignore or (splits and pkl.stem not in splits):
            continue
        music_id = re.search(r"_(m[A-Z]{2}\d)_", pkl.stem)
        if music_id is None:
            raise DataFormatError(f"{pkl}: no music id (like _mBR0_) in the file name")
        audio = next((d / f"{music_id.group(1)}{s}" for d in music_dirs for s in AUDIO_SUFFIXES
                      if (d / f"{music_id.group(1)}{s}").is_file()), None)
        if audio is None:
            continue
        motion = smpl_from_keypoints(load_aist_keypoints3d(pkl)) if keypoints \
            else load_aist_motion(pkl)
        pairs.append(Pair(f"{root.name}/{pkl.stem}", motion, audio,
                          AIST_GENRES.get(pkl.stem[:3]), split=splits.get(pkl.stem)))
    return pairs


def smpl_from_keypoints(motion: Motion) -> Motion:
    """3D COCO-17 keypoints -> SMPL-24 with rotations, for AIST++ roots without SMPL fits.

    The ``coco17 -> smpl24`` mapping places the trunk on the straight hips-to-shoulders line
    and the head between the ears; the feet, which COCO lacks, go where the SMPL template
    puts them relative to the ankle in the body's heading (hips' left-right line, y up), so
    the feet turn with the body but never point or flex on their own. Then the inverse
    kinematics of :func:`smpl_with_rotations`.
    """
    from dancekit.motion.mapping import retarget

    smpl = retarget(motion, "smpl24")
    sk = smpl.skeleton
    pos = smpl.positions.astype(np.float64)
    up = np.array([0.0, 1.0, 0.0])
    left = pos[:, sk.index("left_hip")] - pos[:, sk.index("right_hip")]
    left[:, 1] = 0.0
    left /= np.maximum(np.linalg.norm(left, axis=-1, keepdims=True), 1e-9)
    forward = np.cross(left, up)
    for side in ("left", "right"):
        x, y, z = sk.offsets[sk.index(f"{side}_foot")]
        pos[:, sk.index(f"{side}_foot")] = (pos[:, sk.index(f"{side}_ankle")] + x * left
                                           + y * up + z * forward)
    return smpl_with_rotations(Motion(pos.astype(np.float32), smpl.fps, sk, meta=smpl.meta))


def load_ballroom(root: Path) -> list[Pair]:
    """Ballroom sequences that kept their audio, on their clocks, on SMPL-24 with rotations;
    ``meta["retarget_error_m"]`` is the mean distance between the mapped joints and the
    SMPL template driven by the fitted rotations (the template's bones are not the dancer's).
    A genre's only sequence (tango) is marked ``split="train"``: the Trainer's validation
    split would otherwise take the whole genre out of training (unless every genre has one
    sequence: then marking would leave nothing to validate on).
    """
    from dancekit.data.ballroom import ballroom_sequence

    pairs = []
    for seq in sorted(root.glob("DANCE_*")):
        if (seq / "audio.mp3").is_file():
            found = ballroom_sequence(seq)
            style = BALLROOM_STYLES.get(seq.name.split("_")[1])
            pairs.append(Pair(f"{root.name}/{seq.name}", smpl_with_rotations(found.motion),
                              found.audio, style, start=found.start))
    counts = Counter(p.style for p in pairs)
    if all(n == 1 for n in counts.values()):
        return pairs
    return [replace(p, split="train") if counts[p.style] == 1 else p for p in pairs]


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


def _name_list(path: Path) -> list[str]:
    """The names in a text file, one a line (an AIST++ ignore or split list); none when the
    file is absent."""
    return path.read_text(errors="replace").split() if path.is_file() else []


def _style_label(meta_file: Path) -> str | None:
    if not meta_file.is_file():
        return None
    try:
        style = json.loads(meta_file.read_text()).get("style")
    except (ValueError, AttributeError):
        return None
    return str(style) if style else None
