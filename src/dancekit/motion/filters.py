"""One-dimensional filters along time: a Gaussian, a running maximum and a running rank.

They compute what scipy.ndimage's ``gaussian_filter1d``, ``maximum_filter1d`` and
``rank_filter`` do (the same kernel, window and edge rules; a Gaussian differs in the last
bits from its order of summation), for the few short signals a dance and its camera need:
importing scipy.ndimage takes 0.33 s, an eighth of a warm ``dancekit dance``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Edge = Literal["nearest", "reflect"]
#: numpy's names for scipy.ndimage's edge modes: "nearest" repeats the end value, "reflect"
#: mirrors the signal about its end (the end value included).
_PAD = {"nearest": "edge", "reflect": "symmetric"}
#: Windows ranked at once: bounds the memory of :func:`running_rank` on long motions.
_ROWS = 8192


def gaussian_smooth(x: np.ndarray, sigma: float, *, axis: int = 0, mode: Edge = "reflect",
                    truncate: float = 4.0) -> np.ndarray:
    """``x`` smoothed along ``axis`` by a Gaussian of standard deviation ``sigma`` samples,
    cut at ``truncate`` sigmas, with scipy.ndimage's normalised kernel; summed in float64,
    returned in ``x``'s float type."""
    x = np.asarray(x)
    radius = int(truncate * float(sigma) + 0.5)
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 / (float(sigma) * sigma) * offsets * offsets)
    kernel /= kernel.sum()
    padded = _pad(np.moveaxis(x.astype(np.float64), axis, -1), radius, mode)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1, axis=-1)
    out = np.moveaxis(windows @ kernel, -1, axis)
    return out.astype(x.dtype) if np.issubdtype(x.dtype, np.floating) else out


def running_max(x: np.ndarray, size: int) -> np.ndarray:
    """The largest value of ``x`` (1-D) in the window of ``size`` samples centred on each,
    the ends repeated beyond the signal."""
    half = size // 2
    padded = _pad(np.asarray(x), half, "nearest")[: len(x) + size - 1]
    return np.lib.stride_tricks.sliding_window_view(padded, size).max(axis=1)


def running_rank(x: np.ndarray, size: int, rank: int) -> np.ndarray:
    """The ``rank``-th smallest value (from 0) of ``x`` (1-D) in the window of ``size``
    samples centred on each, the ends repeated beyond the signal."""
    half = size // 2
    padded = _pad(np.asarray(x), half, "nearest")[: len(x) + size - 1]
    windows = np.lib.stride_tricks.sliding_window_view(padded, size)
    return np.concatenate([np.partition(windows[k:k + _ROWS], rank, axis=1)[:, rank]
                           for k in range(0, len(windows), _ROWS)])


def _pad(x: np.ndarray, width: int, mode: Edge) -> np.ndarray:
    """``x`` extended by ``width`` samples at both ends of its last axis."""
    pads = [(0, 0)] * (x.ndim - 1) + [(width, width)]
    return np.pad(x, pads, mode=_PAD[mode])
