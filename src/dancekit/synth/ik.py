"""Foot locking: keep planted feet exactly where they landed, with two-bone leg IK.

Keyframed moves only roughly agree with the root path (a dancer stepping sideways while the
root glides), so raw forward kinematics makes planted feet slide. For every run of frames in
which a foot carries weight, this module fixes the ankle at the position (and, unless the foot
pivots, the orientation) it had when it landed, with its lowest point on the floor, and solves
hip and knee so the leg reaches it. Just before a landing and just after a lift-off the
correction fades in and out, so the swing leg flows into and out of the lock.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from dancekit.motion.kinematics import forward_kinematics
from dancekit.motion.rotations import rotation_between
from dancekit.motion.skeletons import SMPL24

SWING_LIFT = 0.08       # metres a stepping foot rises above its path between contacts
ANKLE_RANGE_DEG = 58.0  # within the 60 degrees of dancekit.synth.poses.LIMITS_DEG
SIDES = (
    {"hip": SMPL24.index("left_hip"), "knee": SMPL24.index("left_knee"),
     "ankle": SMPL24.index("left_ankle"), "toe": SMPL24.index("left_foot")},
    {"hip": SMPL24.index("right_hip"), "knee": SMPL24.index("right_knee"),
     "ankle": SMPL24.index("right_ankle"), "toe": SMPL24.index("right_foot")},
)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) frame of every run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 -> 1 with zero slope at both ends (3x^2 - 2x^3), clipped to [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def floor_root_height(rot: np.ndarray, root_xz: np.ndarray, feet: np.ndarray,
                      lift: np.ndarray, fps: float, smooth_s: float = 1 / 30) -> np.ndarray:
    """Root height per frame that puts the lowest planted foot joint on the floor (y = 0).

    Frames with no planted foot (jumps, releves) interpolate the standing height and add the
    authored ``lift``; the result is smoothed over ``smooth_s`` seconds so contact changes
    do not jolt (foot locking then bends the planted legs to the floor)."""
    T = rot.shape[0]
    root = np.zeros((T, 3))
    root[:, [0, 2]] = root_xz
    pos = forward_kinematics(rot, root, SMPL24)
    lows = np.stack([np.minimum(pos[:, s["ankle"], 1], pos[:, s["toe"], 1]) for s in SIDES], 1)
    low = np.where(feet, lows, np.inf).min(axis=1)
    stand = np.isfinite(low)
    if stand.any():
        frames = np.arange(T)
        height = np.interp(frames, frames[stand], -low[stand])
    else:
        height = -lows.min(axis=1)
    return gaussian_filter1d(height, max(fps * smooth_s, 0.5), mode="nearest") + lift


def lock_feet(rot: np.ndarray, root: np.ndarray, feet: np.ndarray, pivot: np.ndarray,
              blend_frames: int, swing: tuple[float, float] = (SWING_LIFT, 0.0)
              ) -> tuple[np.ndarray, np.ndarray]:
    """Return (rotations, root) with planted feet held still.

    Parameters
    ----------
    rot : ndarray (T, 24, 3)
        Local axis-angle rotations.
    root : ndarray (T, 3)
        Root translation (its height already put the planted feet near the floor).
    feet, pivot : ndarray bool (T, 2)
        Planted (left, right); pivoting feet stand on the ball of the foot: the toe joint
        stays while the heel may swing round it (turns) or rise (releve).
    blend_frames : int
        Frames over which the correction fades in before a landing and out after a lift-off.
    swing : (float, float)
        Height (m) of a stepping foot's arc and the share of the swing it takes to rise to
        it (and to come down); 0 is a half sine. A long stride rises over a third of its
        swing and stays up, so it does not brush the floor at speed.
    """
    rot = rot.copy()
    root = root.copy()
    T = rot.shape[0]
    pos, glob = forward_kinematics(rot, root, SMPL24, return_global=True)
    targets = np.zeros((2, T, 3))
    orient = np.zeros((2, T, 3, 3))
    active = np.zeros((2, T), dtype=bool)
    for side, s in enumerate(SIDES):
        targets[side], orient[side], active[side] = _foot_plan(
            pos, glob, s, feet[:, side], pivot[:, side], blend_frames, swing)

    # Lower the root where a planted leg cannot reach its target even when straight.
    drop = np.zeros(T)
    for side, s in enumerate(SIDES):
        reach = 0.999 * (np.linalg.norm(SMPL24.offsets[s["knee"]])
                         + np.linalg.norm(SMPL24.offsets[s["ankle"]]))
        gap = targets[side] - pos[:, s["hip"]]
        horiz2 = gap[:, 0] ** 2 + gap[:, 2] ** 2
        need = -gap[:, 1] - np.sqrt(np.maximum(reach**2 - horiz2, 0.0))
        drop = np.maximum(drop, np.where(active[side], need, 0.0))
    if drop.max() > 0:
        smooth = gaussian_filter1d(drop, 2.0, mode="nearest")
        root[:, 1] -= np.maximum(drop, smooth)
        pos, glob = forward_kinematics(rot, root, SMPL24, return_global=True)

    for side, s in enumerate(SIDES):
        # A swinging foot never goes through the floor: lift its target where it would.
        ankle = pos[:, s["ankle"]]
        tgt = np.where(active[side][:, None], targets[side], ankle)
        low = np.minimum(ankle[:, 1], pos[:, s["toe"], 1]) + tgt[:, 1] - ankle[:, 1]
        under = ~feet[:, side] & (low < 0)
        tgt[under, 1] -= low[under]
        orient[side, under & ~active[side]] = glob[under & ~active[side], s["ankle"]]
        targets[side] = tgt
        active[side] |= under
        f = np.flatnonzero(active[side])
        if len(f):
            _solve_leg(rot, pos, glob, s, f, targets[side, f], orient[side, f])
    return rot, root


def _foot_plan(pos: np.ndarray, glob: np.ndarray, s: dict, down: np.ndarray,
               ball: np.ndarray, blend: int, swing: tuple[float, float]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ankle target positions (T, 3), ankle world orientations (T, 3, 3) and which frames
    to solve (T,) for one foot.

    Within a contact the foot is held: flat, its ankle and orientation are frozen; on the
    ball of the foot, its toe joint is frozen and the foot turns as the raw motion turns it.
    A contact that changes between the two continues from where the previous part left the
    foot. Around each contact the correction fades in and out over ``blend`` frames."""
    T = len(down)
    ankle, raw = pos[:, s["ankle"]], glob[:, s["ankle"]]
    toe_offset = SMPL24.offsets[s["toe"]]
    target = ankle.copy()
    orient = raw.copy()
    active = down.copy()
    for a, b in _runs(down):
        floor = min(ankle[a, 1], pos[a, s["toe"], 1])  # lowest foot joint onto y = 0
        start_pos, start_rot = ankle[a] - [0.0, floor, 0.0], raw[a]
        state = ball[a:b + 1]
        cuts = [a, *(a + 1 + np.flatnonzero(state[1:] != state[:-1])), b + 1]
        for c, d in zip(cuts[:-1], cuts[1:], strict=True):
            if ball[c]:
                # World-frame turn of the raw foot since the part began, applied to the foot.
                turn = raw[c:d] @ raw[c].T
                orient[c:d] = turn @ start_rot
                toe = start_pos + start_rot @ toe_offset
                target[c:d] = toe - orient[c:d] @ toe_offset
            else:
                orient[c:d] = start_rot
                target[c:d] = start_pos
            start_pos, start_rot = target[d - 1], orient[d - 1]
        for frames, edge, fade_in in (
            (np.arange(max(a - blend, 0), a), a, True),
            (np.arange(b + 1, min(b + 1 + blend, T)), b, False),
        ):
            frames = frames[~down[frames]]
            if not len(frames):
                continue
            k = (frames - (a - blend)) / blend if fade_in else 1 - (frames - b) / blend
            w = smoothstep(k)
            shift = target[edge] - ankle[edge]
            target[frames] = ankle[frames] + w[:, None] * shift
            delta = Rotation.from_matrix(orient[edge] @ raw[frames].transpose(0, 2, 1))
            orient[frames] = (Rotation.from_rotvec(delta.as_rotvec() * w[:, None])
                              * Rotation.from_matrix(raw[frames])).as_matrix()
            active[frames] = True
    # Between two contacts the foot travels in a low arc, clear of the floor.
    runs = _runs(down)
    for (_, b), (a, _) in zip(runs[:-1], runs[1:], strict=True):
        gap = np.arange(b + 1, a)
        if len(gap) < 3:
            continue
        x = (gap - b) / (a - b)
        arc = (np.sin(np.pi * x) if swing[1] <= 0
               else smoothstep(np.minimum(x, 1 - x) / swing[1]))
        target[gap, 1] += swing[0] * arc
        active[gap] = True
    return target, orient, active


def _solve_leg(rot: np.ndarray, pos: np.ndarray, glob: np.ndarray, s: dict, f: np.ndarray,
               target: np.ndarray, ankle_orient: np.ndarray) -> None:
    """Analytic two-bone IK on frames ``f``: bend the knee so hip-to-ankle has the target's
    distance, swing the hip so the ankle lands on it, then give the ankle its world
    orientation. Writes the hip, knee and ankle rotations of ``rot`` in place."""
    h, k, a = s["hip"], s["knee"], s["ankle"]
    H, Kp, A = pos[f, h], pos[f, k], pos[f, a]
    l1 = np.linalg.norm(Kp - H, axis=-1)
    l2 = np.linalg.norm(A - Kp, axis=-1)
    d = np.clip(np.linalg.norm(target - H, axis=-1), np.abs(l1 - l2) + 1e-4, 0.9999 * (l1 + l2))
    u, v = H - Kp, A - Kp
    cur = np.arccos(np.clip(np.sum(u * v, -1) / (l1 * l2), -1, 1))
    want = np.arccos(np.clip((l1**2 + l2**2 - d**2) / (2 * l1 * l2), -1, 1))
    n = np.cross(u, v)
    nn = np.linalg.norm(n, axis=-1, keepdims=True)
    # A straight leg has no bend plane: bend about the knee's own hinge axis, backwards.
    n = np.where(nn > 1e-4, n / np.maximum(nn, 1e-12), -glob[f, k][:, :, 0])
    bend = Rotation.from_rotvec(n * (want - cur)[:, None])
    swing = Rotation.from_matrix(rotation_between(Kp + bend.apply(v) - H, target - H))
    g_pelvis = Rotation.from_matrix(glob[f, 0])
    g_hip = swing * Rotation.from_matrix(glob[f, h])
    g_knee = swing * bend * Rotation.from_matrix(glob[f, k])
    rot[f, h] = (g_pelvis.inv() * g_hip).as_rotvec()
    rot[f, k] = (g_hip.inv() * g_knee).as_rotvec()
    rot[f, a] = _within_ankle_range(Rotation.from_rotvec(rot[f, a]),
                                    g_knee.inv() * Rotation.from_matrix(ankle_orient))


def _within_ankle_range(raw: Rotation, held: Rotation) -> np.ndarray:
    """The ankle rotation that holds the foot's orientation, or where the ankle cannot turn
    that far (a leg that twisted a lot over a planted foot), the furthest it can: part of
    the way from the move's own ankle rotation, found by bisection."""
    out = held.as_rotvec()
    over = np.linalg.norm(out, axis=-1) > np.radians(ANKLE_RANGE_DEG)
    if not over.any():
        return out
    start, step = raw[over], (raw[over].inv() * held[over]).as_rotvec()
    lo, hi = np.zeros(int(over.sum())), np.ones(int(over.sum()))
    for _ in range(10):
        mid = (lo + hi) / 2
        ok = np.linalg.norm((start * Rotation.from_rotvec(step * mid[:, None])).as_rotvec(),
                            axis=-1) <= np.radians(ANKLE_RANGE_DEG)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    out[over] = (start * Rotation.from_rotvec(step * lo[:, None])).as_rotvec()
    return out
