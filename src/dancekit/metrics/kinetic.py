"""Kinetic features (72-d) of the AIST++ API, the FID_k and Div_k feature space.

For each of the 24 SMPL joints, in joint order, three numbers: the mean squared horizontal
speed, the mean squared vertical speed and the mean acceleration magnitude ("energy
expenditure"), each from velocities averaged over a +-2 frame window.

Published arithmetic (``aistpp``/``fact``/``bailando``/``aistpp-prefix``): the frame time is
1/60 s whatever the data, and the acceleration's previous-velocity term divides only the
earlier position by the frame time, which makes the third value depend on where the dancer
stands. ``corrected`` uses the motion's frame rate, the true second difference and a window
of +-2/60 s (+-2 frames at 60 fps, +-1 at 30 fps) so that frame rates compare.

Reference: Li et al., "AI Choreographer", ICCV 2021 (features from fairmotion, Gopinath &
Won 2020); google/aistplusplus_api ``features/kinetic.py``.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import ParameterError
from dancekit.metrics.protocols import PUBLISHED_FPS, check_protocol, require_frames

WINDOW = 2  # frames each side of the velocity/acceleration window (published, at 60 fps)


def kinetic_features(positions: np.ndarray, *, fps: float = PUBLISHED_FPS,
                     protocol: str = "corrected") -> np.ndarray:
    """The 72-d kinetic feature vector of one SMPL-24 motion.

    Parameters
    ----------
    positions : ndarray (T, 24, 3)
        Joint positions, metres, y up, T >= 3.
    fps : float > 0
        Frame rate; used only by ``protocol="corrected"`` (the published code assumes 60).
    protocol : {"corrected", "fact", "aistpp", "aistpp-prefix", "bailando"}
        Published protocols share one kinetic extractor; Bailando's root-zeroing and 1200-frame
        cut happen in :func:`dancekit.metrics.protocols.feature_positions`, not here.

    Returns
    -------
    ndarray float32 (72,)
        Joint-major ``[horizontal, vertical, energy] * 24``; speeds in (m/s)^2, energy in m/s^2
        (published protocols: see the module note on its units).
    """
    protocol = check_protocol(protocol)
    p = np.asarray(positions, dtype=np.float64)
    if p.ndim != 3 or p.shape[1:] != (24, 3):
        raise ParameterError(f"kinetic features need SMPL-24 positions (T, 24, 3), got {p.shape}")
    require_frames(p, 3, "kinetic features")
    if protocol == "corrected":
        dt, w = 1.0 / fps, max(1, int(round(WINDOW * fps / PUBLISHED_FPS)))
    else:
        dt, w = 1.0 / PUBLISHED_FPS, WINDOW
    T = p.shape[0]

    # Velocity at frame i = 1..T-1: mean of the one-frame steps k in [i-w, i+w] ∩ [1, T-1].
    # The steps telescope, so the window sum is p[hi] - p[lo-1].
    i = np.arange(1, T)
    lo = np.maximum(i - w, 1)
    hi = np.minimum(i + w, T - 1)
    count = (hi - lo + 1).astype(np.float64)[:, None, None]
    vel = (p[hi] - p[lo - 1]) / (count * dt)                     # (T-1, 24, 3)
    horizontal = np.linalg.norm(vel[..., [0, 2]], axis=-1) ** 2  # y is up
    vertical = np.abs(vel[..., 1]) ** 2

    # Acceleration terms exist for k = 1..T-2; frame i averages those with |k - i| <= 2.
    before, here, after = p[:-2], p[1:-1], p[2:]
    if protocol == "corrected":
        term = ((after - here) / dt - (here - before) / dt) / dt
    else:  # the published precedence slip: only the earlier position is divided by dt
        term = ((after - here) / dt - (here - before / dt)) / dt
    padded = np.zeros((T + 2 * w + 1, *term.shape[1:]))
    padded[w + 1:w + T - 1] = term                               # slot k + w holds term k
    valid = np.zeros(T + 2 * w + 1)
    valid[w + 1:w + T - 1] = 1.0
    acc_sum = sum(padded[s:s + T - 1] for s in range(1, 2 * w + 2))
    acc_n = sum(valid[s:s + T - 1] for s in range(1, 2 * w + 2))[:, None, None]
    energy = np.linalg.norm(acc_sum / acc_n, axis=-1)            # (T-1, 24)

    feats = np.stack([horizontal.mean(0), vertical.mean(0), energy.mean(0)], axis=-1)
    return feats.reshape(72).astype(np.float32)
