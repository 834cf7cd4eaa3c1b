"""Dancing to Music: the kinematic beat detector on dances with known beats, dance units of
real ballroom capture, the DU-VAE's shapes and one batch learned, a GAN step, exact resume
across the two stages, composition, and the commands."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import yaml

from dancekit import ParameterError
from dancekit.data import Sequence, split_by_sequence
from dancekit.errors import CheckpointError
from dancekit.models.d2m import D2M, D2MConfig, dance_units, music_bounds, unit_bounds
from dancekit.models.d2m.sampling import assemble, compose_units
from dancekit.models.d2m.training import split_rows
from dancekit.models.d2m.units import cut_units, unit_music
from dancekit.models.representation import MOTION_DIM, motion_to_features
from dancekit.motion import Motion, movement_beats
from dancekit.motion.speed import slow_downs
from dancekit.train import TrainConfig, Trainer
from test_train import make_sequences, tiny_synth_set

TINY = dict(unit_frames=8, units=3, beat_points=4, pose_code=4, move_code=6, hidden=24,
            noise=4, music_hidden=12, dis_hidden=12, vae_steps=3, seed_bank=4,
            styles=["a", "b"])


#: Small recurrent steps and frame-by-frame decoding: one torch thread (conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny_model(**over) -> D2M:
    torch.manual_seed(0)
    return D2M(D2MConfig.from_dict({**TINY, **over}, complete=False))


def toy_sequences(model: D2M, n: int = 6, frames: int = 150) -> list[Sequence]:
    """test_train's music-driven toy dances cut into units of 10 frames (a pulse's worth),
    as the rows ``encode`` makes."""
    c = model.config
    out = []
    for s in make_sequences(n, frames, phase=False):
        bounds = np.stack([np.arange(0, frames - 10, 10), np.arange(10, frames, 10)], 1)
        units = cut_units(s.motion, bounds, c.unit_frames)
        seconds = np.full((len(units), 1), 10 / c.fps, np.float32)
        rows = np.concatenate([units.reshape(len(units), -1), seconds], axis=1)
        out.append(Sequence(s.name, rows, unit_music(s.audio, bounds, c.beat_points, c.fps),
                            s.style))
    return out


def toy_batch(model: D2M, batch: int = 4) -> dict[str, torch.Tensor]:
    from dancekit.data.windows import collate, make_windows

    seqs = toy_sequences(model)
    windows = make_windows(seqs, model.config.units, 2)[:batch]
    return collate(seqs, windows, model.config.units, model.config.units, model.styles)


def ballroom_units(ballroom_dir, name: str = "DANCE_R_3", **over):
    """A real ballroom dance on SMPL-24 at 30 fps, its features and its units."""
    from dancekit.data.ballroom import ballroom_sequence
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.motion import resample

    motion = resample(smpl_with_rotations(ballroom_sequence(ballroom_dir / name).motion), 30)
    feats = motion_to_features(motion)
    c = D2MConfig.from_dict({**TINY, **over}, complete=False)
    units, bounds = dance_units(motion, feats, c.unit_beats, c.unit_frames,
                                c.min_unit_seconds, c.max_unit_seconds)
    return motion, feats, units, bounds


# --- the kinematic beat detector ----------------------------------------------------------
def test_movement_beats_find_the_beats_the_choreographer_danced_to():
    """Synthetic dances whose music beats are known: most detected beats lie within 0.1 s
    of a beat and most beats are found; the same beats moved half a beat (off the beat)
    are hit far less often."""
    from dancekit.synth.dataset import make_pair

    hits, found, off = [], [], []
    for style in ("hiphop", "latin", "ballet", "waltz", "house", "pop"):
        pair = make_pair(style, seconds=12.0, seed=0)
        beats = np.asarray(pair.song.truth["beats"])
        kin = movement_beats(pair.motion)
        half = beats[:-1] + np.diff(beats) / 2
        hits += list(np.abs(kin[:, None] - beats).min(1) <= 0.1)
        found += list(np.abs(beats[:, None] - kin).min(1) <= 0.1)
        off += list(np.abs(kin[:, None] - half).min(1) <= 0.1)
    assert np.mean(hits) >= 0.6 and np.mean(found) >= 0.7, (np.mean(hits), np.mean(found))
    assert np.mean(off) <= 0.5 * np.mean(hits)


def test_movement_beats_see_a_change_of_direction_that_does_not_slow_the_body():
    """One hand turns back every 0.5 s at a constant 2 m/s while the other speeds up
    steadily: body speed never drops (no slow-down), but the turns are beats."""
    fps = 60
    t = np.arange(90) / fps
    phase = t % 0.5
    angle = np.where(phase >= 0.4, (phase - 0.4) / 0.1 * np.pi, 0) + np.pi * (t // 0.5 % 2)
    hand = np.cumsum(2 * np.stack([np.cos(angle), np.sin(angle)], 1), 0) / fps
    other = np.stack([0.5 * t ** 2, 0 * t], 1)
    flat = np.stack([hand, other], 1)
    positions = np.stack([flat[..., 0], 0 * flat[..., 0], flat[..., 1]], -1)
    assert slow_downs(Motion(np.repeat(positions, 9, 1)[:, :17], fps, "coco17")).size == 0
    beats = movement_beats(positions, fps=fps)
    assert np.allclose(beats, [0.45, 0.95], atol=0.05), beats
    assert movement_beats(positions, fps=fps, turn=1.0).size == 0  # turns switched off


def test_movement_beats_refuse_what_they_cannot_read():
    with pytest.raises(ParameterError, match="fps"):
        movement_beats(np.zeros((10, 2, 3)))
    with pytest.raises(ParameterError, match="turn"):
        movement_beats(np.zeros((10, 2, 3)), fps=30, turn=0.0)
    assert movement_beats(np.zeros((2, 2, 3)), fps=30).size == 0


# --- dance units ---------------------------------------------------------------------------
def test_units_of_real_ballroom_capture(ballroom_dir):
    motion, feats, units, bounds = ballroom_units(ballroom_dir)
    beats = np.round(movement_beats(motion) * motion.fps).astype(int)
    assert units.shape == (len(bounds), 8, MOTION_DIM) and len(units) > 20
    cuts = beats[::2]  # unit_beats = 2: every other kinematic beat opens a unit
    assert set(bounds[:, 0]) <= set(cuts) and set(bounds[:, 1]) <= set(cuts)
    length = (bounds[:, 1] - bounds[:, 0]) / motion.fps
    assert length.min() >= 0.4 and length.max() <= 4.0
    np.testing.assert_allclose(units[:, 0, [0, 2]], 0.0, atol=1e-6)  # root-relative
    a, b = bounds[3]
    np.testing.assert_allclose(units[3, 0, 3:], feats[a, 3:], atol=1e-6)  # from its start
    np.testing.assert_allclose(units[3, -1, 3:], feats[b, 3:], atol=1e-6)  # to its end
    travel = feats[b, [0, 2]] - feats[a, [0, 2]]
    np.testing.assert_allclose(units[3, -1, [0, 2]], travel, atol=1e-5)


def test_unit_bounds_drop_units_outside_the_lengths():
    beats = np.array([0, 10, 20, 25, 35, 36, 41, 50, 220])
    bounds = unit_bounds(beats, 2, 30.0, 0.4, 4.0)
    assert bounds.tolist() == [[0, 20], [20, 35]]  # 35 -> 41 lasts 0.2 s, 41 -> 220 6 s


def test_music_bounds_cover_the_song_on_its_beats():
    beats = np.arange(0.25, 20, 0.5)  # 120 BPM, with a 6 s gap
    beats = beats[(beats < 8) | (beats > 14)]
    bounds = music_bounds(beats, 600, 2, 30.0, 4.0)
    assert bounds[0, 0] == 0 and bounds[-1, 1] == 599
    assert np.array_equal(bounds[1:, 0], bounds[:-1, 1])  # consecutive, sharing a frame
    assert (np.diff(bounds, axis=1) >= 1).all() and (np.diff(bounds, axis=1) <= 120).all()
    assert np.isin(np.round(beats[::2] * 30)[1:8], bounds[:, 0]).all()  # cut on beats


# --- the DU-VAE ----------------------------------------------------------------------------
def test_vae_shapes_and_one_batch_of_real_units_learned(ballroom_dir):
    _, _, units, bounds = ballroom_units(ballroom_dir)
    model = tiny_model(vae_steps=10**6, hidden=64, move_code=16)
    rows = np.concatenate([units.reshape(len(units), -1),
                           ((bounds[:, 1] - bounds[:, 0]) / 30.0)[:, None]], 1)
    seq = Sequence("real", rows.astype(np.float32),
                   np.zeros((len(rows), model.config.music_dim), np.float32), "a")
    model.prepare([seq])
    x = (torch.from_numpy(units[:12]) - model.motion_mean) / model.motion_std
    pose, pose_logvar = model.encode_initial(x[:, 0])
    move, move_logvar = model.encode_movement(x)
    assert pose.shape == pose_logvar.shape == (12, 4)
    assert move.shape == move_logvar.shape == (12, 16)
    out = model.decode(pose, move, x[:, 0])
    assert out.shape == (12, 8, MOTION_DIM)
    assert torch.allclose(out[:, 0], x[:, 0], atol=1e-6)  # a unit starts where it is told
    batch = {"motion": torch.from_numpy(rows[:12].astype(np.float32))[:, None],
             "audio": torch.zeros(12, 1, model.config.music_dim),
             "style": torch.zeros(12, dtype=torch.long)}
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    first = None
    for step in range(300):
        loss, parts = model.loss(batch, torch.Generator().manual_seed(step))
        first = first if first is not None else parts["recon"]
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # as the Trainer does
        opt.step()
    assert parts["recon"] < 0.7 * first, (first, parts)
    assert set(parts) == {"recon", "kl", "cycle"}


def test_a_gan_step_trains_the_generator_and_discriminator_not_the_vae():
    model = tiny_model()
    model.prepare(toy_sequences(model))
    model.trained_steps.fill_(model.config.vae_steps)  # the MM-GAN stage
    model.train()
    loss, parts = model.loss(toy_batch(model), torch.Generator().manual_seed(0))
    loss.backward()
    assert {"d_loss", "g_adv", "code", "d_style", "g_style"} <= set(parts)
    for name, p in model.named_parameters():
        part = name.split(".")[0]
        if part in ("initial_encoder", "movement_encoder", "movement_out", "decoder_start",
                    "decoder", "decoder_out"):
            assert p.grad is None, name
        elif part in ("generator", "generator_out", "discriminator", "music_in"):
            assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert int(model.trained_steps) == model.config.vae_steps + 1


def test_the_generators_loss_does_not_train_the_discriminator():
    """The generator's terms read the discriminator's weights detached: with the
    discriminator's own terms taken away, its weights get no gradient."""
    from dancekit.models.d2m.training import gan_loss, normal

    model = tiny_model()
    model.prepare(toy_sequences(model))
    batch = toy_batch(model)
    raw, _ = split_rows(model, batch["motion"])
    terms = gan_loss(model, normal(model, raw), batch["audio"], batch["style"],
                     batch["style"], torch.Generator().manual_seed(0))
    (terms["g_adv"] + terms["g_style"] + terms["code"]).backward()
    assert all(p.grad is None for p in model.discriminator.parameters())
    assert all(p.grad is not None for p in model.generator.parameters())


def test_resume_is_exact_across_the_two_stages(tmp_path):
    """A run stopped at step 2 (in the DU-VAE stage) and resumed to 6 (3 steps into the
    MM-GAN) ends with the uninterrupted run's weights."""
    from safetensors.torch import load_file

    def run(out, steps: int, resume: bool = False) -> None:
        model = tiny_model()
        train, val = split_by_sequence(toy_sequences(model), 0.2)
        cfg = TrainConfig(steps=steps, batch_size=4, val_samples=0, warmup_steps=0,
                          min_lr_ratio=1.0, window_stride=2, checkpoint_every=2,
                          val_every=10**6)
        Trainer(model, "d2m", train, val, cfg, out, resume=resume, show_progress=False).fit()

    run(tmp_path / "ref", 6)
    run(tmp_path / "cut", 2)
    run(tmp_path / "cut", 6, resume=True)
    ref, cut = (load_file(str(tmp_path / r / "model.safetensors")) for r in ("ref", "cut"))
    assert ref.keys() == cut.keys()
    assert all(torch.equal(ref[k], cut[k]) for k in ref)
    assert int(ref["trained_steps"]) == 6
    loaded = D2M.from_checkpoint(tmp_path / "ref" / "model.safetensors")
    assert loaded.config == tiny_model().config


# --- composition ---------------------------------------------------------------------------
def test_composed_units_follow_the_seed_and_join_without_a_jump():
    model = tiny_model()
    seqs = toy_sequences(model)
    model.prepare(seqs)
    music = torch.from_numpy(seqs[0].audio)

    def units(seed: int) -> torch.Tensor:
        return compose_units(model, music, model.starts[0], 0,
                             torch.Generator().manual_seed(seed))

    a, b, c = units(1), units(1), units(2)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert a.shape == (len(music), 8, MOTION_DIM)
    assert torch.allclose(a[1:, 0, 3:], a[:-1, -1, 3:], atol=1e-5)  # next starts at the end
    bounds = np.stack([np.arange(len(a)) * 10, np.arange(1, len(a) + 1) * 10], 1)
    dance = assemble(a.numpy(), bounds)
    assert dance.shape == (bounds[-1, 1] + 1, MOTION_DIM)
    step = np.abs(np.diff(dance, axis=0)).max(axis=1)
    joins = bounds[1:, 0] - 1
    beside = np.maximum(step[joins - 1], step[joins + 1])
    assert (step[joins] <= 1.5 * beside + 1e-4).all()  # no jump, travel carried on


def test_config_is_strict():
    with pytest.raises(ParameterError, match="unknown d2m config keys: unit_beat"):
        D2MConfig.from_dict({"unit_beat": 3}, complete=False)
    with pytest.raises(ParameterError, match="min_unit_seconds < max_unit_seconds"):
        D2MConfig.from_dict({"min_unit_seconds": 5.0}, complete=False)
    with pytest.raises(CheckpointError, match="missing keys"):
        D2MConfig.from_dict({"units": 3})
    with pytest.raises(ParameterError, match="too large"):
        D2MConfig.from_dict({"hidden": 2**20}, complete=False)


# --- the commands --------------------------------------------------------------------------
@pytest.mark.slow
def test_train_and_dance_through_the_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.io import load_motion

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tiny_synth_set(tmp_path / "synth", seconds=10.0)
    cfg = tmp_path / "tiny.yaml"
    cfg.write_text(yaml.safe_dump({"model": {**TINY, "styles": [], "vae_steps": 2},
                                   "train": {"batch_size": 4, "val_fraction": 0.34,
                                             "val_every": 3, "val_seconds": 4.0,
                                             "checkpoint_every": 2, "warmup_steps": 1}}))
    run = tmp_path / "run"
    runner = CliRunner()
    res = runner.invoke(app, ["train", "d2m", "--data", str(data), "--out", str(run),
                              "--config", str(cfg), "--steps", "4"])
    assert res.exit_code == 0, res.output
    assert "recon_l1" in res.stdout and "travel_ratio" in res.stdout
    song = sorted(data.glob("*.wav"))[0]
    out = tmp_path / "dance.npz"
    res = runner.invoke(app, ["dance", str(song), "-o", str(out), "--model", "d2m",
                              "--checkpoint", str(run / "model.safetensors")])
    assert res.exit_code == 0, res.output
    motion = load_motion(out)
    assert abs(motion.duration - 10.0) < 0.1 and motion.meta["model"] == "d2m"
    assert np.isfinite(motion.positions).all()


# --- the bundled weights -------------------------------------------------------------------
def test_bundled_weights_dance_real_music(music_dir, tmp_path, monkeypatch):
    import json

    from dancekit.models import load_model
    from dancekit.models.d2m import WEIGHTS_DIR

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    weights = WEIGHTS_DIR / "model.safetensors"
    assert weights.stat().st_size <= 10 * 2**20
    assert (WEIGHTS_DIR / "README.md").is_file()  # the data card
    header = json.loads(weights.with_suffix(".json").read_text())
    assert set(header["config"]) == set(D2MConfig().to_dict())  # complete
    model = load_model("d2m")
    assert isinstance(model, D2M) and model.styles == ["chacha", "rumba", "tango", "waltz"]
    song = sorted(music_dir.glob("*.ogg"))[1]
    dance = model.generate(song, seconds=8.0, style="waltz", seed=2)
    assert dance.num_frames == 240 and np.isfinite(dance.positions).all()
    speed = np.linalg.norm(np.diff(dance.positions, axis=0), axis=-1).mean() * dance.fps
    assert 0.08 < speed < 1.5  # real ballroom about 0.5 m/s; a frozen dancer under 0.05
    assert 0.75 < dance.positions[:, 0, 1].mean() < 1.35  # the pelvis at standing height
    again = model.generate(song, seconds=8.0, style="waltz", seed=2)
    assert np.array_equal(again.positions, dance.positions)  # same seed, same dance


def test_dance_command_makes_an_mp4_with_d2m(music_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    song = sorted(music_dir.glob("*.ogg"))[0]
    out = tmp_path / "out.mp4"
    res = CliRunner().invoke(app, ["dance", str(song), "--model", "d2m", "-o", str(out),
                                   "--seconds", "4", "--size", "128"])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 1000 and out.read_bytes()[4:8] == b"ftyp"
    assert "model d2m" in res.stdout


def test_validation_composes_with_each_dances_own_style(monkeypatch):
    """Validation composes as `dancekit dance` does, with a style label where the model knows
    the dance's style (a run checked only unlabelled once hid a dancer flying 2.8 m per unit
    under its labels), and reports each unit's root travel against the real one's."""
    from dancekit.models import load_model
    from dancekit.models.d2m import sampling, training

    net = load_model("d2m")
    seen = []
    real = sampling.compose_units

    def spy(net_, music, start, style, generator):
        seen.append(style)
        return real(net_, music, start, style, generator)

    monkeypatch.setattr(training, "compose_units", spy)
    width = net.config.unit_frames * 147 + 1
    rng = np.random.default_rng(0)
    rows = np.zeros((6, width), np.float32)
    rows[:, :-1] = np.tile(np.asarray(net.motion_mean, np.float32),
                           net.config.unit_frames)
    rows[:, -1] = 1.5
    music = rng.normal(0, 1, (6, net.music_mean.shape[0])).astype(np.float32)
    seqs = [Sequence("a", rows, music, "waltz"), Sequence("b", rows, music, "hiphop")]
    out = training.validation_metrics(net, seqs, 10.0, 2)
    assert seen == [net.config.styles.index("waltz"), len(net.config.styles)]
    assert set(out) == {"recon_l1", "speed_ratio", "travel_ratio"}
