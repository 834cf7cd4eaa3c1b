"""Geometric ("manual") features (32-d) of the AIST++ API, the FID_g and Div_g feature space.

Each feature is the fraction of frames 1..T-1 on which a boolean relation between joints
holds (Müller, Röder & Clausen, "Efficient content-based retrieval of motion capture data",
SIGGRAPH 2005): a joint in front of a plane, a joint moving fast along a direction, a limb
bent within an angle range. Thresholds are multiples of three body sizes taken from a fixed
template skeleton, not from the input.

Published quirks kept by the published protocols, fixed by ``corrected``:

* speeds divide a one-frame step by 1/120 s although AIST++ is 60 fps (speeds doubled);
* the "move" relation ignores its fourth joint and moves the third one, so features 4 and 5
  measure the chest moving away from the belly (a rigid bone: always 0);
* angles use ``arccos`` without clipping (a rounding overshoot gives NaN, which reads False).

``aistpp-prefix`` reproduces the file before the fix of the joint-name order (AIST++ API
e751b37): 22 names in a different order index the 24-joint array, and the three body sizes
were measured between the wrong template joints.

Reference: google/aistplusplus_api ``features/manual.py`` and ``features/utils.py``.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import ParameterError
from dancekit.metrics.protocols import PUBLISHED_FPS, check_protocol, require_frames

# AIST++ joint names in SMPL-24 order, and the order the pre-fix file believed in.
NAMES_FIXED = (
    "root", "lhip", "rhip", "belly", "lknee", "rknee", "spine", "lankle", "rankle", "chest",
    "ltoes", "rtoes", "neck", "linshoulder", "rinshoulder", "head", "lshoulder", "rshoulder",
    "lelbow", "relbow", "lwrist", "rwrist", "lhand", "rhand",
)
NAMES_PREFIX = (
    "root", "lhip", "lknee", "lankle", "ltoes", "rhip", "rknee", "rankle", "rtoes", "belly",
    "spine", "chest", "neck", "head", "linshoulder", "lshoulder", "lelbow", "lwrist",
    "rinshoulder", "rshoulder", "relbow", "rwrist",
)

# Template joint locations (metres) the body sizes are measured between:
# humerus length, shoulder width, hip width.
TEMPLATE_FIXED = {
    "hl": ((1.99113488e-01, 2.36807942e-01, -1.80702247e-02),
           (4.54445392e-01, 2.21158922e-01, -4.10167128e-02)),
    "sw": ((1.99113488e-01, 2.36807942e-01, -1.80702247e-02),
           (-1.91692337e-01, 2.36928746e-01, -1.23055102e-02)),
    "hw": ((5.64076714e-02, -3.23069185e-01, 1.09197125e-02),
           (-6.24834076e-02, -3.31302464e-01, 1.50412619e-02)),
}
TEMPLATE_PREFIX = {
    "hl": ((0.00121265, 0.37817603, 0.03681623), (0.19911349, 0.23680794, -0.01807022)),
    "sw": ((0.00121265, 0.37817603, 0.03681623), (-0.45181984, 0.2225595, -0.04357424)),
    "hw": ((0.05640767, -0.32306919, 0.01091971), (-0.10574003, -0.7149903, 0.01019822)),
}

# The 32 relations: (kind, four joints or pseudo-points, threshold as (factor, body size) or
# an angle range in degrees). Pseudo-points: "zero", "y_unit", "minus_y_unit" and "y_min"
# (the lowest joint height of the current frame, at x = z = 0).
RELATIONS = (
    ("nmove", ("neck", "rhip", "lhip", "rwrist"), (1.8, "hl")),
    ("nmove", ("neck", "lhip", "rhip", "lwrist"), (1.8, "hl")),
    ("nplane", ("chest", "neck", "neck", "rwrist"), (0.2, "hl")),
    ("nplane", ("chest", "neck", "neck", "lwrist"), (0.2, "hl")),
    ("move", ("belly", "chest", "chest", "rwrist"), (1.8, "hl")),
    ("move", ("belly", "chest", "chest", "lwrist"), (1.8, "hl")),
    ("angle", ("relbow", "rshoulder", "relbow", "rwrist"), (0.0, 110.0)),
    ("angle", ("lelbow", "lshoulder", "lelbow", "lwrist"), (0.0, 110.0)),
    ("nplane", ("lshoulder", "rshoulder", "lwrist", "rwrist"), (2.5, "sw")),
    ("move", ("lwrist", "rwrist", "rwrist", "lwrist"), (1.4, "hl")),
    ("move", ("rwrist", "root", "lwrist", "root"), (1.4, "hl")),
    ("move", ("lwrist", "root", "rwrist", "root"), (1.4, "hl")),
    ("fast", ("rwrist",), (2.5, "hl")),
    ("fast", ("lwrist",), (2.5, "hl")),
    ("plane", ("root", "lhip", "ltoes", "rankle"), (0.38, "hl")),
    ("plane", ("root", "rhip", "rtoes", "lankle"), (0.38, "hl")),
    ("nplane", ("zero", "y_unit", "y_min", "rankle"), (1.2, "hl")),
    ("nplane", ("zero", "y_unit", "y_min", "lankle"), (1.2, "hl")),
    ("nplane", ("lhip", "rhip", "lankle", "rankle"), (2.1, "hw")),
    ("angle", ("rknee", "rhip", "rknee", "rankle"), (0.0, 110.0)),
    ("angle", ("lknee", "lhip", "lknee", "lankle"), (0.0, 110.0)),
    ("fast", ("rankle",), (2.5, "hl")),
    ("fast", ("lankle",), (2.5, "hl")),
    ("angle", ("neck", "root", "rshoulder", "relbow"), (25.0, 180.0)),
    ("angle", ("neck", "root", "lshoulder", "lelbow"), (25.0, 180.0)),
    ("angle", ("neck", "root", "rhip", "rknee"), (50.0, 180.0)),
    ("angle", ("neck", "root", "lhip", "lknee"), (50.0, 180.0)),
    ("plane", ("rankle", "neck", "lankle", "root"), (0.5, "hl")),
    ("angle", ("neck", "root", "zero", "y_unit"), (70.0, 110.0)),
    ("nplane", ("zero", "minus_y_unit", "y_min", "rwrist"), (-1.2, "hl")),
    ("nplane", ("zero", "minus_y_unit", "y_min", "lwrist"), (-1.2, "hl")),
    ("fast", ("root",), (2.3, "hl")),
)

_CONSTANT_POINTS = {"zero": (0.0, 0.0, 0.0), "y_unit": (0.0, 1.0, 0.0),
                    "minus_y_unit": (0.0, -1.0, 0.0)}

PUBLISHED_STEP = 1.0 / 120  # the velocity relations' frame time, never overridden upstream


def body_sizes(variant: str = "fixed") -> dict[str, float]:
    """Humerus length, shoulder width and hip width (m) the thresholds are multiples of."""
    template = TEMPLATE_FIXED if variant == "fixed" else TEMPLATE_PREFIX
    return {k: float(np.linalg.norm(np.array(a) - np.array(b))) for k, (a, b) in template.items()}


def geometric_features(positions: np.ndarray, *, fps: float = PUBLISHED_FPS,
                       protocol: str = "corrected") -> np.ndarray:
    """The 32-d geometric feature vector of one SMPL-24 motion.

    Parameters
    ----------
    positions : ndarray (T, 24, 3)
        Joint positions, metres, y up, T >= 2.
    fps : float > 0
        Frame rate; the published code converts steps to speeds with 1/120 s regardless, the
        corrected protocol with ``1 / fps``.
    protocol : {"corrected", "fact", "aistpp", "aistpp-prefix", "bailando"}

    Returns
    -------
    ndarray float32 (32,)
        Fraction of frames 1..T-1 on which each relation holds.
    """
    protocol = check_protocol(protocol)
    p = np.asarray(positions, dtype=np.float64)
    if p.ndim != 3 or p.shape[1:] != (24, 3):
        raise ParameterError(
            f"geometric features need SMPL-24 positions (T, 24, 3), got {p.shape}")
    require_frames(p, 2, "geometric features")
    prefix = protocol == "aistpp-prefix"
    corrected = protocol == "corrected"
    size = body_sizes("prefix" if prefix else "fixed")
    step = 1.0 / fps if corrected else PUBLISHED_STEP
    # Joints plus the pseudo-points as extra slots 24.., so each kind of relation is one
    # gather and one vectorised test over all its relations and frames.
    slot = {name: i for i, name in enumerate(NAMES_PREFIX if prefix else NAMES_FIXED)}
    slot.update({name: 24 + i for i, name in enumerate((*_CONSTANT_POINTS, "y_min"))})
    cur = _with_pseudo_points(p[1:])                            # (T-1, 28, 3)
    prev = _with_pseudo_points(p[:-1])

    flags = np.empty((cur.shape[0], len(RELATIONS)), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for kind in ("plane", "nplane", "angle", "fast", "move", "nmove"):
            cols = [c for c, rel in enumerate(RELATIONS) if rel[0] == kind]
            idx = np.array([[slot[j] for j in RELATIONS[c][1]] for c in cols])
            thr = [RELATIONS[c][2] for c in cols]
            a = cur[:, idx].transpose(2, 0, 1, 3)               # (points, T-1, relations, 3)
            if kind != "angle":
                limit = np.array([f * size[s] for f, s in thr])
            if kind == "plane":      # j4 in front of the plane through j1, j2, j3
                normal = np.cross(a[2] - a[0], a[1] - a[0])
                flags[:, cols] = _along(a[3] - a[0], normal) > limit
            elif kind == "nplane":   # j4 beyond the plane with normal j1->j2 through j3
                flags[:, cols] = _along(a[3] - a[2], a[1] - a[0]) > limit
            elif kind == "angle":    # angle between j1->j2 and j3->j4 inside the open range
                u, v = a[1] - a[0], a[3] - a[2]
                cos = _dot(u, v) / (_norm(u) * _norm(v))
                if corrected:
                    cos = np.clip(cos, -1.0, 1.0)
                angle = np.degrees(np.arccos(cos))
                lo, hi = np.array(thr).T
                flags[:, cols] = (angle > lo) & (angle < hi)
            elif kind == "fast":     # speed of j1
                flags[:, cols] = _norm(a[0] - prev[:, idx[:, 0]]) / step > limit
            else:
                b = prev[:, idx].transpose(2, 0, 1, 3)
                if kind == "move":   # moving point relative to a reference along j1->j2
                    m, ref = (3, 2) if corrected else (2, 0)  # published: j3 moves, j4 unused
                    rel = (a[m] - a[ref]) - (b[m] - b[ref])
                    direction = a[1] - a[0]
                else:                # nmove: j4 relative to j1 along the normal of j1, j2, j3
                    rel = (a[3] - a[0]) - (b[3] - b[0])
                    direction = np.cross(a[2] - a[0], a[1] - a[0])
                flags[:, cols] = _along(rel, direction) / step > limit
    return flags.astype(np.float32).mean(axis=0)


def _with_pseudo_points(frames: np.ndarray) -> np.ndarray:
    """(F, 24, 3) joints -> (F, 28, 3): joints, origin, +y, -y and the floor point
    (0, lowest joint height of the frame, 0)."""
    out = np.zeros((frames.shape[0], 28, 3))
    out[:, :24] = frames
    out[:, 24:27] = np.array(list(_CONSTANT_POINTS.values()))
    out[:, 27, 1] = frames[..., 1].min(axis=1)
    return out


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Dot product over the last axis, summed in the order ``np.einsum`` sums it (the same
    numbers), without einsum's slow loop over strided three-element rows."""
    return u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1] + u[..., 2] * v[..., 2]


def _norm(v: np.ndarray) -> np.ndarray:
    """Length over the last axis, summed in the order ``np.linalg.norm`` uses, but without its
    slow strided reduction over three elements."""
    return np.sqrt(v[..., 0] * v[..., 0] + v[..., 1] * v[..., 1] + v[..., 2] * v[..., 2])


def _along(v: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Signed length of ``v`` along ``direction`` (NaN where the direction vanishes)."""
    return _dot(v, direction) / _norm(direction)
