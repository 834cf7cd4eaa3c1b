"""Every vector in ../shared/reference/metrics/vectors.npz: the outputs of the original public
implementations (AIST++ API, Bailando, FACT/mint, EDGE) on fixed inputs, reproduced here.

Tolerances: features, beat indices and PFC are compared exactly or to float32 round-off.
Scores the originals compute in float32 (FACT's beat score, Bailando's float32 diversity
sums) or from rank-deficient covariances through ``scipy.linalg.sqrtm`` (ill-conditioned on
a singular product; Bailando and FACT disagree with each other at 1e-8) are compared to
1e-6 relative, the tolerance the reference README derives from those effects. Full-rank
float64 Fréchet distances must agree to 1e-10.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from dancekit import Motion
from dancekit.metrics import (
    beat_align_score,
    diversity,
    fid,
    geometric_features,
    kinematic_beats,
    kinetic_features,
    motion_features,
    normalize_by_reference,
    physical_foot_contact,
)

TIGHT, LOOSE = 1e-10, 1e-6
# Bailando sums the n(n-1)/2 pair distances one by one in float32 when its features are
# float32 (numpy 2): round-off grows like sqrt(pairs) * 2^-24, about 4e-6 for 100 samples.
# The same sums accumulated in float64 (the numpy 1.26 cross-check) agree with ours to 1e-6.
F32_SUM = 5e-6


@pytest.fixture(scope="module")
def ref():
    path = Path(__file__).resolve().parents[2] / "shared" / "reference" / "metrics" / "vectors.npz"
    if not path.exists():
        pytest.skip(f"reference vectors not found at {path}")
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def main_motions(ref):
    return [ref[f"motion_{n}"] for n in ref["motion_main_names"]]


def as_motions(arrays):
    return [Motion(a, 60, "smpl24") for a in arrays]


# --- features ------------------------------------------------------------------------------
def test_kinetic_features_match_aistpp_api_bit_for_bit(ref):
    for i, pos in enumerate(main_motions(ref)):
        np.testing.assert_array_equal(kinetic_features(pos.astype(np.float64), protocol="fact"),
                                      ref["aistpp_kinetic"][i])
        # float32 input: the API kept float32 arithmetic, we always widen (<= 2e-7 apart)
        np.testing.assert_allclose(kinetic_features(pos, protocol="fact"),
                                   ref["aistpp_kinetic_f32in"][i], rtol=LOOSE)


def test_geometric_features_match_aistpp_api_fixed_and_prefix(ref):
    for i, pos in enumerate(main_motions(ref)):
        np.testing.assert_array_equal(geometric_features(pos, protocol="fact"),
                                      ref["aistpp_manual"][i])
        np.testing.assert_array_equal(geometric_features(pos, protocol="fact"),
                                      ref["aistpp_manual_f32in"][i])
        np.testing.assert_array_equal(geometric_features(pos, protocol="aistpp-prefix"),
                                      ref["aistpp_manual_prefix"][i])


@pytest.mark.slow
def test_pool_features_match_aistpp_and_bailando(ref):
    pool = as_motions(ref["pool_motions_f32"])
    k, g = motion_features(pool, protocol="fact")
    np.testing.assert_array_equal(k, ref["aistpp_kinetic_pool"])
    np.testing.assert_array_equal(g, ref["aistpp_manual_pool"])
    check_bailando_zero_start(ref["pool_motions_f32"], ref["bailando_pool_kinetic_zs"],
                              ref["bailando_pool_manual_zs"])


def zero_start64(pos):
    """Bailando's root translation on the float64 copy the reference run fed its scripts."""
    pos = pos.astype(np.float64)
    return pos - pos[:1, :1]


def check_bailando_zero_start(motions, kinetic, manual):
    """Bailando's extractors on the float64 translation match bit for bit; the protocol itself
    translates in float32 as the scripts do on their float32 files, which moves the kinetic
    energy term by float32 round-off (measured <= 4.4e-7) and no geometric feature here."""
    for i, pos in enumerate(motions):
        np.testing.assert_array_equal(kinetic_features(zero_start64(pos), protocol="bailando"),
                                      kinetic[i])
        np.testing.assert_array_equal(geometric_features(zero_start64(pos), protocol="bailando"),
                                      manual[i])
    k, g = motion_features(as_motions(motions), protocol="bailando")
    np.testing.assert_allclose(k, kinetic, rtol=LOOSE)
    np.testing.assert_array_equal(g, manual)


def test_bailando_pipeline_zero_start_features(ref):
    check_bailando_zero_start(main_motions(ref), ref["bailando_kinetic_zs"],
                              ref["bailando_manual_zs"])
    # the published kinetic energy term is not translation invariant (the precedence slip)...
    k = np.stack([kinetic_features(zero_start64(p), protocol="bailando")
                  for p in main_motions(ref)])
    k_raw, g_raw = motion_features(as_motions(main_motions(ref)), protocol="fact")
    assert np.abs(k_raw[:, 2::3] - k[:, 2::3]).max() > 100
    np.testing.assert_array_equal(k_raw[:, 0::3], k[:, 0::3])
    np.testing.assert_array_equal(g_raw, ref["bailando_manual_zs"])  # ...the geometric ones are


# --- FID and diversity ----------------------------------------------------------------------
def feature_sets(ref):
    """(gen, gt) per reference set and feature kind, as the reference run built them."""
    pool_k, pool_g = ref["bailando_pool_kinetic_zs"], ref["bailando_pool_manual_zs"]
    main_k, main_g = ref["bailando_kinetic_zs"], ref["bailando_manual_zs"]
    return {
        "fidrand": {"k": (ref["fidrand_k_gen"], ref["fidrand_k_gt"]),
                    "m": (ref["fidrand_m_gen"], ref["fidrand_m_gt"])},
        "fidrand_c": {"k": (ref["fidrand_k_gen"], ref["fidrand_k_gt"]),
                      "m": (ref["fidrand_c_gen"], ref["fidrand_c_gt"])},
        "fidrand_w": {"k": (ref["fidrand_w_gen"], ref["fidrand_w_gt"]),
                      "m": (ref["fidrand_w_gen"], ref["fidrand_w_gt"])},
        "pool": {"k": (pool_k[:40], pool_k[40:]), "m": (pool_g[:40], pool_g[40:])},
        "main6_vs_poolgt": {"k": (main_k, pool_k[40:]), "m": (main_g, pool_g[40:])},
    }


def tolerance(gen, gt):
    """1e-10 for full-rank float64 sets, 1e-6 for float32 features or rank deficiency."""
    full_rank = (min(len(gen), len(gt)) > gen.shape[1]
                 and min(gen.std(axis=0).min(), gt.std(axis=0).min()) > 0)
    return TIGHT if full_rank and gen.dtype == np.float64 else LOOSE


def close(value, expected, rtol):
    expected = float(np.real(expected))
    assert value == pytest.approx(expected, rel=rtol), (value, expected)


@pytest.mark.parametrize("name", ["fidrand", "fidrand_c", "fidrand_w", "pool",
                                  "main6_vs_poolgt"])
def test_bailando_and_fact_fid_and_diversity(ref, name):
    for kind, (gen, gt) in feature_sets(ref)[name].items():
        rtol = tolerance(gen, gt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = fid(gen, gt)
            raw = fid(gen, gt, normalize=False)
        gt_n, gen_n = normalize_by_reference(gt, gen)
        div, div_gt = diversity(gen_n), diversity(gt_n)
        # Bailando: calc_fid (complex for rank-deficient sets: the FID is the real part),
        # calculate_avg_distance and calc_diversity on the normalised sets
        close(value, ref[f"bailando_{name}__fid_{kind}"], rtol)
        close(raw, ref[f"bailando_{name}__fid_{kind}_unnormalized"], rtol)
        div_tol = TIGHT if gen.dtype == np.float64 else F32_SUM
        close(div, ref[f"bailando_{name}__div_{kind}"], div_tol)
        close(div_gt, ref[f"bailando_{name}__div_{kind}_gt"], div_tol)
        close(div, ref[f"bailando_{name}__calc_diversity_{kind}"], div_tol)
        # quantized_metrics end to end: file order changes round-off (README: <= 1.4e-7 for
        # FID, 1e-6 for float32 diversities)
        close(value, ref[f"bailando_{name}__e2e_fid_{kind}"], LOOSE)
        close(div, ref[f"bailando_{name}__e2e_div_{kind}"], max(div_tol, LOOSE))
        close(div_gt, ref[f"bailando_{name}__e2e_div_{kind}_gt"], max(div_tol, LOOSE))
        # FACT: pytorch-fid style real part, same normalisation, diversity of normalised gen
        close(value, ref[f"fact_{name}__fid_{kind}"], rtol)
        close(div, ref[f"fact_{name}__dist_{kind}"], div_tol)
        # the same functions under numpy 1.26 / scipy 1.10 (diversities accumulated in float64)
        x = f"xcheck_np126_scipy110__{name}__"
        close(value, ref[x + f"fid_{kind}"], rtol)
        close(value, ref[x + f"factfid_{kind}"], rtol)
        close(div, ref[x + f"div_{kind}"], min(div_tol, LOOSE))


def test_constant_real_column_explodes_as_published(ref):
    # gt column 5 constant 0, gen column 5 = 0.25: (0.25 / 1e-10)^2 = 6.25e18
    gen, gt = ref["fidrand_c_gen"], ref["fidrand_c_gt"]
    assert fid(gen, gt) == pytest.approx(6.25e18, rel=TIGHT)


# --- beat alignment -------------------------------------------------------------------------
def bas_cases(ref):
    for case, motion in zip(ref["bas_case_names"], ref["bas_case_motion"], strict=True):
        yield str(case), ref[f"motion_{motion}"], ref[f"bas_music_idx__{case}"] / 60.0


def test_bailando_motion_beats_and_score(ref):
    scores = []
    for case, pos, music in bas_cases(ref):
        beats = kinematic_beats(pos, fps=60, protocol="bailando")
        np.testing.assert_array_equal(np.round(beats * 60), ref[f"bailando_motion_beats__{case}"])
        score = beat_align_score(pos, music, fps=60, protocol="bailando")
        close(score, ref[f"bailando_bas__{case}"], TIGHT)
        scores.append(score)
    close(float(np.mean(scores)), ref["bailando_bas_e2e_mean_all_cases"], TIGHT)


def test_fact_motion_beats_and_score(ref):
    for case, pos, music in bas_cases(ref):
        beats = kinematic_beats(pos, fps=60, protocol="fact")
        np.testing.assert_array_equal(np.round(beats * 60), ref[f"fact_motion_beats__{case}"])
        # FACT accumulates exp() in float32: 1e-6
        close(beat_align_score(pos, music, fps=60, protocol="fact"),
              ref[f"fact_bas__{case}"], LOOSE)
        close(beat_align_score(pos, music, fps=60, protocol="fact", skip_frames=120),
              ref[f"fact_bas_genproto__{case}"], LOOSE)


def test_sanity_of_reference_beat_cases(ref):
    cases = {case: (pos, music) for case, pos, music in bas_cases(ref)}
    for proto in ("bailando", "fact", "corrected"):
        aligned = beat_align_score(*cases["r0_aligned"], fps=60, protocol=proto)
        anti = beat_align_score(*cases["r0_antiphase"], fps=60, protocol=proto)
        assert aligned > 0.8 > 0.01 > anti, (proto, aligned, anti)


# --- PFC ------------------------------------------------------------------------------------
def test_edge_pfc(ref):
    zup = [physical_foot_contact(ref[f"pfc_input_zup__m{i}"], protocol="fact", up_axis=2)
           for i in range(6)]
    np.testing.assert_allclose(zup, ref["edge_pfc_zup"], rtol=TIGHT)
    close(float(np.mean(zup)), ref["edge_pfc_zup_all6"], TIGHT)
    # EDGE's z-up assumption fed y-up data as given
    wrong = [physical_foot_contact(pos, protocol="fact", up_axis=2) for pos in main_motions(ref)]
    np.testing.assert_allclose(wrong, ref["edge_pfc_yup_as_given"], rtol=TIGHT)
    # our y-up motions with the right axis give EDGE's z-up numbers
    right = [physical_foot_contact(m, protocol="fact") for m in as_motions(main_motions(ref))]
    np.testing.assert_allclose(right, ref["edge_pfc_zup"], rtol=TIGHT)
