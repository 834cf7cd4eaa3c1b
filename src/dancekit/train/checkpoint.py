"""Checkpoint files: the model (safetensors + JSON config) and the full trainer state.

Two kinds of file, each written atomically (temporary file, then rename), both safetensors:
tensors plus JSON text, so reading one never runs code, whoever made the file.

* ``model.safetensors`` — weights and buffers; its metadata holds the JSON
  ``{"model": name, "config": {...}, "dancekit_version": ..., "meta": {...}}`` so the file alone
  rebuilds the model without any code defaults. ``model.json`` beside it is the same JSON,
  pretty-printed for people (and for :func:`dancekit.models.load_model`).
* ``trainer.safetensors`` — everything ``--resume`` needs: model and optimiser state, LR
  schedule, step, both configs and a fingerprint of the data (tensors as tensors, the rest as
  JSON). It alone is read on resume, so a run killed between the two writes still resumes
  consistently.

Each file's metadata also holds a SHA-256 digest of its JSON and tensors, checked on load: a
damaged file is refused instead of loading as different numbers. Model checkpoints written
before digests existed load without the check.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch

from dancekit.errors import CheckpointError
from dancekit.utils import atomic_output

DIGEST_KEY = "digest"
LEGACY_STATE = "trainer.pt"  # pickled trainer state of dancekit before 'trainer.safetensors'


def tensor_digest(text: str, tensors: dict[str, torch.Tensor]) -> str:
    """``sha256:<hex>`` of ``text`` and every tensor's name, dtype, shape and bytes."""
    h = hashlib.sha256(text.encode())
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        h.update(f"\0{name}\0{t.dtype}\0{tuple(t.shape)}\0".encode())
        if t.numel():
            h.update(memoryview(t.reshape(-1).view(torch.uint8).numpy()))
    return "sha256:" + h.hexdigest()


def _write(path: Path, key: str, text: str, tensors: dict[str, torch.Tensor]) -> None:
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    meta = {key: text, DIGEST_KEY: tensor_digest(text, tensors)}
    with atomic_output(path) as tmp:
        save_file(tensors, str(tmp), metadata=meta)


def _read(path: str | Path, key: str, *, need_digest: bool, what: str
          ) -> tuple[str, dict[str, torch.Tensor]]:
    """(the metadata text under ``key``, the tensors) of a safetensors file whose digest,
    when present (always, with ``need_digest``), matches."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{what} not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 - not a dict
    except Exception as err:  # noqa: BLE001 - any failure means an unreadable file
        raise CheckpointError(f"cannot read {what} {path}: {err}") from None
    if key not in meta:
        raise CheckpointError(f"{path} is not a dancekit {what} (no {key!r} metadata)")
    stored = meta.get(DIGEST_KEY)
    if stored is None and need_digest:
        raise CheckpointError(f"{what} {path} has no digest")
    if stored is not None and stored != tensor_digest(meta[key], tensors):
        raise CheckpointError(f"{what} {path} is damaged: its contents do not match the "
                              "digest stored in it")
    return meta[key], tensors


def save_model(path: str | Path, name: str, config: dict[str, Any],
               state: dict[str, torch.Tensor], meta: dict[str, Any] | None = None) -> None:
    """Write ``path`` (.safetensors) and its ``.json`` twin atomically."""
    import dancekit

    path = Path(path)
    header = {"model": name, "config": config, "dancekit_version": dancekit.__version__,
              "meta": meta or {}}
    _write(path, "config", json.dumps(header), state)
    with atomic_output(path.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(header, indent=2) + "\n")


def _parse_header(path: str | Path, text: str) -> dict[str, Any]:
    try:
        header = json.loads(text)
    except ValueError as err:
        raise CheckpointError(f"cannot read checkpoint {path}: {err}") from None
    if not isinstance(header, dict) or not isinstance(header.get("config"), dict):
        raise CheckpointError(f"checkpoint {path} has no model config")
    return header


def read_model(path: str | Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(JSON header, state dict) of a model checkpoint, its digest checked when it has one."""
    text, state = _read(path, "config", need_digest=False, what="checkpoint")
    return _parse_header(path, text), state


def read_header(path: str | Path) -> dict[str, Any]:
    """The JSON header stored inside a model checkpoint."""
    return read_model(path)[0]


def load_model_file(path: str | Path, name: str) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(config, state dict) of a model checkpoint, checking that it is a ``name`` model."""
    header, state = read_model(path)
    if header.get("model") != name:
        raise CheckpointError(f"checkpoint {path} holds a {header.get('model')!r} model, "
                              f"not {name!r}")
    return header["config"], state


def half_precision(src: str | Path, dst: str | Path) -> None:
    """Copy a model checkpoint with its float32 tensors stored as float16: half the bytes,
    for weights bundled in the package. Loading casts them back to the model's float32, so a
    half-precision file loads like any other; the header gains ``meta.stored_as``."""
    header, state = read_model(src)
    state = {k: v.half() if v.dtype == torch.float32 else v for k, v in state.items()}
    meta = {**header.get("meta", {}), "stored_as": "float16"}
    save_model(dst, header["model"], header["config"], state, meta)


# --- trainer state: nested dicts, lists and tuples of tensors and JSON values ---------------
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
    _write(Path(path), "trainer_state", text, tensors)


def load_trainer_state(path: str | Path) -> dict[str, Any]:
    """The state :func:`save_trainer_state` wrote; a damaged or foreign file is a
    :class:`CheckpointError`."""
    text, tensors = _read(path, "trainer_state", need_digest=True, what="trainer state")
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
