"""Checkpoint files: model weights with their JSON config, and the digested file format they
share with the trainer state.

Below both :mod:`dancekit.models` (which loads checkpoints) and :mod:`dancekit.train` (which
writes them), so neither has to import the other to read a file.

Every file is safetensors, written atomically (temporary file, then rename): tensors plus
JSON text, so reading one never runs code, whoever made the file.

* ``model.safetensors`` — weights and buffers; its metadata holds the JSON
  ``{"model": name, "config": {...}, "dancekit_version": ..., "meta": {...}}`` so the file alone
  rebuilds the model without any code defaults. ``model.json`` beside it is the same JSON,
  pretty-printed for people (and for :func:`dancekit.models.load_model`).
* the trainer state (:mod:`dancekit.train.state`) is written with :func:`write_tensors` and
  read with :func:`read_tensors` too.

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

from dancekit import __version__
from dancekit.errors import CheckpointError
from dancekit.utils import atomic_output

DIGEST_KEY = "digest"


def tensor_digest(text: str, tensors: dict[str, torch.Tensor]) -> str:
    """``sha256:<hex>`` of ``text`` and every tensor's name, dtype, shape and bytes."""
    h = hashlib.sha256(text.encode())
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        h.update(f"\0{name}\0{t.dtype}\0{tuple(t.shape)}\0".encode())
        if t.numel():
            h.update(memoryview(t.reshape(-1).view(torch.uint8).numpy()))
    return "sha256:" + h.hexdigest()


def write_tensors(path: Path, key: str, text: str, tensors: dict[str, torch.Tensor]) -> None:
    """Write ``tensors`` to ``path`` atomically with ``text`` under metadata ``key`` and the
    digest of both."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    meta = {key: text, DIGEST_KEY: tensor_digest(text, tensors)}
    with atomic_output(path) as tmp:
        save_file(tensors, str(tmp), metadata=meta)


def read_tensors(path: str | Path, key: str, *, need_digest: bool, what: str
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
    path = Path(path)
    header = {"model": name, "config": config, "dancekit_version": __version__,
              "meta": meta or {}}
    write_tensors(path, "config", json.dumps(header), state)
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
    text, state = read_tensors(path, "config", need_digest=False, what="checkpoint")
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


__all__ = ["half_precision", "load_model_file", "read_header", "read_model", "save_model"]
