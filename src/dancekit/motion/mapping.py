"""Mappings between skeletons: each target joint is a fixed weighted combination of source
joints, so retargeting is one matrix product per frame and works for 3D and 2D alike.

Weights of every target joint sum to 1 (affine combinations), so a mapping commutes with
translation and with any rotation or scaling of the whole body. Where the source has no
counterpart (COCO-17 has no toes), the target joint is *missing*: it gets a stand-in position
(the nearest source joint) and confidence 0.

Registered mappings (chains are composed automatically, e.g. ballroom23 -> coco17 goes through
smpl24; :func:`mapping_path` tells which):

* ``ballroom23 -> smpl24``: limbs copied; pelvis, spine1-3, neck, collars and head
  interpolated between the hips, the ballroom ``spine`` point, the shoulders and the two head
  points; feet (SMPL's toe-base joint) 80 % of the way from ankle to toe.
* ``smpl24 -> coco17``: body joints copied; nose, eyes and ears approximated from the head,
  neck and collars (SMPL has no face joints).
* ``smpl24 -> body25``: as for COCO, plus neck/mid-hip as SMPL's joints, toes at SMPL's foot
  joint and heels extrapolated from knee, ankle and foot.
* ``mediapipe33 -> coco17`` (same-named joints) and ``mediapipe33 -> body25`` (neck =
  mid-shoulders, mid_hip = mid-hips, big toe = foot index, small toe between foot index and
  heel, heel = heel).
* ``coco17 -> body25`` (neck, mid_hip as midpoints; toes and heels missing) and
  ``body25 -> coco17`` (same-named joints).
* ``coco17 -> smpl24`` (AIST++ ``keypoints3d``): limbs copied; pelvis, spine1-3 and the
  collars placed on the straight hips-to-shoulders trunk at the SMPL template's heights (COCO
  has no spine, so the trunk cannot bend); neck and head between the shoulders and the ears;
  hands extended along the forearm; feet missing (COCO has no toes).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Union

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.motion.skeletons import Skeleton, get_skeleton

# A target joint: one source joint name, weights over source joints, or MISSING(stand-in).
Combo = Union[str, dict[str, float], "Missing"]


@dataclass(frozen=True)
class Missing:
    """A target joint the source cannot provide; ``stand_in`` gives it a position."""

    stand_in: str


@dataclass(frozen=True, eq=False)
class SkeletonMapping:
    """``weights[t, s]``: contribution of source joint ``s`` to target joint ``t``."""

    source: str
    target: str
    weights: np.ndarray
    missing: frozenset[int]

    def then(self, other: SkeletonMapping) -> SkeletonMapping:
        """This mapping followed by ``other`` (whose source is this mapping's target)."""
        w = other.weights @ self.weights
        missing = {t for t in range(other.weights.shape[0])
                   if t in other.missing or any(other.weights[t, m] != 0 for m in self.missing)}
        return SkeletonMapping(self.source, other.target, w, frozenset(missing))


_SPECS: dict[tuple[str, str], dict[str, Combo]] = {}


def register_mapping(source: str, target: str, spec: dict[str, Combo]) -> None:
    """Register how to compute every joint of ``target`` from joints of ``source``.

    Joints named in both skeletons and absent from ``spec`` are copied.
    """
    _SPECS[(source, target)] = spec


def _build(source: Skeleton, target: Skeleton, spec: dict[str, Combo]) -> SkeletonMapping:
    W = np.zeros((target.num_joints, source.num_joints))
    missing = set()
    for t, name in enumerate(target.joints):
        combo = spec.get(name, name if source.has(name) else None)
        if combo is None:
            raise ParameterError(f"mapping {source.name} -> {target.name} does not define "
                                 f"{name!r}")
        if isinstance(combo, Missing):
            missing.add(t)
            combo = combo.stand_in
        if isinstance(combo, str):
            combo = {combo: 1.0}
        for src, w in combo.items():
            W[t, source.index(src)] += w
        if abs(W[t].sum() - 1.0) > 1e-9:
            raise ParameterError(f"mapping {source.name} -> {target.name}: weights of "
                                 f"{name!r} sum to {W[t].sum()}, not 1")
    return SkeletonMapping(source.name, target.name, W, frozenset(missing))


def mapping_path(source: str, target: str) -> list[str]:
    """Skeleton names from ``source`` to ``target`` along registered mappings (shortest)."""
    if source == target:
        return [source]
    prev: dict[str, str] = {source: source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for a, b in _SPECS:
            if a == node and b not in prev:
                prev[b] = node
                if b == target:
                    path = [b]
                    while path[-1] != source:
                        path.append(prev[path[-1]])
                    return path[::-1]
                queue.append(b)
    raise ParameterError(f"no skeleton mapping from {source!r} to {target!r} (registered: "
                         f"{', '.join(f'{a}->{b}' for a, b in sorted(_SPECS))})")


def get_mapping(source: str | Skeleton, target: str | Skeleton) -> SkeletonMapping:
    """The (possibly composed) mapping from ``source`` to ``target`` skeleton."""
    src, tgt = get_skeleton(source), get_skeleton(target)
    path = mapping_path(src.name, tgt.name)
    if len(path) == 1:
        return SkeletonMapping(src.name, tgt.name, np.eye(src.num_joints), frozenset())
    out = None
    for a, b in zip(path, path[1:], strict=False):
        step = _build(get_skeleton(a), get_skeleton(b), _SPECS[(a, b)])
        out = step if out is None else out.then(step)
    return out


def retarget(motion: Motion, target: str | Skeleton) -> Motion:
    """Express ``motion`` on another skeleton by the registered joint mapping.

    Parameters
    ----------
    motion : Motion
        3D or 2D motion on a skeleton with a mapping to ``target``.
    target : str or Skeleton
        Registry name, e.g. ``"smpl24"``, ``"coco17"``, ``"body25"``.

    Returns
    -------
    Motion
        Positions only (rotations do not carry across skeletons). ``confidence``: per target
        joint the lowest confidence among the source joints it uses (1 where the source had
        none), and 0 for missing joints. ``meta`` gains ``retargeted_from`` and
        ``approximated_joints`` (target joints that are not a copy of one source joint).
    """
    tgt = get_skeleton(target)
    if motion.skeleton.name == tgt.name:
        return motion
    m = get_mapping(motion.skeleton, tgt)
    positions = np.einsum("ks,tsd->tkd", m.weights, motion.positions.astype(np.float64))
    used = m.weights != 0
    confidence = None
    if motion.confidence is not None or m.missing:
        src_conf = (motion.confidence if motion.confidence is not None
                    else np.ones(motion.positions.shape[:2], np.float32))
        confidence = np.stack([src_conf[:, used[t]].min(axis=1) for t in range(len(used))],
                              axis=1)
        confidence[:, sorted(m.missing)] = 0.0
    approx = [tgt.joints[t] for t in range(len(used))
              if t in m.missing or used[t].sum() != 1 or m.weights[t].max() != 1.0]
    meta = dict(motion.meta, retargeted_from=motion.skeleton.name,
                approximated_joints=approx)
    return Motion(positions, motion.fps, tgt, confidence=confidence, meta=meta)


def _mid(a: str, b: str) -> dict[str, float]:
    return {a: 0.5, b: 0.5}


def _sides(spec: dict[str, Combo]) -> dict[str, Combo]:
    """Expand ``{side}`` templates into left_ and right_ entries (``{other}`` is the twin)."""
    out: dict[str, Combo] = {}
    for name, combo in spec.items():
        if "{side}" not in name:
            out[name] = combo
            continue
        for side, other in (("left", "right"), ("right", "left")):
            key = name.format(side=side)
            if isinstance(combo, Missing):
                out[key] = Missing(combo.stand_in.format(side=side))
            elif isinstance(combo, str):
                out[key] = combo.format(side=side, other=other)
            else:
                out[key] = {k.format(side=side, other=other): w for k, w in combo.items()}
    return out


# --- ballroom23 -> smpl24 ------------------------------------------------------------------
# Heights along the trunk, as fractions of the hips-to-shoulders span, put SMPL's trunk joints
# between the ballroom points: the ballroom "spine" sits 14 cm above the hip line, SMPL's
# pelvis about 8 cm; SMPL's neck and head sit 23 % and 66 % of the way from the shoulder
# midpoint to the head points.
register_mapping("ballroom23", "smpl24", _sides({
    "pelvis": {"left_hip": 0.215, "right_hip": 0.215, "spine": 0.57},
    "spine1": {"spine": 0.89, "left_shoulder": 0.055, "right_shoulder": 0.055},
    "spine2": {"spine": 0.54, "left_shoulder": 0.23, "right_shoulder": 0.23},
    "spine3": {"spine": 0.41, "left_shoulder": 0.295, "right_shoulder": 0.295},
    "neck": {"left_shoulder": 0.385, "right_shoulder": 0.385, "head": 0.115,
             "head_aux": 0.115},
    "head": {"left_shoulder": 0.17, "right_shoulder": 0.17, "head": 0.33, "head_aux": 0.33},
    "{side}_collar": {"{side}_shoulder": 0.625, "{other}_shoulder": 0.275, "spine": 0.1},
    "{side}_foot": {"{side}_ankle": 0.2, "{side}_toe": 0.8},
}))

# --- smpl24 -> coco17 / body25 -------------------------------------------------------------
# SMPL has no face joints: the nose is put at the head joint, eyes 1.3 cm above it and 3 cm
# to each side, ears 7 cm to each side (the collar-to-collar vector sets the side direction).
_SMPL_FACE: dict[str, Combo] = {
    "nose": "head",
    "{side}_eye": {"head": 1.15, "neck": -0.15, "{side}_collar": 0.2, "{other}_collar": -0.2},
    "{side}_ear": {"head": 1.0, "{side}_collar": 0.45, "{other}_collar": -0.45},
}
register_mapping("smpl24", "coco17", _sides(_SMPL_FACE))
register_mapping("smpl24", "body25", _sides({
    **_SMPL_FACE,
    "neck": "neck",
    "mid_hip": "pelvis",
    "{side}_big_toe": "{side}_foot",
    "{side}_small_toe": "{side}_foot",
    "{side}_heel": {"{side}_ankle": 1.4, "{side}_knee": -0.15, "{side}_foot": -0.25},
}))

# --- MediaPipe, COCO, BODY_25 --------------------------------------------------------------
register_mapping("mediapipe33", "coco17", {})
register_mapping("mediapipe33", "body25", _sides({
    "neck": _mid("left_shoulder", "right_shoulder"),
    "mid_hip": _mid("left_hip", "right_hip"),
    "{side}_big_toe": "{side}_foot_index",
    "{side}_small_toe": {"{side}_foot_index": 0.7, "{side}_heel": 0.3},
    "{side}_heel": "{side}_heel",
}))
register_mapping("coco17", "body25", _sides({
    "neck": _mid("left_shoulder", "right_shoulder"),
    "mid_hip": _mid("left_hip", "right_hip"),
    "{side}_big_toe": Missing("{side}_ankle"),
    "{side}_small_toe": Missing("{side}_ankle"),
    "{side}_heel": Missing("{side}_ankle"),
}))
register_mapping("body25", "coco17", {})

# --- coco17 -> smpl24 ------------------------------------------------------------------------
# Fractions of the way from the hip midpoint to the shoulder midpoint where the SMPL template
# puts its trunk joints (pelvis 0.153, spine1 0.373, spine2 0.617, spine3 0.717, collars 0.918
# and 70 % of the way out to their shoulder); the neck 37 % of the way from the shoulder
# midpoint to the head, taken as the midpoint of the ears; the hand as far beyond the wrist
# as the template's (a third of the forearm).
def _trunk(height: float) -> dict[str, float]:
    low, high = (1 - height) / 2, height / 2
    return {"left_hip": low, "right_hip": low, "left_shoulder": high, "right_shoulder": high}


register_mapping("coco17", "smpl24", _sides({
    "pelvis": _trunk(0.153),
    "spine1": _trunk(0.373),
    "spine2": _trunk(0.617),
    "spine3": _trunk(0.717),
    "neck": {"left_shoulder": 0.315, "right_shoulder": 0.315, "left_ear": 0.185,
             "right_ear": 0.185},
    "head": _mid("left_ear", "right_ear"),
    "{side}_collar": {"{side}_shoulder": 0.643, "{other}_shoulder": 0.275,
                      "{side}_hip": 0.041, "{other}_hip": 0.041},
    "{side}_foot": Missing("{side}_ankle"),
    "{side}_hand": {"{side}_wrist": 1.33, "{side}_elbow": -0.33},
}))
