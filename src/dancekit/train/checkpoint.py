"""Checkpoint files: the model (safetensors + JSON config) and the full trainer state.

Two kinds of file, each written atomically (temporary file, then rename):

* ``model.safetensors`` — weights and buffers; its metadata holds the JSON
  ``{"model": name, "config": {...}, "dancekit_version": ..., "meta": {...}}`` so the file alone
  rebuilds the model without any code defaults. ``model.json`` beside it is the same JSON,
  pretty-printed for people (and for :func:`dancekit.models.load_model`).
* ``trainer.pt`` — everything ``--resume`` needs: model and optimiser state, LR schedule,
  step, both configs and a fingerprint of the data. It alone is read on resume, so a run
  killed between the two writes still resumes consistently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from dancekit.errors import CheckpointError
from dancekit.utils import atomic_output


def save_model(path: str | Path, name: str, config: dict[str, Any],
               state: dict[str, torch.Tensor], meta: dict[str, Any] | None = None) -> None:
    """Write ``path`` (.safetensors) and its ``.json`` twin atomically."""
    from safetensors.torch import save_file

    import dancekit

    path = Path(path)
    header = {"model": name, "config": config, "dancekit_version": dancekit.__version__,
              "meta": meta or {}}
    tensors = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    with atomic_output(path) as tmp:
        save_file(tensors, str(tmp), metadata={"config": json.dumps(header)})
    with atomic_output(path.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(header, indent=2) + "\n")


def read_header(path: str | Path) -> dict[str, Any]:
    """The JSON header stored inside a model checkpoint."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        header = json.loads(meta["config"])
    except Exception as err:  # noqa: BLE001 - any failure means an unreadable checkpoint
        raise CheckpointError(f"cannot read checkpoint {path}: {err}") from None
    if not isinstance(header, dict) or not isinstance(header.get("config"), dict):
        raise CheckpointError(f"checkpoint {path} has no model config")
    return header


def load_model_file(path: str | Path, name: str) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(config, state dict) of a model checkpoint, checking that it is a ``name`` model."""
    from safetensors.torch import load_file

    header = read_header(path)
    if header.get("model") != name:
        raise CheckpointError(f"checkpoint {path} holds a {header.get('model')!r} model, "
                              f"not {name!r}")
    try:
        state = load_file(str(path))
    except Exception as err:  # noqa: BLE001
        raise CheckpointError(f"cannot read weights from {path}: {err}") from None
    return header["config"], state


def half_precision(src: str | Path, dst: str | Path) -> None:
    """Copy a model checkpoint with its float32 tensors stored as float16: half the bytes,
    for weights bundled in the package. Loading casts them back to the model's float32, so a
    half-precision file loads like any other; the header gains ``meta.stored_as``."""
    from safetensors.torch import load_file

    header = read_header(src)
    state = {k: v.half() if v.dtype == torch.float32 else v
             for k, v in load_file(str(src)).items()}
    meta = {**header.get("meta", {}), "stored_as": "float16"}
    save_model(dst, header["model"], header["config"], state, meta)


def save_trainer_state(path: str | Path, state: dict[str, Any]) -> None:
    with atomic_output(path) as tmp:
        torch.save(state, tmp)


def load_trainer_state(path: str | Path) -> dict[str, Any]:
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:  # noqa: BLE001
        raise CheckpointError(f"cannot read trainer state {path}: {err}") from None
