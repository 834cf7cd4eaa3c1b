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

Only the rest skeleton needs all frames at once; :class:`RotationFit` makes it first and then
fits any block of frames on its own, which is how the BVH writer streams a long motion.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dancekit.motion.core import Motion
from dancekit.motion.rotations import matrix_to_axis_angle, rotation_between
from dancekit.motion.skeletons import Skeleton

# Weight of the pull towards the parent's orientation, relative to the children's summed squared
# bone lengths: negligible unless the children are collinear and leave the twist undefined.
_PARENT_PULL = 1e-8
# Rounds of generalised Procrustes that adapt a branching joint's rest arrangement of children
# (e.g. hips and shoulders around the spine) to the motion; 3 rounds converge to < 0.1 mm.
_PROCRUSTES_ROUNDS = 3
# Frames fitted at a time: bounds every temporary of a long motion's fit.
_BLOCK = 4096


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


class _Branch(NamedTuple):
    """What a branching joint's final Kabsch uses: its children's rest offsets plus the
    pull axes (K + 3, 3), and their weights."""

    rest: np.ndarray
    weights: np.ndarray


class _Block:
    """Global joint orientations over a block of frames, fitted parent first.

    A global rotation is kept only while a child still needs it and a fitted joint position
    only until the joint's children are placed, so a block's temporaries stay a few (n, 3, 3)
    arrays whatever the skeleton.
    """

    def __init__(self, positions: np.ndarray, skeleton: Skeleton, offsets: np.ndarray,
                 branches: dict[int, _Branch]) -> None:
        self.P = positions  # float32; each use promotes its slice to float64 exactly
        self.sk = skeleton
        self.children = skeleton.children
        self.offsets = offsets
        self.branches = branches
        self.G: dict[int, np.ndarray] = {}
        self.X: dict[int, np.ndarray] = {}  # positions the fitted rotations produce
        self.waiting = [len(kids) for kids in self.children]  # children not yet fitted

    def frame_of(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """The parent's global rotations (n, 3, 3) and where the fit has put joint ``j``."""
        p = self.sk.parents[j]
        if p < 0:
            return np.broadcast_to(np.eye(3), (len(self.P), 3, 3)), \
                self.P[:, j].astype(np.float64)
        return self.G[p], self.X[j]

    def fit(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Fit joint ``j`` (its parent fitted before); returns the parent's and its own
        global rotations (n, 3, 3)."""
        parent, at = self.frame_of(j)
        kids = self.children[j]
        # aim from where the fit has put this joint, so errors do not accumulate down a chain
        target = self.P[:, kids] - at[:, None]
        if len(kids) >= 2:
            branch = self.branches[j]
            rot = kabsch(branch.rest, _observed(target, parent), branch.weights)
        elif len(kids) == 1:
            carried = np.einsum("tab,b->ta", parent, self.offsets[kids[0]])
            rot = rotation_between(carried, target[:, 0]) @ parent
        else:
            rot = np.array(parent)
        for c in kids:
            self.X[c] = at + np.einsum("tab,b->ta", rot, self.offsets[c])
        self.X.pop(j, None)
        if kids:
            self.G[j] = rot
        p = self.sk.parents[j]
        if p >= 0:
            self.waiting[p] -= 1
            if not self.waiting[p]:
                del self.G[p]
        return parent, rot


def _observed(target: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """A branching joint's Kabsch targets: its observed child bones, then the parent's axes
    (matched by the rest's identity rows with the vanishing pull weight)."""
    return np.concatenate([target, np.swapaxes(parent, 1, 2)], axis=1)


class RotationFit:
    """Inverse kinematics of a 3D motion, fitted in two passes so that a long motion never
    holds all its rotations at once.

    Construction makes the passes over all frames that the rest skeleton needs (median bone
    lengths, then each branching joint's mean arrangement of children, parent first), holding
    only a few (T, 3, 3) arrays; :meth:`block` then fits the local rotations of any run of
    frames. A block's rotations are bit for bit those of the same frames fitted together with
    all others, so writers can fit, convert and write block by block.
    """

    def __init__(self, motion: Motion) -> None:
        self.skeleton = motion.skeleton
        self._positions = motion.positions
        self.offsets = rest_offsets(motion)
        self._branches: dict[int, _Branch] = {}
        for j, kids in enumerate(self.skeleton.children):
            if len(kids) >= 2:
                self._branches[j] = self._fit_branch(j)

    @property
    def root_index(self) -> int:
        return self.skeleton.parents.index(-1)

    def _fit_branch(self, j: int) -> _Branch:
        """Refine joint ``j``'s rest arrangement of children to the motion's mean one
        (generalised Procrustes over all frames, with its ancestors' final fit)."""
        sk, P, offsets = self.skeleton, self._positions, self.offsets
        T = len(P)
        kids = sk.children[j]
        ancestors = []
        a = sk.parents[j]
        while a >= 0:
            ancestors.append(a)
            a = sk.parents[a]
        target = np.empty((T, len(kids), 3))
        parent = np.empty((T, 3, 3))
        for start in range(0, T, _BLOCK):
            part = slice(start, start + _BLOCK)
            block = _Block(P[part], sk, offsets, self._branches)
            for a in reversed(ancestors):
                block.fit(a)
            parent[part], at = block.frame_of(j)
            target[part] = P[part, kids] - at[:, None]
        pull = _PARENT_PULL * float(np.sum(offsets[kids] ** 2))
        weights = np.concatenate([np.ones(len(kids)), np.full(3, pull)])
        rot = np.empty((T, 3, 3))
        for _ in range(_PROCRUSTES_ROUNDS):
            rest = np.concatenate([offsets[kids], np.eye(3)])  # children + pull axes
            for start in range(0, T, _BLOCK):
                part = slice(start, start + _BLOCK)
                rot[part] = kabsch(rest, _observed(target[part], parent[part]), weights)
            # this motion's own mean arrangement of the children, in the joint's frame
            offsets[kids] = np.einsum("tba,tkb->ka", rot, target) / T
        return _Branch(rest, weights)

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Local axis-angle rotations (n, J, 3) relative to :attr:`offsets` and root
        positions (n, 3), metres, of frames ``start:stop``."""
        sk = self.skeleton
        P = self._positions[start:stop]
        block = _Block(P, sk, self.offsets, self._branches)
        rotations = np.empty((len(P), sk.num_joints, 3))
        for j, p in enumerate(sk.parents):
            parent, rot = block.fit(j)
            local = rot if p < 0 else np.swapaxes(parent, 1, 2) @ rot
            rotations[:, j] = matrix_to_axis_angle(local)
        return rotations, P[:, self.root_index].astype(np.float64)


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
    fit = RotationFit(motion)
    T, J, _ = motion.positions.shape
    rotations = np.empty((T, J, 3))
    root = np.empty((T, 3))
    for start in range(0, T, _BLOCK):
        rotations[start:start + _BLOCK], root[start:start + _BLOCK] = \
            fit.block(start, start + _BLOCK)
    return rotations, root, fit.offsets
