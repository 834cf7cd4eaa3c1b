"""BVH (Biovision hierarchy) reading and writing.

Reading accepts any standard hierarchy: one ROOT, any number of channels per joint in any
order, End Sites. The channel semantics are those of Blender and MotionBuilder:

* a joint's local transform is ``T(t) @ R``, where ``R`` is the product of its rotation
  channels in the order they are listed (``Zrotation Xrotation Yrotation`` means
  ``Rz @ Rx @ Ry``) and ``t`` is its OFFSET, except that each position channel *replaces* the
  matching OFFSET component (so a joint with position channels carries its own translation);
* angles are degrees; lengths are converted to metres (``scale``: "auto" guesses cm, mm, m
  or inches from the body's size). The file's y axis is taken as up, as the format intends.

Positions come from exact forward kinematics on the file's channels. The returned
:class:`Motion` also carries ``rotations``/``root`` on a per-file :class:`Skeleton` whenever
they reproduce those positions (every non-root joint keeps a constant translation, up to
1e-6 m). A static dummy root with a single child (``joint_Root`` above ``Hips`` in many
captures) is dropped so the moving hips become the root.

Writing produces a hierarchy with rest offsets, 6 channels on the root and 3 on every other
joint, in ZXY order (``Zrotation Xrotation Yrotation``), which Blender imports as an animated
armature; joints keep their original names when the motion was read from a BVH. Motions
without rotations get them from :class:`dancekit.io.ik.RotationFit`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.io.common import build_motion, override_fps, read_text
from dancekit.motion.core import Motion
from dancekit.motion.rotations import axis_angle_to_matrix, matrix_to_axis_angle, matrix_to_euler
from dancekit.motion.skeletons import Skeleton
from dancekit.utils import atomic_output, existing_file

WRITE_ORDER = "ZXY"
# Per-joint translation spread (metres) below which a joint counts as rigidly attached.
_RIGID_TOL = 1e-6
# Raw body heights that identify a unit, as (low, high, metres per unit).
_UNIT_GUESSES = ((0.5, 3.0, 1.0), (40.0, 300.0, 0.01), (15.0, 40.0, 0.0254),
                 (500.0, 3000.0, 0.001))
_SCALES = {"m": 1.0, "cm": 0.01, "mm": 0.001, "inch": 0.0254}
_AXES = {"X": 0, "Y": 1, "Z": 2}
#: Frames converted and formatted per write: bounds the temporaries of a long export.
_WRITE_CHUNK = 4096
#: Deepest joint nesting and most joints a file may declare (real rigs, fingers and face
#: included, stay far below both).
MAX_DEPTH = 256
MAX_JOINTS = 4096


@dataclass
class _Joint:
    name: str
    parent: int
    offset: np.ndarray
    channels: list[str] = field(default_factory=list)
    end_site: np.ndarray | None = None


# --- parsing -------------------------------------------------------------------------------
class _Tokens:
    def __init__(self, text: str, path: Path) -> None:
        self.items = text.split()
        self.i = 0
        self.path = path

    def next(self, what: str) -> str:
        if self.i >= len(self.items):
            raise DataFormatError(f"{self.path}: file ends inside the hierarchy "
                                  f"(expected {what}); truncated?")
        tok = self.items[self.i]
        self.i += 1
        return tok

    def expect(self, word: str) -> None:
        tok = self.next(repr(word))
        if tok.upper() != word.upper():
            raise DataFormatError(f"{self.path}: expected {word!r} in the hierarchy, "
                                  f"found {tok!r}")

    def number(self, what: str) -> float:
        tok = self.next(what)
        try:
            return float(tok)
        except ValueError:
            raise DataFormatError(f"{self.path}: expected a number for {what}, "
                                  f"found {tok!r}") from None


def _parse_hierarchy(tok: _Tokens, root_name: str) -> list[_Joint]:
    """The joints below ROOT in file order (parents before children), read with an explicit
    stack so that a hostile nesting depth meets :data:`MAX_DEPTH`, not Python's recursion
    limit."""
    joints: list[_Joint] = []
    open_joints: list[int] = []  # indices of the joints whose '}' is still to come
    name, parent = root_name, -1
    while True:
        if name is not None:
            if len(open_joints) >= MAX_DEPTH:
                raise DataFormatError(f"{tok.path}: the hierarchy nests deeper than "
                                      f"{MAX_DEPTH} joints")
            if len(joints) >= MAX_JOINTS:
                raise DataFormatError(f"{tok.path}: the hierarchy has more than "
                                      f"{MAX_JOINTS} joints")
            tok.expect("{")
            tok.expect("OFFSET")
            offset = np.array([tok.number(f"the OFFSET of {name}") for _ in range(3)])
            open_joints.append(len(joints))
            joints.append(_Joint(name, parent, offset))
            name = None
        joint = joints[open_joints[-1]]
        word = tok.next(f"'}}' closing {joint.name}")
        key = word.upper()
        if key == "CHANNELS":
            _parse_channels(tok, joint)
        elif key == "JOINT":
            name, parent = tok.next("a joint name"), open_joints[-1]
        elif key == "END":
            tok.expect("Site")
            tok.expect("{")
            tok.expect("OFFSET")
            joint.end_site = np.array([tok.number(f"the End Site of {joint.name}")
                                       for _ in range(3)])
            tok.expect("}")
        elif word == "}":
            open_joints.pop()
            if not open_joints:
                return joints
        else:
            raise DataFormatError(f"{tok.path}: unexpected {word!r} inside joint {joint.name}")


def _parse_channels(tok: _Tokens, joint: _Joint) -> None:
    name = joint.name
    n = tok.number(f"the channel count of {name}")
    if n != int(n) or not 0 <= n <= 6:
        raise DataFormatError(f"{tok.path}: joint {name} has {n} channels")
    for _ in range(int(n)):
        ch = tok.next(f"a channel name of {name}")
        if not re.fullmatch(r"[XYZxyz](position|rotation)", ch, flags=re.I):
            raise DataFormatError(f"{tok.path}: joint {name} has unknown channel {ch!r}")
        joint.channels.append(ch[0].upper() + ch[1:].lower())
    if len(set(joint.channels)) != len(joint.channels):
        raise DataFormatError(f"{tok.path}: joint {name} repeats a channel")


def _parse(path: Path) -> tuple[list[_Joint], np.ndarray, float]:
    text = read_text(path, errors="replace")
    if not text.lstrip().upper().startswith("HIERARCHY"):
        raise DataFormatError(f"{path} is not a BVH file (it does not start with HIERARCHY)")
    split = re.search(r"^\s*MOTION\s*$", text, flags=re.M)
    if split is None:
        raise DataFormatError(f"{path}: no MOTION section; truncated?")
    head, body = text[: split.start()], text[split.end():]
    tok = _Tokens(head, path)
    tok.expect("HIERARCHY")
    tok.expect("ROOT")
    joints = _parse_hierarchy(tok, tok.next("the root name"))
    if tok.i != len(tok.items):
        extra = tok.items[tok.i]
        if extra.upper() == "ROOT":
            raise DataFormatError(f"{path}: several ROOT hierarchies are not supported")
        raise DataFormatError(f"{path}: unexpected {extra!r} after the hierarchy")
    frames, frame_time = _parse_motion(path, body, sum(len(j.channels) for j in joints))
    return joints, frames, frame_time


def _parse_motion(path: Path, body: str, nchan: int) -> tuple[np.ndarray, float]:
    lines = [ln for ln in body.splitlines() if ln.strip()]
    m_frames = re.match(r"\s*Frames:\s*(\d+)\s*$", lines[0] if lines else "", re.I)
    m_time = re.match(r"\s*Frame\s+Time:\s*(\S+)\s*$", lines[1] if len(lines) > 1 else "",
                      re.I)
    if not m_frames or not m_time:
        raise DataFormatError(f"{path}: MOTION must be followed by 'Frames: N' and "
                              "'Frame Time: seconds' lines")
    n = int(m_frames.group(1))
    try:
        frame_time = float(m_time.group(1))
    except ValueError:
        raise DataFormatError(f"{path}: bad Frame Time {m_time.group(1)!r}") from None
    if not np.isfinite(frame_time) or frame_time <= 0:
        raise DataFormatError(f"{path}: Frame Time must be positive, got {frame_time}")
    if n == 0:
        raise DataFormatError(f"{path} has no frames")
    rows = lines[2:]
    if len(rows) < n:
        raise DataFormatError(f"{path} is truncated: the header announces {n} frames, "
                              f"the file holds {len(rows)}")
    rows = rows[:n]
    try:
        values = np.array(" ".join(rows).split(), dtype=np.float64)
    except ValueError:
        bad = next(i for i, r in enumerate(rows) if not _numeric(r))
        raise DataFormatError(f"{path}: frame {bad} holds a value that is not a number") \
            from None
    if values.size != n * nchan:
        bad = next(i for i, r in enumerate(rows) if len(r.split()) != nchan)
        raise DataFormatError(f"{path}: frame {bad} has {len(rows[bad].split())} values, "
                              f"the hierarchy declares {nchan} channels")
    if not np.isfinite(values).all():
        raise DataFormatError(f"{path}: the motion data contain NaN or infinite values")
    return values.reshape(n, nchan), frame_time


def _numeric(row: str) -> bool:
    try:
        [float(v) for v in row.split()]
    except ValueError:
        return False
    return True


# --- kinematics on the raw channels --------------------------------------------------------
def _elementary(axis: str, degrees: np.ndarray) -> np.ndarray:
    """Rotation matrices (T, 3, 3) about one coordinate axis."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    out = np.zeros((len(a), 3, 3))
    i = _AXES[axis]
    j, k = (i + 1) % 3, (i + 2) % 3
    out[:, i, i] = 1.0
    out[:, j, j] = c
    out[:, k, k] = c
    out[:, k, j] = s
    out[:, j, k] = -s
    return out


def _local_transforms(joints: list[_Joint], frames: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and joint: translation (T, J, 3) and rotation (T, J, 3, 3), raw units."""
    T, J = len(frames), len(joints)
    trans = np.broadcast_to(np.stack([j.offset for j in joints]), (T, J, 3)).copy()
    rot = np.broadcast_to(np.eye(3), (T, J, 3, 3)).copy()
    col = 0
    for ji, joint in enumerate(joints):
        for ch in joint.channels:
            axis, kind = ch[0], ch[1:]
            if kind == "position":
                trans[:, ji, _AXES[axis]] = frames[:, col]
            else:
                rot[:, ji] = rot[:, ji] @ _elementary(axis, frames[:, col])
            col += 1
    return trans, rot


def _world(parents: list[int], trans: np.ndarray, rot: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    pos = np.empty_like(trans)
    glob = np.empty_like(rot)
    for j, p in enumerate(parents):
        if p < 0:
            pos[:, j], glob[:, j] = trans[:, j], rot[:, j]
        else:
            pos[:, j] = pos[:, p] + np.einsum("tab,tb->ta", glob[:, p], trans[:, j])
            glob[:, j] = glob[:, p] @ rot[:, j]
    return pos, glob


def _guess_scale(path: Path, pos: np.ndarray, scale: str | float) -> float:
    if not isinstance(scale, str):
        value = float(scale)
        if not np.isfinite(value) or value <= 0:
            raise ParameterError(f"scale must be positive, got {scale}")
        return value
    if scale in _SCALES:
        return _SCALES[scale]
    if scale != "auto":
        raise ParameterError(f"scale must be 'auto', {', '.join(_SCALES)} or a number, "
                             f"got {scale!r}")
    # body size: the diagonal of the joints' bounding box, median over frames (robust to
    # floor work, where the height alone would shrink)
    extent = float(np.median(np.linalg.norm(np.ptp(pos, axis=1), axis=-1)))
    for low, high, metres in _UNIT_GUESSES:
        if low <= extent < high:
            return metres
    raise DataFormatError(f"{path}: cannot tell the length unit from a body size of "
                          f"{extent:g} file units; pass scale='cm' (or 'm', 'mm', 'inch')")


# --- names ---------------------------------------------------------------------------------
def dancekit_joint_name(name: str) -> str:
    """A BVH joint name in dancekit's convention: snake_case, the side as a ``left_`` or
    ``right_`` prefix (``Shoulder_L`` -> ``left_shoulder``, ``RightUpLeg`` ->
    ``right_up_leg``, ``mixamorig:LeftHand`` -> ``left_hand``, ``lShldr`` ->
    ``left_shldr``), so mirroring, colouring and
    foot detection work on any file."""
    base = name.split(":")[-1]
    side = ""
    m = re.match(r"^(Left|Right)(?=[A-Z_.\-\s]|$)", base) or \
        re.match(r"^(left|right|[LlRr])[_.\-\s]", base) or \
        re.match(r"^([lr])(?=[A-Z])", base)  # lShldr, rThigh
    if m:
        side = "left" if m.group(1)[0] in "Ll" else "right"
        base = base[m.end():]
    else:
        m = re.search(r"[_.\-\s](Left|Right|left|right|[LlRr])$", base) or \
            re.search(r"(?<=[a-z])(Left|Right)$", base)
        if m:
            side = "left" if m.group(1)[0] in "Ll" else "right"
            base = base[: m.start()]
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base)
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", snake).strip("_").lower() or "joint"
    return f"{side}_{snake}" if side else snake


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        seen.setdefault(n, 0)
        out.append(n)
    return out


# --- reading -------------------------------------------------------------------------------
def read_bvh(path: str | Path, *, fps: float | None = None,
             scale: str | float = "auto") -> Motion:
    """Read a BVH file into a 3D :class:`Motion` (metres, y up).

    Parameters
    ----------
    path : path-like
        The ``.bvh`` file.
    fps : float, optional
        Frame rate to use instead of the file's ``Frame Time`` (frames are not resampled).
    scale : {"auto", "cm", "m", "mm", "inch"} or float
        Metres per file unit; "auto" guesses from the body's size (its bounding-box
        diagonal: 0.5-3 units means metres, 40-300 centimetres, 15-40 inches, 500-3000
        millimetres). Motion-capture BVH is usually centimetres.

    Returns
    -------
    Motion
        Positions of every joint by exact FK; ``rotations``/``root`` on a per-file skeleton
        (named ``bvh:<file stem>``) when they reproduce the positions; ``meta`` holds
        ``source``, ``format``, ``bvh_joint_names`` (the file's names), ``bvh_end_sites``
        (joint -> End Site offset, metres), ``bvh_scale``, ``frame_time`` and, if a static
        dummy root was dropped, ``bvh_dropped_root``.

    Raises
    ------
    DataFormatError
        Missing, empty, truncated or malformed files, NaN values.
    """
    path = existing_file(path)
    joints, frames, frame_time = _parse(path)
    trans, rot = _local_transforms(joints, frames)
    parents = [j.parent for j in joints]
    pos, glob = _world(parents, trans, rot)
    metres = _guess_scale(path, pos, scale)

    keep = list(range(len(joints)))
    dropped: list[str] = []
    while _is_static_dummy(keep[0], keep, parents, pos, glob, trans, metres):
        dropped.append(joints[keep[0]].name)
        keep = keep[1:]
    index = {old: new for new, old in enumerate(keep)}
    new_parents = [index.get(parents[j], -1) for j in keep]
    pos_k = pos[:, keep] * metres
    # local rotations w.r.t. the kept parent; the new root's is its global rotation
    local = np.stack([rot[:, j] if new_parents[n] >= 0 else glob[:, j]
                      for n, j in enumerate(keep)], axis=1)
    trans_k = trans[:, keep] * metres
    offsets = trans_k.mean(axis=0)
    offsets[0] = 0.0
    names = _unique([dancekit_joint_name(joints[j].name) for j in keep])
    skeleton = Skeleton(name=f"bvh:{path.stem}", joints=tuple(names),
                        parents=tuple(new_parents), offsets=offsets)
    rotations: np.ndarray | None = matrix_to_axis_angle(local)
    root: np.ndarray | None = pos_k[:, 0]
    meta: dict[str, Any] = {
        "source": str(path), "format": "bvh", "frame_time": frame_time, "bvh_scale": metres,
        "bvh_joint_names": [joints[j].name for j in keep],
        "bvh_end_sites": {names[n]: (joints[j].end_site * metres).tolist()
                          for n, j in enumerate(keep) if joints[j].end_site is not None},
    }
    if dropped:
        meta["bvh_dropped_root"] = dropped
    from dancekit.motion.kinematics import forward_kinematics

    if np.abs(forward_kinematics(rotations, root, skeleton) - pos_k).max() > 1e-5:
        # some non-root joint translates over time: positions stay exact, rotations cannot
        rotations = root = None
        meta["bvh_rotations_dropped"] = "non-root joints translate; kept positions only"
    declared = 1.0 / frame_time
    if abs(declared - round(declared)) < 1e-3:
        declared = float(round(declared))  # 0.0333333 s is 30 fps, not 30.00003
    return build_motion(path, "BVH", positions=pos_k, fps=override_fps(declared, fps),
                        skeleton=skeleton, rotations=rotations, root=root, meta=meta)


def _is_static_dummy(j: int, keep: list[int], parents: list[int], pos: np.ndarray,
                     glob: np.ndarray, trans: np.ndarray, metres: float) -> bool:
    """True if root ``j`` never moves, has one child, and that child carries the motion."""
    children = [c for c in keep if parents[c] == j]
    if len(children) != 1:
        return False
    still = (np.ptp(pos[:, j], axis=0).max() * metres < _RIGID_TOL
             and np.abs(glob[:, j] - glob[:1, j]).max() < 1e-9)
    return bool(still and np.ptp(trans[:, children[0]], axis=0).max() * metres > _RIGID_TOL)


# --- writing -------------------------------------------------------------------------------
def write_bvh(motion: Motion, path: str | Path) -> dict[str, Any]:
    """Write a 3D motion as BVH (centimetres, ZXY rotation channels).

    Motions with ``rotations`` are written exactly. Position-only motions are first fitted by
    inverse kinematics (:class:`dancekit.io.ik.RotationFit`: the rest skeleton over all
    frames first, then the rotations fitted, converted and written a chunk at a time, so a long
    motion's rotations never exist at once); the report gives the fit error.

    Returns
    -------
    dict
        ``format``, ``path``, ``frames``, ``joints``, ``ik`` (whether rotations were fitted)
        and ``fit_error_mean_m`` / ``fit_error_p95_m`` / ``fit_error_max_m``: distance
        between ``motion.positions`` and the positions the written file encodes, over all
        joints and frames, metres.
    """
    from dancekit.io.ik import RotationFit
    from dancekit.motion.kinematics import forward_kinematics

    if motion.is_2d:
        raise ParameterError("BVH needs 3D motion; 2D keypoints cannot be written as BVH")
    sk = motion.skeleton
    if sum(p < 0 for p in sk.parents) != 1:
        raise ParameterError(f"skeleton {sk.name!r} has several roots; BVH needs one")
    fitted = motion.rotations is None or motion.root is None or sk.offsets is None
    if fitted:  # the rest skeleton now, the rotations a chunk at a time below
        fit = RotationFit(motion)
        sk = Skeleton(name=sk.name, joints=sk.joints, parents=sk.parents, offsets=fit.offsets)
        frames = fit.block
    else:
        frames = partial(_stored_frames, motion.rotations, motion.root)
    end_sites = motion.meta.get("bvh_end_sites") if not fitted else None
    lines = ["HIERARCHY"]
    _write_joint(lines, sk, _written_names(motion), 0, 0,
                 end_sites if isinstance(end_sites, dict) else {})
    lines += ["MOTION", f"Frames: {motion.num_frames}", f"Frame Time: {1.0 / motion.fps:.8f}"]
    order = _depth_first(sk)  # the MOTION columns follow the hierarchy as written
    row_format = " ".join(["%.6f"] * (3 + 3 * len(order))) + "\n"
    err = np.empty(motion.positions.shape[:2])
    previous: np.ndarray | None = None
    with atomic_output(path) as tmp, open(tmp, "w", encoding="ascii") as fh:
        fh.write("\n".join(lines) + "\n")
        for start in range(0, motion.num_frames, _WRITE_CHUNK):
            part = slice(start, start + _WRITE_CHUNK)
            rotations, root_part = frames(start, start + _WRITE_CHUNK)
            euler = _euler_channels(rotations, previous)
            previous = euler[-1]
            check = forward_kinematics(euler_matrices(euler), root_part, sk)
            err[part] = np.linalg.norm(check - motion.positions[part], axis=-1)
            channels = np.concatenate([((root_part + sk.offsets[0]) * 100.0)[:, None],
                                       euler[:, order]], axis=1).reshape(len(euler), -1)
            fh.write((row_format * len(channels)) % tuple(channels.ravel().tolist()))
    mean, peak = float(err.mean()), float(err.max())
    # last, as it reorders err in place rather than copying it (a long motion's largest array)
    p95 = float(np.percentile(err, 95, overwrite_input=True))
    return {"format": "bvh", "path": str(path), "frames": motion.num_frames,
            "joints": motion.num_joints, "ik": fitted, "fit_error_mean_m": mean,
            "fit_error_p95_m": p95, "fit_error_max_m": peak}


def _stored_frames(rotations: np.ndarray, root: np.ndarray, start: int, stop: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """A motion's own rotations and root of frames ``start:stop``, as float64."""
    return rotations[start:stop].astype(np.float64), root[start:stop].astype(np.float64)


def _euler_channels(rotations: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """ZXY degrees for axis-angle ``rotations`` (T, J, 3), unwrapped along time (no
    359 -> -359 jumps in f-curves) continuing from the ``previous`` frame's angles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gimbal lock: scipy still returns a valid triple
        euler = matrix_to_euler(axis_angle_to_matrix(rotations), WRITE_ORDER)
    if previous is None:
        return np.unwrap(euler, period=360.0, axis=0)
    return np.unwrap(np.concatenate([previous[None], euler]), period=360.0, axis=0)[1:]


def euler_matrices(euler_deg: np.ndarray) -> np.ndarray:
    """Matrices from the ZXY channel triples this writer emits, composed channel by channel
    exactly as :func:`read_bvh` will (so the reported error is what a reader sees)."""
    shape = euler_deg.shape[:-1]
    flat = euler_deg.reshape(-1, 3)
    out = np.broadcast_to(np.eye(3), (len(flat), 3, 3))
    for k, axis in enumerate(WRITE_ORDER):
        out = out @ _elementary(axis, flat[:, k])
    return out.reshape(*shape, 3, 3)


def _depth_first(sk: Skeleton) -> list[int]:
    order: list[int] = []
    stack = [sk.parents.index(-1)]
    while stack:
        j = stack.pop()
        order.append(j)
        stack.extend(reversed(sk.children[j]))
    return order


def _written_names(motion: Motion) -> list[str]:
    """Joint names for the file: the original BVH names when the motion still has the
    skeleton it was read with (so animators' rigs and retargeting presets keep matching),
    else dancekit's names."""
    original = motion.meta.get("bvh_joint_names")
    joints = list(motion.skeleton.joints)
    if (isinstance(original, list) and len(original) == len(joints)
            and all(isinstance(n, str) and n and not any(c.isspace() for c in n)
                    for n in original)
            and _unique([dancekit_joint_name(n) for n in original]) == joints):
        return original
    return joints


def _write_joint(lines: list[str], sk: Skeleton, names: list[str], j: int, depth: int,
                 end_sites: dict[str, Any]) -> None:
    pad = "\t" * depth
    kind = "ROOT" if sk.parents[j] < 0 else "JOINT"
    off = sk.offsets[j] * 100.0
    lines.append(f"{pad}{kind} {names[j]}")
    lines.append(f"{pad}{{")
    lines.append(f"{pad}\tOFFSET {off[0]:.6f} {off[1]:.6f} {off[2]:.6f}")
    rot = " ".join(f"{a}rotation" for a in WRITE_ORDER)
    if kind == "ROOT":
        lines.append(f"{pad}\tCHANNELS 6 Xposition Yposition Zposition {rot}")
    else:
        lines.append(f"{pad}\tCHANNELS 3 {rot}")
    children = sk.children[j]
    for c in children:
        _write_joint(lines, sk, names, c, depth + 1, end_sites)
    if not children:
        end = np.asarray(end_sites.get(sk.joints[j], _default_end_site(sk, j)), float) * 100
        lines += [f"{pad}\tEnd Site", f"{pad}\t{{",
                  f"{pad}\t\tOFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}", f"{pad}\t}}"]
    lines.append(f"{pad}}}")


def _default_end_site(sk: Skeleton, j: int) -> np.ndarray:
    """A leaf's bone tail: half its own offset onwards (Blender needs a non-zero tail)."""
    off = sk.offsets[j]
    n = np.linalg.norm(off)
    return off * 0.5 if n > 1e-6 else np.array([0.0, 0.05, 0.0])
