"""The one motion type every model, metric, renderer and exporter speaks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dancekit.errors import ParameterError
from dancekit.limits import MAX_ABS_VALUE, MAX_FPS, MIN_FPS
from dancekit.motion.skeletons import Skeleton, get_skeleton


@dataclass(eq=False)
class Motion:
    """A dance: joint positions over time on a named skeleton.

    3D and 2D data share this type; the last axis of ``positions`` says which:

    * **3D** ``(T, J, 3)``: world positions in **metres**, **y up**, right-handed (the dancer
      faces +z in the rest pose). ``rotations``/``root`` may carry the joint rotations the
      positions came from (they must agree through forward kinematics).
    * **2D** ``(T, J, 2)``: image keypoints in **pixels**, x right, y down, as detectors write
      them; ``confidence`` (T, J) holds detection scores and ``meta["image_size"]`` the
      ``(width, height)`` where known. A 2D motion has no rotations.

    Parameters
    ----------
    positions : ndarray (T, J, 3) or (T, J, 2)
        Stored as float32. Must be finite, T >= 1.
    fps : float > 0
        Frames per second.
    skeleton : Skeleton or str
        Registry name or a :class:`Skeleton`, with J joints.
    rotations : ndarray (T, J, 3), optional
        Local joint rotations, axis-angle radians, relative to the skeleton's rest pose.
    root : ndarray (T, 3), optional
        Root translation, metres (with ``rotations`` it defines the motion through FK).
    confidence : ndarray (T, J), optional
        Per-keypoint detection confidence in [0, 1] (2D data).
    meta : dict
        Free-form provenance: ``source``, ``format``, ``genre``, ``audio``, ...
    """

    positions: np.ndarray
    fps: float
    skeleton: Skeleton | str
    rotations: np.ndarray | None = None
    root: np.ndarray | None = None
    confidence: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.skeleton = get_skeleton(self.skeleton)
        pos = np.asarray(self.positions)
        if pos.ndim != 3 or pos.shape[-1] not in (2, 3):
            raise ParameterError(
                f"positions must have shape (frames, joints, 3) or (frames, joints, 2), "
                f"got {pos.shape}")
        T, J, _ = pos.shape
        if T == 0:
            raise ParameterError("motion has no frames")
        if J != self.skeleton.num_joints:
            raise ParameterError(f"positions have {J} joints but skeleton "
                                 f"{self.skeleton.name!r} has {self.skeleton.num_joints}")
        self.positions = _finite_f32(pos, "positions")
        try:
            self.fps = float(self.fps)
        except (TypeError, ValueError):
            raise ParameterError(f"fps must be a number, got {self.fps!r}") from None
        if not MIN_FPS <= self.fps <= MAX_FPS:  # also refuses NaN
            raise ParameterError(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g}, "
                                 f"got {self.fps:g}")
        if self.rotations is not None:
            self.rotations = _finite_f32(np.asarray(self.rotations), "rotations")
            if self.rotations.shape != (T, J, 3):
                raise ParameterError(f"rotations must have shape ({T}, {J}, 3) (axis-angle), "
                                     f"got {self.rotations.shape}")
        if self.root is not None:
            self.root = _finite_f32(np.asarray(self.root), "root")
            if self.root.shape != (T, 3):
                raise ParameterError(f"root must have shape ({T}, 3), got {self.root.shape}")
        if self.confidence is not None:
            self.confidence = _finite_f32(np.asarray(self.confidence), "confidence")
            if self.confidence.shape != (T, J):
                raise ParameterError(f"confidence must have shape ({T}, {J}), "
                                     f"got {self.confidence.shape}")
        self.meta = dict(self.meta)

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def from_rotations(
        cls,
        rotations: np.ndarray,
        root: np.ndarray,
        *,
        fps: float,
        skeleton: Skeleton | str = "smpl24",
        meta: dict[str, Any] | None = None,
    ) -> Motion:
        """Build a 3D motion from local axis-angle rotations (T, J, 3) and root (T, 3) by FK."""
        from dancekit.motion.kinematics import forward_kinematics

        skel = get_skeleton(skeleton)
        rotations = np.asarray(rotations, dtype=np.float64)
        root = np.asarray(root, dtype=np.float64)
        if rotations.ndim != 3 or rotations.shape[1:] != (skel.num_joints, 3):
            raise ParameterError(f"rotations must have shape (T, {skel.num_joints}, 3), "
                                 f"got {rotations.shape}")
        if root.shape != (rotations.shape[0], 3):
            raise ParameterError(f"root must have shape ({rotations.shape[0]}, 3), "
                                 f"got {root.shape}")
        pos = forward_kinematics(rotations, root, skel)
        return cls(pos, fps, skel, rotations=rotations, root=root, meta=meta or {})

    # --- views -------------------------------------------------------------------------------
    @property
    def num_frames(self) -> int:
        return self.positions.shape[0]

    @property
    def num_joints(self) -> int:
        return self.positions.shape[1]

    @property
    def dims(self) -> int:
        """3 for world-space motion, 2 for image keypoints."""
        return self.positions.shape[2]

    @property
    def is_2d(self) -> bool:
        return self.dims == 2

    @property
    def duration(self) -> float:
        """Seconds covered: frames / fps."""
        return self.num_frames / self.fps

    @property
    def has_rotations(self) -> bool:
        return self.rotations is not None

    def replace(self, **changes: Any) -> Motion:
        """A copy with some fields replaced (validated again)."""
        return dataclasses.replace(self, **changes)

    def __getitem__(self, frames: slice) -> Motion:
        """Frame slice ``motion[a:b]`` (steps allowed; fps is divided by the step)."""
        if not isinstance(frames, slice):
            raise ParameterError("index a Motion with a frame slice, e.g. motion[0:120]")
        step = frames.step or 1
        if step <= 0:
            raise ParameterError("frame slices must step forwards")
        pick = (lambda a: None if a is None else a[frames])  # noqa: E731
        return Motion(self.positions[frames], self.fps / step, self.skeleton,
                      rotations=pick(self.rotations), root=pick(self.root),
                      confidence=pick(self.confidence), meta=self.meta)

    def __len__(self) -> int:
        return self.num_frames

    def __repr__(self) -> str:
        extra = ", rotations" if self.has_rotations else ""
        return (f"Motion({self.num_frames} frames @ {self.fps:g} fps = {self.duration:.2f} s, "
                f"{self.skeleton.name} [{self.num_joints} joints, {self.dims}D]{extra})")


def _finite_f32(a: np.ndarray, what: str) -> np.ndarray:
    """``a`` as contiguous float32, refusing non-real dtypes, NaN, infinities and values
    beyond :data:`MAX_ABS_VALUE` (checked before the cast, where 1e300 would become inf)."""
    if a.dtype.kind not in "biuf":
        kind = "complex" if a.dtype.kind == "c" else "non-numeric"
        raise ParameterError(f"{what} must be real numbers, got {kind} dtype {a.dtype}")
    if a.size == 0 or a.dtype.kind == "b":
        return np.ascontiguousarray(a, dtype=np.float32)
    # min and max propagate NaN and need no temporary the size of ``a`` (long motions)
    low, high = float(a.min()), float(a.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        raise ParameterError(f"{what} contain {bad} NaN or infinite values")
    peak = max(abs(low), abs(high))
    if peak > MAX_ABS_VALUE:
        raise ParameterError(f"{what} contain a value of magnitude {peak:g}, beyond "
                             f"the limit of {MAX_ABS_VALUE:g}")
    return np.ascontiguousarray(a, dtype=np.float32)
