"""The trainer state ``trainer.safetensors``: everything ``--resume`` needs.

Model and optimiser state, LR schedule, step, both configs and a fingerprint of the data,
tensors as tensors and the rest as JSON, in the digested safetensors format of
:mod:`dancekit.checkpoint`. It alone is read on resume, so a run killed between writing it
and the model checkpoint still resumes consistently. Only training reads or writes it, so it
lives here rather than beside the model checkpoints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from dancekit.checkpoint import read_tensors, write_tensors
from dancekit.errors import CheckpointError

LEGACY_STATE = "trainer.pt"  # pickled trainer state of dancekit before 'trainer.safetensors'


def _pack(obj: Any, where: str, tensors: dict[str, torch.Tensor]) -> Any:
    """``obj`` as JSON, its tensors moved into ``tensors`` under their path. Dicts become
    key-value lists (the optimiser's state is keyed by int), tuples are marked."""
    if isinstance(obj, torch.Tensor):
        tensors[where] = obj
        return {"tensor": where}
    if isinstance(obj, dict):
        return {"dict": [[k, _pack(v, f"{where}/{k}", tensors)] for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"tuple": [_pack(v, f"{where}/{i}", tensors) for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_pack(v, f"{where}/{i}", tensors) for i, v in enumerate(obj)]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"trainer state cannot hold a {type(obj).__name__} ({where})")


def _unpack(obj: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(obj, list):
        return [_unpack(v, tensors) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if set(obj) == {"tensor"}:
        return tensors[obj["tensor"]]
    if set(obj) == {"tuple"}:
        return tuple(_unpack(v, tensors) for v in obj["tuple"])
    return {k: _unpack(v, tensors) for k, v in obj["dict"]}


def save_trainer_state(path: str | Path, state: dict[str, Any]) -> None:
    tensors: dict[str, torch.Tensor] = {}
    text = json.dumps(_pack(state, "", tensors))
    write_tensors(Path(path), "trainer_state", text, tensors)


def load_trainer_state(path: str | Path) -> dict[str, Any]:
    """The state :func:`save_trainer_state` wrote; a damaged or foreign file is a
    :class:`CheckpointError`."""
    text, tensors = read_tensors(path, "trainer_state", need_digest=True, what="trainer state")
    try:
        state = _unpack(json.loads(text), tensors)
    except (ValueError, KeyError, TypeError, RecursionError) as err:
        raise CheckpointError(f"trainer state {path} is malformed: {err!r}") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"trainer state {path} is malformed: not a mapping")
    return state


def refuse_legacy_state(run: Path) -> None:
    """An older dancekit's pickled ``trainer.pt`` is never read: unpickling can run any code
    placed in the file. Says how to go on instead."""
    old = run / LEGACY_STATE
    if old.exists():
        raise CheckpointError(
            f"{old} is a trainer state in the old pickle format, which is not loaded because "
            "unpickling a file can run code in it; to continue, start a new run with another "
            f"--out (the trained weights in {run / 'model.safetensors'} still load)")
