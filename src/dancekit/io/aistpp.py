"""AIST++ annotation pickles: SMPL ``motions``, ``keypoints3d`` and ``keypoints2d``.

Every file goes through :func:`dancekit.io.safe_pickle.load_pickle`, so a tampered download
cannot run code. AIST++ is captured at 60 fps in a y-up world.

* ``motions/*.pkl``: ``smpl_poses`` (T, 72) axis-angle, ``smpl_trans`` (T, 3) and
  ``smpl_scaling`` (1,); dividing the translation by the scaling gives metres. Joint positions
  come from SMPL-24 forward kinematics with the public rest offsets (pelvis at the translation).
* ``keypoints3d/*.pkl``: ``keypoints3d_optim`` (preferred, the smoothed triangulation) or
  ``keypoints3d`` (T, 17, 3), COCO order, centimetres.
* ``keypoints2d/*.pkl``: ``keypoints2d`` (views, T, 17, 3) as x, y, confidence in pixels of the
  1920x1080 videos, ``det_scores`` (views, T), ``timestamps`` (T,) microseconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.io.common import build_motion, check_array_bytes, override_fps
from dancekit.io.safe_pickle import load_pickle
from dancekit.motion.core import Motion

AIST_FPS = 60.0
AIST_IMAGE_SIZE = (1920, 1080)


def read_aist_pickle(path: str | Path) -> dict[str, Any]:
    """The dict inside an AIST++ pickle, read safely."""
    path = Path(path)
    data = load_pickle(path)
    if not isinstance(data, dict):
        raise DataFormatError(f"{path}: expected a dict of arrays, found {type(data).__name__}")
    # arrays numpy built without touching their memory (an uninitialised ndarray(shape)) must
    # not reach the float conversions below
    check_array_bytes(path, sum(v.nbytes for v in data.values() if isinstance(v, np.ndarray)),
                      "its arrays")
    return data


def aist_kind(data: dict[str, Any]) -> str | None:
    """Which AIST++ annotation a pickle holds: ``"aistpp_motion"``, ``"aistpp_keypoints3d"``,
    ``"aistpp_keypoints2d"`` or ``None``."""
    if "smpl_poses" in data:
        return "aistpp_motion"
    if "keypoints3d_optim" in data or "keypoints3d" in data:
        return "aistpp_keypoints3d"
    if "keypoints2d" in data:
        return "aistpp_keypoints2d"
    return None


def _array(path: Path, data: dict[str, Any], key: str, shape: tuple[int | None, ...]
           ) -> np.ndarray:
    if key not in data:
        raise DataFormatError(f"{path}: missing {key!r} (found: {sorted(map(str, data))})")
    value = data[key]
    if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.number):
        raise DataFormatError(f"{path}: {key!r} must be a numeric array")
    if value.ndim != len(shape) or any(s is not None and s != v
                                       for s, v in zip(shape, value.shape, strict=True)):
        want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
        raise DataFormatError(f"{path}: {key!r} has shape {value.shape}, expected {want}")
    if value.shape[0] == 0 or (len(shape) > 1 and value.shape[1] == 0):
        raise DataFormatError(f"{path}: {key!r} is empty")
    return value.astype(np.float64)


def load_aist_motion(path: str | Path, *, fps: float | None = None,
                     data: dict[str, Any] | None = None) -> Motion:
    """Read an AIST++ ``motions/*.pkl`` as an ``smpl24`` motion with rotations."""
    path = Path(path)
    data = read_aist_pickle(path) if data is None else data
    raw = data.get("smpl_poses")
    if isinstance(raw, np.ndarray) and raw.ndim == 3 and raw.shape[1:] == (24, 3):
        data = {**data, "smpl_poses": raw.reshape(len(raw), 72)}  # some exports keep joints
    poses = _array(path, data, "smpl_poses", (None, 72))
    trans = _array(path, data, "smpl_trans", (poses.shape[0], 3))
    scaling = _array(path, data, "smpl_scaling", (None,)) if "smpl_scaling" in data \
        else np.ones(1)
    if scaling.size != 1 or not np.isfinite(scaling).all() or scaling[0] <= 0:
        raise DataFormatError(f"{path}: smpl_scaling must be one positive number, "
                              f"got {scaling}")
    if not (np.isfinite(poses).all() and np.isfinite(trans).all()):
        raise DataFormatError(f"{path}: smpl_poses or smpl_trans contain NaN or infinity")
    rotations = poses.reshape(-1, 24, 3)
    meta = {"source": str(path), "format": "aistpp_motion", "smpl_scaling": float(scaling[0])}
    meta.update(_aist_name_meta(path))
    try:
        motion = Motion.from_rotations(rotations, trans / scaling[0],
                                       fps=override_fps(AIST_FPS, fps), skeleton="smpl24",
                                       meta=meta)
    except ParameterError as err:
        raise DataFormatError(f"{path}: {err}") from None
    return motion


def load_aist_keypoints3d(path: str | Path, *, fps: float | None = None,
                          data: dict[str, Any] | None = None) -> Motion:
    """Read an AIST++ ``keypoints3d/*.pkl`` as a 3D ``coco17`` motion in metres."""
    path = Path(path)
    data = read_aist_pickle(path) if data is None else data
    key = "keypoints3d_optim" if "keypoints3d_optim" in data else "keypoints3d"
    kp = _array(path, data, key, (None, 17, 3)) / 100.0
    missing = ~np.isfinite(kp).all(axis=-1)
    confidence = None
    if missing.any():
        kp = _fill_gaps(path, kp, missing)
        confidence = (~missing).astype(np.float32)
    meta = {"source": str(path), "format": "aistpp_keypoints3d", "aist_key": key}
    meta.update(_aist_name_meta(path))
    return build_motion(path, "AIST++ keypoints3d", positions=kp,
                        fps=override_fps(AIST_FPS, fps), skeleton="coco17",
                        confidence=confidence, meta=meta)


def load_aist_keypoints2d(path: str | Path, *, view: int = 0, fps: float | None = None,
                          data: dict[str, Any] | None = None) -> Motion:
    """Read one camera view of an AIST++ ``keypoints2d/*.pkl`` as a 2D ``coco17`` motion.

    Parameters
    ----------
    view : int
        Camera index, 0 to views-1 (AIST++ has 9: c01..c09).

    Keypoints the detector did not report (NaN) get confidence 0 and a position filled by
    linear interpolation over time (or, for a joint never seen, the frame's mean keypoint),
    so the motion is always finite. ``meta`` keeps ``view``, ``num_views``, ``det_scores``
    (that view's person-detection scores), ``timestamps`` (seconds) and ``image_size``.
    """
    path = Path(path)
    data = read_aist_pickle(path) if data is None else data
    kp = _array(path, data, "keypoints2d", (None, None, 17, 3))
    views = kp.shape[0]
    if isinstance(view, bool) or not isinstance(view, (int, np.integer)) \
            or not 0 <= view < views:
        raise ParameterError(f"view must be an integer in 0..{views - 1} for {path}, "
                             f"got {view!r}")
    xy, conf = kp[view, ..., :2], kp[view, ..., 2]
    missing = ~np.isfinite(xy).all(axis=-1) | ~np.isfinite(conf)
    if missing.all():
        raise DataFormatError(f"{path}: view {view} has no detected keypoints")
    if missing.any():
        xy = _fill_gaps(path, xy, missing)
    conf = np.where(missing, 0.0, np.clip(np.nan_to_num(conf), 0.0, 1.0))
    meta: dict[str, Any] = {"source": str(path), "format": "aistpp_keypoints2d", "view": view,
                            "num_views": views, "image_size": list(AIST_IMAGE_SIZE)}
    meta.update(_aist_name_meta(path))
    if "det_scores" in data and np.shape(data["det_scores"])[:1] == (views,):
        meta["det_scores"] = np.asarray(data["det_scores"], dtype=float)[view].tolist()
    if "timestamps" in data and np.shape(data["timestamps"]) == (xy.shape[0],):
        meta["timestamps"] = (np.asarray(data["timestamps"], dtype=float) / 1e6).tolist()
    return build_motion(path, "AIST++ keypoints2d", positions=xy,
                        fps=override_fps(AIST_FPS, fps), skeleton="coco17",
                        confidence=conf, meta=meta)


def _fill_gaps(path: Path, pts: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Replace missing keypoints (T, J, D) by linear interpolation over time per joint; a
    joint never seen takes the mean of the frame's seen keypoints."""
    out = pts.copy()
    T = pts.shape[0]
    t = np.arange(T)
    for j in range(pts.shape[1]):
        seen = ~missing[:, j]
        if seen.all():
            continue
        if seen.any():
            for d in range(pts.shape[2]):
                out[~seen, j, d] = np.interp(t[~seen], t[seen], pts[seen, j, d])
    never = ~(~missing).any(axis=0)
    if never.any():
        frame_seen = ~missing
        if not frame_seen.any(axis=1).all():
            raise DataFormatError(f"{path}: some frames have no valid keypoint at all")
        mean = np.nansum(np.where(frame_seen[..., None], pts, 0.0), axis=1) / \
            frame_seen.sum(axis=1)[:, None]
        out[:, never] = mean[:, None]
    return out


def _aist_name_meta(path: Path) -> dict[str, Any]:
    """Genre, dancer, music and choreography from an official AIST++ file name
    (``gBR_sBM_cAll_d04_mBR0_ch01``); nothing for other names."""
    parts = path.stem.split("_")
    if len(parts) != 6 or not (parts[0].startswith("g") and parts[3].startswith("d")):
        return {}
    genres = {"BR": "break", "PO": "pop", "LO": "lock", "MH": "middle hip-hop",
              "LH": "LA-style hip-hop", "HO": "house", "WA": "waack", "KR": "krump",
              "JS": "street jazz", "JB": "ballet jazz"}
    return {"genre": genres.get(parts[0][1:], parts[0][1:]), "dancer": parts[3],
            "music": parts[4], "choreography": parts[5]}
