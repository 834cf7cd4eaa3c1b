"""A tiny AIST++ annotation root in the official layout, made from real motion capture.

The dances are ballroom captures from ``../shared/data/ballroom`` (on SMPL-24 with rotations,
resampled to AIST++'s 60 fps) and each one's own music; the names, pickles and lists are
those of the AIST++ download, so the loader sees exactly what a user's folder holds::

    ROOT/motions/<seq>.pkl       smpl_poses (T, 72), smpl_trans (T, 3), smpl_scaling (1,), smpl_loss
    ROOT/keypoints3d/<seq>.pkl   keypoints3d, keypoints3d_optim (T, 17, 3), COCO order, cm
    ROOT/splits/crossmodal_{train,val,test}.txt
    ROOT/ignore_list.txt
    ROOT/wav/<music id>.wav      (the music is a separate download placed here)

The ballroom music-motion timing is unverified, which does not matter here: these tests check
that the layout is read and trained on, not what is learned.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import soundfile as sf

SCALING = 93.5  # smpl_trans / smpl_scaling = metres, as in the AIST++ motions
SECONDS = 8.0

# sequence name -> (ballroom source, official list it is in; None: the ignore list)
SEQUENCES = {
    "gBR_sBM_cAll_d04_mBR0_ch01": ("DANCE_C_2", "train"),
    "gPO_sBM_cAll_d10_mPO1_ch02": ("DANCE_R_2", "train"),
    "gLO_sFM_cAll_d13_mLO2_ch03": ("DANCE_C_4", "val"),
    "gHO_sBM_cAll_d19_mHO5_ch04": ("DANCE_R_3", "test"),
    "gWA_sBM_cAll_d25_mWA0_ch05": ("DANCE_C_7", None),
}


def source_motion(ballroom: Path, seq: str):
    """The first :data:`SECONDS` of a ballroom dance on SMPL-24 with rotations at 60 fps."""
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.io import load_ballroom
    from dancekit.motion import resample

    motion = resample(smpl_with_rotations(load_ballroom(ballroom / seq)), 60.0)
    return motion[:int(SECONDS * 60)]


def write_aistpp_root(root: Path, ballroom: Path, *, layout: str = "motions",
                      splits: bool = True) -> Path:
    """Write the fixture root; ``layout`` is ``"motions"`` (SMPL fits) or ``"keypoints3d"``
    (joint positions only, as in a root where only those were downloaded)."""
    from dancekit.audio import load as load_audio
    from dancekit.motion.mapping import retarget

    for folder in (layout, "wav", "splits"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    lists: dict[str | None, list[str]] = {"train": [], "val": [], "test": [], None: []}
    for name, (seq, split) in SEQUENCES.items():
        lists[split].append(name)
        motion = source_motion(ballroom, seq)
        if layout == "motions":
            data = {"smpl_loss": 0.5,
                    "smpl_poses": motion.rotations.reshape(-1, 72).astype(np.float32),
                    "smpl_trans": (motion.root * SCALING).astype(np.float32),
                    "smpl_scaling": np.array([SCALING], np.float32)}
        else:
            cm = retarget(motion, "coco17").positions.astype(np.float64) * 100.0
            noisy = cm + np.random.default_rng(len(name)).normal(0, 1.0, cm.shape)
            data = {"keypoints3d": noisy, "keypoints3d_optim": cm}
        with open(root / layout / f"{name}.pkl", "wb") as fh:
            pickle.dump(data, fh)
        audio = load_audio(ballroom / seq / "audio.mp3", sr=22050, max_seconds=SECONDS)
        sf.write(root / "wav" / f"{name.split('_')[4]}.wav", audio.samples, audio.sr)
    if splits:
        for split in ("train", "val", "test"):
            (root / "splits" / f"crossmodal_{split}.txt").write_text(
                "".join(f"{n}\n" for n in lists[split]))
    (root / "ignore_list.txt").write_text("".join(f"{n}\n" for n in lists[None]))
    return root
