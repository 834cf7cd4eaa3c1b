"""Inverse kinematics: joint rotations that reproduce observed joint positions.

BVH (and every animation tool) wants a rest skeleton plus per-joint rotations, while
keypoint data, the ballroom captures and many models give positions only. :func:`fit_rotations`
builds the rest skeleton (the registered rest directions where the skeleton defines them, else
the first frame's; bone lengths are the motion's median lengths) and then finds global joint
orientations parent first, vectorised over frames:

* a joint with several children (pelvis, chest) takes the rotation that best maps its rest
  child offsets onto the observed ones (Kabsch / Wahba, by SVD), plus a vanishing pull towards
  its parent's orientation that settles the twist when the children are collinear; its rest
  arrangement of children is then refined to the motion's own mean arrangement (generalised
  Procrustes), since a registered rest pose never fits every dancer;
* a joint with one child takes the smallest rotation (swing) from where its parent's frame
  carries the rest bone to the observed bone, so the twist is inherited from the parent and
  never flips from frame to frame;
* bones are aimed from where the fit has already put the joint (not from its observed
  position), so on data whose bone lengths vary the error does not accumulate down a chain;
* a leaf keeps its parent's orientation.

With constant bone lengths this reproduces the positions to floating-point precision; on
noisy data (bone lengths that vary over time) the residual is what the writer reports.
"""

from __future__ import annotations

import numpy as np

from dancekit.motion.core import Motion
from dancekit.motion.rotations import matrix_to_axis_angle, rotation_between

# Weight of the pull towards the parent's orientation, relative to the children's summed squared
# bone lengths: negligible unless the children are collinear and leave the twist undefined.
_PARENT_PULL = 1e-8
# Rounds of generalised Procrustes that adapt a branching joint's rest arrangement of children
# (e.g. hips and shoulders around the spine) to the motion; 3 rounds converge to < 0.1 mm.
_PROCRUSTES_ROUNDS = 3
# Frames converted to axis-angle at a time (scipy's temporaries stay small).
_CONVERT_CHUNK = 4096


def rest_offsets(motion: Motion) -> np.ndarray:
    """Rest offsets (J, 3), metres, for fitting ``motion``: directions from the skeleton
    where it defines them (else from the first frame), lengths the median over frames."""
    sk = motion.skeleton
    P = motion.positions
    offsets = np.zeros((sk.num_joints, 3))
    for j, p in enumerate(sk.parents):
        if p < 0:
            continue
        bone = P[:, j].astype(np.float64) - P[:, p]  # in float64, one joint at a time
        length = float(np.median(np.linalg.norm(bone, axis=-1)))
        direction = None
        if sk.offsets is not None and np.linalg.norm(sk.offsets[j]) > 1e-9:
            direction = sk.offsets[j]
        elif np.linalg.norm(bone[0]) > 1e-9:
            direction = bone[0]
        if direction is None:
            direction = np.array([0.0, 1.0, 0.0])
        offsets[j] = direction / np.linalg.norm(direction) * length
    return offsets


def kabsch(rest: np.ndarray, observed: np.ndarray, weights: np.ndarray | None = None
           ) -> np.ndarray:
    """Rotations (T, 3, 3) minimising sum_k w_k |R rest_k - observed_tk|^2.

    ``rest`` is (K, 3) or (T, K, 3), ``observed`` (T, K, 3).
    """
    w = np.ones(observed.shape[-2]) if weights is None else weights
    H = np.einsum("k,tki,...kj->tij", w, observed, rest)
    U, _, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(U @ Vt))
    d[d == 0] = 1.0
    U[:, :, 2] *= d[:, None]
    return U @ Vt


def fit_rotations(motion: Motion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit rest offsets, local rotations and root translation to a 3D motion's positions.

    Parameters
    ----------
    motion : Motion
        3D motion; its rotations, if any, are ignored.

    Returns
    -------
    rotations : ndarray (T, J, 3)
        Local axis-angle rotations relative to ``offsets``.
    root : ndarray (T, 3)
        Root joint positions, metres.
    offsets : ndarray (J, 3)
        The rest skeleton used (root offset zero).
    """
    sk = motion.skeleton
    P = motion.positions  # float32; each use promotes its slice to float64 exactly
    T, J, _ = P.shape
    offsets = rest_offsets(motion)
    children = sk.children
    # Global rotations are kept only while a child still needs them and FK positions only
    # until the joint's children are placed: a (T, J, 3, 3) float64 array would be 6x the
    # positions. Each local rotation is converted as soon as its joint is fitted.
    G: dict[int, np.ndarray] = {}
    X: dict[int, np.ndarray] = {}  # positions the fitted rotations produce, parent first
    waiting = [len(kids) for kids in children]  # children of each joint not yet fitted
    rotations = np.empty((T, J, 3))
    for j, p in enumerate(sk.parents):
        parent = np.broadcast_to(np.eye(3), (T, 3, 3)) if p < 0 else G[p]
        if p < 0:
            X[j] = P[:, j].astype(np.float64)
        kids = children[j]
        # aim from where FK has put this joint, so errors do not accumulate down a chain
        target = P[:, kids] - X[j][:, None]
        if len(kids) >= 2:
            obs = np.concatenate([target, np.swapaxes(parent, 1, 2)], axis=1)
            pull = _PARENT_PULL * float(np.sum(offsets[kids] ** 2))
            w = np.concatenate([np.ones(len(kids)), np.full(3, pull)])
            for _ in range(_PROCRUSTES_ROUNDS):
                rest = np.concatenate([offsets[kids], np.eye(3)])  # children + pull axes
                rot = kabsch(rest, obs, w)
                # this motion's own mean arrangement of the children, in the joint's frame
                offsets[kids] = np.einsum("tba,tkb->ka", rot, target) / T
        elif len(kids) == 1:
            carried = np.einsum("tab,b->ta", parent, offsets[kids[0]])
            rot = rotation_between(carried, target[:, 0]) @ parent
        else:
            rot = np.array(parent)
        for c in kids:
            X[c] = X[j] + np.einsum("tab,b->ta", rot, offsets[c])
        del X[j], target
        local = rot if p < 0 else np.swapaxes(parent, 1, 2) @ rot
        for start in range(0, T, _CONVERT_CHUNK):
            rotations[start:start + _CONVERT_CHUNK, j] = \
                matrix_to_axis_angle(local[start:start + _CONVERT_CHUNK])
        del local
        if kids:
            G[j] = rot
        if p >= 0:
            waiting[p] -= 1
            if not waiting[p]:
                del G[p]
    return rotations, P[:, sk.parents.index(-1)].astype(np.float64), offsets
