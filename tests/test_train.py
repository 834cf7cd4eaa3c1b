"""The Trainer: windows and split, a short run, exact resume after SIGKILL, DDP on 2 CPUs."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from dancekit import ParameterError
from dancekit.data import Sequence, make_windows, split_by_sequence
from dancekit.data.windows import window_order
from dancekit.models.fact import FACT, FACTConfig, beat_phase, encode_motion
from dancekit.train import TrainConfig, Trainer
from dancekit.train.state import load_trainer_state

TESTS = Path(__file__).resolve().parent

# a network small enough that a step takes milliseconds
TINY = dict(fps=30.0, motion_frames=12, audio_frames=24, future_frames=4, hidden=32, heads=2,
            ff=64, audio_layers=1, motion_layers=1, cross_layers=1, generate_step=4,
            seed_bank=4, styles=["a", "b"])


def make_sequences(n: int = 6, frames: int = 90, seed: int = 0,
                   phase: bool = True) -> list[Sequence]:
    """Music-driven toy dances: the arms swing with a pulse that is also in the 'music'
    (with the beat-phase channels FACT appends by default, unless ``phase`` is false)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        t = np.arange(frames) / 30.0
        bpm = rng.uniform(80, 140)
        angle = 2 * np.pi * bpm / 60 * t
        rot = np.zeros((frames, 24, 3))
        rot[:, 16, 2] = 0.8 * np.sin(angle)  # left shoulder
        rot[:, 17, 2] = -0.8 * np.sin(angle)  # right shoulder
        rot[:, 4, 0] = 0.3 * (1 + np.cos(angle))  # knee bounce
        rot += rng.normal(0, 0.02, rot.shape)
        root = np.stack([0.1 * t, 0.9 + 0.02 * np.cos(angle), np.zeros(frames)], 1)
        motion = encode_motion(torch.from_numpy(rot), torch.from_numpy(root)).float().numpy()
        audio = np.zeros((frames, 35), np.float32)
        audio[:, 0] = np.maximum(0, np.cos(angle)) ** 8
        audio[:, 1:21] = rng.normal(0, 1, 20)
        audio[:, 34] = (np.cos(angle) > 0.99).astype(np.float32)
        if phase:
            beats = np.flatnonzero(audio[:, 34])
            audio = np.concatenate([audio, beat_phase(beats, frames)], axis=1)
        out.append(Sequence(f"toy/{i}", motion, audio, "ab"[i % 2]))
    return out


def tiny_model(**over) -> FACT:
    torch.manual_seed(0)
    return FACT(FACTConfig.from_dict({**TINY, **over}, complete=False))


def test_split_is_by_sequence_and_stable():
    seqs = make_sequences(10, 40)
    train, val = split_by_sequence(seqs, 0.3)
    assert 1 <= len(val) <= 6 and len(train) + len(val) == 10
    assert not {s.name for s in train} & {s.name for s in val}
    # adding data never moves an existing sequence across the split
    more = seqs + [Sequence(f"extra/{i}", seqs[0].motion, seqs[0].audio) for i in range(20)]
    train2, val2 = split_by_sequence(more, 0.3)
    assert {s.name for s in val} == {s.name for s in val2 if s.name.startswith("toy")}
    assert len(split_by_sequence(seqs[:2], 0.01)[1]) == 1  # always one held out
    with pytest.raises(ParameterError, match="duplicate"):
        split_by_sequence(seqs + seqs[:1], 0.2)


def test_windows_cover_each_epoch_once():
    seqs = make_sequences(3, 40)
    w = make_windows(seqs, 20, 5)
    assert len(w) == 3 * 5 and w[:, 1].max() == 20
    order = window_order(len(w), 0, 2 * len(w), seed=3)
    assert sorted(order[:len(w)]) == list(range(len(w)))
    assert sorted(order[len(w):]) == list(range(len(w)))
    assert not np.array_equal(order[:len(w)], order[len(w):])  # reshuffled each epoch
    np.testing.assert_array_equal(order[7:12], window_order(len(w), 7, 5, seed=3))
    with pytest.raises(ParameterError, match="long enough"):
        make_windows(seqs, 41, 5)


def test_style_balance_repeats_the_rarer_styles_windows(tmp_path):
    """``style_balance`` repeats each style's windows round((largest / its own) ** a) times:
    a style with a ninth of the data is seen 3x as often at a = 0.5, 9x at a = 1, and the
    Trainer trains on those windows; 0 changes nothing."""
    from dancekit.data.windows import balanced_windows

    base = make_sequences(11, 40)
    seqs = [dataclasses.replace(s, style=st) for s, st in
            zip(base, ["waltz"] * 9 + ["rumba", None], strict=True)]
    w = make_windows(seqs, 20, 5)  # 5 windows per sequence: waltz 45, rumba 5, none 5
    np.testing.assert_array_equal(balanced_windows(seqs, w, 0.0), w)
    for power, times in ((0.5, 3), (1.0, 9)):
        got = balanced_windows(seqs, w, power)
        per_seq = np.bincount(got[:, 0], minlength=11)
        assert list(per_seq) == [5] * 9 + [5 * times] * 2
        assert {tuple(r) for r in got} == {tuple(r) for r in w}  # repeats, nothing new
    cfg = TrainConfig(steps=1, batch_size=4, val_samples=0, warmup_steps=0, window_stride=5,
                      style_balance=0.5)
    trainer = Trainer(tiny_model(styles=["rumba", "waltz"]), "fact", seqs, [], cfg,
                      tmp_path / "run", show_progress=False)
    plain = make_windows(seqs, max(trainer.m_len, trainer.a_len), 5)
    np.testing.assert_array_equal(trainer.windows, balanced_windows(seqs, plain, 0.5))
    assert len(trainer.windows) > len(plain)
    with pytest.raises(ParameterError, match="style_balance"):
        TrainConfig.from_dict({"style_balance": 1.5})


def test_short_run_writes_checkpoint_log_and_validation(tmp_path):
    seqs = make_sequences()
    train, val = split_by_sequence(seqs, 0.2)
    cfg = TrainConfig(steps=6, batch_size=4, checkpoint_every=3, val_every=6, log_every=2,
                      val_samples=2, val_seconds=2.0, warmup_steps=2)
    results = Trainer(tiny_model(), "fact", train, val, cfg, tmp_path / "run",
                      show_progress=False).fit()
    assert np.isfinite(results["val_loss"]) and results["speed_ratio"] > 0
    run = tmp_path / "run"
    assert {"model.safetensors", "model.json", "trainer.safetensors", "log.csv"} <= {
        p.name for p in run.iterdir()}
    assert load_trainer_state(run / "trainer.safetensors")["step"] == 6
    log = (run / "log.csv").read_text().splitlines()
    assert log[0] == "step,split,metric,value" and any(",val,val_loss," in r for r in log)
    # an existing run is never overwritten silently
    with pytest.raises(ParameterError, match="--resume"):
        Trainer(tiny_model(), "fact", train, val, cfg, run, show_progress=False)


def test_init_starts_from_another_runs_weights_with_its_own_statistics(tmp_path):
    """``init`` copies a trained checkpoint's parameters into those the run trains (a style
    table row by style name: a style the source lacks starts fresh), keeps what ``prepare``
    fits on the run's own data and any frozen part, and refuses a source of another model or
    shape."""
    train, val = split_by_sequence(make_sequences(), 0.2)
    cfg = TrainConfig(steps=4, batch_size=4, val_samples=0, warmup_steps=1)
    Trainer(tiny_model(), "fact", train, val, cfg, tmp_path / "a", show_progress=False).fit()
    source = tmp_path / "a" / "model.safetensors"
    donor = FACT.from_checkpoint(source)
    other = [dataclasses.replace(s, motion=s.motion * 1.5, style="c" if s.style == "b" else "a")
             for s in make_sequences(seed=1)]
    fresh = tiny_model(styles=["a", "c"])
    fine = tiny_model(styles=["a", "c"])
    fine.audio_in.requires_grad_(False)  # a frozen part keeps the run's own
    Trainer(fine, "fact", other, [], dataclasses.replace(cfg, init=str(source)),
            tmp_path / "b", show_progress=False)  # prepare and init, no step taken
    for name, value in donor.named_parameters():
        now = dict(fine.named_parameters())[name]
        if name.startswith("audio_in."):
            assert torch.equal(now, dict(fresh.named_parameters())[name]), name
        elif name != "style_emb.weight":
            assert torch.equal(now, value), name
    rows, given = fine.style_emb.weight, donor.style_emb.weight
    assert torch.equal(rows[0], given[0]) and torch.equal(rows[2], given[2])  # a, none
    assert torch.equal(rows[1], fresh.style_emb.weight[1])  # c: unknown to the source
    assert not torch.equal(fine.motion_std, donor.motion_std)  # the new data's statistics
    with pytest.raises(ParameterError, match="config differs"):
        Trainer(tiny_model(hidden=16), "fact", train, val,
                dataclasses.replace(cfg, init=str(source)), tmp_path / "c",
                show_progress=False)
    with pytest.raises(ParameterError, match="not the FACT"):
        Trainer(tiny_model(), "fact", train, val, dataclasses.replace(cfg, init="procedural"),
                tmp_path / "d", show_progress=False)


def test_keep_checkpoints_leaves_every_step_chosen_by_validation(tmp_path):
    """With ``keep_checkpoints`` each checkpoint stays as ``model_step{N}``: the earlier one
    holds the earlier weights, the last one the final ``model.safetensors``."""
    from dancekit.checkpoint import read_model

    seqs = make_sequences()
    cfg = TrainConfig(steps=6, batch_size=4, checkpoint_every=3, val_every=3, val_samples=0,
                      warmup_steps=2, keep_checkpoints=True)
    Trainer(tiny_model(), "fact", seqs[:5], seqs[5:], cfg, tmp_path / "run",
            show_progress=False).fit()
    run = tmp_path / "run"
    assert sorted(p.name for p in run.glob("model_step*.safetensors")) == [
        "model_step3.safetensors", "model_step6.safetensors"]
    (h3, w3), (h6, w6) = (read_model(run / f"model_step{n}.safetensors") for n in (3, 6))
    _, last = read_model(run / "model.safetensors")
    assert (h3["meta"]["step"], h6["meta"]["step"]) == (3, 6)
    assert all(torch.equal(w6[k], last[k]) for k in last)
    assert any(not torch.equal(w3[k], w6[k]) for k in w6)


def test_weight_average_is_what_checkpoints_hold_and_resumes_exactly(tmp_path):
    """With ``ema`` the checkpoints hold the moving average of the weights the optimiser
    stepped through (which are the same as without it), and a resumed run ends on the same
    average as an uninterrupted one."""
    from dancekit.checkpoint import read_model

    seqs = make_sequences()
    base = dict(batch_size=4, val_samples=0, warmup_steps=0, min_lr_ratio=1.0, val_every=10**6)
    raw_cfg = TrainConfig(steps=4, checkpoint_every=1, keep_checkpoints=True, **base)
    Trainer(tiny_model(), "fact", seqs[:5], seqs[5:], raw_cfg, tmp_path / "raw",
            show_progress=False).fit()
    raw = [read_model(tmp_path / "raw" / f"model_step{n}.safetensors")[1] for n in range(1, 5)]

    cfg = TrainConfig(steps=4, checkpoint_every=2, ema=0.5, **base)
    trainer = Trainer(tiny_model(), "fact", seqs[:5], seqs[5:], cfg, tmp_path / "avg",
                      show_progress=False)
    expect = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
    trainer.fit()
    for n, weights in enumerate(raw, start=1):
        keep = min(0.5, (1 + n) / (10 + n))
        expect = {k: e.lerp(weights[k], 1 - keep) if e.is_floating_point() else weights[k]
                  for k, e in expect.items()}
    _, saved = read_model(tmp_path / "avg" / "model.safetensors")
    state = load_trainer_state(tmp_path / "avg" / "trainer.safetensors")
    for k in saved:
        torch.testing.assert_close(saved[k], expect[k], rtol=1e-5, atol=1e-6)
        assert torch.equal(state["model"][k], raw[-1][k]), k  # training itself is unchanged
    assert any(not torch.equal(saved[k], raw[-1][k]) for k in saved)

    half = TrainConfig(**{**cfg.__dict__, "steps": 2})
    Trainer(tiny_model(), "fact", seqs[:5], seqs[5:], half, tmp_path / "cut",
            show_progress=False).fit()
    Trainer(tiny_model(), "fact", seqs[:5], seqs[5:], cfg, tmp_path / "cut", resume=True,
            show_progress=False).fit()
    _, resumed = read_model(tmp_path / "cut" / "model.safetensors")
    assert all(torch.equal(resumed[k], saved[k]) for k in saved)


def test_split_seed_holds_out_the_same_sequences_for_every_seed(tmp_path, monkeypatch):
    """``dancekit train`` splits by ``seed`` unless ``split_seed`` is set: then runs with
    other seeds (other weights, other batches) validate on the same sequences."""
    import dancekit.train.run as run

    held: list[list[str]] = []

    class Capture:
        def __init__(self, model, name, train, val, cfg, out, **kwargs) -> None:
            held.append(sorted(s.name for s in val))

        def fit(self) -> dict[str, float]:
            return {}

    monkeypatch.setattr(run, "Trainer", Capture)
    data = tiny_synth_set(tmp_path / "synth", n=10, seconds=3.0)
    model = {k: v for k, v in TINY.items() if k != "styles"}
    for fixed in (7, None):
        for seed in range(4):
            cfg = tmp_path / f"c{fixed}_{seed}.yaml"
            cfg.write_text(yaml.safe_dump({"model": model, "train": {
                "val_fraction": 0.3, "seed": seed, "split_seed": fixed}}))
            run.train("fact", [data], tmp_path / f"run{fixed}_{seed}", config=cfg,
                      show_progress=False)
    assert all(h == held[0] for h in held[:4]) and held[0]
    assert len({tuple(h) for h in held[4:]}) > 1
    with pytest.raises(ParameterError, match="split_seed"):
        TrainConfig.from_dict({"split_seed": -1})


def test_resume_with_other_data_is_refused(tmp_path):
    seqs = make_sequences()
    cfg = TrainConfig(steps=2, batch_size=4, val_samples=0, warmup_steps=1)
    Trainer(tiny_model(), "fact", seqs[:4], seqs[4:], cfg, tmp_path, show_progress=False).fit()
    with pytest.raises(ParameterError, match="same --data"):
        Trainer(tiny_model(), "fact", seqs[1:5], seqs[5:], cfg, tmp_path, resume=True,
                show_progress=False)


# The same run in a subprocess, so that it can be killed with SIGKILL, or spawned on 2 ranks.
SCRIPT = """
import os, sys
sys.path.insert(0, {tests!r})
import torch
from test_train import make_sequences, tiny_model
from dancekit.data import split_by_sequence
from dancekit.train import TrainConfig, Trainer

def run(rank=0, world=1, out=None, resume=False):
    if world > 1:
        os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                          MASTER_PORT=os.environ["TEST_PORT"])
    torch.set_num_threads(1)
    train, val = split_by_sequence(make_sequences(), 0.2)
    cfg = TrainConfig(steps={steps}, batch_size=4, checkpoint_every={every}, val_every=10**6,
                      log_every=5, val_samples=0, warmup_steps=3)
    over = dict(dropout={dropout}, seed_offset_noise={noise},
                style_dropout={noise}, hypotheses={hypotheses})
    Trainer(tiny_model(**over), "fact", train, val, cfg, out, resume=resume,
            show_progress=False).fit()

if __name__ == "__main__":
    out, mode = sys.argv[1], sys.argv[2]
    if mode == "ddp":
        torch.multiprocessing.spawn(run, args=(2, out), nprocs=2)
    else:
        run(out=out, resume=mode == "resume")
"""


def _script(tmp_path: Path, steps: int, every: int, dropout: float, noise: float,
            hypotheses: int = FACTConfig().hypotheses) -> Path:
    path = tmp_path / "train_run.py"
    path.write_text(SCRIPT.format(tests=str(TESTS), steps=steps, every=every,
                                  dropout=dropout, noise=noise, hypotheses=hypotheses))
    return path


def _weights(run: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(run / "model.safetensors"))


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    script = _script(tmp_path, steps=400, every=20, dropout=0.1, noise=0.05)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    ref, cut = tmp_path / "ref", tmp_path / "cut"
    subprocess.run([sys.executable, str(script), str(ref), "fresh"], check=True, env=env)
    proc = subprocess.Popen([sys.executable, str(script), str(cut), "fresh"], env=env)
    deadline = time.time() + 120
    while not (cut / "trainer.safetensors").exists() and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = load_trainer_state(cut / "trainer.safetensors")["step"]
    assert 0 < killed_at < 400, "the run ended before it could be killed"
    subprocess.run([sys.executable, str(script), str(cut), "resume"], check=True, env=env)
    a, b = _weights(ref), _weights(cut)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # the log replays too: rows written after the last checkpoint were trimmed, then redone
    assert (cut / "log.csv").read_text() == (ref / "log.csv").read_text()


@pytest.mark.slow
def test_ddp_two_processes_match_single_process(tmp_path):
    # no dropout or noise: then 2 ranks x 2 windows do exactly what 1 process x 4 windows does.
    # Two hypotheses: with many, a rounding-level difference can flip which one is closest to
    # a window's real frames, and that hypothesis alone then takes the step
    script = _script(tmp_path, steps=8, every=8, dropout=0.0, noise=0.0, hypotheses=2)
    env = {**os.environ, "TEST_PORT": str(29500 + os.getpid() % 1000)}
    subprocess.run([sys.executable, str(script), str(tmp_path / "one"), "fresh"], check=True,
                   env=env)
    subprocess.run([sys.executable, str(script), str(tmp_path / "two"), "ddp"], check=True,
                   env=env, timeout=300)
    a, b = _weights(tmp_path / "one"), _weights(tmp_path / "two")
    init = tiny_model(hypotheses=2).state_dict()
    moved = 0
    for k in a:
        if not a[k].is_floating_point():
            assert torch.equal(a[k], b[k]), k
            continue
        step = (a[k] - init[k]).abs().max()
        # Adam divides each gradient by its own size, so the rounding noise of gradients that
        # are zero in exact arithmetic (attention key biases) becomes an lr-sized step that
        # differs between 1 and 2 processes: compare against how far training moved a tensor.
        assert (a[k] - b[k]).abs().max() <= 0.02 * step + 1e-7, k
        moved += bool(step > 0)
    assert moved > len(a) // 2


def tiny_synth_set(folder: Path, n: int = 3, seconds: float = 6.0) -> Path:
    """A small `dancekit synth` folder (the layout `dancekit train` reads)."""
    from dancekit.synth.dataset import write_dataset

    write_dataset(folder, n, seed=5, styles=["house", "waltz"], seconds=seconds,
                  show_progress=False)
    return folder


@pytest.mark.slow
def test_train_command_end_to_end(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.models import load_model

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tiny_synth_set(tmp_path / "synth")
    cfg = tmp_path / "tiny.yaml"
    model = {k: v for k, v in TINY.items() if k != "styles"}
    cfg.write_text(yaml.safe_dump({"model": model, "train": {
        "batch_size": 4, "val_fraction": 0.34, "val_every": 3, "val_seconds": 3.0,
        "checkpoint_every": 2, "warmup_steps": 1}}))
    run = tmp_path / "run"
    args = ["train", "fact", "--data", str(data), "--out", str(run), "--config", str(cfg)]
    res = CliRunner().invoke(app, [*args, "--steps", "3"])
    assert res.exit_code == 0, res.output
    assert "val_loss" in res.stdout and "checkpoint" in res.stdout
    trained = load_model(run / "model.safetensors")
    assert trained.config.styles == ["house", "waltz"]  # taken from the data's labels
    assert json.loads((run / "model.json").read_text())["meta"]["step"] == 3
    # a second run into the same folder needs --resume; --resume extends it
    res = CliRunner().invoke(app, [*args, "--steps", "5"])
    assert res.exit_code == 2 and "--resume" in res.stderr
    res = CliRunner().invoke(app, [*args, "--steps", "5", "--resume"])
    assert res.exit_code == 0, res.output
    assert json.loads((run / "model.json").read_text())["meta"]["step"] == 5


@pytest.mark.parametrize("argv, message", [
    (["train", "nope", "--data", "{data}", "--out", "{out}"], "cannot train model 'nope'"),
    (["train", "fact", "--data", "{missing}", "--out", "{out}"], "does not exist"),
    (["train", "fact", "--data", "{data}", "--out", "{out}", "--config", "{badcfg}"],
     "unknown FACT config keys: hiden"),
    (["train", "fact", "--data", "{data}", "--out", "{out}", "--config", "{badinit}"],
     "unknown model 'nope'"),
])
def test_train_command_bad_input(tmp_path, argv, message):
    from typer.testing import CliRunner

    from dancekit.cli import app

    (tmp_path / "data").mkdir()
    badcfg = tmp_path / "bad.yaml"
    badcfg.write_text("model:\n  hiden: 3\n")
    badinit = tmp_path / "badinit.yaml"
    badinit.write_text("train:\n  init: nope\n")
    names = dict(data=tmp_path / "data", out=tmp_path / "out", missing=tmp_path / "missing",
                 badcfg=badcfg, badinit=badinit)
    res = CliRunner().invoke(app, [a.format(**names) for a in argv])
    assert res.exit_code == 2, res.output
    assert message in res.stderr and not (tmp_path / "out").exists()


def test_a_run_that_fails_before_writing_leaves_no_folder(tmp_path, monkeypatch):
    """A run refused after its folder was made (here: the exclude patterns leave no data)
    takes the folder away again; a folder that was there before stays."""
    from typer.testing import CliRunner

    from dancekit.cli import app

    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    data = tiny_synth_set(tmp_path / "synth")
    cfg = tmp_path / "none.yaml"
    cfg.write_text("train:\n  exclude: ['*']\n")
    for out in (tmp_path / "new" / "run", tmp_path / "there"):
        if out.name == "there":
            out.mkdir()
        res = CliRunner().invoke(app, ["train", "fact", "--data", str(data), "--out", str(out),
                                       "--config", str(cfg)])
        assert res.exit_code == 2 and "leaves no data" in res.stderr
        assert out.exists() == (out.name == "there")


def test_tempo_copies_are_learned_beside_the_training_pairs_only(tmp_path, monkeypatch):
    """``train: {tempo: [...]}`` adds each training pair at each rate (the dance re-timed
    with its music: a copy at 0.8 lasts 1.25x as many frames); the validation pairs stay as
    recorded and none of them is learned at another tempo."""
    import dancekit.train.run as run

    held: dict[str, list] = {}

    class Capture:
        def __init__(self, model, name, train, val, cfg, out, **kwargs) -> None:
            held["train"], held["val"] = train, val

        def fit(self) -> dict[str, float]:
            return {}

    monkeypatch.setattr(run, "Trainer", Capture)
    data = tiny_synth_set(tmp_path / "synth", n=6, seconds=4.0)
    model = {k: v for k, v in TINY.items() if k != "styles"}
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"model": model, "train": {
        "val_fraction": 0.3, "tempo": [0.8, 1.25]}}))
    run.train("fact", [data], tmp_path / "run", config=cfg, show_progress=False)
    train = {s.name: len(s.motion) for s in held["train"]}
    val = [s.name for s in held["val"]]
    real = [n for n in train if "@" not in n]
    assert val and real and all("@" not in n for n in val)
    assert sorted(train) == sorted(real + [f"{n}@{r}x" for n in real for r in (0.8, 1.25)])
    for n in real:
        assert train[f"{n}@0.8x"] == pytest.approx(train[n] / 0.8, abs=2)
        assert train[f"{n}@1.25x"] == pytest.approx(train[n] / 1.25, abs=2)
    for bad in ([1.0], [0.9, 0.9], [3], "fast"):
        with pytest.raises(ParameterError, match="tempo"):
            TrainConfig.from_dict({"tempo": bad})


def test_drop_end_leaves_the_last_seconds_of_every_dance_out(tmp_path, monkeypatch):
    """``train: {drop_end: S}`` trains on every dance less its last S seconds (the music is
    read for the frames danced), in training and validation alike; a cut that leaves no
    dance is refused."""
    import dancekit.train.run as run

    held: dict[str, dict[str, int]] = {}

    class Capture:
        def __init__(self, model, name, train, val, cfg, out, **kwargs) -> None:
            held[out.name] = {s.name: len(s.motion) for s in train + val}

        def fit(self) -> dict[str, float]:
            return {}

    monkeypatch.setattr(run, "Trainer", Capture)
    data = tiny_synth_set(tmp_path / "synth", n=4, seconds=6.0)
    model = {k: v for k, v in TINY.items() if k != "styles"}
    for name, cut in (("whole", 0.0), ("cut", 2.0), ("none", 6.0)):
        cfg = tmp_path / f"{name}.yaml"
        cfg.write_text(yaml.safe_dump({"model": model, "train": {
            "val_fraction": 0.3, "drop_end": cut}}))
        if name == "none":
            with pytest.raises(ParameterError, match="drop_end .* leaves no data"):
                run.train("fact", [data], tmp_path / name, config=cfg, show_progress=False)
        else:
            run.train("fact", [data], tmp_path / name, config=cfg, show_progress=False)
    assert sorted(held["cut"]) == sorted(held["whole"]) and len(held["whole"]) == 4
    for seq, frames in held["whole"].items():
        assert held["cut"][seq] == frames - 60
    with pytest.raises(ParameterError, match="drop_end"):
        TrainConfig.from_dict({"drop_end": -1})


def test_exclude_patterns_leave_out_pairs_by_name_or_last_part(tmp_path):
    from dancekit.data import Pair
    from dancekit.train.run import excluded

    pairs = [Pair(f"ballroom/DANCE_{n}", None, tmp_path / "a.mp3") for n in ("C_2", "W_5", "W_50")]
    assert [p.name for p in excluded(pairs, ["DANCE_W_5"])] == ["ballroom/DANCE_C_2",
                                                                  "ballroom/DANCE_W_50"]
    assert [p.name for p in excluded(pairs, ["ballroom/DANCE_W_*"])] == ["ballroom/DANCE_C_2"]
    with pytest.raises(ParameterError, match="leaves no data"):
        excluded(pairs, ["*"])
    with pytest.raises(ParameterError, match="exclude must be a list"):
        TrainConfig.from_dict({"exclude": "DANCE_W_5"})


def test_a_pair_whose_music_does_not_decode_is_left_out_with_a_warning(tmp_path, capsys):
    from dancekit import DataFormatError
    from dancekit.data import Pair
    from dancekit.errors import AudioDecodeError
    from dancekit.train.run import encode_pairs

    class Model:
        def encode(self, pair):
            if pair.name == "bad":
                raise AudioDecodeError("bad.mp3 is truncated")
            return pair.name

    pairs = [Pair("good", None, tmp_path / "g.mp3"), Pair("bad", None, tmp_path / "b.mp3")]
    assert encode_pairs(Model(), pairs, False) == ["good"]
    assert "warning: bad left out: bad.mp3 is truncated" in capsys.readouterr().err
    with pytest.raises(DataFormatError, match="none of the 1 pairs"):
        encode_pairs(Model(), pairs[1:], False)
