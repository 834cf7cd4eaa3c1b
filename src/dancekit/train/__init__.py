"""One Trainer for every model: data, windows, checkpoints, exact resume, logs, DDP."""

from dancekit.train.run import load_run_config, train
from dancekit.train.trainer import TrainConfig, Trainer, lr_factor

__all__ = [
    "TrainConfig",
    "Trainer",
    "load_run_config",
    "lr_factor",
    "train",
]
