"""dancekit's own files: ``.npz`` (lossless) and ``.json`` (for the browser viewer).

``.npz`` holds ``positions``, ``fps``, ``skeleton`` (JSON text), optional ``rotations``,
``root`` and ``confidence``, and ``meta`` (JSON text). It is read with
``allow_pickle=False``, so a file can only ever yield plain arrays.

``.json`` is meant for JavaScript: the skeleton's joints and parents and the frames as nested
lists, positions rounded to 0.1 mm (0.01 px for 2D keypoints) to keep files small. It carries
no rotations. The schema is documented in ``docs/formats.md``.
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.io.common import (
    build_motion,
    check_array_bytes,
    jsonable,
    override_fps,
    read_text,
)
from dancekit.motion.core import Motion
from dancekit.motion.skeletons import Skeleton, get_skeleton
from dancekit.utils import atomic_output, existing_file

FORMAT_VERSION = 1
JSON_FORMAT = "dancekit-motion"
_OPTIONAL = ("rotations", "root", "confidence")
_NPY_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}


# --- npz -----------------------------------------------------------------------------------
def write_npz(motion: Motion, path: str | Path) -> dict[str, Any]:
    """Save ``motion`` losslessly to ``path`` (.npz, compressed)."""
    arrays: dict[str, np.ndarray] = {
        "positions": motion.positions,
        "fps": np.float64(motion.fps),
        "skeleton": np.array(json.dumps(motion.skeleton.to_dict())),
        "meta": np.array(json.dumps(jsonable(motion.meta))),
        "format_version": np.int64(FORMAT_VERSION),
    }
    for name in _OPTIONAL:
        value = getattr(motion, name)
        if value is not None:
            arrays[name] = value
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    return {"format": "npz", "path": str(path), "frames": motion.num_frames,
            "joints": motion.num_joints}


def read_npz(path: str | Path, *, fps: float | None = None) -> Motion:
    """Read a dancekit ``.npz``.

    A plain ``.npz`` from elsewhere also works if it has ``positions`` (T, J, 3|2) and either a
    ``skeleton`` registry name or a joint count that identifies one registered skeleton; its
    frame rate comes from an ``fps`` entry or the ``fps`` argument.
    """
    path = existing_file(path)
    try:
        _check_declared_sizes(path)
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError) as err:
        # ValueError is also what allow_pickle=False raises on object arrays;
        # NotImplementedError an unknown compression method, RuntimeError an encrypted member
        raise DataFormatError(f"{path} is not a readable .npz file ({err})") from None
    if "positions" not in data:
        raise DataFormatError(f"{path} has no 'positions' array (found: {sorted(data)})")
    positions = data["positions"]
    if positions.ndim != 3 or positions.shape[-1] not in (2, 3):
        raise DataFormatError(f"{path}: positions must have shape (frames, joints, 3|2), "
                              f"got {positions.shape}")
    skeleton = _npz_skeleton(path, data.get("skeleton"), positions.shape[1])
    declared = _scalar(path, data, "fps") if "fps" in data else None
    if declared is None and fps is None:
        raise DataFormatError(f"{path} has no 'fps' entry; pass fps=...")
    meta: dict[str, Any] = {}
    if "meta" in data:
        meta = _json_text(path, data["meta"], "meta")
        if not isinstance(meta, dict):
            raise DataFormatError(f"{path}: 'meta' must be a JSON object")
    meta.update(source=str(path), format="npz")
    return build_motion(path, "npz", positions=positions,
                        fps=override_fps(declared if declared is not None else 0.0, fps),
                        skeleton=skeleton, meta=meta,
                        **{k: data[k] for k in _OPTIONAL if k in data})


def _check_declared_sizes(path: Path) -> None:
    """Refuse an archive whose members would decompress, or whose ``.npy`` headers say their
    arrays take, more than :data:`~dancekit.io.common.MAX_ARRAY_BYTES` in all, reading only
    the zip directory and each header (a zip bomb or a header claiming terabytes would
    otherwise end in a MemoryError half-way through the load)."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        check_array_bytes(path, sum(m.file_size for m in members), "its decompressed members")
        declared = 0
        for member in members:
            if not member.filename.endswith(".npy"):
                continue  # np.load hands other members back as raw bytes (file_size above)
            with archive.open(member) as fh:
                version = np.lib.format.read_magic(fh)
                read_header = _NPY_HEADER_READERS.get(version)
                if read_header is None:
                    raise ValueError(f"unsupported .npy version {version} in {member.filename}")
                shape, _, dtype = read_header(fh)
            declared += math.prod(shape) * dtype.itemsize
        check_array_bytes(path, declared, "its arrays")


def _scalar(path: Path, data: dict[str, np.ndarray], key: str) -> float:
    value = data[key]
    if value.size != 1 or not np.issubdtype(value.dtype, np.number):
        raise DataFormatError(f"{path}: '{key}' must be a single number, got {value!r}")
    return float(value.reshape(()))


def _json_text(path: Path, value: np.ndarray, key: str) -> Any:
    if value.dtype.kind != "U" or value.size != 1:
        raise DataFormatError(f"{path}: '{key}' must be a JSON string")
    try:
        return json.loads(str(value.reshape(())))
    except json.JSONDecodeError as err:
        raise DataFormatError(f"{path}: '{key}' is not valid JSON ({err})") from None


def _npz_skeleton(path: Path, value: np.ndarray | None, joints: int) -> Skeleton:
    if value is None:
        return _skeleton_by_joint_count(path, joints)
    text = str(value.reshape(())) if value.dtype.kind == "U" and value.size == 1 else None
    if text is not None and not text.lstrip().startswith("{"):
        try:
            return get_skeleton(text)
        except ParameterError as err:
            raise DataFormatError(f"{path}: {err}") from None
    desc = _json_text(path, value, "skeleton")
    return _skeleton_from_dict(path, desc)


def _skeleton_from_dict(path: Path, desc: Any) -> Skeleton:
    if not isinstance(desc, dict):
        raise DataFormatError(f"{path}: skeleton must be a JSON object")
    try:
        return Skeleton.from_dict(desc)
    except ParameterError as err:
        raise DataFormatError(f"{path}: {err}") from None


def _skeleton_by_joint_count(path: Path, joints: int) -> Skeleton:
    from dancekit.motion.skeletons import list_skeletons

    matches = [n for n in list_skeletons() if get_skeleton(n).num_joints == joints]
    if len(matches) != 1:
        raise DataFormatError(f"{path} names no skeleton and {joints} joints do not identify "
                              f"one (candidates: {matches or 'none'})")
    return get_skeleton(matches[0])


# --- json ----------------------------------------------------------------------------------
#: Frames formatted per write when streaming JSON: bounds the text held in memory.
_JSON_CHUNK = 4096


def _json_fields(motion: Motion) -> dict[str, Any]:
    """The JSON document for ``motion`` (see ``docs/formats.md``), with its big arrays as
    ``(array, decimals)`` pairs that :func:`write_json` formats a chunk of frames at a time."""
    sk = motion.skeleton
    doc: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": FORMAT_VERSION,
        "fps": motion.fps,
        "dims": motion.dims,
        "units": "px" if motion.is_2d else "m",
        "up": "-y" if motion.is_2d else "y",
        "skeleton": {
            "name": sk.name,
            "joints": list(sk.joints),
            "parents": list(sk.parents),
            "bones": [list(b) for b in sk.bones],
            "offsets": None if sk.offsets is None else np.round(sk.offsets, 6).tolist(),
            "extra_bones": [list(b) for b in sk.extra_bones],
        },
        "num_frames": motion.num_frames,
        "frames": (motion.positions, 2 if motion.is_2d else 4),  # 0.01 px or 0.1 mm
        "meta": jsonable(motion.meta),
    }
    if motion.confidence is not None:
        doc["confidence"] = (motion.confidence, 3)
    return doc


def _json_array_chunks(values: np.ndarray, decimals: int) -> Iterator[str]:
    """The JSON text of ``values`` rounded to ``decimals``, as ``json.dumps`` of the whole
    nested list would write it, one chunk of frames at a time."""
    yield "["
    for start in range(0, len(values), _JSON_CHUNK):
        rows = np.round(values[start:start + _JSON_CHUNK].astype(np.float64), decimals)
        text = json.dumps(rows.tolist(), separators=(",", ":"), allow_nan=False)[1:-1]
        yield text if start == 0 else "," + text
    yield "]"


def write_json(motion: Motion, path: str | Path) -> dict[str, Any]:
    """Save ``motion`` as browser-friendly JSON (positions only, rounded).

    The frames are formatted and written in chunks, so a long motion costs little more
    memory than its own arrays."""
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        sep = "{"
        for key, value in _json_fields(motion).items():
            fh.write(f"{sep}{json.dumps(key)}:")
            sep = ","
            if isinstance(value, tuple):
                fh.writelines(_json_array_chunks(*value))
            else:
                fh.write(json.dumps(value, separators=(",", ":"), allow_nan=False))
        fh.write("}")
    return {"format": "json", "path": str(path), "frames": motion.num_frames,
            "joints": motion.num_joints}


def read_json(path: str | Path, *, fps: float | None = None) -> Motion:
    """Read a motion written by :func:`write_json`."""
    path = existing_file(path)
    try:
        doc = json.loads(read_text(path))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise DataFormatError(f"{path} is not valid JSON ({err})") from None
    return motion_from_json_dict(doc, path, fps=fps)


def motion_from_json_dict(doc: Any, path: Path, *, fps: float | None = None) -> Motion:
    """Validate a parsed dancekit JSON document and build the motion."""
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise DataFormatError(f"{path} is not a dancekit motion JSON "
                              f"(expected \"format\": \"{JSON_FORMAT}\")")
    for key in ("fps", "skeleton", "frames"):
        if key not in doc:
            raise DataFormatError(f"{path}: missing key {key!r}")
    skeleton = _skeleton_from_dict(path, doc["skeleton"])  # "bones" is for viewers only
    try:
        frames = np.asarray(doc["frames"], dtype=np.float32)
        conf = doc.get("confidence")
        confidence = None if conf is None else np.asarray(conf, dtype=np.float32)
        declared = float(doc["fps"])
    except (TypeError, ValueError) as err:
        raise DataFormatError(f"{path}: frames must be a (frames, joints, 3|2) array of "
                              f"numbers ({err})") from None
    if frames.ndim != 3 or frames.shape[-1] not in (2, 3):
        raise DataFormatError(f"{path}: frames must have shape (frames, joints, 3|2), "
                              f"got {frames.shape}")
    meta = doc.get("meta") or {}
    if not isinstance(meta, dict):
        raise DataFormatError(f"{path}: 'meta' must be an object")
    meta.update(source=str(path), format="json")
    return build_motion(path, "json", positions=frames, fps=override_fps(declared, fps),
                        skeleton=skeleton, confidence=confidence, meta=meta)
