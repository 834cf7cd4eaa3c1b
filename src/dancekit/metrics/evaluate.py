"""``evaluate()``: every metric of a generated set against a real set, with intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from dancekit.errors import ParameterError
from dancekit.metrics.beats import beat_align_score, beat_coverage_hit_rate
from dancekit.metrics.fid import (
    bootstrap_fid,
    bootstrap_mean,
    diversity,
    fid_unchecked,
    normalize_by_reference,
    warn_few_samples,
)
from dancekit.metrics.geometric import geometric_features
from dancekit.metrics.kinetic import kinetic_features
from dancekit.metrics.physics import foot_skating_ratio, jitter, physical_foot_contact
from dancekit.metrics.protocols import PUBLISHED_FPS, check_protocol, feature_positions
from dancekit.motion.core import Motion
from dancekit.utils import single_threaded

MIN_BOOTSTRAP = 10      # below this many motions per set, intervals are noted as rough


class ProtocolWarning(UserWarning):
    """The data break an assumption of the published protocol (e.g. not 60 fps)."""


def to_smpl24(motion: Motion) -> Motion:
    """``motion`` on the SMPL-24 skeleton the feature definitions index, mapping if possible."""
    if motion.skeleton.name == "smpl24":
        return motion
    if motion.is_2d:
        raise ParameterError(f"FID features need 3D SMPL-24 motion; got 2D "
                             f"{motion.skeleton.name!r} keypoints")
    try:
        from dancekit.motion.mapping import retarget
    except ImportError:
        raise ParameterError(f"FID features are defined on SMPL-24 joints and no mapping from "
                             f"skeleton {motion.skeleton.name!r} is available") from None
    return retarget(motion, "smpl24")


def motion_features(motions: Sequence[Motion], *, protocol: str = "corrected",
                    real: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Kinetic (N, 72) and geometric (N, 32) features of each motion, float32.

    Published protocols use the features as their scripts computed them: ``bailando`` keeps
    the first 1200 frames of generated motions (every frame of real ones, ``real=True``) and
    moves the root's first position to the origin in float32; ``fact`` and ``aistpp-prefix``
    use the positions as given (see :func:`dancekit.metrics.protocols.feature_positions`).
    All of them assume 60 fps; a :class:`ProtocolWarning` says so when the motions are at
    another rate.
    """
    protocol = check_protocol(protocol)
    kin, geo = [], []
    for m in motions:
        m = to_smpl24(m)
        if protocol != "corrected" and abs(m.fps - PUBLISHED_FPS) > 1e-6:
            warnings.warn(f"the {protocol} protocol assumes 60 fps motion, this one is "
                          f"{m.fps:g} fps; its features are not comparable with published "
                          "numbers (resample to 60 fps, or use protocol='corrected')",
                          ProtocolWarning, stacklevel=2)
        pos = feature_positions(m.positions, protocol, real=real)
        kin.append(kinetic_features(pos, fps=m.fps, protocol=protocol))
        geo.append(geometric_features(pos, fps=m.fps, protocol=protocol))
    return np.stack(kin), np.stack(geo)


# The metrics' matrices are at most 72 x 72, where BLAS threads cost far more than they give
# (40 + 40 motions with 1000 bootstrap resamples: 8.4 s with two OpenBLAS threads, 1.6 s with
# one), and one thread makes the report the same whatever the machine's thread count.
@single_threaded()
def evaluate(generated: list[Motion], real: list[Motion], *,
             music_beats: list[np.ndarray] | None = None, protocol: str = "corrected",
             bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Evaluate generated dances against real ones with the field's metrics.

    Parameters
    ----------
    generated, real : list of Motion
        One skeleton and one frame rate for all. 3D motions on SMPL-24 (or a skeleton with a
        mapping to it) get FID_k, FID_g, Div_k, Div_g, PFC and foot skating; 2D keypoints get
        the metrics that apply to them (beat alignment, jitter in pixels).
    music_beats : list of ndarray, optional
        Music beat times (s) for each generated motion, in order; enables Beat Align Score,
        beat coverage and beat hit rate. Motions with no beat inside the clip are left out
        of those three (and named in ``warnings``).
    protocol : {"corrected", "bailando", "fact", "aistpp-prefix"}
        See :mod:`dancekit.metrics.protocols`.
    bootstrap : int
        Resamples for the 95% intervals (0: none).
    seed : int
        Seed of the resampling; same seed, same intervals.

    Returns
    -------
    dict
        ``{"protocol", "n_generated", "n_real", "fps", "skeleton", "metrics": {name: {"value",
        "ci95"}}, "warnings": [...]}``. ``ci95`` is ``[low, high]`` or ``None``. Metrics with a
        ``_real`` suffix are the same measure on the real set, for reference.
    """
    protocol = check_protocol(protocol)
    skeleton, fps, is_2d = _check_sets(generated, real)
    if music_beats is not None and len(music_beats) != len(generated):
        raise ParameterError(f"music_beats has {len(music_beats)} entries for "
                             f"{len(generated)} generated motions")
    if bootstrap < 0:
        raise ParameterError(f"bootstrap must be >= 0, got {bootstrap}")
    notes: list[str] = []
    metrics: dict[str, dict[str, Any]] = {}

    def put(name: str, value: float, ci: tuple[float, float] | None = None) -> None:
        metrics[name] = {"value": float(value), "ci95": None if ci is None else list(ci)}

    def put_mean(name: str, values: list[float], salt: int) -> None:
        ci = bootstrap_mean(values, n=bootstrap, seed=seed + salt) if bootstrap else None
        put(name, float(np.mean(values)), ci)

    if not is_2d:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ProtocolWarning)
            gen_k, gen_g = motion_features(generated, protocol=protocol)
            real_k, real_g = motion_features(real, protocol=protocol, real=True)
        notes.extend(sorted({str(w.message) for w in caught}))
        dtype = np.float64 if protocol == "corrected" else np.float32
        constant = "unscaled" if protocol == "corrected" else "amplify"
        for tag, gen_f, real_f, salt in (("k", gen_k, real_k, 1), ("g", gen_g, real_g, 2)):
            gen_f, real_f = gen_f.astype(dtype), real_f.astype(dtype)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                msg = warn_few_samples(len(gen_f), len(real_f), gen_f.shape[1])
            if msg:
                notes.append(f"FID_{tag}: {msg}")
            if constant == "amplify":
                notes.extend(_constant_columns(tag, gen_f, real_f))
            ci = (bootstrap_fid(gen_f, real_f, n=bootstrap, seed=seed + salt, constant=constant)
                  if bootstrap and min(len(gen_f), len(real_f)) >= 2 else None)
            if min(len(gen_f), len(real_f)) >= 2:
                put(f"fid_{tag}", fid_unchecked(gen_f, real_f, constant=constant), ci)
            real_n, gen_n = normalize_by_reference(real_f, gen_f, constant=constant)
            if len(gen_n) >= 2:
                put(f"div_{tag}", diversity(gen_n))
            if len(real_n) >= 2:
                put(f"div_{tag}_real", diversity(real_n))
        if min(len(generated), len(real)) < 2:
            notes.append("FID and diversity need at least 2 motions in each set")
        for suffix, group, salt in (("", generated, 10), ("_real", real, 20)):
            put_mean("pfc" + suffix,
                     [physical_foot_contact(m, protocol=protocol) for m in group], salt)
            put_mean("foot_skating" + suffix, [foot_skating_ratio(m) for m in group], salt + 1)
    if bootstrap and min(len(generated), len(real)) < MIN_BOOTSTRAP:
        notes.append(f"bootstrap intervals from fewer than {MIN_BOOTSTRAP} motions per set say "
                     "little; read them as rough")
    for suffix, group, salt in (("", generated, 30), ("_real", real, 40)):
        put_mean("jitter" + suffix, [jitter(m) for m in group], salt)
    if music_beats is not None:
        bas, coverage, hits, silent = [], [], [], []
        for i, (m, beats) in enumerate(zip(generated, music_beats, strict=True)):
            times = np.asarray(beats, dtype=np.float64).ravel()
            # inside the clip for every protocol (Bailando also drops the last frame)
            if not np.any((times >= 0) & (times * m.fps < m.num_frames - 1.5)):
                silent.append(str(m.meta.get("source", f"generated[{i}]")))
                continue
            bas.append(beat_align_score(m, times, protocol=protocol))
            c, h = beat_coverage_hit_rate(m, times, protocol=protocol)
            coverage.append(c)
            hits.append(h)
        if silent:
            notes.append(f"beat metrics skip {len(silent)} motion(s) with no music beat inside "
                         f"the clip: {', '.join(silent[:5])}{' ...' if len(silent) > 5 else ''}")
        if bas:
            put_mean("bas", bas, 50)
            put_mean("beat_coverage", coverage, 51)
            put_mean("beat_hit_rate", hits, 52)
    return {"protocol": protocol, "n_generated": len(generated), "n_real": len(real),
            "fps": fps, "skeleton": skeleton, "metrics": metrics, "warnings": notes}


def _check_sets(generated: Sequence[Motion], real: Sequence[Motion]) -> tuple[str, float, bool]:
    """One skeleton, one frame rate, one dimensionality across both sets."""
    for name, group in (("generated", generated), ("real", real)):
        if len(group) == 0:
            raise ParameterError(f"the {name} set is empty")
        for m in group:
            if not isinstance(m, Motion):
                raise ParameterError(f"the {name} set holds a {type(m).__name__}, not a Motion")
    first = generated[0]
    for name, group in (("generated", generated), ("real", real)):
        for i, m in enumerate(group):
            label = m.meta.get("source", f"{name}[{i}]")
            if (m.skeleton.name, m.skeleton.joints) != (first.skeleton.name,
                                                        first.skeleton.joints):
                raise ParameterError(f"{label} is on skeleton {m.skeleton.name!r}, the first "
                                     f"generated motion on {first.skeleton.name!r}")
            if abs(m.fps - first.fps) > 1e-6:
                raise ParameterError(f"{label} is at {m.fps:g} fps, the first generated motion "
                                     f"at {first.fps:g} fps; resample them to one rate")
    return first.skeleton.name, first.fps, first.is_2d


def _constant_columns(tag: str, gen: np.ndarray, real: np.ndarray) -> list[str]:
    """Note feature columns constant in the real set where the generated set differs: the
    1e-10 guard then scales the difference by 1e10 and FID explodes."""
    flat = real.std(axis=0) == 0
    bad = np.flatnonzero(flat & np.any(gen != real[0], axis=0))
    if bad.size == 0:
        return []
    return [f"FID_{tag}: feature columns {bad.tolist()} are constant in the real set but not in "
            "the generated one; standardising divides them by 1e-10 and they dominate FID"]
