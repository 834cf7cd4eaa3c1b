"""Dance Revolution: the local attention band, shapes, the decoder's causality, the
auto-condition schedule, learning one batch, exact resume, songs of any length, the CLI."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import yaml

from dancekit import ParameterError
from dancekit.data import Sequence, split_by_sequence
from dancekit.errors import CheckpointError
from dancekit.models.dance_revolution import (
    DanceRevolution,
    DanceRevolutionConfig,
    feed_schedule,
    local_attention,
    own_frames,
)
from dancekit.models.dance_revolution.sampling import from_steps, generate_steps, to_steps
from dancekit.train import TrainConfig, Trainer
from test_train import make_sequences, tiny_synth_set

TINY = dict(window=3, hidden=16, heads=2, ff=32, encoder_layers=2, pose_embed=8,
            decoder_hidden=24, decoder_layers=2, train_frames=20, truth_frames=4, own_max=3,
            own_every=2, seed_bank=4, styles=["a", "b"])


# the bundled weights' dances: mean joint speed (m/s; real ballroom about 0.5, a frozen dancer
# under 0.05) and mean pelvis height over 30 s (m; the training data's 1.03 +- 0.15)
SPEED_RANGE = (0.08, 1.5)
PELVIS_RANGE = (0.75, 1.35)


#: Small recurrent steps and frame-by-frame decoding: one torch thread (conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny_model(**over) -> DanceRevolution:
    torch.manual_seed(0)
    return DanceRevolution(DanceRevolutionConfig.from_dict({**TINY, **over}, complete=False))


def toy_sequences(n: int = 6, frames: int = 90) -> list[Sequence]:
    """test_train's music-driven toy dances in step form, their music widened to 440
    columns (the pulse stays in column 0)."""
    out = []
    for s in make_sequences(n, frames):
        music = np.zeros((len(s.audio), 440), np.float32)
        music[:, :s.audio.shape[1]] = s.audio
        out.append(Sequence(s.name, to_steps(s.motion), music, s.style))
    return out


def toy_batch(model: DanceRevolution, batch: int = 4) -> dict[str, torch.Tensor]:
    from dancekit.data.windows import collate, make_windows

    seqs = toy_sequences()
    m_len, a_len = model.window_lengths()
    windows = make_windows(seqs, max(m_len, a_len), 7)[:batch]
    return collate(seqs, windows, m_len, a_len, model.config.styles)


# --- the encoder's band -------------------------------------------------------------------
def test_local_attention_equals_a_band_masked_full_attention_across_chunks():
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 29, 5, generator=gen) for _ in range(3))
    window = 4
    bias = torch.randn(3, 2 * window + 1, generator=gen)
    offset = torch.arange(29)[None] - torch.arange(29)[:, None]
    full = bias[:, offset.clamp(-window, window) + window].masked_fill(
        offset.abs() > window, float("-inf"))
    dense = F.scaled_dot_product_attention(q, k, v, attn_mask=full)
    for chunk in (1, 6, 29, 64):  # chunk edges anywhere, or one chunk for all
        assert torch.allclose(local_attention(q, k, v, bias, window, chunk=chunk), dense,
                              atol=1e-6)


def test_an_encoded_frame_hears_only_music_within_its_receptive_field():
    """Two layers of a 3-frame band: frame 20 hears frames 14..26 and nothing further."""
    model = tiny_model().eval()
    music = torch.randn(1, 41, 440)
    style = torch.tensor([2])
    with torch.no_grad():
        base = model.encode_music(music, style)
        far = music.clone()
        far[:, :14] += 5.0
        far[:, 27:] -= 5.0
        assert torch.allclose(model.encode_music(far, style)[0, 20], base[0, 20], atol=1e-6)
        near = music.clone()
        near[:, 26] += 5.0
        assert not torch.allclose(model.encode_music(near, style)[0, 20], base[0, 20])


# --- shapes and the decoder ---------------------------------------------------------------
def test_shapes_of_encoder_decoder_and_generation():
    model = tiny_model().eval()
    batch = toy_batch(model)
    assert batch["motion"].shape == (4, 21, 147) and batch["audio"].shape == (4, 24, 440)
    heard = model.encode_music(batch["audio"], batch["style"])
    assert heard.shape == (4, 24, 16)
    state = model.initial_state(4, torch.Generator().manual_seed(0))
    pred, fed = model.decode(heard[:, 1:21], batch["motion"][:, :20], torch.ones(20, dtype=bool),
                             state)
    assert pred.shape == fed.shape == (4, 20, 147)
    steps = generate_steps(model, batch["audio"], 17, batch["motion"][:, 0], batch["style"])
    assert steps.shape == (4, 17, 147)
    assert torch.equal(steps[:, 0], batch["motion"][:, 0])  # the start is the first frame


def test_decoder_is_causal_in_the_poses_it_is_fed():
    """Prediction i reads real poses 0..i only: changing poses from frame 9 on leaves
    predictions 0..8 as they were and changes prediction 9."""
    model = tiny_model().eval()
    batch = toy_batch(model, 2)
    heard = model.encode_music(batch["audio"], batch["style"])[:, 1:21]
    real = batch["motion"][:, :20]
    feed = torch.ones(20, dtype=bool)
    with torch.no_grad():
        a, _ = model.decode(heard, real, feed, model.initial_state(2, torch.Generator()
                                                                   .manual_seed(1)))
        later = real.clone()
        later[:, 9:] += 1.0
        b, _ = model.decode(heard, later, feed, model.initial_state(2, torch.Generator()
                                                                    .manual_seed(1)))
    # (a contiguous copy may take another matmul kernel: equal to float rounding)
    assert torch.allclose(a[:, :9], b[:, :9], atol=1e-6, rtol=0)
    assert (a[:, 9] - b[:, 9]).abs().max() > 1e-3


# --- the curriculum -----------------------------------------------------------------------
def test_schedule_grows_the_own_blocks_up_to_the_cap():
    c = DanceRevolutionConfig.from_dict(TINY, complete=False)  # 4 real, +1 own per 2 steps
    assert [own_frames(c, s) for s in (0, 1, 2, 3, 4, 6, 100)] == [0, 0, 1, 1, 2, 3, 3]
    assert feed_schedule(c, 0, 9).all()  # teacher forcing at first
    assert feed_schedule(c, 4, 12).tolist() == [True] * 4 + [False] * 2 + [True] * 4 + [
        False] * 2
    assert feed_schedule(c, 10**6, 8).tolist() == [True] * 4 + [False] * 3 + [True]
    forced = DanceRevolutionConfig.from_dict({**TINY, "own_max": 0}, complete=False)
    assert feed_schedule(forced, 10**6, 50).all()  # the teacher-forcing-only baseline


def test_the_decoder_is_fed_what_the_schedule_says():
    """Where the schedule says real, the decoder's input is the real pose; elsewhere it is
    the decoder's own previous prediction."""
    model = tiny_model().eval()
    batch = toy_batch(model, 2)
    heard = model.encode_music(batch["audio"], batch["style"])[:, 1:21]
    real = (batch["motion"][:, :20] - model.motion_mean) / model.motion_std
    feed = feed_schedule(model.config, 6, 20)
    assert (~feed).sum() == 8  # 4 real and 3 own, repeated: 3 + 3 + 2 own
    with torch.no_grad():
        pred, fed = model.decode(heard, real, feed, model.initial_state(2, None))
    for i in range(20):
        want = real[:, i] if feed[i] else pred[:, i - 1]
        assert torch.equal(fed[:, i], want), i


def test_each_training_loss_counts_a_step_and_reads_the_schedule_at_it():
    model = tiny_model()
    batch = toy_batch(model)
    seen = []
    for _ in range(5):
        _, parts = model.loss(batch, torch.Generator().manual_seed(0))
        seen.append(parts["own_frames"])
    assert seen == [0, 0, 1, 1, 2] and int(model.trained_steps) == 5
    model.eval()
    model.loss(batch)
    assert int(model.trained_steps) == 5  # validation does not advance the curriculum


# --- learning and resume ------------------------------------------------------------------
def test_overfits_one_batch():
    model = tiny_model(dropout=0.0, style_dropout=0.0, own_max=0, state_noise=0.0)
    model.prepare(toy_sequences())
    batch = toy_batch(model, 4)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = None
    for _ in range(200):
        loss, parts = model.loss(batch)
        first = first if first is not None else parts["l1_loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert parts["l1_loss"] < 0.35 * first, (first, parts)


def test_resume_is_exact_through_the_growing_schedule(tmp_path):
    """A run stopped at step 4 and resumed to 8 ends with the uninterrupted run's weights
    (the schedule changes every 2 steps in between)."""
    from safetensors.torch import load_file

    def run(out, steps: int, resume: bool = False) -> None:
        train, val = split_by_sequence(toy_sequences(), 0.2)
        # a constant rate: the cut run's shorter cosine would otherwise differ by design
        cfg = TrainConfig(steps=steps, batch_size=4, val_samples=0, warmup_steps=0,
                          min_lr_ratio=1.0, window_stride=5, checkpoint_every=4,
                          val_every=10**6)
        Trainer(tiny_model(), "dance-revolution", train, val, cfg, out, resume=resume,
                show_progress=False).fit()

    run(tmp_path / "ref", 8)
    run(tmp_path / "cut", 4)
    run(tmp_path / "cut", 8, resume=True)
    ref, cut = (load_file(str(tmp_path / r / "model.safetensors")) for r in ("ref", "cut"))
    assert ref.keys() == cut.keys()
    assert all(torch.equal(ref[k], cut[k]) for k in ref)
    assert int(ref["trained_steps"]) == 8
    loaded = DanceRevolution.from_checkpoint(tmp_path / "ref" / "model.safetensors")
    assert loaded.config == tiny_model().config


def test_generation_follows_the_seed_and_travels_from_the_start():
    model = tiny_model()
    model.prepare(toy_sequences())
    music = torch.from_numpy(toy_sequences(1, 300)[0].audio[None])
    style = torch.tensor([0])

    def dance(seed: int) -> torch.Tensor:
        start = model.starts[seed % 4][None]
        return from_steps(generate_steps(model, music, 300, start, style,
                                         torch.Generator().manual_seed(seed)))

    a, b, c = dance(1), dance(1), dance(2)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(a[0, 0, [0, 2]], torch.zeros(2))  # x, z start over the origin
    assert torch.isfinite(a).all()


# --- config -------------------------------------------------------------------------------
def test_config_is_strict_and_the_published_size_is_valid():
    published = DanceRevolutionConfig.published()
    published.validate()
    assert (published.window, published.decoder_hidden, published.decoder_layers) == (
        100, 1024, 3)
    assert not published.beat_phase and not published.music_to_decoder
    with pytest.raises(ParameterError, match="unknown dance-revolution config keys: windw"):
        DanceRevolutionConfig.from_dict({"windw": 3}, complete=False)
    with pytest.raises(ParameterError, match="fps"):
        DanceRevolutionConfig.from_dict({"fps": 25.0}, complete=False)
    with pytest.raises(ParameterError, match="multiple of heads"):
        DanceRevolutionConfig.from_dict({"hidden": 30, "heads": 4}, complete=False)
    with pytest.raises(CheckpointError, match="missing keys"):
        DanceRevolutionConfig.from_dict({"window": 3})
    with pytest.raises(ParameterError, match="too large"):
        DanceRevolutionConfig.from_dict({"decoder_hidden": 2**20}, complete=False)


# --- the commands -------------------------------------------------------------------------
@pytest.mark.slow
def test_train_and_dance_through_the_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.io import load_motion

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tiny_synth_set(tmp_path / "synth")
    cfg = tmp_path / "tiny.yaml"
    cfg.write_text(yaml.safe_dump({"model": {k: v for k, v in TINY.items() if k != "styles"},
                                   "train": {"batch_size": 4, "val_fraction": 0.34,
                                             "val_every": 3, "val_seconds": 3.0,
                                             "checkpoint_every": 2, "warmup_steps": 1}}))
    run = tmp_path / "run"
    runner = CliRunner()
    res = runner.invoke(app, ["train", "dance-revolution", "--data", str(data), "--out",
                              str(run), "--config", str(cfg), "--steps", "3"])
    assert res.exit_code == 0, res.output
    assert "val_loss" in res.stdout
    song = sorted(data.glob("*.wav"))[0]
    out = tmp_path / "dance.npz"
    res = runner.invoke(app, ["dance", str(song), "-o", str(out), "--model",
                              "dance-revolution", "--checkpoint",
                              str(run / "model.safetensors"), "--style", "waltz"])
    assert res.exit_code == 0, res.output
    motion = load_motion(out)
    assert abs(motion.duration - 6.0) < 0.1 and motion.meta["model"] == "dance-revolution"
    assert np.isfinite(motion.positions).all()



# --- the bundled weights --------------------------------------------------------------------
def feet_and_speed(motion) -> tuple[float, float]:
    """The lowest foot joint (m) and the mean joint speed (m/s) of a dance."""
    feet = list(motion.skeleton.feet[0] + motion.skeleton.feet[1])
    speed = np.linalg.norm(np.diff(motion.positions, axis=0), axis=-1).mean() * motion.fps
    return float(motion.positions[:, feet, 1].min()), float(speed)


def test_bundled_weights_dance_real_music(music_dir, tmp_path, monkeypatch):
    import json

    from dancekit.models import load_model
    from dancekit.models.dance_revolution import WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    weights = WEIGHTS_DIR / "model.safetensors"
    assert weights.stat().st_size <= 10 * 2**20
    assert (WEIGHTS_DIR / "README.md").is_file()  # the data card
    header = json.loads(weights.with_suffix(".json").read_text())
    assert set(header["config"]) == set(DanceRevolutionConfig().to_dict())  # complete
    model = load_model("dance-revolution")
    assert isinstance(model, DanceRevolution) and "waltz" in model.styles
    song = sorted(music_dir.glob("*.ogg"))[1]
    dance = model.generate(song, seconds=8.0, style="waltz", seed=2)
    assert dance.num_frames == 240 and np.isfinite(dance.positions).all()
    lowest, speed = feet_and_speed(dance)
    assert -0.15 < lowest < 0.3 and SPEED_RANGE[0] < speed < SPEED_RANGE[1]
    again = model.generate(song, seconds=8.0, style="waltz", seed=2)
    assert np.array_equal(again.positions, dance.positions)  # same seed, same dance


@pytest.mark.slow
def test_a_three_minute_song_is_danced_without_freezing_or_sinking(ballroom_dir, tmp_path,
                                                                    monkeypatch):
    """A held-out ballroom song, 3 minutes in one pass: every 30 s the dancer still moves
    and the pelvis stays at standing height."""
    from dancekit.models import load_model

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    dance = load_model("dance-revolution").generate(ballroom_dir / "DANCE_C_2" / "audio.mp3",
                                                    seconds=180.0, seed=0)
    block = int(30 * dance.fps)
    for start in range(0, dance.num_frames - block + 1, block):
        part = dance[start:start + block]
        _, speed = feet_and_speed(part)
        assert speed > SPEED_RANGE[0], (start, speed)
        assert PELVIS_RANGE[0] < part.positions[:, 0, 1].mean() < PELVIS_RANGE[1], start
