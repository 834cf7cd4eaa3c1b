"""Dances made of pictures rather than joints (DanceNet draws its dancer as images): the
:class:`ImageDance` type, written as MP4 with the music, GIF or PNG by the same writers as
skeleton videos, or as NPZ with its latent sequence."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.render.soundtrack import Soundtrack
from dancekit.render.writers import write_gif, write_mp4, write_png
from dancekit.utils import atomic_output, check_output_path
from dancekit.utils import progress as progress_bar

IMAGE_FORMATS = (".mp4", ".gif", ".png", ".npz")
_PALETTE_SAMPLES = 8


@dataclass
class ImageDance:
    """A dance as single-channel frames ``(T, H, W)`` uint8 at ``fps``, with the model's
    per-frame ``latents`` (T, D) when it has them, and ``meta`` as a :class:`Motion`'s."""

    frames: np.ndarray
    fps: float
    latents: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        f = self.frames
        if not isinstance(f, np.ndarray) or f.ndim != 3 or f.dtype != np.uint8 or not len(f):
            raise ParameterError("an image dance needs (T, H, W) uint8 frames, T >= 1")
        if not 0.001 <= float(self.fps) <= 10000:
            raise ParameterError(f"fps must be from 0.001 to 10000, got {self.fps}")
        if self.latents is not None and len(self.latents) != len(f):
            raise ParameterError(f"{len(self.latents)} latents for {len(f)} frames")

    @property
    def num_frames(self) -> int:
        return len(self.frames)

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps


def _scaled(dance: ImageDance, width: int) -> tuple[int, int]:
    """(width, height) of frames scaled to ``width``, the height rounded to even (H.264)."""
    h, w = dance.frames.shape[1:]
    return width, max(2, 2 * round(h * width / w / 2))


def _rgb(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    big = cv2.resize(frame, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.repeat(big[..., None], 3, axis=2)


def render_images(dance: ImageDance, out_path: str | os.PathLike, *,
                  audio: str | os.PathLike | Soundtrack | None = None, width: int = 512,
                  progress: bool = True) -> Path:
    """Write ``dance`` as ``.mp4`` (H.264 with ``audio`` muxed in and cut to the video),
    ``.gif`` or ``.png`` (the first frame), scaled to ``width`` pixels wide; atomically."""
    out = check_output_path(out_path, IMAGE_FORMATS[:3])
    ext = out.suffix.lower()
    if audio is not None and ext != ".mp4":
        raise ParameterError(f"audio can only be muxed into .mp4, not {ext}")
    if not 16 <= width <= 4096:
        raise ParameterError(f"width must be 16 to 4096 pixels, got {width}")
    w, h = _scaled(dance, width)
    with atomic_output(out) as tmp:
        if ext == ".png":
            write_png(_rgb(dance.frames[0], w, h), tmp)
            return out
        frames = progress_bar((_rgb(f, w, h) for f in dance.frames), total=dance.num_frames,
                              description=f"rendering {out.name}", disable=not progress)
        if ext == ".mp4":
            write_mp4(frames, tmp, width=w, height=h, fps=dance.fps,
                      num_frames=dance.num_frames, audio=audio)
        else:
            picks = np.rint(np.linspace(0, dance.num_frames - 1,
                                        min(_PALETTE_SAMPLES, dance.num_frames)))
            write_gif(frames, tmp, width=w, height=h, fps=dance.fps,
                      palette_frames=[_rgb(dance.frames[int(i)], w, h) for i in picks])
    return out


def save_image_dance(dance: ImageDance, out_path: str | os.PathLike) -> Path:
    """Write ``dance`` as ``.npz``: ``frames``, ``fps``, ``latents`` (when present) and
    ``meta`` (JSON text); atomically."""
    out = check_output_path(out_path, (".npz",))
    arrays: dict[str, Any] = {"frames": dance.frames, "fps": np.float64(dance.fps),
                              "meta": np.array(json.dumps(dance.meta, default=str))}
    if dance.latents is not None:
        arrays["latents"] = np.asarray(dance.latents, np.float32)
    with atomic_output(out) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **arrays)
    return out


def load_image_dance(path: str | os.PathLike) -> ImageDance:
    """An :class:`ImageDance` written by :func:`save_image_dance`; anything else is a
    :class:`DataFormatError` (no pickle is ever read)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            latents = data["latents"] if "latents" in data.files else None
            meta = json.loads(str(data["meta"]))
            return ImageDance(data["frames"], float(data["fps"]), latents,
                              meta if isinstance(meta, dict) else {})
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DataFormatError(f"{path} is not an image dance: {err}") from None


__all__ = ["IMAGE_FORMATS", "ImageDance", "load_image_dance", "render_images",
           "save_image_dance"]
