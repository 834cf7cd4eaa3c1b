"""Frames of a video file, decoded by the ffmpeg that imageio-ffmpeg ships.

A video is untrusted input like any other file: its declared size is checked before a frame
is allocated, and anything ffmpeg cannot read becomes a :class:`DataFormatError` rather than a
traceback. Frames are RGB ``uint8`` arrays of shape ``(H, W, 3)``; ``size`` scales them in
ffmpeg (cheaper than decoding full HD and shrinking in Python).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.errors import DataFormatError, ParameterError

#: Largest frame accepted, in pixels (8K): beyond any camera a dancer would be filmed with,
#: while a corrupt header declaring more would otherwise ask for gigabytes per frame.
MAX_PIXELS = 7680 * 4320


@dataclass(frozen=True)
class VideoInfo:
    """What a video's header declares: frame size (pixels), frame rate and length."""

    width: int
    height: int
    fps: float
    duration: float

    @property
    def frame_count(self) -> int:
        """Frames the header's duration and rate imply (ffmpeg may deliver one more or less)."""
        return max(int(round(self.duration * self.fps)), 0)


def _open(path: Path, output_params: list[str] | None = None):
    import imageio_ffmpeg

    if not path.is_file():
        raise DataFormatError(f"video not found: {path}")
    reader = imageio_ffmpeg.read_frames(str(path), output_params=output_params)
    try:
        meta = next(reader)
    except (RuntimeError, OSError, StopIteration) as exc:
        reader.close()
        raise DataFormatError(f"could not read {path.name} as a video") from exc
    return reader, meta


def _info(path: Path, meta: dict) -> VideoInfo:
    width, height = (int(v) for v in meta.get("source_size", (0, 0)))
    fps = float(meta.get("fps") or 0.0)
    duration = float(meta.get("duration") or 0.0)
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise DataFormatError(f"{path.name}: frame size {width}x{height} is not a usable video")
    if not (0.1 <= fps <= 1000.0) or not np.isfinite(duration) or duration <= 0:
        raise DataFormatError(f"{path.name}: declares {fps} fps and {duration} s")
    return VideoInfo(width, height, fps, duration)


def probe_video(path: str | os.PathLike) -> VideoInfo:
    """The video's size, rate and length from its header; no frame is decoded."""
    path = Path(path)
    reader, meta = _open(path)
    reader.close()
    return _info(path, meta)


def read_frames(path: str | os.PathLike, *, size: tuple[int, int] | None = None,
                max_frames: int | None = None) -> Iterator[np.ndarray]:
    """Yield the video's frames in order as ``(H, W, 3)`` RGB ``uint8`` arrays.

    ``size`` is ``(width, height)`` to scale every frame to (ffmpeg does the scaling);
    ``max_frames`` stops early, so a caller that needs the first seconds decodes only those.
    """
    path = Path(path)
    if size is not None and (min(size) < 1 or size[0] * size[1] > MAX_PIXELS):
        raise ParameterError(f"frame size must be positive and at most {MAX_PIXELS} pixels")
    params = None if size is None else ["-vf", f"scale={int(size[0])}:{int(size[1])}"]
    reader, meta = _open(path, params)
    try:
        info = _info(path, meta)
        width, height = (info.width, info.height) if size is None else size
        frame_bytes = width * height * 3
        count = 0
        while max_frames is None or count < max_frames:
            try:
                raw = next(reader)
            except StopIteration:
                break
            except (RuntimeError, OSError) as exc:
                raise DataFormatError(f"{path.name}: decoding stopped at frame {count}") from exc
            if len(raw) != frame_bytes:
                raise DataFormatError(f"{path.name}: frame {count} has {len(raw)} bytes, "
                                      f"expected {frame_bytes}")
            yield np.frombuffer(raw, np.uint8).reshape(height, width, 3)
            count += 1
        if count == 0:
            raise DataFormatError(f"{path.name} holds no video frames")
    finally:
        reader.close()


def load_video(path: str | os.PathLike, *, size: tuple[int, int] | None = None,
               max_frames: int | None = None) -> tuple[np.ndarray, float]:
    """All frames as one ``(T, H, W, 3)`` array, with the frame rate."""
    info = probe_video(path)
    frames = np.stack(list(read_frames(path, size=size, max_frames=max_frames)))
    return frames, info.fps
