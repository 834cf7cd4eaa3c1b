"""DanceNet: the image VAE's shapes and learning on real silhouettes, the mixture likelihood
against a hand computation, the LSTM's use of context (which sequences of one frame cannot
give it), sampling, exact resume, silhouettes of real video, the bundled weights and the CLI."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from dancekit import ParameterError
from dancekit.data import Sequence
from dancekit.models.dancenet import (
    DanceNet,
    DanceNetConfig,
    DanceNetVAE,
    DanceNetVAEConfig,
    mixture_log_likelihood,
    roll_out,
    sample_mixture,
)
from dancekit.models.dancenet.measures import beat_alignment, reconstruction_scores
from dancekit.models.dancenet.training import mdn_loss, rebuild
from dancekit.train import TrainConfig, Trainer

TINY_VAE = dict(channels=[4, 8, 8], dense=32, widen=8, latent=8)


#: Small recurrent steps and frame-by-frame decoding: one torch thread (conftest).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def real_silhouettes(ballroom_dir) -> np.ndarray:
    """(N, 120 * 208) uint8 silhouettes of a real rumba, rendered from the capture."""
    from dancekit.data.ballroom import ballroom_sequence
    from dancekit.data.sources import smpl_with_rotations
    from dancekit.models.dancenet import motion_images

    motion = smpl_with_rotations(ballroom_sequence(ballroom_dir / "DANCE_R_4").motion)
    return motion_images(motion, DanceNetVAEConfig())


# --- the VAE --------------------------------------------------------------------------------
def test_capture_silhouettes_keep_the_dancer_whole_and_centred(real_silhouettes):
    frames = real_silhouettes.reshape(-1, 120, 208) > 127
    assert len(frames) == 1416  # 113 s of rumba at 12.5 fps
    share = frames.mean(axis=(1, 2))
    assert 0.02 < share.min() and share.max() < 0.15  # a body in every frame
    border = frames[:, [0, -1]].any() or frames[:, :, [0, -1]].any()
    assert not border  # never cut by the frame's edge
    cols = np.nonzero(frames.any(axis=1))
    assert abs(np.mean(cols[1]) - 104) < 15  # followed by the camera


def test_published_vae_has_the_seed_systems_shapes():
    torch.manual_seed(0)
    vae = DanceNetVAE(DanceNetVAEConfig.published())
    mean, logvar = vae.posterior(torch.rand(2, 120, 208))
    assert mean.shape == logvar.shape == (2, 128)
    image = vae.decode(mean)
    image = image.detach()
    assert image.shape == (2, 120, 208) and 0 <= float(image.min()) <= float(image.max()) <= 1
    convs = [m for m in vae.encoder if isinstance(m, torch.nn.Conv2d)]
    assert [m.out_channels for m in convs] == [128, 64, 32]
    assert vae.to_mean.in_features == 128  # the dense layer before the latent


@pytest.mark.slow
def test_vae_learns_to_rebuild_one_batch_of_real_silhouettes(real_silhouettes):
    torch.manual_seed(0)
    vae = DanceNetVAE(DanceNetVAEConfig.from_dict({**TINY_VAE, "kl_weight": 0.01},
                                                  complete=False))
    frames = real_silhouettes[::120][:8]
    batch = {"motion": torch.from_numpy(frames[:, None])}
    before = reconstruction_scores(*rebuild(vae, frames))
    opt = torch.optim.Adam(vae.parameters(), lr=1e-2)
    first = None
    for step in range(300):
        loss, parts = vae.loss(batch, torch.Generator().manual_seed(step))
        first = first or parts
        opt.zero_grad()
        loss.backward()
        opt.step()
    after = reconstruction_scores(*rebuild(vae, frames))
    assert parts["bce_per_pixel"] < 0.3 * first["bce_per_pixel"], (first, parts)
    assert before["iou"] < 0.2 < 0.5 < after["iou"], (before, after)


# --- the mixture density network ------------------------------------------------------------
def test_mixture_likelihood_matches_a_hand_computed_mixture():
    log_w = torch.log(torch.tensor([0.3, 0.7]))
    mean = torch.tensor([[0.0, 1.0], [2.0, -1.0]])
    std = torch.tensor([[1.0, 0.5], [2.0, 1.0]])
    x = torch.tensor([0.5, 0.0])

    def normal(v, m, s):
        return math.exp(-0.5 * ((v - m) / s) ** 2) / (s * math.sqrt(2 * math.pi))

    hand = 0.3 * normal(0.5, 0, 1) * normal(0, 1, 0.5) + 0.7 * normal(0.5, 2, 2) * normal(0, -1, 1)
    got = float(mixture_log_likelihood(log_w, mean, std, x))
    assert got == pytest.approx(math.log(hand), rel=1e-6)


def test_temperature_sharpens_the_choice_and_narrows_the_gaussians():
    log_w = torch.log(torch.tensor([[0.6, 0.4]])).expand(4000, 2)
    mean = torch.tensor([[[-5.0], [5.0]]]).expand(4000, 2, 1)
    std = torch.ones(4000, 2, 1)
    warm = sample_mixture(log_w, mean, std, 1.0, torch.Generator().manual_seed(0))[:, 0]
    cold = sample_mixture(log_w, mean, std, 0.1, torch.Generator().manual_seed(0))[:, 0]
    assert float((warm < 0).float().mean()) == pytest.approx(0.6, abs=0.03)
    assert float((cold < 0).float().mean()) > 0.97  # 0.6^10 : 0.4^10
    near = cold[cold < 0] + 5
    assert float(near.std()) == pytest.approx(math.sqrt(0.1), rel=0.1)


# --- context --------------------------------------------------------------------------------
def pattern_sequences(n: int = 8, frames: int = 80) -> list[Sequence]:
    """Latents that go -1, -1, +1, +1, ... (with a little noise): after a -1 comes -1 or +1
    half the time each, so the next latent follows only from the one before the last."""
    rng = np.random.default_rng(0)
    out = []
    for k in range(n):
        phase = np.arange(k, k + frames) % 4
        x = np.where(phase < 2, -1.0, 1.0)[:, None] + 0.05 * rng.standard_normal((frames, 1))
        out.append(Sequence(f"p{k}", np.repeat(x, 2, axis=1).astype(np.float32),
                            np.zeros((frames, 0), np.float32)))
    return out


def tiny_dancenet(**over) -> DanceNet:
    torch.manual_seed(0)
    vae = {**DanceNetVAEConfig.from_dict({**TINY_VAE, "latent": 2}, complete=False).to_dict()}
    cfg = dict(vae_config=vae, hidden=32, layers=1, mixtures=3, train_frames=8, music=False,
               dropout=0.0, seed_bank=4, temperature=0.1)
    return DanceNet(DanceNetConfig.from_dict({**cfg, **over}, complete=False))


def rule_accuracy(train_frames: int) -> float:
    """Train on the pattern, roll out 60 frames, and give the share of steps that follow it
    (each latent the opposite of the one two frames back)."""
    from dancekit.data.windows import collate, make_windows

    model = tiny_dancenet(train_frames=train_frames)
    seqs = pattern_sequences()
    model.prepare(seqs)
    n = train_frames + 1
    windows = make_windows(seqs, n, 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(0)
    model.train()
    for _ in range(300):
        batch = collate(seqs, windows[rng.choice(len(windows), 32)], n, n, [])
        loss, _ = model.loss(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
    start = (torch.from_numpy(seqs[0].motion[0]) - model.latent_mean) / model.latent_std
    out = roll_out(model.mdn, start[None], torch.zeros(1, 60, 0), 60, 0.1,
                   torch.Generator().manual_seed(0), carry_state=train_frames > 1)
    x = (out[0, :, 0] * model.latent_std[0] + model.latent_mean[0]).sign().numpy()
    return float((x[2:] == -x[:-2]).mean())


def test_the_lstm_learns_from_context():
    assert rule_accuracy(8) > 0.9


def test_sequences_of_one_frame_cannot_learn_the_same():
    """The published training (sequences of one frame) is a first-order chain: half its
    steps after a repeat go the wrong way."""
    assert rule_accuracy(1) < 0.8


def test_the_music_reaches_the_prediction():
    """With music, the mixture at a frame changes with the music at that frame."""
    model = tiny_dancenet(music=True)
    latents = torch.zeros(1, 5, 2)
    music = torch.zeros(1, 5, 37)
    base, _ = mdn_loss(model.mdn, latents, music)
    music[0, 4, 0] = 3.0
    moved, _ = mdn_loss(model.mdn, latents, music)
    assert float(base.detach()) != float(moved.detach())


# --- resume, generation, config -------------------------------------------------------------
def test_resume_is_exact(tmp_path):
    from safetensors.torch import load_file

    seqs = pattern_sequences(6, 40)

    def run(out, steps: int, resume: bool = False) -> None:
        cfg = TrainConfig(steps=steps, batch_size=4, val_samples=0, warmup_steps=0,
                          min_lr_ratio=1.0, window_stride=3, checkpoint_every=3,
                          val_every=10**6)
        Trainer(tiny_dancenet(dropout=0.2, layers=2), "dancenet", seqs[:5], seqs[5:], cfg,
                out, resume=resume, show_progress=False).fit()

    run(tmp_path / "ref", 6)
    run(tmp_path / "cut", 3)
    run(tmp_path / "cut", 6, resume=True)
    ref, cut = (load_file(str(tmp_path / r / "model.safetensors")) for r in ("ref", "cut"))
    assert ref.keys() == cut.keys() and all(torch.equal(ref[k], cut[k]) for k in ref)
    loaded = DanceNet.from_checkpoint(tmp_path / "ref" / "model.safetensors")
    assert loaded.config == tiny_dancenet(dropout=0.2, layers=2).config


def test_configs_are_strict_and_the_published_sizes_are_valid():
    DanceNetVAEConfig.published().validate()
    published = DanceNetConfig.published()
    assert (published.hidden, published.layers, published.mixtures) == (512, 3, 24)
    assert published.train_frames == 1 and not published.music
    with pytest.raises(ParameterError, match="unknown"):
        DanceNetVAEConfig.from_dict({"latnet": 4}, complete=False)
    with pytest.raises(ParameterError, match="multiples of 8"):
        DanceNetVAEConfig.from_dict({"height": 100}, complete=False)
    with pytest.raises(ParameterError, match="needs a VAE"):
        DanceNetConfig.from_dict({}, complete=False)


def test_beat_alignment_of_picture_change():
    """A picture that pauses on every beat scores near 1; one pausing half a beat off, low.
    A box that widens and narrows over two beats pauses at its widest and its narrowest."""
    fps, beats = 12.5, np.arange(0.4, 10, 0.8)

    def pulsing(offset: float) -> np.ndarray:
        t = np.arange(int(10 * fps)) / fps
        width = (40 + 30 * np.cos(2 * np.pi * (t - offset) / 1.6)).astype(int)
        frames = np.zeros((len(t), 120, 208), np.uint8)
        for i, w in enumerate(width):
            frames[i, 40:80, 104 - w:104 + w] = 255
        return frames

    assert beat_alignment(pulsing(0.4), fps, beats) > 0.8
    assert beat_alignment(pulsing(0.0), fps, beats) < 0.3


# --- real video -----------------------------------------------------------------------------
@pytest.mark.pose
def test_video_silhouettes_frame_the_dancer(data_dir):
    from dancekit.video.backend import detector_available

    if not detector_available():
        pytest.skip("mediapipe (the pose extra) is not installed")
    from dancekit.video.segment import framed_silhouettes, person_masks

    masks = person_masks(data_dir / "video" / "studio_dancer_10s.mp4", size=(480, 270),
                         max_frames=30)
    assert masks.shape == (30, 270, 480) and (masks > 0.5).any(axis=(1, 2)).all()
    frames = framed_silhouettes(masks, 29.97)
    assert frames.shape == (30, 120, 208) and frames.dtype == np.uint8
    rows = np.flatnonzero((frames > 127).any(axis=(0, 2)))
    cols = np.flatnonzero((frames > 127).any(axis=(0, 1)))
    height = rows[-1] - rows[0]
    assert 0.7 * 120 < height < 0.95 * 120  # the person's height fills 80% of the frame
    assert abs((cols[0] + cols[-1]) / 2 - 104) < 20  # centred


# --- the bundled weights and the command ----------------------------------------------------
def test_a_dancenet_checkpoint_lends_its_vae(tmp_path):
    """``vae`` may name a dancenet checkpoint (or bundled model): its VAE is taken, so a run can
    keep a trained model's pictures and start from its network (``train: init:``)."""
    from dancekit.checkpoint import save_model

    first = tiny_dancenet()
    path = tmp_path / "first.safetensors"
    save_model(path, "dancenet", first.config.to_dict(), first.state_dict(), {})
    second = tiny_dancenet(vae=str(path), vae_config=None)
    given = first.vae.state_dict()
    assert all(torch.equal(v, given[k]) for k, v in second.vae.state_dict().items())
    with pytest.raises(ParameterError, match="neither a dancenet-vae"):
        tiny_dancenet(vae="procedural", vae_config=None)


def bundled_available() -> bool:
    from dancekit.models.dancenet import WEIGHTS_DIR

    return (WEIGHTS_DIR / "model.safetensors").is_file()


def test_bundled_weights_dance_real_music(music_dir, tmp_path, monkeypatch):
    from dancekit.models import load_model
    from dancekit.models.dancenet import WEIGHTS_DIR
    from dancekit.models.dancenet.measures import image_change

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    assert (WEIGHTS_DIR / "README.md").is_file()  # the data card
    assert (WEIGHTS_DIR / "model.safetensors").stat().st_size <= 10 * 2**20
    model = load_model("dancenet")
    song = sorted(music_dir.glob("*.ogg"))[0]
    dance = model.generate(song, seconds=6.0, seed=3)
    assert dance.frames.shape == (75, 120, 208) and dance.latents.shape[0] == 75
    white = (dance.frames > 127).mean(axis=(1, 2))
    assert 0.01 < white.mean() < 0.2  # a dancer, not an empty or a filled picture
    assert image_change(dance.frames).mean() > 0.002  # it moves
    again = model.generate(song, seconds=6.0, seed=3)
    assert np.array_equal(again.frames, dance.frames)  # same seed, same dance


def ffprobe_streams(path: Path) -> str:
    from imageio_ffmpeg import get_ffmpeg_exe

    res = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True)
    return res.stderr


def test_dance_command_writes_a_video_with_the_music_and_an_npz(music_dir, tmp_path,
                                                                 monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.render.images import load_image_dance

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    song = str(sorted(music_dir.glob("*.ogg"))[0])
    runner = CliRunner()
    mp4 = tmp_path / "out.mp4"
    res = runner.invoke(app, ["dance", song, "--model", "dancenet", "-o", str(mp4),
                              "--seconds", "4", "-q"])
    assert res.exit_code == 0, res.output
    assert "model dancenet" in res.stdout and "4.0 s at 12.5 fps" in res.stdout
    info = ffprobe_streams(mp4)
    assert "Video: h264" in info and "512x296" in info and "Audio: aac" in info
    npz = tmp_path / "out.npz"
    res = runner.invoke(app, ["dance", song, "--model", "dancenet", "-o", str(npz),
                              "--seconds", "4", "-q"])
    assert res.exit_code == 0, res.output
    dance = load_image_dance(npz)
    assert dance.frames.shape == (50, 120, 208) and dance.latents.shape[0] == 50
    assert dance.meta["model"] == "dancenet" and dance.fps == 12.5
    gif = tmp_path / "out.gif"
    res = runner.invoke(app, ["dance", song, "--model", "dancenet", "-o", str(gif),
                              "--seconds", "2", "--size", "256", "-q"])
    assert res.exit_code == 0 and gif.read_bytes()[:6] == b"GIF89a"


def test_dance_command_refuses_joint_formats_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from dancekit.cli import app

    res = CliRunner().invoke(app, ["dance", str(tmp_path / "missing.ogg"), "--model",
                                   "dancenet", "-o", str(tmp_path / "out.bvh")])
    assert res.exit_code == 2
    assert "not joints" in res.output and not (tmp_path / "out.bvh").exists()


def test_dance_help_names_the_model():
    from typer.testing import CliRunner

    from dancekit.cli import app

    res = CliRunner().invoke(app, ["dance", "--help"], terminal_width=200)
    assert "dancenet" in res.stdout


def test_vae_alone_is_not_a_dance_model():
    from dancekit.models import available_models, load_model, trainable_models

    assert "dancenet" in available_models() and "dancenet-vae" not in available_models()
    assert {"dancenet", "dancenet-vae"} <= set(trainable_models())
    with pytest.raises(ParameterError, match="--model dancenet"):
        load_model("dancenet-vae")


def test_the_web_app_offers_only_models_with_joints(tmp_path):
    """``dancekit serve`` shows dances in a 3D viewer: DanceNet, which has no joints, is not
    offered, and asking for it is refused with a message."""
    pytest.importorskip("starlette", reason="dancekit serve needs the serve extra")
    from starlette.testclient import TestClient

    from dancekit.serve.app import create_app

    with TestClient(create_app(folder=tmp_path)) as client:
        names = [m["name"] for m in client.get("/api/options").json()["models"]]
        assert "dancenet" not in names and "dance-revolution" in names
        song = client.get("/api/options").json()["demo"]["id"]
        answer = client.post("/api/jobs", json={"song": song, "model": "dancenet",
                                                "style": "auto", "seed": 0})
        assert answer.status_code == 400 and "unknown model" in answer.json()["error"]


def test_image_dances_check_their_frames_and_write_png_and_npz(tmp_path):
    from dancekit.errors import DataFormatError
    from dancekit.render.images import (
        ImageDance,
        load_image_dance,
        render_images,
        save_image_dance,
    )

    frames = np.zeros((5, 120, 208), np.uint8)
    frames[:, 30:90, 90:118] = 255
    with pytest.raises(ParameterError, match="uint8"):
        ImageDance(frames.astype(np.float32), 12.5)
    with pytest.raises(ParameterError, match="latents"):
        ImageDance(frames, 12.5, latents=np.zeros((4, 8)))
    dance = ImageDance(frames, 12.5, np.ones((5, 8), np.float32), {"model": "x"})
    png = render_images(dance, tmp_path / "a.png", width=416)
    image = cv2.imread(str(png))
    assert image.shape == (240, 416, 3) and image[120, 208].min() > 200
    with pytest.raises(ParameterError, match="audio"):
        render_images(dance, tmp_path / "a.gif", audio=png)
    back = load_image_dance(save_image_dance(dance, tmp_path / "a.npz"))
    assert np.array_equal(back.frames, frames) and back.meta == {"model": "x"}
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(DataFormatError):
        load_image_dance(tmp_path / "bad.npz")


@pytest.mark.slow
def test_train_both_networks_and_dance_through_the_cli(ballroom_dir, music_dir, tmp_path,
                                                        monkeypatch):
    import yaml
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.render.images import load_image_dance

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "ballroom"
    data.mkdir()
    for name in ("DANCE_C_4", "DANCE_R_4"):
        (data / name).symlink_to(ballroom_dir / name)
    train = {"batch_size": 4, "val_fraction": 0.34, "val_every": 2, "checkpoint_every": 2,
             "warmup_steps": 1, "val_seconds": 2.0, "val_samples": 1}
    (tmp_path / "vae.yaml").write_text(yaml.safe_dump({"model": TINY_VAE, "train": train}))
    runner = CliRunner()
    res = runner.invoke(app, ["train", "dancenet-vae", "--data", str(data), "--out",
                              str(tmp_path / "vae"), "--config", str(tmp_path / "vae.yaml"),
                              "--steps", "2"])
    assert res.exit_code == 0, res.output
    assert "iou" in res.stdout
    model = {"vae": str(tmp_path / "vae" / "model.safetensors"), "hidden": 16, "layers": 1,
             "mixtures": 2, "train_frames": 8}
    (tmp_path / "seq.yaml").write_text(yaml.safe_dump({"model": model, "train": train}))
    res = runner.invoke(app, ["train", "dancenet", "--data", str(data), "--out",
                              str(tmp_path / "seq"), "--config", str(tmp_path / "seq.yaml"),
                              "--steps", "2"])
    assert res.exit_code == 0, res.output
    assert "change_ratio" in res.stdout
    song = str(sorted(music_dir.glob("*.ogg"))[0])
    out = tmp_path / "dance.npz"
    res = runner.invoke(app, ["dance", song, "-o", str(out), "--model", "dancenet",
                              "--checkpoint", str(tmp_path / "seq" / "model.safetensors"),
                              "--seconds", "3", "-q"])
    assert res.exit_code == 0, res.output
    dance = load_image_dance(out)
    assert dance.frames.shape == (38, 120, 208) and dance.latents.shape == (38, 8)
