"""The heading-free motion representation (models.representation) and the models that use
it (the tokenizer option, Dance Revolution), on real ballroom capture: a couple turning
through every heading."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import DATA
from dancekit import ParameterError
from dancekit.checkpoint import save_model
from dancekit.data import Sequence
from dancekit.data.sources import smpl_with_rotations
from dancekit.io import load_ballroom
from dancekit.models.dance_tokens import DanceTokens, DanceTokensConfig
from dancekit.models.motion_vq import (
    ROOT_CHANNELS,
    MotionVQ,
    MotionVQConfig,
    travel_features,
)
from dancekit.models.representation import (
    decode_matrices,
    features_to_motion,
    from_heading_free,
    heading,
    heading_free_features,
    joint_positions,
    motion_to_features,
    turn_features,
)
from dancekit.motion import resample


@pytest.fixture(scope="module")
def cha_cha() -> torch.Tensor:
    """The whole of DANCE_C_4 (88 s) on SMPL-24 at 30 fps as (T, 147) float64 features."""
    if not (DATA / "ballroom").exists():
        pytest.skip(f"real data not found at {DATA / 'ballroom'}")
    motion = resample(smpl_with_rotations(load_ballroom(DATA / "ballroom" / "DANCE_C_4")), 30.0)
    return torch.from_numpy(motion_to_features(motion)).double()


def test_inverse_is_exact_over_a_whole_real_dance(cha_cha):
    """Integrating the turns and steps back from the first frame's heading and place gives
    the dance again, over all 2639 frames (the heading spins all round the circle in it)."""
    yaw = heading(decode_matrices(cha_cha)[0][:, 0])
    assert float(yaw.max() - yaw.min()) > 6.0
    start = (float(cha_cha[0, 0]), float(cha_cha[0, 2]))
    back = from_heading_free(heading_free_features(cha_cha), float(yaw[0]), start)
    assert torch.allclose(back, cha_cha, atol=1e-6, rtol=0)
    pos, pos_back = joint_positions(cha_cha[None]), joint_positions(back[None])
    assert float((pos - pos_back).abs().max()) < 1e-6


def test_turning_a_dance_moves_its_joints_rigidly(cha_cha):
    """:func:`turn_features` (what the invariance below is tested with) turns and moves the
    joints as one rigid body: every joint keeps its height and its distances."""
    pos = joint_positions(cha_cha[None, :200])[0]
    moved = joint_positions(turn_features(cha_cha[:200], 1.1, (2.0, 1.0))[None])[0]
    assert torch.allclose(moved[..., 1], pos[..., 1], atol=1e-9)
    assert torch.allclose(torch.cdist(moved, moved), torch.cdist(pos, pos), atol=1e-9)
    assert float((moved - pos).abs().max()) > 1.0


def test_features_do_not_change_when_the_dance_turns_or_moves(cha_cha):
    """Where the dancer faces and stands is gone: a real dance turned by any yaw and shifted
    gives the same features, where the world-axis features change."""
    feats = heading_free_features(cha_cha)
    for yaw in (0.7, math.pi, -2.5):
        other = turn_features(cha_cha, yaw, (3.0, -2.0))
        assert float((other - cha_cha)[:, :9].abs().max()) > 0.5
        assert torch.allclose(heading_free_features(other), feats, atol=1e-9, rtol=0)


def test_layout_holds_the_step_in_the_body_frame_and_the_turn(cha_cha):
    """Columns 0/2: the root's step turned into the previous frame's heading (same length
    as the world step); column 1: the height; the pelvis's heading: the turn since the
    previous frame; the other joints untouched."""
    feats = heading_free_features(cha_cha)
    step = torch.diff(cha_cha[:, [0, 2]], dim=0)
    assert torch.allclose(feats[1:, [0, 2]].norm(dim=-1), step.norm(dim=-1), atol=1e-9)
    assert torch.equal(feats[:, 1], cha_cha[:, 1])
    assert torch.equal(feats[:, 9:], cha_cha[:, 9:])
    yaw = heading(decode_matrices(cha_cha)[0][:, 0])
    turn = torch.remainder(torch.diff(yaw) + math.pi, 2 * math.pi) - math.pi
    assert torch.allclose(heading(decode_matrices(feats)[0][1:, 0]), turn, atol=1e-9)
    assert float(turn.abs().mean()) < 0.1  # a per-frame rate, not a heading


def tiny_tokenizer(feats: torch.Tensor, root_weight: float = 1.0) -> MotionVQ:
    """An untrained heading-free tokenizer, its statistics and codebook from ``feats``."""
    torch.manual_seed(0)
    vq = MotionVQ(MotionVQConfig.from_dict(
        {"codes": 16, "latent": 8, "width": 16, "levels": 2, "window_frames": 16,
         "representation": "heading-free", "root_weight": root_weight}, complete=False))
    clip = vq.features(feats[:320].numpy())
    vq.prepare([Sequence("c", clip, np.zeros((len(clip), 0), np.float32), None)])
    return vq


def test_heading_free_tokenizer_gives_the_same_codes_at_any_heading(cha_cha):
    """The tokenizer option: the same codes for a dance and for it turned and moved, and
    decoding integrates back to FACT features; older configs load as ``travel``."""
    vq = tiny_tokenizer(cha_cha)
    clip = cha_cha[:320].numpy()
    codes = vq.tokenize(vq.features(clip))
    other = turn_features(cha_cha[:320], 2.0, (1.0, 4.0)).numpy()
    assert torch.equal(vq.tokenize(vq.features(other)), codes)
    assert vq.detokenize(codes).shape == (320, 147)
    real = torch.from_numpy(vq.features(clip)).double()
    assert torch.allclose(vq.world(real), from_heading_free(real))

    stored = {k: v for k, v in vq.config.to_dict().items() if k != "representation"}
    old = MotionVQ(MotionVQConfig.from_dict(stored))
    assert old.config.representation == "travel"
    assert np.array_equal(old.features(clip), travel_features(clip))
    with pytest.raises(ParameterError, match="representation must be one of"):
        MotionVQConfig.from_dict({"representation": "world"}, complete=False)


def test_code_model_codes_dances_in_its_tokenizers_representation(cha_cha, tmp_path):
    """dance-tokens on a heading-free tokenizer: the training codes of a real dance are the
    tokenizer's codes of its heading-free features, the same for the dance turned and moved,
    and decode to a dance that starts facing +z at the origin."""
    vq = tiny_tokenizer(cha_cha)
    path = tmp_path / "vq.safetensors"
    save_model(path, "motion-vq", vq.config.to_dict(), vq.state_dict())
    model = DanceTokens(DanceTokensConfig.from_dict(
        {"hidden": 32, "heads": 2, "ff": 64, "layers": 2, "context_codes": 6,
         "dropout": 0.0, "tokenizer": str(path), "styles": ["chacha"]}, complete=False))
    clip, music = cha_cha[:320], np.zeros((320, 37), np.float32)
    seq = model.sequence("c", clip.numpy(), music, "chacha")
    codes = seq.motion[1:-1, 0]
    assert np.array_equal(codes, vq.tokenize(vq.features(clip.numpy())).numpy())
    other = turn_features(clip, -1.3, (0.5, 2.0)).numpy()
    assert np.array_equal(model.sequence("c", other, music, "chacha").motion, seq.motion)
    feats = model.tokenizer.detokenize(torch.from_numpy(codes).long()).double()
    assert feats.shape == (320, 147)
    assert abs(float(heading(decode_matrices(feats[:1])[0][0, 0]))) < 0.3
    assert float(feats[0, [0, 2]].abs().max()) < 0.1


def test_root_weight_one_is_the_unweighted_loss(cha_cha):
    """A config without ``root_weight`` (every stored tokenizer) loads at 1, and at 1 the
    loss on a batch of real windows is exactly the unweighted sum it always was."""
    vq = tiny_tokenizer(cha_cha).eval()
    stored = {k: v for k, v in vq.config.to_dict().items() if k != "root_weight"}
    assert MotionVQConfig.from_dict(stored).root_weight == 1.0
    feats = torch.from_numpy(vq.features(cha_cha[:640].numpy()))
    batch = {"motion": feats.reshape(10, 64, 147)}
    with torch.no_grad():
        total, parts = vq.loss(batch)
        x = (batch["motion"] - vq.mean) / vq.std
        z = vq._latents(batch["motion"])
        q = vq.codebook[vq._nearest(z)]
        # the straight-through input, as the loss forms it (not bit-equal to q itself)
        rec = vq.decoder((z + (q - z)).transpose(1, 2)).transpose(1, 2)
    c = vq.config
    old = F.mse_loss(rec, x) + c.velocity_weight * F.mse_loss(rec.diff(dim=1), x.diff(dim=1)) \
        + c.acceleration_weight * F.mse_loss(rec.diff(n=2, dim=1), x.diff(n=2, dim=1)) \
        + c.commit_weight * F.mse_loss(z, q)
    assert torch.equal(total, old)
    assert parts["pose"] == float(F.mse_loss(rec, x))


def test_root_weight_scales_only_the_root_and_pelvis_channels(cha_cha):
    """An error in the other 138 channels costs the same at any weight; one in the root's
    steps and height or the pelvis costs ``root_weight`` times as much; and the full loss
    of a real batch rises with the weight."""
    feats = heading_free_features(cha_cha[:640]).float().reshape(10, 64, 147)
    noise = torch.randn(feats.shape, generator=torch.Generator().manual_seed(0))
    root, rest = torch.zeros_like(noise), noise.clone()
    root[..., ROOT_CHANNELS] = noise[..., ROOT_CHANNELS]
    rest[..., ROOT_CHANNELS] = 0.0
    plain, weighted = tiny_tokenizer(cha_cha), tiny_tokenizer(cha_cha, root_weight=20.0)
    for err in (root, rest, noise):
        assert float(plain._reconstruction(feats + err, feats)) > 0.0
    assert torch.equal(weighted._reconstruction(feats + rest, feats),
                       plain._reconstruction(feats + rest, feats))
    assert torch.allclose(weighted._reconstruction(feats + root, feats),
                          20 * plain._reconstruction(feats + root, feats), rtol=1e-6)
    batch = {"motion": torch.from_numpy(plain.features(cha_cha[:640].numpy())).reshape(10, 64,
                                                                                      147)}
    with torch.no_grad():
        assert float(weighted.eval().loss(batch)[0]) > float(plain.eval().loss(batch)[0])
    with pytest.raises(ParameterError, match="root_weight"):
        MotionVQConfig.from_dict({"root_weight": -1.0}, complete=False)


def test_dance_revolution_heading_free_steps_round_trip(cha_cha):
    """Dance Revolution's ``heading_free`` pose form adds up to the real dance again, moved
    to start at the origin facing +z; the same for the dance turned and moved."""
    from dancekit.models.dance_revolution.sampling import from_steps, to_steps

    clip = cha_cha[:600]
    steps = to_steps(clip.numpy(), heading_free=True)
    back = from_steps(torch.from_numpy(steps), heading_free=True)
    yaw0 = float(heading(decode_matrices(clip[0])[0][0]))
    start = clip.clone()
    start[:, [0, 2]] -= clip[0, [0, 2]]
    assert torch.allclose(back, turn_features(start, -yaw0), atol=1e-6, rtol=0)
    other = turn_features(clip, 2.4, (1.0, -3.0)).numpy()
    assert np.allclose(to_steps(other, heading_free=True), steps, atol=1e-6)
    assert not np.allclose(to_steps(other), to_steps(clip.numpy()), atol=0.1)


@pytest.mark.parametrize("heading_free", [True, False])
def test_dance_revolution_continues_its_seed_where_it_stands_and_faces(cha_cha, heading_free):
    """Seeded with a real pose, Dance Revolution's first frame is the seed's last, where the
    seed stands and faces. ``heading_free``, seeded with the same pose turned and moved, it
    dances the same dance turned and moved alike: it cannot tell where its seed faces."""
    from dancekit.models.dance_revolution import DanceRevolution, DanceRevolutionConfig
    from test_dance_revolution import TINY

    torch.manual_seed(0)
    model = DanceRevolution(DanceRevolutionConfig.from_dict(
        {**TINY, "heading_free": heading_free, "beat_phase": False}, complete=False))
    clip = cha_cha[1000:1010]
    moved = turn_features(clip, -1.2, (2.0, 2.0))
    seeds = [features_to_motion(c.numpy(), 30.0) for c in (clip, moved)]
    music = np.random.default_rng(0).normal(0, 1, (60, 438)).astype(np.float32)
    model.music_features = lambda audio: music
    a, b = (model.generate("song", seed_motion=s, seed=3) for s in seeds)
    for seed, dance in zip(seeds, (a, b), strict=True):
        assert np.allclose(dance.positions[0], seed.positions[-1], atol=1e-4)
    assert np.linalg.norm(a.positions[-1, 0] - a.positions[0, 0]) > 0.01  # it moved at all
    if heading_free:
        a_moved = turn_features(torch.from_numpy(motion_to_features(a)).double(), -1.2,
                                (2.0, 2.0))
        assert np.allclose(features_to_motion(a_moved.numpy(), 30.0).positions, b.positions,
                           atol=1e-3)


def test_mirroring_gives_the_real_dance_left_for_right(cha_cha):
    """Mirrored features are the dance's mirror image: joints at x -> -x on their twins
    (within the SMPL rest skeleton's centimetre of asymmetry), undone by mirroring again,
    and the same whether the heading is taken out before or after."""
    from dancekit.models.representation import mirror_features
    from dancekit.motion import get_skeleton

    clip = cha_cha[:600]
    mirrored = mirror_features(clip)
    assert torch.equal(mirror_features(mirrored), clip)
    twin = get_skeleton("smpl24").mirror_indices
    want = joint_positions(clip[None])[0][:, twin] * torch.tensor([-1.0, 1.0, 1.0],
                                                                 dtype=clip.dtype)
    error = (joint_positions(mirrored[None])[0] - want).norm(dim=-1)
    assert float(error.max()) < 0.03 and float(error.mean()) < 0.015  # measured 0.011
    assert torch.allclose(heading_free_features(mirrored), mirror_features(
        heading_free_features(clip)), atol=1e-9, rtol=0)


def test_mirror_shows_the_tokenizer_mirror_images_in_training_only(cha_cha):
    """``mirror``: a config without it loads at 0; in training that share of crops is
    mirrored (the loss differs from the unmirrored one for the same weights), in evaluation
    none is, and the statistics cover both the dances and their mirror images."""
    from dancekit.models.representation import mirror_features

    vq = tiny_tokenizer(cha_cha)
    assert MotionVQConfig.from_dict(vq.config.to_dict()).mirror == 0.0
    torch.manual_seed(0)
    mirrored = MotionVQ(MotionVQConfig.from_dict({**vq.config.to_dict(), "mirror": 1.0}))
    clip = vq.features(cha_cha[:320].numpy())
    mirrored.prepare([Sequence("c", clip, np.zeros((len(clip), 0), np.float32), None)])
    both = np.concatenate([clip, mirror_features(torch.from_numpy(clip)).numpy()])
    assert torch.allclose(mirrored.mean, torch.from_numpy(both.mean(0)).float(), atol=1e-6)
    feats = torch.from_numpy(clip).float().reshape(20, 16, 147)
    flipped = mirror_features(feats)
    with torch.no_grad():
        mirrored.eval()
        plain = mirrored.loss({"motion": feats})[0]
        as_mirror = mirrored.loss({"motion": flipped})[0]
        mirrored.train()
        state = {k: v.clone() for k, v in mirrored.state_dict().items()}
        trained = mirrored.loss({"motion": feats}, torch.Generator().manual_seed(0))[0]
    mirrored.load_state_dict(state)
    assert not torch.equal(plain, as_mirror)
    assert torch.allclose(trained, as_mirror, rtol=1e-5)  # mirror 1: every crop mirrored
    with pytest.raises(ParameterError, match="mirror"):
        MotionVQConfig.from_dict({**vq.config.to_dict(), "mirror": 1.5}).validate()
