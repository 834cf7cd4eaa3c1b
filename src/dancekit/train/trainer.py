r"""One Trainer for every dancekit model.

A trainable model is an ``nn.Module`` registered in :mod:`dancekit.models` that offers

* ``config_class`` (a dataclass with ``from_dict(d, complete=...)``, ``to_dict()`` and
  ``size_estimate()``, see :func:`dancekit.models.common.check_memory`) and ``config`` (its
  instance, with a ``styles`` list);
* ``encode(pair) -> Sequence`` (per-frame arrays at the model's rate) and
  ``window_lengths() -> (motion_frames, audio_frames)``;
* ``prepare(train_sequences)`` (normalisation statistics, anything fitted on data);
* ``loss(batch, generator) -> (scalar, {name: float})``;
* ``validation_metrics(val_sequences, seconds, count) -> {name: float}``.

The loop: AdamW, linear warm-up then cosine decay, gradient clipping, an optional moving
average of the weights (``ema``), bf16 autocast on CUDA, a progress bar with ETA and periodic
loss lines, a CSV log, validation (held-out loss and metrics on generated dances), atomic
checkpoints. Randomness (batch order, dropout, noise) is
re-derived from ``(seed, rank, step)`` at every step, so ``--resume`` from a checkpoint replays
exactly what an uninterrupted run would have done: the result is bitwise identical.

Several processes (GPUs or machines) run through DistributedDataParallel when launched by
torchrun; each rank takes its slice of every global batch, only rank 0 logs and saves::

    dancekit train fact --data synth/ --out runs/fact                  # one process
    torchrun --nproc_per_node=4 "$(which dancekit)" train fact --data synth/ --out runs/fact
    # 2 machines x 8 GPUs: on each (node_rank 0 and 1), with DK="$(which dancekit)"
    torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --nproc_per_node=8 \
        "$DK" train fact --data synth/ --out runs/fact
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from dancekit.checkpoint import save_model
from dancekit.data.windows import (
    Sequence,
    balanced_windows,
    collate,
    make_windows,
    window_order,
)
from dancekit.errors import CheckpointError, ParameterError
from dancekit.models.common import (
    FRACTION,
    MAX_SIZE,
    Range,
    build_config,
    check_fields,
    check_memory,
    size,
)
from dancekit.train.init_weights import start_from
from dancekit.train.state import (
    LEGACY_STATE,
    load_trainer_state,
    refuse_legacy_state,
    save_trainer_state,
)
from dancekit.utils import progress

STATE_FILE = "trainer.safetensors"  # what --resume reads
MAX_STEPS = 10**9


@dataclass
class TrainConfig:
    """Optimisation and bookkeeping; the ``train:`` section of a run's YAML config."""

    steps: int = 3000
    batch_size: int = 32  # global: split evenly over DDP ranks
    lr: float = 3e-4
    weight_decay: float = 0.01
    warmup_steps: int = 100
    min_lr_ratio: float = 0.1  # cosine decays to lr * this
    grad_clip: float = 1.0
    # decay of an exponential moving average of the weights (0: off); with it, validation and
    # every checkpoint use the average: on small data the raw weights swing from one
    # checkpoint to the next, and the average of the last few hundred steps varies less
    ema: float = 0.0
    amp: str = "auto"  # "auto": bf16 autocast on CUDA only; "bf16"; "off"
    seed: int = 0
    # the seed of the train/validation split (None: ``seed``); fixed, runs with other seeds
    # hold out the same sequences, so their validation losses compare
    split_seed: int | None = None
    window_stride: int = 5  # frames between training window starts
    val_fraction: float = 0.1  # share of sequences held out (split by sequence)
    checkpoint_every: int = 200
    # also keep every checkpoint as model_step{N}.safetensors, so that the step chosen by
    # validation afterwards is still there (model.safetensors is always the latest)
    keep_checkpoints: bool = False
    val_every: int = 500
    log_every: int = 25
    val_batches: int = 8
    val_samples: int = 8  # held-out sequences danced at each validation for the metrics
    val_seconds: float = 10.0
    # pairs left out of the run, by name or by its last part (glob patterns): a test split
    exclude: list[str] = field(default_factory=list)
    # a bundled model's name or a checkpoint whose trained weights the run starts from
    # (fine-tuning: dancekit.train.init_weights); "" starts from fresh weights
    init: str = ""
    # tempo augmentation: every training pair is also learned played at each of these rates
    # (music time-stretched, dance re-timed alike: dancekit.data.tempo); validation pairs
    # stay as recorded. [] = off
    tempo: list[float] = field(default_factory=list)
    # seconds left out at the end of every training pair's dance (0: none). A capture that
    # ends in a closing figure (every ballroom rumba and cha-cha ends in a deep lunge) teaches
    # a model that does not know the time left to draw that figure anywhere, mid-song
    drop_end: float = 0.0
    # rarer styles' training windows repeated (data.windows.balanced_windows): each style's
    # windows times round((the largest style's / its own) ** style_balance); 0: as they are
    style_balance: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        return build_config(cls, d, complete=False, label="train")

    def validate(self) -> None:
        count = Range(1, MAX_STEPS, integer=True)
        seed = Range(0, 2**32 - 1, integer=True)
        check_fields(self, "train config", {
            "steps": count, "batch_size": size(), "lr": Range(0, 10, lo_open=True),
            "weight_decay": Range(0, 10), "warmup_steps": Range(0, MAX_STEPS, integer=True),
            "min_lr_ratio": Range(0, 1), "grad_clip": Range(0, 1e12, lo_open=True),
            "ema": Range(0, 1, hi_open=True),
            "seed": seed, "window_stride": size(),
            "val_fraction": FRACTION, "checkpoint_every": count, "val_every": count,
            "log_every": count, "val_batches": size(),
            "val_samples": Range(0, MAX_SIZE, integer=True),
            "val_seconds": Range(0, 1e4, lo_open=True), "drop_end": Range(0, 1e4),
            "style_balance": Range(0, 1)})
        if not isinstance(self.exclude, list) or not all(
                isinstance(x, str) and x for x in self.exclude) or len(self.exclude) > 100_000:
            raise ParameterError("train config exclude must be a list of name patterns, got "
                                 f"{self.exclude!r}")
        if not isinstance(self.tempo, list) or len(self.tempo) > 16 or not all(
                isinstance(r, int | float) and not isinstance(r, bool) and 0.5 <= r <= 2
                and r != 1 for r in self.tempo) or len(set(self.tempo)) != len(self.tempo):
            raise ParameterError("train config tempo must be a list of at most 16 different "
                                 f"rates in 0.5-2 other than 1, got {self.tempo!r}")
        if not isinstance(self.init, str) or len(self.init) > 4096:
            raise ParameterError(f"train config init must be a model name or checkpoint path, "
                                 f"got {self.init!r}")
        if self.split_seed is not None:  # null: the split follows seed
            check_fields(self, "train config", {"split_seed": seed})
        if self.amp not in ("auto", "bf16", "off"):
            raise ParameterError(f"train config amp must be auto, bf16 or off, got {self.amp!r}")


class _LossModule(nn.Module):
    """Routes the loss through ``forward`` so DistributedDataParallel sees the call."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, batch: dict[str, torch.Tensor], generator: torch.Generator
                ) -> tuple[torch.Tensor, dict[str, float]]:
        return self.model.loss(batch, generator)


def split_seed(cfg: TrainConfig) -> int:
    """The seed that picks a run's validation sequences."""
    return cfg.seed if cfg.split_seed is None else cfg.split_seed


def lr_factor(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to 1, then cosine decay to ``min_lr_ratio`` at ``cfg.steps``."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    done = min(1.0, (step - cfg.warmup_steps) / span)
    return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * done))


def data_fingerprint(sequences: list[Sequence]) -> str:
    """Hash of names, lengths and contents: a resume must see the same data."""
    h = hashlib.sha1()
    for s in sequences:
        h.update(s.name.encode())
        h.update(np.ascontiguousarray(s.motion).tobytes())
        h.update(np.ascontiguousarray(s.audio).tobytes())
        h.update(str(s.style).encode())
    return h.hexdigest()


class Trainer:
    """Train ``model`` on ``train`` sequences, validating on ``val``; files go to ``out``.

    Parameters
    ----------
    model : nn.Module
        A registered trainable model (see the module docstring), freshly built.
    name : str
        Its registry name, written into checkpoints.
    train, val : list of Sequence
        Already split by sequence (:func:`dancekit.data.split_by_sequence`).
    config : TrainConfig
    out : Path
        Run directory: ``model.safetensors`` (+ ``.json``), ``trainer.safetensors``,
        ``log.csv``.
    resume : bool
        Continue from ``out/trainer.safetensors``; without it an existing run is never overwritten.
    show_progress : bool
        Progress bar and loss lines on stderr.
    """

    def __init__(self, model: nn.Module, name: str, train: list[Sequence], val: list[Sequence],
                 config: TrainConfig, out: Path, *, resume: bool = False,
                 show_progress: bool = True, data_sources: list[str] | None = None) -> None:
        self.name, self.cfg, self.out = name, config, Path(out)
        self.train_seqs, self.val_seqs = train, val
        self.rank, self.world = _dist_rank_world()
        self.device = _device(self.rank)
        self.show = show_progress and self.rank == 0
        self.data_sources = data_sources or []
        if config.batch_size % self.world:
            raise ParameterError(f"batch_size {config.batch_size} is not divisible by the "
                                 f"{self.world} processes")
        check_memory(f"{name} config", model.config.size_estimate(),
                     batch=config.batch_size // self.world, training=True)
        self.state_path = self.out / STATE_FILE
        self.step = 0
        state = None
        if resume and self.state_path.is_file():
            state = load_trainer_state(self.state_path)
            self._check_resumable(state, model)
        elif resume:
            refuse_legacy_state(self.out)
        elif self.state_path.exists() or (self.out / LEGACY_STATE).exists():
            raise ParameterError(f"{self.out} already holds a training run; pass --resume to "
                                 "continue it or choose another --out")
        if state is None:
            torch.manual_seed(config.seed)  # whatever prepare() draws follows the seed
            model.prepare(train)
            if config.init:
                start_from(model, config.init)
        self.model = model.to(self.device)
        decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": config.weight_decay},
             {"params": no_decay, "weight_decay": 0.0}], lr=config.lr, betas=(0.9, 0.99))
        if state is not None:
            self.model.load_state_dict(state["model"], strict=True)
            self.opt.load_state_dict(state["optimizer"])
            self.step = int(state["step"])
        self.average: dict[str, torch.Tensor] | None = None
        if config.ema > 0:  # a run that starts averaging on resume starts from its weights
            start = state.get("average") if state is not None else None
            self.average = {k: (start[k] if start else v).detach().clone().to(self.device)
                            for k, v in self.model.state_dict().items()}
        m_len, a_len = model.window_lengths()
        self.m_len, self.a_len = m_len, a_len
        self.windows = balanced_windows(
            train, make_windows(train, max(m_len, a_len), config.window_stride),
            config.style_balance)
        self.val_windows = (make_windows(val, max(m_len, a_len), config.window_stride)
                            if val else None)
        self.styles = list(model.config.styles)
        self.fingerprint = data_fingerprint(train + val)
        if state is not None and state["data"] != self.fingerprint:
            raise ParameterError(f"the data differs from the data {self.out} was trained on; "
                                 "resume with the same --data")
        self.runner: nn.Module = _LossModule(self.model)
        if self.world > 1:
            self.runner = nn.parallel.DistributedDataParallel(
                self.runner, device_ids=[self.device.index] if self.device.type == "cuda"
                else None)
        use_amp = config.amp == "bf16" or (config.amp == "auto" and self.device.type == "cuda")
        self.amp = use_amp

    # --- the loop ----------------------------------------------------------------------------
    def fit(self) -> dict[str, float]:
        """Train to ``config.steps``; returns the last validation results."""
        cfg = self.cfg
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
            self._trim_log()
        self._say(f"training {self.name}: {len(self.train_seqs)} train / {len(self.val_seqs)} "
                  f"val sequences, {len(self.windows)} windows, {cfg.steps} steps, "
                  f"batch {cfg.batch_size} on {self.world} x {self.device.type}")
        per_rank = cfg.batch_size // self.world
        results: dict[str, float] = {}
        t0, running, count = time.perf_counter(), 0.0, 0
        steps = range(self.step, cfg.steps)
        for step in progress(steps, total=len(steps), description=f"train {self.name}",
                             disable=not self.show):
            self.model.train()
            gen = self._seed_step(step)
            pos = step * cfg.batch_size + self.rank * per_rank
            idx = window_order(len(self.windows), pos, per_rank, cfg.seed)
            batch = self._to_device(collate(self.train_seqs, self.windows[idx], self.m_len,
                                            self.a_len, self.styles))
            for group in self.opt.param_groups:
                group["lr"] = cfg.lr * lr_factor(step, cfg)
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
                loss, parts = self.runner(batch, gen)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = float(nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip))
            self.opt.step()
            self.step = step + 1
            self._update_average()
            running, count = running + float(loss.detach()), count + 1
            if self.step % cfg.log_every == 0 or self.step == cfg.steps:
                row = {"loss": running / count, "lr": self.opt.param_groups[0]["lr"],
                       "grad_norm": grad_norm, **parts}
                self._log("train", row)
                self._say(f"step {self.step}/{cfg.steps} loss {running / count:.4f} "
                          f"lr {row['lr']:.2e} ({time.perf_counter() - t0:.0f} s)")
                running, count = 0.0, 0
            if self.step % cfg.val_every == 0 or self.step == cfg.steps:
                results = self.validate()
            if self.step % cfg.checkpoint_every == 0 or self.step == cfg.steps:
                self.save()
        if self.step == cfg.steps and not results:
            results = self.validate()
        return results

    def validate(self) -> dict[str, float]:
        """Held-out loss on fixed windows and the model's metrics on generated dances."""
        if not self.val_seqs or self.val_windows is None:
            return {}
        with self._averaged():
            return self._validate()

    def _validate(self) -> dict[str, float]:
        self.model.eval()
        cfg = self.cfg
        n = min(len(self.val_windows), cfg.val_batches * cfg.batch_size)
        total, seen = 0.0, 0
        with torch.no_grad():
            for lo in range(0, n, cfg.batch_size):
                idx = window_order(len(self.val_windows), lo, min(cfg.batch_size, n - lo),
                                   cfg.seed)
                batch = self._to_device(collate(self.val_seqs, self.val_windows[idx],
                                                self.m_len, self.a_len, self.styles))
                loss, _ = self.model.loss(batch, torch.Generator().manual_seed(cfg.seed))
                total, seen = total + float(loss) * len(idx), seen + len(idx)
        results = {"val_loss": total / seen}
        if self.rank == 0 and cfg.val_samples > 0:
            results.update(self.model.validation_metrics(self.val_seqs, cfg.val_seconds,
                                                         cfg.val_samples))
        self._log("val", results)
        self._say("validation: " + ", ".join(f"{k} {v:.4f}" for k, v in results.items()))
        return results

    # --- checkpoints -------------------------------------------------------------------------
    def save(self) -> None:
        """Write ``model.safetensors`` (+ json; and ``model_step{N}`` with ``keep_checkpoints``)
        and ``trainer.safetensors`` atomically (rank 0)."""
        if self.rank != 0:
            return
        model_cfg = self.model.config.to_dict()
        state = {"model_name": self.name, "model_config": model_cfg,
                 "train_config": dataclasses.asdict(self.cfg), "step": self.step,
                 "model": self.model.state_dict(), "optimizer": self.opt.state_dict(),
                 "data": self.fingerprint}
        if self.average is not None:
            state["average"] = self.average
        save_trainer_state(self.state_path, state)
        weights = self.average if self.average is not None else self.model.state_dict()
        meta = {"step": self.step, "data": self.data_sources,
                "train_sequences": len(self.train_seqs), "val_sequences": len(self.val_seqs),
                # which sequences the run held out, so a later step can tell what it learned
                "val_names": sorted(s.name for s in self.val_seqs),
                "train_config": dataclasses.asdict(self.cfg)}
        names = ["model.safetensors"]
        if self.cfg.keep_checkpoints:
            names.append(f"model_step{self.step}.safetensors")
        for name in names:
            save_model(self.out / name, self.name, model_cfg, weights, meta)

    def _check_resumable(self, state: dict[str, Any], model: nn.Module) -> None:
        if state.get("model_name") != self.name:
            raise CheckpointError(f"{self.state_path} is a {state.get('model_name')!r} run, "
                                  f"not {self.name!r}")
        if state["model_config"] != model.config.to_dict():
            raise CheckpointError(f"{self.state_path} was trained with another model config; "
                                  "resume with the run's own config")

    # --- the weights' average ---------------------------------------------------------------
    def _update_average(self) -> None:
        """Move the average towards the weights just stepped; early on the decay is lower,
        ``(1 + step) / (10 + step)``, so the average soon forgets the random start."""
        if self.average is None:
            return
        keep = min(self.cfg.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            for k, v in self.model.state_dict().items():
                avg = self.average[k]
                if avg.is_floating_point():
                    avg.lerp_(v, 1.0 - keep)
                else:  # counters and indices are taken as they are
                    avg.copy_(v)

    @contextlib.contextmanager
    def _averaged(self) -> Iterator[None]:
        """The averaged weights in the model for the block's duration, if there are any."""
        if self.average is None:
            yield
            return
        raw = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self.model.load_state_dict(self.average, strict=True)
        try:
            yield
        finally:
            self.model.load_state_dict(raw, strict=True)

    # --- helpers -----------------------------------------------------------------------------
    def _seed_step(self, step: int) -> torch.Generator:
        """Re-derive every random stream from (seed, rank, step): resume replays exactly."""
        key = int(np.random.default_rng([self.cfg.seed, self.rank, step]).integers(2**62))
        torch.manual_seed(key)
        return torch.Generator().manual_seed(key + 1)

    def _to_device(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}

    def _log(self, split: str, values: dict[str, float]) -> None:
        if self.rank != 0:
            return
        path = self.out / "log.csv"
        new = not path.exists()
        with path.open("a", newline="") as f:
            w = csv.writer(f)
            if new:
                w.writerow(["step", "split", "metric", "value"])
            for k, v in values.items():
                w.writerow([self.step, split, k, f"{v:.6g}"])

    def _trim_log(self) -> None:
        """Drop log rows a killed run wrote after its last checkpoint (they are replayed)."""
        path = self.out / "log.csv"
        if not path.exists():
            return
        with path.open(newline="") as f:
            rows = list(csv.reader(f))
        keep = rows[:1] + [r for r in rows[1:] if r and int(r[0]) <= self.step]
        with path.open("w", newline="") as f:
            csv.writer(f).writerows(keep)

    def _say(self, text: str) -> None:
        if self.show:
            print(text, file=sys.stderr, flush=True)


def _dist_rank_world() -> tuple[int, int]:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), dist.get_world_size()


def _device(rank: int) -> torch.device:
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", rank))
        torch.cuda.set_device(local)
        return torch.device("cuda", local)
    return torch.device("cpu")
