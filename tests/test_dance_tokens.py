"""The motion tokenizer (motion-vq) and the code model (dance-tokens): shapes, causality,
learning, generation of any length, checkpoints that stand alone, resume, and the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from dancekit import ParameterError
from dancekit.data import Sequence, split_by_sequence
from dancekit.errors import CheckpointError
from dancekit.models.dance_tokens import DanceTokens, DanceTokensConfig
from dancekit.models.motion_vq import MotionVQ, MotionVQConfig, travel_features
from dancekit.train import TrainConfig, Trainer
from test_train import make_sequences, tiny_synth_set

TINY_VQ = dict(codes=16, latent=8, width=16, levels=2, window_frames=16)
TINY_TOKENS = dict(hidden=32, heads=2, ff=64, layers=2, context_codes=6, dropout=0.0)


def vq_sequences(n: int = 6, frames: int = 90) -> list[Sequence]:
    return [Sequence(s.name, travel_features(s.motion), np.zeros((len(s.motion), 0),
                                                                 np.float32), s.style)
            for s in make_sequences(n, frames)]


@pytest.fixture(scope="module")
def tokenizer_path(tmp_path_factory) -> Path:
    """A tiny tokenizer trained for a few steps with the shared Trainer."""
    out = tmp_path_factory.mktemp("vq")
    torch.manual_seed(0)
    model = MotionVQ(MotionVQConfig.from_dict({**TINY_VQ, "styles": ["a", "b"]},
                                              complete=False))
    train, val = split_by_sequence(vq_sequences(), 0.2)
    cfg = TrainConfig(steps=30, batch_size=8, val_samples=0, warmup_steps=2, window_stride=4,
                      lr=3e-3)
    Trainer(model, "motion-vq", train, val, cfg, out / "run", show_progress=False).fit()
    return out / "run" / "model.safetensors"


def tiny_tokens(tokenizer_path: Path, **over) -> DanceTokens:
    torch.manual_seed(0)
    cfg = {**TINY_TOKENS, "tokenizer": str(tokenizer_path), "styles": ["a", "b"], **over}
    return DanceTokens(DanceTokensConfig.from_dict(cfg, complete=False))


def token_sequences(model: DanceTokens, n: int = 6, frames: int = 120) -> list[Sequence]:
    return [model.sequence(s.name, s.motion, s.audio, s.style)
            for s in make_sequences(n, frames)]


# --- the tokenizer -------------------------------------------------------------------------
def test_tokenizer_codes_every_eight_frames_and_decodes_back(tokenizer_path):
    vq = MotionVQ.from_checkpoint(tokenizer_path)
    per = vq.config.frames_per_code
    feats = make_sequences(1, 90)[0].motion
    codes = vq.tokenize(travel_features(feats))
    assert codes.shape == (90 // per,) and codes.dtype == torch.long
    assert int(codes.max()) < vq.config.codes
    out = vq.detokenize(codes)
    assert out.shape == (len(codes) * per, 147)
    # the root travels: decoded x/z are integrated velocities starting near the origin
    assert torch.isfinite(out).all() and out[0, [0, 2]].abs().max() < 0.5
    motion = vq.to_motion(codes)
    assert motion.num_frames == len(codes) * per and motion.skeleton.name == "smpl24"
    with pytest.raises(ParameterError, match="shorter than one code"):
        vq.tokenize(travel_features(feats[:per - 1]))


def test_smoothing_calms_the_seams_and_old_tokenizers_load_without_it(tokenizer_path):
    """``smooth_frames`` takes the shake out of code-by-code decoding (third differences, as
    jitter measures it) and keeps the length; a stored config from before the key decodes
    exactly as it did."""
    import dataclasses

    vq = MotionVQ.from_checkpoint(tokenizer_path)
    codes = vq.tokenize(travel_features(make_sequences(1, 96)[0].motion))
    raw = vq.detokenize(codes)
    stored = {k: v for k, v in vq.config.to_dict().items() if k != "smooth_frames"}
    assert MotionVQConfig.from_dict(stored).smooth_frames == 0.0
    vq.config = dataclasses.replace(vq.config, smooth_frames=4.0)
    smooth = vq.detokenize(codes)
    assert smooth.shape == raw.shape

    def shake(x):
        return float(torch.diff(x[:, 3:], n=3, dim=0).abs().mean())

    assert shake(smooth) < 0.5 * shake(raw)
    with pytest.raises(ParameterError, match="smooth_frames"):
        MotionVQConfig.from_dict({"smooth_frames": -1.0}, complete=False)


def test_tokenizer_learns_to_reconstruct():
    torch.manual_seed(0)
    vq = MotionVQ(MotionVQConfig.from_dict(TINY_VQ, complete=False))
    seqs = vq_sequences(4)
    vq.prepare(seqs)
    batch = {"motion": torch.from_numpy(np.stack([s.motion[:16] for s in seqs]))}
    opt = torch.optim.Adam(vq.parameters(), 3e-3)
    first = None
    for _ in range(500):
        loss, parts = vq.loss(batch, torch.Generator().manual_seed(0))
        first = first if first is not None else parts["pose"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    # 0.76 -> 0.053 on the 2-core machine; the loss is not monotone (0.18 at step 250, 0.19 at
    # 300 there, 0.10 at 300 on another CPU), so it is read well past its bumps
    assert parts["pose"] < 0.2 * first


def loss_beside_plain(vq: MotionVQ, feats: np.ndarray,
                      **off: float) -> tuple[float, dict[str, float], dict[str, float]]:
    """The tokenizer's loss on one crop less that of the same weights with the ``off``
    config terms at 0, and both losses' parts; checks that the loss reaches the encoder."""
    batch = {"motion": torch.from_numpy(feats)[None]}
    loss, parts = vq.loss(batch)
    plain = MotionVQ(dataclasses.replace(vq.config, **off)).eval()
    plain.load_state_dict(vq.state_dict())
    base, base_parts = plain.loss(batch)
    loss.backward()
    assert vq.encoder[0].weight.grad.abs().sum() > 0
    return float((loss - base).detach()), parts, base_parts


def test_position_loss_sees_the_real_body_in_metres(ballroom_dir):
    """position_weight adds the joints' places and speeds (forward kinematics of the decoded
    features, root's horizontal place at 0) to the loss, and nothing else changes."""
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.io import load_ballroom
    from dancekit.models.motion_vq import SPEED_SHARE
    from dancekit.models.representation import motion_to_features
    from dancekit.motion import resample

    motion = resample(smpl_with_rotations(load_ballroom(ballroom_dir / "DANCE_C_4")), 30.0)
    feats = travel_features(motion_to_features(motion))[:64]
    torch.manual_seed(0)
    vq = MotionVQ(MotionVQConfig.from_dict({**TINY_VQ, "position_weight": 5.0},
                                           complete=False)).eval()
    vq.prepare([Sequence("c4", feats, np.zeros((64, 0), np.float32), None)])
    x = (torch.from_numpy(feats)[None] - vq.mean) / vq.std
    body = motion.positions[:64] - motion.root[:64, None] * np.array([1.0, 0.0, 1.0])
    assert np.allclose(vq._body_joints(x)[0].detach().numpy(), body, atol=1e-3)
    added, parts, base_parts = loss_beside_plain(vq, feats, position_weight=0.0)
    assert "joint_place" not in base_parts and parts["joint_place"] > 0
    extra = 5.0 * (parts["joint_place"] + SPEED_SHARE * parts["joint_speed"])
    assert added == pytest.approx(extra, rel=1e-4)


@pytest.mark.parametrize("representation", ["travel", "heading-free"])
def test_foot_loss_sees_the_feet_travel_over_the_floor(ballroom_dir, representation):
    """foot_weight adds the foot joints' speeds over the floor (the crop's steps and turns
    integrated) to the loss: the real dance's own feet, to within float error, and nothing
    else changes."""
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.io import load_ballroom
    from dancekit.models.representation import motion_to_features
    from dancekit.motion import resample

    motion = resample(smpl_with_rotations(load_ballroom(ballroom_dir / "DANCE_C_4")), 30.0)
    torch.manual_seed(0)
    vq = MotionVQ(MotionVQConfig.from_dict({**TINY_VQ, "foot_weight": 0.5,
                                            "representation": representation},
                                           complete=False)).eval()
    feats = vq.features(motion_to_features(motion))[:64]
    vq.prepare([Sequence("c4", feats, np.zeros((64, 0), np.float32), None)])
    x = (torch.from_numpy(feats)[None] - vq.mean) / vq.std
    left, right = motion.skeleton.feet
    real = motion.positions[:64, left + right]
    ours = vq._feet_on_floor(x)[0].detach().numpy()
    speed = lambda p: np.linalg.norm(np.diff(p, axis=0), axis=-1) * 30.0  # noqa: E731
    assert real.shape == ours.shape and speed(real).mean() > 0.1
    assert np.abs(speed(ours) - speed(real)).max() < 1e-3
    added, parts, base_parts = loss_beside_plain(vq, feats, foot_weight=0.0)
    assert "foot_speed" not in base_parts and parts["foot_speed"] > 0
    assert added == pytest.approx(0.5 * parts["foot_speed"], rel=1e-4)


def test_tokenizer_config_is_checked():
    with pytest.raises(ParameterError, match="multiple of 8"):
        MotionVQConfig.from_dict({"window_frames": 60}, complete=False)
    with pytest.raises(ParameterError, match="unknown motion-vq config keys: codez"):
        MotionVQConfig.from_dict({"codez": 3}, complete=False)


# --- the code model ------------------------------------------------------------------------
def test_code_model_is_causal(tokenizer_path):
    model = tiny_tokens(tokenizer_path).eval()
    n, bos = 6, model.bos
    prev = torch.randint(0, bos, (1, n))
    music = torch.randn(1, n, 2 * model.per_code * 37)
    style = torch.tensor([0])
    base = model(prev, music, style)
    assert base.shape == (1, n, bos)
    for k in range(1, n):
        p2, m2 = prev.clone(), music.clone()
        p2[0, k] = (p2[0, k] + 1) % bos
        m2[0, k] += 1.0
        out = model(p2, m2, style)
        assert torch.allclose(out[0, :k], base[0, :k], atol=1e-5)  # the past is untouched
        assert not torch.allclose(out[0, k], base[0, k])


def test_code_model_overfits_one_batch(tokenizer_path):
    model = tiny_tokens(tokenizer_path)
    seqs = token_sequences(model, 4)
    model.prepare(seqs)
    span = model.config.context_codes + 2
    batch = {"motion": torch.from_numpy(np.stack([s.motion[:span] for s in seqs])),
             "audio": torch.from_numpy(np.stack([s.audio[:span] for s in seqs])),
             "style": torch.tensor([0, 1, 0, 1])}
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], 3e-3)
    model.train()
    for _ in range(200):
        loss, parts = model.loss(batch, torch.Generator().manual_seed(0))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.1 and parts["top1"] == 1.0
    # the tokenizer is frozen
    assert not any(p.requires_grad for p in model.tokenizer.parameters())


def test_phases_tokenize_each_dance_from_every_first_frame(tokenizer_path, tmp_path):
    model = tiny_tokens(tokenizer_path, phases=4)
    per, vq = model.per_code, model.tokenizer
    raw = make_sequences(1, 120)[0]
    seq = model.sequence(raw.name, raw.motion, raw.audio, raw.style)
    n = (120 - 3) // per
    assert seq.motion.shape == (n + 2, 4) and seq.audio.shape == (n + 2, 4 * per * 37)
    assert (seq.motion[0] == model.bos).all() and (seq.motion[-1] == model.bos).all()
    for k in range(4):
        codes, music = model._phase(seq.motion, seq.audio, k)
        want = vq.tokenize(vq.features(raw.motion[k:k + n * per])).numpy()
        np.testing.assert_array_equal(codes[1:-1], want)
        np.testing.assert_array_equal(music[1:], model._music_rows(raw.audio[k:k + n * per], n))
    # one phase per window, drawn from the batch's generator
    batch = torch.from_numpy(np.stack([seq.motion] * 6)), torch.from_numpy(
        np.stack([seq.audio] * 6))
    pick = torch.tensor([0, 3, 1, 2, 3, 0])
    codes, music = model._phase(*batch, pick)
    for b, k in enumerate(pick.tolist()):
        one = model._phase(seq.motion, seq.audio, k)
        np.testing.assert_array_equal(codes[b].numpy(), one[0])
        np.testing.assert_array_equal(music[b].numpy(), one[1])
    # the model still learns a batch of phases, and trains through the shared Trainer
    seqs = token_sequences(model, 4)
    model.prepare(seqs)
    assert model.music_mean.shape == (2 * per * 37,)
    cfg = TrainConfig(steps=4, batch_size=4, val_samples=0, warmup_steps=1)
    train, val = split_by_sequence(seqs, 0.25)
    Trainer(model, "dance-tokens", train, val, cfg, tmp_path / "run", show_progress=False).fit()
    with pytest.raises(ParameterError, match="phases"):
        tiny_tokens(tokenizer_path, phases=per + 1)
    # a checkpoint config from before phases existed loads with one phase
    old = {k: v for k, v in model.config.to_dict().items() if k != "phases"}
    assert DanceTokensConfig.from_dict(old).phases == 1


def test_trim_still_drops_the_couple_standing_after_a_real_waltz(ballroom_dir,
                                                                 tokenizer_path):
    """DANCE_W_28 ends with the couple standing still for about 1.8 s: ``trim_still`` cuts
    those frames (and their music) from what the code model trains on."""
    from dancekit.data.ballroom import ballroom_sequence
    from dancekit.data.sources import Pair, smpl_with_rotations
    from dancekit.motion import resample
    from dancekit.motion.speed import body_speed, moving_span

    found = ballroom_sequence(ballroom_dir / "DANCE_W_28")
    pair = Pair("W_28", smpl_with_rotations(found.motion), found.audio, "waltz",
                start=found.start)
    motion = resample(pair.motion, 30.0)
    a, b = moving_span(motion)
    tail = body_speed(motion.positions[b:], 30.0)
    assert a == 0 and 1.3 < (motion.num_frames - b) / 30 < 2.3 and tail.mean() < 0.1
    assert body_speed(motion.positions[:b], 30.0).mean() > 4 * tail.mean()  # it was dancing
    full = tiny_tokens(tokenizer_path).encode(pair)
    cut = tiny_tokens(tokenizer_path, trim_still=True).encode(pair)
    per = 2 ** TINY_VQ["levels"]
    assert len(full.motion) - 2 == motion.num_frames // per
    assert len(cut.motion) - 2 == b // per
    # the same codes up to the cut (the encoder sees the new end only in the last few)
    np.testing.assert_array_equal(cut.motion[:-3], full.motion[:len(cut.motion) - 3])
    np.testing.assert_array_equal(cut.audio[:-1], full.audio[:len(cut.audio) - 1])
    # a checkpoint config from before trim_still existed reads as not trimming
    old = {k: v for k, v in tiny_tokens(tokenizer_path).config.to_dict().items()
           if k != "trim_still"}
    assert DanceTokensConfig.from_dict(old).trim_still is False
    with pytest.raises(ParameterError, match="trim_still"):
        tiny_tokens(tokenizer_path, trim_still="yes")


def test_moving_span_of_a_still_a_moving_and_a_standing_body():
    from dancekit.motion import Motion
    from dancekit.motion.speed import moving_span

    t = np.arange(150) / 30.0  # 1 s still, 3 s swinging, 1 s still
    pos = np.zeros((150, 24, 3), np.float32)
    pos[30:120, :, 0] = 0.2 * np.sin(2 * np.pi * (t[30:120] - 1))[:, None]
    a, b = moving_span(Motion(pos, 30.0, "smpl24"))
    assert 20 <= a <= 31 and 119 <= b <= 130
    assert moving_span(Motion(np.zeros((40, 24, 3), np.float32), 30.0, "smpl24")) == (0, 40)


def test_generates_any_length_deterministically(tokenizer_path):
    model = tiny_tokens(tokenizer_path)
    model.prepare(token_sequences(model, 2))
    per, ctx = model.per_code, model.config.context_codes
    music = torch.randn(5 * ctx, 2 * per * 37)  # five contexts long
    a = model.generate_codes(music, 0, torch.Generator().manual_seed(1))
    b = model.generate_codes(music, 0, torch.Generator().manual_seed(1))
    c = model.generate_codes(music, 0, torch.Generator().manual_seed(2))
    assert len(a) == 5 * ctx and torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(model.generate_codes(music, None, None),
                       model.generate_codes(music, None, None))  # argmax without a generator
    prompt = a[:3]
    d = model.generate_codes(music[:4], 1, torch.Generator().manual_seed(1), prompt=prompt)
    assert len(d) == 4


def test_longest_runs_counts_each_codes_most_times_in_a_row():
    from dancekit.models.dance_tokens.sampling import longest_runs

    runs = longest_runs([np.array([2, 2, 2, 0, 2, 1, 1]), np.array([1, 1, 1, 1]),
                         np.array([], int)], 4)
    assert runs.tolist() == [1, 4, 3, 0]


def test_cap_runs_stops_a_code_that_would_follow_itself_for_ever(tokenizer_path, tmp_path):
    """A network whose odds always favour one code stands on it for the whole dance; with
    ``cap_runs`` it holds it at most as many times in a row as its training data did, and
    the cap travels in the checkpoint."""
    from dancekit.checkpoint import save_model
    from dancekit.models.dance_tokens.sampling import longest_runs

    capped = tiny_tokens(tokenizer_path, cap_runs=True)
    seqs = token_sequences(capped, 3)
    capped.prepare(seqs)
    runs = longest_runs([s.motion[1:-1, 0] for s in seqs], capped.bos)
    assert torch.equal(capped.longest_run, torch.from_numpy(np.maximum(runs, 1)))
    free = tiny_tokens(tokenizer_path)
    free.load_state_dict({k: v for k, v in capped.state_dict().items() if k != "longest_run"})
    sticky = 7
    for model in (capped, free):
        with torch.no_grad():
            model.head.weight.zero_()
            model.head.bias.fill_(0.0)
            model.head.bias[sticky] = 30.0
    capped.longest_run[sticky] = 3
    music = torch.randn(40, 2 * capped.per_code * 37)
    for generator in (None, torch.Generator().manual_seed(0)):
        assert free.generate_codes(music, 0, generator).tolist() == [sticky] * 40
        codes = capped.generate_codes(music, 0, generator).tolist()
        held = max(longest_runs([np.array(codes)], capped.bos)[sticky], 0)
        assert held == 3 and codes.count(sticky) >= 30
    prompt = torch.tensor([sticky] * 3)  # the prompt's run counts too
    assert capped.generate_codes(music[:1], 0, None, prompt=prompt)[0] != sticky
    path = tmp_path / "capped.safetensors"
    save_model(path, "dance-tokens", capped.config.to_dict(), capped.state_dict(), {})
    again = DanceTokens.from_checkpoint(path)
    assert again.config.cap_runs and torch.equal(again.longest_run, capped.longest_run)
    old = {k: v for k, v in capped.config.to_dict().items() if k != "cap_runs"}
    assert DanceTokensConfig.from_dict(old).cap_runs is False  # checkpoints from before it


def test_nucleus_keeps_the_fewest_likeliest_codes_that_reach_the_share():
    from dancekit.models.dance_tokens.sampling import nucleus

    odds = torch.tensor([0.05, 0.5, 0.3, 0.15])
    assert nucleus(odds, 0.8).tolist() == pytest.approx([0.0, 0.5, 0.3, 0.0])
    assert nucleus(odds, 0.81).tolist() == pytest.approx([0.0, 0.5, 0.3, 0.15])
    assert nucleus(odds, 0.1).tolist() == pytest.approx([0.0, 0.5, 0.0, 0.0])  # likeliest kept
    assert nucleus(odds, 1.0).tolist() == pytest.approx(odds.tolist())


def test_top_p_draws_only_from_the_nucleus_and_old_checkpoints_draw_from_all(tokenizer_path):
    """With ``top_p`` a network whose odds split 0.65 / 0.32 / a long tail never draws from the
    tail; without it (checkpoints from before the key) the tail is drawn."""
    model = tiny_tokens(tokenizer_path, top_p=0.8, temperature=1.0)
    with torch.no_grad():
        model.head.weight.zero_()
        logits = torch.full((model.head.bias.numel(),), -2.0)
        logits[3], logits[5] = 4.0, 3.3
        model.head.bias.copy_(logits)
    music = torch.randn(200, 2 * model.per_code * 37)
    drawn = set(model.generate_codes(music, 0, torch.Generator().manual_seed(0)).tolist())
    assert drawn == {3, 5}
    old = {k: v for k, v in model.config.to_dict().items() if k != "top_p"}
    assert DanceTokensConfig.from_dict(old).top_p == 1.0
    model.config = dataclasses.replace(model.config, top_p=1.0)
    drawn = set(model.generate_codes(music, 0, torch.Generator().manual_seed(0)).tolist())
    assert {3, 5} < drawn
    with pytest.raises(ParameterError):
        DanceTokensConfig.from_dict({**old, "top_p": 0.0})


def test_planted_slide_reads_the_decoded_feet_on_the_floor(ballroom_dir):
    """``MotionVQ.planted_slide`` of code windows from a real dance is the mean squared
    horizontal speed of the foot joints the tokenizer decodes for the last code, weighted by
    how near the floor they are at both ends of each frame step: the same number from the
    decoded motion's own joint positions."""
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.io import load_ballroom
    from dancekit.models import load_model
    from dancekit.models.representation import motion_to_features
    from dancekit.motion import resample

    vq = load_model("dance-tokens-ballroom").tokenizer
    motion = resample(smpl_with_rotations(load_ballroom(ballroom_dir / "DANCE_R_8")), 30.0)
    codes = vq.tokenize(vq.features(motion_to_features(motion)))
    rows = torch.stack([codes[a:a + 6] for a in range(0, 120, 6)])
    got = vq.planted_slide(rows).numpy()
    k = vq.config.frames_per_code
    left, right = motion.skeleton.feet
    for row, value in zip(rows, got, strict=True):
        feet = vq.to_motion(row).positions[:, left + right]  # (T, 4, 3)
        tail = feet[-k - 1:]
        near = 1 / (1 + np.exp(-(0.05 - (tail[..., 1] - feet[..., 1].min())) / 0.01))
        speed = np.linalg.norm(np.diff(tail[..., [0, 2]], axis=0), axis=-1) * 30.0
        assert value == pytest.approx((near[1:] * near[:-1] * speed ** 2).mean(), rel=1e-3,
                                      abs=1e-5)
    assert got.min() < 0.05 < got.max()  # standing and sliding windows both in a rumba


def test_foot_guidance_draws_away_from_codes_whose_feet_slide(tokenizer_path):
    """With ``foot_guidance`` each candidate's odds shrink by exp(-g * its extra slide): a
    code the network favours but whose decoded feet slide is drawn less and less often as g
    grows; 0 (and checkpoints from before the key) draw as before; same seed, same dance."""
    model = tiny_tokens(tokenizer_path, temperature=1.0)
    with torch.no_grad():
        model.head.weight.zero_()
        logits = torch.full((model.head.bias.numel(),), -30.0)
        logits[3], logits[5] = 1.0, 0.0  # code 3 twice as likely as code 5
        model.head.bias.copy_(logits)

    def slide(codes: torch.Tensor) -> torch.Tensor:  # code 3's feet slide, 5's stand
        return (codes[:, -1] == 3).float()

    model.foot_slide = slide
    music = torch.randn(300, 2 * model.per_code * 37)
    shares = []
    for g in (0.0, 1.0, 5.0):
        model.config = dataclasses.replace(model.config, foot_guidance=g)
        codes = model.generate_codes(music, 0, torch.Generator().manual_seed(0))
        again = model.generate_codes(music, 0, torch.Generator().manual_seed(0))
        assert torch.equal(codes, again) and set(codes.tolist()) == {3, 5}
        shares.append(float((codes == 3).float().mean()))
    # expected shares of code 3: e / (e + 1) = 0.73, then 1 / 2, then e^-4 / (e^-4 + 1) = 0.02
    assert shares[0] > 0.65 and 0.4 < shares[1] < 0.6 and shares[2] < 0.06
    old = {k: v for k, v in model.config.to_dict().items() if k != "foot_guidance"}
    assert DanceTokensConfig.from_dict(old).foot_guidance == 0.0
    with pytest.raises(ParameterError):
        DanceTokensConfig.from_dict({**old, "foot_guidance": -1.0})


@pytest.mark.slow
def test_checkpoint_stands_alone_and_resume_is_exact(tokenizer_path, tmp_path):
    """Trained with the Trainer, the checkpoint rebuilds the model without the tokenizer
    file; a run stopped and resumed ends with the uninterrupted run's weights."""
    from safetensors.torch import load_file

    def run(out: Path, steps: int, resume: bool = False) -> None:
        model = tiny_tokens(tokenizer_path, dropout=0.1)
        train, val = split_by_sequence(token_sequences(model), 0.2)
        cfg = TrainConfig(steps=steps, batch_size=4, val_samples=0, warmup_steps=2,
                          window_stride=1, checkpoint_every=3)
        Trainer(model, "dance-tokens", train, val, cfg, out, resume=resume,
                show_progress=False).fit()

    run(tmp_path / "ref", 6)
    run(tmp_path / "cut", 3)
    run(tmp_path / "cut", 6, resume=True)
    ref, cut = (load_file(str(tmp_path / r / "model.safetensors")) for r in ("ref", "cut"))
    assert all(torch.equal(ref[k], cut[k]) for k in ref)
    # the tokenizer's weights travel inside; its file is not needed any more
    hidden = tokenizer_path.with_suffix(".away")
    tokenizer_path.rename(hidden)
    try:
        loaded = DanceTokens.from_checkpoint(tmp_path / "ref" / "model.safetensors")
    finally:
        hidden.rename(tokenizer_path)
    assert loaded.config.tokenizer_config["codes"] == TINY_VQ["codes"]
    music = torch.randn(8, 2 * loaded.per_code * 37)
    assert len(loaded.generate_codes(music, 0, torch.Generator().manual_seed(0))) == 8


def test_a_dance_tokens_checkpoint_lends_its_tokenizer_to_fine_tune(tokenizer_path, tmp_path):
    """``tokenizer`` may name a dance-tokens checkpoint (or bundled model): its tokenizer is
    taken, so a run that also starts from its weights (``init``) fine-tunes it on new dances;
    a model without a tokenizer is refused."""
    from dancekit.checkpoint import save_model

    first = tiny_tokens(tokenizer_path)
    path = tmp_path / "first.safetensors"
    save_model(path, "dance-tokens", first.config.to_dict(), first.state_dict(), {})
    second = tiny_tokens(path)
    assert second.config.tokenizer_config == first.config.tokenizer_config
    given = first.tokenizer.state_dict()
    assert all(torch.equal(v, given[k]) for k, v in second.tokenizer.state_dict().items())
    seqs = token_sequences(second, 4)
    cfg = TrainConfig(steps=1, batch_size=4, val_samples=0, init=str(path))
    Trainer(second, "dance-tokens", seqs[:3], seqs[3:], cfg, tmp_path / "run",
            show_progress=False)  # prepare and init
    assert torch.equal(second.code_embed.weight, first.code_embed.weight)
    with pytest.raises(ParameterError, match="neither a motion-vq"):
        tiny_tokens("procedural")
    with pytest.raises(CheckpointError, match="tokenizer .*missing.safetensors.*not found"):
        tiny_tokens(tmp_path / "missing.safetensors")


def test_needs_a_tokenizer(tmp_path):
    with pytest.raises(ParameterError, match="needs a tokenizer"):
        DanceTokensConfig.from_dict({}, complete=False)
    with pytest.raises(CheckpointError, match="not found"):
        DanceTokens(DanceTokensConfig.from_dict({"tokenizer": str(tmp_path / "no.st")},
                                                complete=False))


# --- the commands --------------------------------------------------------------------------
@pytest.mark.slow
def test_train_both_and_dance_through_the_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.io import load_motion

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tiny_synth_set(tmp_path / "synth")
    train = {"batch_size": 4, "val_fraction": 0.34, "val_every": 3, "val_seconds": 3.0,
             "checkpoint_every": 2, "warmup_steps": 1}
    vq_cfg, tok_cfg = tmp_path / "vq.yaml", tmp_path / "tok.yaml"
    vq_cfg.write_text(yaml.safe_dump({"model": TINY_VQ, "train": {**train,
                                                                  "window_stride": 8}}))
    tok_cfg.write_text(yaml.safe_dump({
        "model": {**TINY_TOKENS, "tokenizer": str(tmp_path / "vq" / "model.safetensors")},
        "train": {**train, "window_stride": 1}}))
    runner = CliRunner()
    res = runner.invoke(app, ["train", "motion-vq", "--data", str(data), "--out",
                              str(tmp_path / "vq"), "--config", str(vq_cfg), "--steps", "3"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["train", "dance-tokens", "--data", str(data), "--out",
                              str(tmp_path / "tok"), "--config", str(tok_cfg), "--steps", "3"])
    assert res.exit_code == 0, res.output
    song = sorted(data.glob("*.wav"))[0]
    out = tmp_path / "dance.npz"
    res = runner.invoke(app, ["dance", str(song), "-o", str(out), "--model",
                              str(tmp_path / "tok" / "model.safetensors"), "--seed", "4",
                              "--style", "waltz"])
    assert res.exit_code == 0, res.output
    motion = load_motion(out)
    assert abs(motion.duration - 6.0) < 0.1 and motion.meta["model"] == "dance-tokens"
    # a tokenizer is not a dance model
    res = runner.invoke(app, ["dance", str(song), "-o", str(tmp_path / "x.npz"), "--model",
                              "motion-vq"])
    assert res.exit_code == 2 and "tokenizer" in res.stderr
    assert not (tmp_path / "x.npz").exists()


def test_half_precision_copy_loads_and_halves_the_file(tokenizer_path, tmp_path):
    from dancekit.checkpoint import half_precision, read_header

    half = tmp_path / "half.safetensors"
    half_precision(tokenizer_path, half)
    assert half.stat().st_size < 0.6 * tokenizer_path.stat().st_size
    assert read_header(half)["meta"]["stored_as"] == "float16"
    full, small = MotionVQ.from_checkpoint(tokenizer_path), MotionVQ.from_checkpoint(half)
    assert small.codebook.dtype == torch.float32  # cast back on load
    feats = travel_features(make_sequences(1, 64)[0].motion)
    a, b = full.detokenize(full.tokenize(feats)), small.detokenize(small.tokenize(feats))
    assert torch.allclose(a, b, atol=0.05)


def test_bundled_weights_dance_real_music(music_dir, tmp_path, monkeypatch):
    from dancekit.models import load_model
    from dancekit.models.dance_tokens import WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    weights = WEIGHTS_DIR / "model.safetensors"
    assert weights.stat().st_size <= 20 * 2**20
    assert (WEIGHTS_DIR / "README.md").is_file()  # the data card
    header = json.loads(weights.with_suffix(".json").read_text())
    # complete: checkpoints load only whole configs (keys added since get their old values)
    assert DanceTokensConfig.from_dict(header["config"]).phases == 1
    model = load_model("dance-tokens")
    assert isinstance(model, DanceTokens)
    song = sorted(music_dir.glob("*.ogg"))[1]
    dance = model.generate(song, seconds=6.0, style="pop", seed=2)
    assert dance.num_frames == 180 and np.isfinite(dance.positions).all()
    feet = dance.positions[:, list(dance.skeleton.feet[0] + dance.skeleton.feet[1]), 1]
    assert -0.15 < feet.min() and feet.min(axis=1).max() < 0.3  # stands on the floor
    # it dances (the synthetic reference dances: 0.33 m/s): some draws are calm (this song at
    # seed 2: 0.06 m/s; 1 in 96 held-out dances under 0.15, docs/results.md), most are not
    speeds = [np.linalg.norm(np.diff(m.positions, axis=0), axis=-1).mean() * m.fps
              for m in [dance] + [model.generate(song, seconds=6.0, style="pop", seed=s)
                                  for s in (0, 1)]]
    assert 0.15 < np.median(speeds) < 1.0 and min(speeds) > 0.03
    again = model.generate(song, seconds=6.0, style="pop", seed=2)
    assert np.array_equal(again.positions, dance.positions)  # same seed, same dance


def test_incremental_decoding_matches_the_full_forward(tokenizer_path):
    """The cached (incremental) transformer gives the full causal forward's outputs; within
    one context, generation draws exactly the codes a full forward per code would."""
    model = tiny_tokens(tokenizer_path).eval()
    x = torch.randn(1, 6, model.config.hidden)
    with torch.no_grad():
        full = model.body(x)
        head, cache = model.body.extend(x[:, :4], 0, None)
        tail, _ = model.body.extend(x[:, 4:], 4, cache)
    assert torch.allclose(torch.cat([head, tail], dim=1), full, atol=1e-5)
    music = torch.randn(model.config.context_codes, 2 * model.per_code * 37)
    codes = model.generate_codes(music, 1, torch.Generator().manual_seed(3))
    gen, history = torch.Generator().manual_seed(3), [model.bos]
    with torch.no_grad():
        for t in range(len(music)):
            logits = model(torch.tensor([history]), music[None, :t + 1],
                           torch.tensor([1]))[0, -1]
            odds = (logits / model.config.temperature).softmax(dim=0)
            history.append(int(torch.multinomial(odds, 1, generator=gen)))
    assert codes.tolist() == history[1:]


DDP_SCRIPT = """
import os, sys
sys.path.insert(0, {tests!r})
import torch
from test_dance_tokens import TINY_VQ, vq_sequences
from dancekit.data import split_by_sequence
from dancekit.models.motion_vq import MotionVQ, MotionVQConfig
from dancekit.train import TrainConfig, Trainer

def run(rank=0, world=1, out=None):
    if world > 1:
        os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                          MASTER_PORT=os.environ["TEST_PORT"])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = MotionVQ(MotionVQConfig.from_dict({{**TINY_VQ, "dead_usage": 0.0}},
                                              complete=False))
    train, val = split_by_sequence(vq_sequences(), 0.2)
    cfg = TrainConfig(steps=6, batch_size=8, val_samples=0, warmup_steps=2, window_stride=4,
                      checkpoint_every=6, val_every=10**6)
    Trainer(model, "motion-vq", train, val, cfg, out, show_progress=False).fit()

if __name__ == "__main__":
    out, mode = sys.argv[1], sys.argv[2]
    if mode == "ddp":
        torch.multiprocessing.spawn(run, args=(2, out), nprocs=2)
    else:
        run(out=out)
"""


@pytest.mark.slow
def test_tokenizer_ddp_two_processes_match_single_process(tmp_path):
    """The codebook's moving averages are summed over ranks, so 2 processes x 4 windows
    train the tokenizer as 1 process x 8 windows does (no dead-code restarts: those draw
    from one rank's windows)."""
    import os
    import subprocess
    import sys

    from safetensors.torch import load_file

    script = tmp_path / "vq_run.py"
    script.write_text(DDP_SCRIPT.format(tests=str(Path(__file__).resolve().parent)))
    env = {**os.environ, "TEST_PORT": str(29600 + os.getpid() % 1000)}
    for name, mode in (("one", "fresh"), ("two", "ddp")):
        subprocess.run([sys.executable, str(script), str(tmp_path / name), mode], check=True,
                       env=env, timeout=300)
    a, b = (load_file(str(tmp_path / n / "model.safetensors")) for n in ("one", "two"))
    for k in a:
        assert torch.allclose(a[k].float(), b[k].float(), atol=1e-4, rtol=1e-3), k


def test_bad_checkpoints_exit_2_without_output(tmp_path):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.cli.dance_cmds import DEMO_SONG

    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(b"\x00" * 100)
    out = tmp_path / "dance.npz"
    for args in (["--checkpoint", str(corrupt)],
                 ["--checkpoint", str(tmp_path / "missing.safetensors")]):
        res = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out),
                                       "--model", "dance-tokens", *args])
        assert res.exit_code == 2 and res.stderr.startswith("error:"), res.output
        assert "Traceback" not in res.output and not out.exists()


def test_ballroom_weights_dance_a_real_waltz_in_hold_and_travel(ballroom_dir, tmp_path,
                                                                monkeypatch):
    """``--model dance-tokens-ballroom``: the weights trained on real ballroom capture know
    the four ballroom genres beside the synthetic styles, pick waltz for a 3/4 ballroom song,
    travel across the floor (at least 0.1 m/s; the synthetic-trained weights: 0.09 m/s on
    the held-out ballroom songs), never hold a code longer than their training data did,
    and are not a separate model to train."""
    from dancekit import dance
    from dancekit.models import load_model, trainable_models

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    model = load_model("dance-tokens-ballroom")
    assert isinstance(model, DanceTokens)
    assert {"chacha", "rumba", "tango", "waltz"} <= set(model.styles)
    assert model.tokenizer.config.representation == "heading-free"
    assert model.tokenizer.config.root_weight == 20.0
    assert "dance-tokens-ballroom" not in trainable_models()
    assert model.config.cap_runs and 1 <= int(model.longest_run.max()) <= 12
    motion = dance(ballroom_dir / "DANCE_W_1" / "audio.mp3", model="dance-tokens-ballroom",
                   seconds=20.0, seed=0)
    assert motion.meta["style"] == "waltz"
    root = motion.positions[:, 0, [0, 2]]
    assert np.linalg.norm(np.diff(root, axis=0), axis=-1).mean() * motion.fps > 0.1
    again = dance(ballroom_dir / "DANCE_W_1" / "audio.mp3", model="dance-tokens-ballroom",
                  seconds=20.0, seed=0)
    assert np.array_equal(again.positions, motion.positions)
