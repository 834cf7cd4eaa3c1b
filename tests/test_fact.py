"""FACT: shapes, representation, causality, learning, any-length generation, checkpoints."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from dancekit import CheckpointError, Motion, ParameterError
from dancekit.checkpoint import save_model
from dancekit.data.windows import Sequence
from dancekit.models import load_model
from dancekit.models.fact import ADDED_KEYS, FACT, REMOVED_KEYS, FACTConfig
from dancekit.models.fact.training import music_beats
from dancekit.models.music import BEAT_COLUMN, beat_phase
from dancekit.models.representation import encode_motion, features_to_motion, motion_to_features
from test_train import make_sequences, tiny_model


def prepared(**over) -> FACT:
    model = tiny_model(**over)
    model.prepare(make_sequences(phase=model.config.beat_phase))
    return model.eval()


def test_forward_shapes_and_sizes():
    model = prepared()
    c = model.config
    out = model(torch.randn(3, c.motion_frames, 147),
                torch.randn(3, c.audio_frames, model.audio_dim), torch.tensor([0, 1, 2]))
    assert out.shape == (3, c.future_frames, 147)
    pub = FACTConfig.published()
    assert (pub.motion_frames, pub.audio_frames, pub.future_frames) == (120, 240, 20)
    assert (pub.audio_layers, pub.motion_layers, pub.cross_layers, pub.hidden, pub.heads) == (
        2, 2, 12, 800, 10)
    assert pub.fps == 60


def test_representation_round_trip(rng):
    rot = rng.normal(0, 0.5, (20, 24, 3))
    root = rng.normal(0, 0.3, (20, 3)) + [0, 0.9, 0]
    m = Motion.from_rotations(rot, root, fps=30)
    back = features_to_motion(motion_to_features(m), 30)
    np.testing.assert_allclose(back.positions, m.positions, atol=1e-5)
    with pytest.raises(ParameterError, match="rotations"):
        motion_to_features(Motion(m.positions, 30, "smpl24"))


@pytest.mark.parametrize("variant", [{}, {"future_queries": True, "predict_change": False,
                                     "linear_base": False, "beat_phase": False}])
def test_prediction_sees_only_its_window(variant):
    """Frame f comes from motion before it and music up to the window's end, never later."""
    model = prepared(**variant)
    c = model.config
    seqs = make_sequences(2, 120, phase=c.beat_phase)
    audio = torch.from_numpy(np.stack([s.audio for s in seqs]))
    seed = torch.from_numpy(np.stack([s.motion[:c.motion_frames] for s in seqs]))
    base = model.generate_features(audio, 120, seed)
    cut = 60  # frames before `cut` may only use music before cut + audio - motion frames
    later = audio.clone()
    later[:, cut + c.audio_frames - c.motion_frames:] += 3.0
    moved = model.generate_features(later, 120, seed)
    torch.testing.assert_close(moved[:, :cut], base[:, :cut], rtol=0, atol=0)
    assert not torch.allclose(moved[:, cut + c.generate_step:], base[:, cut + c.generate_step:])
    # the seed is the start of the dance, untouched
    torch.testing.assert_close(base[:, :c.motion_frames], seed)


PAPER_SWITCHES = dict(predict_change=False, future_queries=False, velocity_input=False,
                      linear_base=False, rollout_passes=1, velocity_loss=0.0, energy_loss=0.0,
                      beat_phase=False)


@pytest.mark.parametrize("switches,ratio", [(PAPER_SWITCHES, 0.05), ({}, 0.3)],
                         ids=["paper", "dancekit"])
def test_overfits_one_batch(switches, ratio):
    """The paper's variant drives the loss down 20x; dancekit's starts from its fitted linear
    base, already close to the toy data's noise floor, and still more than triples its fit."""
    model = tiny_model(dropout=0.0, seed_offset_noise=0.0, style_dropout=0.0,
                       **switches)
    losses = _fit_one_batch(model)
    assert losses[-1] < ratio * losses[0]


def _rollout_batch(model: FACT, count: int = 4):
    from dancekit.data import collate, make_windows

    seqs = make_sequences(count, phase=model.config.beat_phase)
    model.prepare(seqs)
    m_len, a_len = model.window_lengths()
    w = make_windows(seqs, max(m_len, a_len), 7)[:8]
    return collate(seqs, w, m_len, a_len, model.config.styles)


def _fit_one_batch(model: FACT, steps: int = 150) -> list[float]:
    """Adam on one fixed batch of toy windows; the loss after every step."""
    batch = _rollout_batch(model)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(steps):
        loss, _ = model.loss(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


def test_rollout_training_feeds_back_predictions():
    """With roll-out passes, a later pass is seeded with the earlier passes' predictions, as
    generation is: the real frames those predictions stand for never reach the network."""
    # one hypothesis: with several, the one a later pass continues is the one closest to the
    # real frames (the only thing it learns of them), so perturbing them may change the choice
    model = tiny_model(rollout_passes=3, generate_step=4, velocity_loss=1.0,
                       energy_loss=1.0, hypotheses=1)
    c = model.config
    batch = _rollout_batch(model)
    assert batch["motion"].shape[1] == c.motion_frames + 2 * 4 + c.future_frames
    assert batch["audio"].shape[1] == c.audio_frames + 2 * 4
    model.eval()
    _, parts = model.loss(batch)
    assert {"feature_loss", "position_loss", "velocity_loss", "energy_loss",
            "pass0_feature_loss",
            "pass2_feature_loss"} <= set(parts)
    # frames 0..Sm+8 are seed or predicted by passes 0/1; perturb the real ones that passes
    # 1 and 2 would have seen had they been fed real frames: only their targets change
    hidden = batch["motion"].clone()
    hidden[:, c.motion_frames:c.motion_frames + 8] += 0.5
    seen: list[torch.Tensor] = []
    hook = model.motion_in.register_forward_hook(lambda m, i, o: seen.append(i[0].clone()))
    model.loss(batch)
    model.loss({**batch, "motion": hidden})
    hook.remove()
    for a, b in zip(seen[:3], seen[3:], strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_rollout_training_learns():
    model = tiny_model(dropout=0.0, seed_offset_noise=0.0, style_dropout=0.0,
                       rollout_passes=2, generate_step=4, velocity_loss=0.5, linear_base=False)
    losses = _fit_one_batch(model)
    assert losses[-1] < 0.1 * losses[0]


def test_beat_phase_is_a_clock_between_beats():
    sin, cos = beat_phase(np.array([10, 20, 36]), 50).T  # the period changes from 10 to 16
    np.testing.assert_allclose(cos[[10, 20, 36]], 1, atol=1e-6)  # phase 0 on the beats
    np.testing.assert_allclose(cos[[15, 28]], -1, atol=1e-6)  # halfway, whatever the period
    # outside the beats the clock runs on at the median period (13 frames)
    np.testing.assert_allclose(cos[49], 1, atol=1e-6)
    phase = np.mod(np.arctan2(sin, cos) / (2 * np.pi), 1.0)
    np.testing.assert_allclose(phase[2], 1 - 8 / 13, atol=1e-6)
    assert not beat_phase(np.array([4]), 30).any()  # one beat: no clock
    sin, cos = beat_phase(np.array([2.5, 12.5]), 20).T  # beats between frames (tracked times)
    np.testing.assert_allclose(cos[[5, 10]], np.cos(2 * np.pi * 0.25), atol=1e-6)


def test_beat_clock_runs_on_the_tracked_beats(tmp_path, monkeypatch):
    """phase_source="tracker" (the default) takes the clock from dancekit's beat tracker,
    cached like the features: phase 0 within a frame of every click of a metronome;
    checkpoints from before the key read the features' own beat one-hots."""
    import soundfile as sf

    from dancekit.audio import cached_features
    from dancekit.audio.clicks import click_track

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    audio, clicks, _ = click_track(120, 12.0, offset=0.37)
    path = tmp_path / "clicks.wav"
    sf.write(path, audio.samples, audio.sr)
    model = tiny_model(beat_phase=True)
    assert model.config.phase_source == "tracker"
    feats = model.music_features(path)
    assert feats.shape[1] == 37
    beats = cached_features(path, "beats")
    assert np.abs(beats[:, None] - clicks[None]).min(axis=1).max() < 0.03
    angle = np.arctan2(feats[:, 35], feats[:, 36])  # 0 on a beat
    inside = clicks[(clicks > 1) & (clicks < 11)]
    frames = inside * model.config.fps
    step = 2 * np.pi / (0.5 * model.config.fps)  # phase advance per frame
    for f in frames:  # the clock crosses zero within one frame of each click
        assert np.abs(angle[int(np.floor(f)):int(np.floor(f)) + 2]).min() <= step
    assert ADDED_KEYS["phase_source"] == "features"


def test_validation_scores_rhythm_against_the_models_own_clock():
    beats = np.array([10.3, 40.7, 71.2, 101.4])
    feats = np.zeros((130, 37), np.float32)
    feats[[5, 60], BEAT_COLUMN] = 1  # the 35-d features' librosa one-hot says otherwise
    feats[:, 35:] = beat_phase(beats, 130)
    np.testing.assert_array_equal(music_beats(tiny_model(), feats), [10, 41, 71, 101])
    old_clock = tiny_model(phase_source="features")
    np.testing.assert_array_equal(music_beats(old_clock, feats), [5, 60])


def test_beat_phase_model_reads_37_music_channels():
    model = tiny_model(beat_phase=True)
    c = model.config
    out = model(torch.randn(2, c.motion_frames, 147), torch.randn(2, c.audio_frames, 37))
    assert out.shape == (2, c.future_frames, 147)
    assert model.audio_mean.shape == (37,)


def test_predict_change_starts_by_holding_the_last_pose():
    """Predicting changes from the seed's last frame: before any training the network's
    dance holds that pose exactly, whatever the music (and it stays continuous)."""
    model = prepared(predict_change=True, linear_base=False, anchor_seconds=0.0,
                     hypotheses=1)
    c = model.config
    seed = model.seeds[:1]
    out = model.generate_features(torch.randn(1, 100, model.audio_dim), 100, seed)
    torch.testing.assert_close(out[0, c.motion_frames:],
                               seed[0, -1:].expand(100 - c.motion_frames, -1))


def test_seed_offset_noise_moves_the_pose_but_keeps_the_motion():
    model = tiny_model(seed_offset_noise=0.1, dropout=0.0, rollout_passes=1)
    batch = _rollout_batch(model)
    seen: list[torch.Tensor] = []
    hook = model.motion_in.register_forward_hook(lambda m, i, o: seen.append(i[0].clone()))
    model.train()
    model.loss(batch, torch.Generator().manual_seed(1))
    model.eval()
    model.loss(batch)
    hook.remove()
    (noisy, noisy_change), (clean, clean_change) = (t.split(147, dim=-1) for t in seen)
    assert (noisy - clean).abs().mean() > 0.05  # the pose is perturbed ...
    torch.testing.assert_close(noisy.diff(dim=1), clean.diff(dim=1))  # ... not the motion
    torch.testing.assert_close(noisy_change, clean_change)


def test_velocity_input_is_scaled_by_the_datas_changes():
    model = prepared(velocity_input=True)
    seqs = make_sequences()
    changes = np.concatenate([np.diff(s.motion, axis=0) for s in seqs])
    scaled = changes / model.motion_std.numpy() / model.velocity_std.numpy()
    informative = changes.std(0) > 1e-4  # channels that move at all
    np.testing.assert_allclose(scaled.std(0)[informative], 1.0, rtol=1e-3)
    c = model.config
    out = model(torch.randn(2, c.motion_frames, 147),
                torch.randn(2, c.audio_frames, model.audio_dim))
    assert out.shape == (2, c.future_frames, 147)


def test_linear_base_is_fitted_in_closed_form_by_prepare():
    """Before any gradient step, the ridge base predicts the toy dances' next frames far
    better than holding the last pose, and it is what the untrained network outputs."""
    model = prepared(linear_base=True, predict_change=True, beat_phase=False)
    assert model.base_weight.abs().sum() > 0
    batch = _rollout_batch(model)
    c = model.config
    motion = batch["motion"].clone()
    motion[..., [0, 2]] -= motion[:, :1, [0, 2]]  # windows start above the origin
    seed = model.norm_motion(motion[:, :c.motion_frames])
    target = model.norm_motion(motion[:, c.motion_frames:][:, :c.future_frames])
    with torch.no_grad():
        pred = model(seed, model.norm_audio(batch["audio"][:, :c.audio_frames]))
    hold = ((seed[:, -1:] - target) ** 2).mean()
    assert ((pred - target) ** 2).mean() < 0.5 * hold
    with pytest.raises(ParameterError, match="linear_base needs predict_change"):
        FACTConfig.from_dict({"linear_base": True, "predict_change": False}, complete=False)


def test_anchor_stops_a_slow_drift_but_keeps_the_moves():
    """A network whose every window adds the same small change drifts without end; the anchor
    holds its average pose near the data's, while frame-to-frame motion is untouched."""
    def drifting(anchor: float) -> torch.Tensor:
        model = prepared(predict_change=True, linear_base=False, anchor_seconds=anchor,
                         hypotheses=1)
        with torch.no_grad():
            model.head.bias[6] = 0.05  # the same rotation change in every predicted frame
        return model.generate_features(torch.zeros(1, 600, model.audio_dim), 600,
                                       model.seeds[:1])[0, :, 6]
    free, held = drifting(0.0), drifting(2.0)
    assert (free[-60:].mean() - free[60]).abs() > 5 * (held[-60:].mean() - held[60]).abs()
    assert held.diff()[200:].abs().max() < 0.2  # no jumps from the correction



def _two_way_batch(model: FACT, count: int = 16) -> dict[str, torch.Tensor]:
    """Identical seeds (standing still) and music; half the futures raise the left shoulder,
    half lower it: the future is two-valued, and its mean is standing still."""
    c = model.config
    frames = c.motion_frames + c.future_frames
    rot = np.zeros((count, frames, 24, 3))
    ramp = np.linspace(0, 1, c.future_frames + 1)[1:]
    rot[: count // 2, c.motion_frames:, 16, 2] = ramp
    rot[count // 2:, c.motion_frames:, 16, 2] = -ramp
    root = np.broadcast_to([0.0, 0.9, 0.0], (count, frames, 3))
    motion = encode_motion(torch.from_numpy(rot), torch.from_numpy(root.copy())).float()
    audio = torch.zeros(count, c.audio_frames, model.audio_dim)
    seqs = [Sequence(f"two/{i}", motion[i].numpy(), audio[0, :frames].numpy()) for i in
            range(count)]
    model.prepare(seqs)
    return {"motion": motion, "audio": audio,
            "style": torch.full((count,), len(c.styles), dtype=torch.long)}


@pytest.mark.parametrize("k", [1, 2])
def test_hypotheses_learn_both_futures_instead_of_their_mean(k):
    """One deterministic prediction learns the mean of a two-valued future (standing still);
    two hypotheses learn one future each, and the choice head learns they are equally likely."""
    model = tiny_model(hypotheses=k, dropout=0.0, seed_offset_noise=0.0, style_dropout=0.0,
                       rollout_passes=1, linear_base=False, velocity_loss=0.0,
                       energy_loss=0.0)
    batch = _two_way_batch(model)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(200):
        loss, _ = model.loss(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
    c = model.config
    model.eval()
    seed = model.norm_motion(batch["motion"][:1, :c.motion_frames])
    with torch.no_grad():
        preds, logits = model.hypotheses(seed, model.norm_audio(batch["audio"][:1]))
    assert preds.shape == (1, k, c.future_frames, 147) and logits.shape == (1, k)
    # the left shoulder's last predicted frame, as a rotation angle about z (6D: sin at [1])
    ends = preds[0, :, -1] * model.motion_std + model.motion_mean
    angles = sorted(float(torch.atan2(e[3 + 16 * 6 + 1], e[3 + 16 * 6])) for e in ends)
    if k == 1:
        assert abs(angles[0]) < 0.15  # the mean: the shoulder barely moves
    else:
        assert angles[0] < -0.8 and angles[1] > 0.8  # one hypothesis per real future
        assert torch.allclose(logits.softmax(dim=1), torch.full((1, 2), 0.5), atol=0.1)
        torch.testing.assert_close(model(seed, model.norm_audio(batch["audio"][:1])),
                                   preds[:, logits.argmax()])  # forward: the most likely


def test_hypotheses_are_drawn_with_the_generator():
    model = prepared(hypotheses=4)
    audio = torch.randn(1, 80, model.audio_dim)
    runs = [model.generate_features(audio, 80, model.seeds[:1],
                                    generator=torch.Generator().manual_seed(s)) for s in
            (1, 1, 2)]
    torch.testing.assert_close(runs[0], runs[1], rtol=0, atol=0)  # same seed, same dance
    assert not torch.allclose(runs[0], runs[2])
    likely = model.generate_features(audio, 80, model.seeds[:1])  # no generator: argmax
    torch.testing.assert_close(likely, model.generate_features(audio, 80, model.seeds[:1]))
    # generation decodes only the hypothesis it keeps: the same frames as picking from all
    c = model.config
    seed = model.norm_motion(model.seeds[:2])
    music = torch.randn(2, c.audio_frames, model.audio_dim)
    x = model.read_out(seed, music, None)
    index = torch.tensor([3, 1])
    torch.testing.assert_close(model.decode(x, seed, music, index)[:, 0],
                               model.decode(x, seed, music)[torch.arange(2), index])
    # the same linear base from the rearranged weights generation uses, one song or several
    for rows in (slice(0, 1), slice(0, 2)):
        torch.testing.assert_close(
            model.decode(x[rows], seed[rows], music[rows], index[rows], model.base_split()),
            model.decode(x[rows], seed[rows], music[rows], index[rows]))
    model.config.choice_temperature = 0.0  # temperature 0: the most likely, whatever the draw
    torch.testing.assert_close(likely, model.generate_features(
        audio, 80, model.seeds[:1], generator=torch.Generator().manual_seed(2)))
    with pytest.raises(ParameterError, match="choice_temperature"):
        FACTConfig.from_dict({"choice_temperature": -1.0}, complete=False)


def test_checkpoints_older_than_a_config_key_load_as_they_were_trained(tmp_path):
    model = prepared(hypotheses=1)
    path = tmp_path / "old.safetensors"
    old = {k: v for k, v in model.config.to_dict().items()
           if k not in ("hypotheses", "choice_loss", "phase_source")}
    _save(model, path, old)
    back = FACT.from_checkpoint(path)
    assert back.config.hypotheses == 1 and back.config.choice_loss == 0.0
    assert back.config.phase_source == "features"


@pytest.mark.parametrize("key", sorted(REMOVED_KEYS))
def test_removed_switches_load_off_and_are_refused_on(tmp_path, key):
    """A checkpoint from before a feature was taken out carries its key: at the "off" value
    it loads and dances exactly as without the key; asking for the feature is a clear
    error, from a checkpoint (CheckpointError) or a training config (ParameterError)."""
    model = prepared(hypotheses=2)
    current = model.config.to_dict()
    off, on = tmp_path / "off.safetensors", tmp_path / "on.safetensors"
    _save(model, off, {**current, key: REMOVED_KEYS[key]})
    back = FACT.from_checkpoint(off)
    assert back.config == model.config
    audio = torch.randn(1, 70, model.audio_dim)
    torch.testing.assert_close(
        back.generate_features(audio, 70, model.seeds[:1], generator=torch.Generator()
                               .manual_seed(3)),
        model.generate_features(audio, 70, model.seeds[:1], generator=torch.Generator()
                                .manual_seed(3)), rtol=0, atol=0)
    asked = {"seed_noise": 0.05, "blend_frames": 5, "join_frames": 2, "rollout_draw": 1.0,
             "sweep_loss": 3.0, "speed_loss": 1.0}[key]
    _save(model, on, {**current, key: asked})
    with pytest.raises(CheckpointError, match=f"asks for {key}=.*no longer has"):
        FACT.from_checkpoint(on)
    with pytest.raises(ParameterError, match=f"asks for {key}="):
        FACTConfig.from_dict({key: asked}, complete=False)
    with pytest.raises(ParameterError, match=key):
        FACTConfig.from_dict({key: True}, complete=False)  # a bool is not the off value
    assert key not in FACTConfig().to_dict()

def test_music_windows_encoded_ahead_in_any_chunks_give_the_same_dance(monkeypatch):
    """Generation encodes the music of many windows in one batch (the audio transformer never
    sees the dance); however the windows are chunked, two songs with their own styles get
    the dance each gets with one window encoded at a time."""
    from dancekit.models.fact import sampling

    model = prepared(hypotheses=2)
    audio = torch.randn(2, 90, model.audio_dim)
    seed, style = model.seeds[:2], torch.tensor([0, 1])
    dances = []
    for chunk in (1, 3, 64):
        monkeypatch.setattr(sampling, "AUDIO_BATCH", chunk)
        dances.append(model.generate_features(audio, 90, seed, style,
                                              torch.Generator().manual_seed(0)))
    torch.testing.assert_close(dances[1], dances[0], rtol=0, atol=1e-5)
    torch.testing.assert_close(dances[2], dances[0], rtol=0, atol=1e-5)


@pytest.mark.parametrize("frames", [5, 13, 61, 250])
def test_generates_any_length(frames):
    model = prepared()
    audio = torch.randn(1, frames, model.audio_dim)
    out = model.generate_features(audio, frames, model.seeds[:1])
    assert out.shape == (1, frames, 147) and torch.isfinite(out).all()
    motion = features_to_motion(out[0], 30)
    assert motion.num_frames == frames and motion.has_rotations


def test_style_labels():
    model = prepared()
    assert model.style_index("b") == 1
    with pytest.raises(ParameterError, match="unknown style 'waltz'"):
        model.style_index("waltz")


def test_config_is_strict():
    with pytest.raises(ParameterError, match="unknown FACT config keys: hiden"):
        FACTConfig.from_dict({"hiden": 64}, complete=False)
    with pytest.raises(CheckpointError, match="missing keys"):
        FACTConfig.from_dict({"hidden": 64})
    with pytest.raises(ParameterError, match="multiple of heads"):
        FACTConfig.from_dict({"hidden": 30, "heads": 4}, complete=False)


def _save(model: FACT, path, config=None):
    save_model(path, "fact", config or model.config.to_dict(), model.state_dict())


def test_checkpoint_round_trip(tmp_path):
    model = prepared()
    path = tmp_path / "m.safetensors"
    _save(model, path)
    assert json.loads(path.with_suffix(".json").read_text())["model"] == "fact"
    back = load_model(path)
    assert isinstance(back, FACT) and back.config == model.config
    audio = torch.randn(1, 80, model.audio_dim)
    torch.testing.assert_close(back.generate_features(audio, 80, model.seeds[:1]),
                               model.generate_features(audio, 80, model.seeds[:1]))
    assert isinstance(load_model("fact", checkpoint=path), FACT)


def test_bad_checkpoints_are_clear_errors(tmp_path):
    model = prepared()
    with pytest.raises(CheckpointError, match="not found"):
        FACT.from_checkpoint(tmp_path / "nope.safetensors")
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match="cannot read"):
        FACT.from_checkpoint(junk)
    extra = tmp_path / "extra.safetensors"
    _save(model, extra, {**model.config.to_dict(), "depth": 3})
    with pytest.raises(CheckpointError, match="unknown FACT config keys: depth"):
        FACT.from_checkpoint(extra)
    wrong = tmp_path / "wrong.safetensors"
    _save(model, wrong, {**model.config.to_dict(), "hidden": 64})
    with pytest.raises(CheckpointError, match="does not match"):
        FACT.from_checkpoint(wrong)
    with pytest.raises(ParameterError, match="unknown model 'nope'"):
        load_model("nope")


def test_generate_dances_to_a_real_song(music_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    song = sorted(music_dir.glob("*.ogg"))[0]
    model = prepared()
    a = model.generate(song, seconds=4.0, seed=1, style="a")
    assert a.num_frames == 120 and a.fps == 30 and a.has_rotations
    assert a.skeleton.name == "smpl24" and a.meta["audio"] == str(song)
    again = model.generate(song, seconds=4.0, seed=1, style="a")
    np.testing.assert_array_equal(a.positions, again.positions)  # same seed, same dance
    other = model.generate(song, seconds=4.0, seed=2, style="a")
    assert not np.allclose(a.positions, other.positions)
    whole = model.generate(song)
    assert abs(whole.duration - 30.0) < 0.1
    seeded = model.generate(song, seconds=3.0, seed_motion=a)
    np.testing.assert_allclose(seeded.positions[:12], a.positions[-12:], atol=1e-4)
    with pytest.raises(ParameterError, match="lasts only"):
        model.generate(song, seconds=45)
    with pytest.raises(ParameterError, match="seed motion needs"):
        model.generate(song, seed_motion=a[:5])


def test_bundled_default_weights(music_dir, tmp_path, monkeypatch):
    from dancekit.models.fact import WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    weights = WEIGHTS_DIR / "model.safetensors"
    assert weights.stat().st_size <= 20 * 2**20
    assert (WEIGHTS_DIR / "README.md").is_file()  # the data card
    model = load_model("fact")
    assert isinstance(model, FACT) and bool(model.seeds_ready)
    header = json.loads(weights.with_suffix(".json").read_text())
    # complete: no code default is needed (only keys added later, with their legacy value)
    assert set(FACTConfig().to_dict()) - set(header["config"]) <= set(ADDED_KEYS)
    # it was written with four switches since taken out, each at its "off" value
    assert {k: header["config"][k] for k in REMOVED_KEYS if k in header["config"]} == {
        "seed_noise": 0.0, "blend_frames": 0, "join_frames": 0, "rollout_draw": 0.0}
    song = sorted(music_dir.glob("*.ogg"))[1]
    dance = model.generate(song, seconds=4.0, style="pop")
    assert dance.num_frames == 120 and np.isfinite(dance.positions).all()
    feet = dance.positions[:, list(dance.skeleton.feet[0] + dance.skeleton.feet[1]), 1]
    assert -0.15 < feet.min() and feet.min(axis=1).max() < 0.3  # stands on the floor


def test_bundled_model_joins_whole_windows_smoothly(tmp_path, monkeypatch):
    """The bundled model keeps all 20 predicted frames per window (the speed) and, trained on
    its own roll-outs, starts each window where the last one ended: the acceleration at
    window starts stays within a few times the dance's median (the paper-style weights
    bundled before jumped at 17x); keeping half a window does too."""
    from dancekit.models.fact import WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    song = WEIGHTS_DIR.parent.parent / "assets" / "demo_song.ogg"
    model = load_model("fact")
    c = model.config
    assert c.generate_step == c.future_frames == 20

    def boundary_jump(step: int) -> float:
        c.generate_step = step
        pos = model.generate(song, seconds=8.0, seed=1).positions
        accel = np.linalg.norm(np.diff(pos, 2, axis=0), axis=-1).mean(axis=1)  # (T-2,)
        starts = np.arange(c.motion_frames, len(pos) - 1, step) - 1  # first kept frame - 1
        return float(accel[starts].mean() / np.median(accel))

    assert boundary_jump(20) < 4.0
    assert boundary_jump(10) < 4.0


def test_ballroom_weights_dance_a_real_waltz_with_learned_travel(ballroom_dir, tmp_path,
                                                                  monkeypatch):
    """``--model fact-ballroom``: FACT's weights trained on real ballroom capture know the four
    ballroom genres beside the synthetic styles, pick waltz for a 3/4 ballroom song, dance
    with learned travel by default and cover the floor (at least 0.15 m/s; real couples
    0.54), name themselves in the dance's meta, and are not a separate model to train."""
    from dancekit import dance
    from dancekit.models import trainable_models
    from dancekit.models.fact.model import BALLROOM_WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    assert (BALLROOM_WEIGHTS_DIR / "README.md").is_file()  # the data card
    assert (BALLROOM_WEIGHTS_DIR / "model.safetensors").stat().st_size <= 12 * 2**20
    model = load_model("fact-ballroom")
    assert isinstance(model, FACT) and bool(model.seeds_ready)
    assert {"chacha", "rumba", "tango", "waltz"} <= set(model.styles)
    assert "fact-ballroom" not in trainable_models()
    song = ballroom_dir / "DANCE_W_1" / "audio.mp3"
    motion = dance(song, model="fact-ballroom", seconds=20.0, seed=0)
    assert motion.meta["model"] == "fact-ballroom" and motion.meta["style"] == "waltz"
    assert motion.meta["travel"] == "learned"
    root = motion.positions[:, 0, [0, 2]]
    assert np.linalg.norm(np.diff(root, axis=0), axis=-1).mean() * motion.fps > 0.15
    feet = motion.positions[:, list(motion.skeleton.feet[0] + motion.skeleton.feet[1]), 1]
    assert -0.15 < feet.min() and feet.min(axis=1).max() < 0.3  # stands on the floor
    again = dance(song, model="fact-ballroom", seconds=20.0, seed=0)
    np.testing.assert_array_equal(again.positions, motion.positions)
