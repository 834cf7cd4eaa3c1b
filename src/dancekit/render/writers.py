"""Writing frames to files: MP4 (H.264, optional audio) and GIF through the ffmpeg binary
that imageio-ffmpeg ships, PNG through OpenCV.

Frames are streamed raw into ffmpeg's standard input, so nothing is written to disk but the
result, and ffmpeg encodes on another core while Python draws the next frame. An MP4's
frames cross as yuv420p, converted by OpenCV (:func:`rgb_to_yuv420p`): half the bytes of
RGB, and about 0.5 ms of CPU for a 512x512 frame where ffmpeg's own conversion takes 0.7.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
from imageio_ffmpeg import get_ffmpeg_exe

from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.render.soundtrack import AAC, Soundtrack

#: Size asked for the pipe that carries raw frames to ffmpeg.
PIPE_BYTES = 1 << 20
#: x264 settings for stick figures on a plain stage: ``ultrafast`` motion search and
#: partitions, plus what pays off on flat, mostly still pictures: three B-frames in a fixed
#: pattern (a third smaller files than without) and the standard deblocking filter. On a
#: minute at 512x512 this takes 60% of ``superfast``'s encoding CPU time, at the same CRF
#: with a slightly higher PSNR and 1.5x the file size (docs/benchmarks.md, "Rendering").
X264_PARAMS = "bframes=3:b-adapt=0:deblock=0,0"


def check_audio(path: str | Path) -> Path:
    """Make sure ffmpeg can read an audio stream from ``path`` (any format it knows), before
    any frame is drawn.

    Raises
    ------
    ParameterError
        The file does not exist.
    AudioDecodeError
        ffmpeg cannot open it, or it holds no audio stream.
    """
    from dancekit.audio.loading import probe

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"audio file not found: {path}")
    probe(path)
    return path


#: RGB (0-255) to BT.601 limited-range Y, Cb, Cr, the matrix and offsets ffmpeg converts
#: ``rgb24`` to ``yuv420p`` with (and players assume for untagged H.264).
BT601 = np.array([[65.481, 128.553, 24.966, 16 * 255],
                  [-37.797, -74.203, 112.0, 128 * 255],
                  [112.0, -93.786, -18.214, 128 * 255]]) / 255


def rgb_to_yuv420p(frame: np.ndarray) -> np.ndarray:
    """An (H, W, 3) uint8 RGB frame (H, W even) as the planes of a yuv420p frame, flat.

    Each chroma sample is the mean of its 2x2 pixels, which keeps thin coloured lines
    as close to the drawing as ffmpeg's conversion does (41.2 against its 41.15 dB PSNR on
    a generated dance, decoded by ffmpeg); OpenCV's ``COLOR_RGB2YUV_I420`` takes one pixel
    of the four instead and loses 2.3 dB.
    """
    h, w = frame.shape[:2]
    yuv = cv2.transform(frame, BT601)
    half = cv2.resize(yuv, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    out = np.empty(h * w * 3 // 2, np.uint8)
    quarter = h * w // 4
    out[:h * w].reshape(h, w)[:] = yuv[..., 0]
    out[h * w:h * w + quarter].reshape(h // 2, w // 2)[:] = half[..., 1]
    out[h * w + quarter:].reshape(h // 2, w // 2)[:] = half[..., 2]
    return out


def _rate(fps: float) -> str:
    return str(Fraction(fps).limit_denominator(1001))


def _raw_input(width: int, height: int, fps: float, pix_fmt: str = "rgb24") -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{width}x{height}",
            "-framerate", _rate(fps), "-i", "pipe:0"]


def _widen_pipe(fd: int) -> None:
    """Let the pipe to ffmpeg hold a whole frame (Linux; elsewhere nothing changes): with
    the default 64 KiB, every frame crosses in a dozen write/read round trips."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or above the system's pipe-max-size: keep the default


def _stream(cmd: list[str], frames: Iterable[np.ndarray], *, audio: Path | None = None) -> None:
    """Run ffmpeg with ``cmd``, feeding ``frames`` to its standard input."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=log)
        _widen_pipe(proc.stdin.fileno())
        try:
            for frame in frames:
                proc.stdin.write(np.ascontiguousarray(frame).data)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its log says why
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        code = proc.wait()
        if code != 0:
            log.seek(0)
            msg = log.read().decode(errors="replace").strip().splitlines()
            why = msg[-1] if msg else f"exit code {code}"
            if audio is not None and str(audio) in "\n".join(msg):
                raise AudioDecodeError(f"ffmpeg could not decode {audio}: {why}")
            raise RuntimeError(f"ffmpeg failed ({' '.join(cmd)}): {why}")


def write_mp4(
    frames: Iterable[np.ndarray],
    path: str | Path,
    *,
    width: int,
    height: int,
    fps: float,
    num_frames: int,
    audio: str | Path | Soundtrack | None = None,
    audio_offset: float = 0.0,
    crf: int = 20,
) -> None:
    """Encode RGB frames as H.264 MP4 (yuv420p, faststart), with an AAC track from ``audio``.

    The audio starts ``audio_offset`` seconds into the file (negative: that much silence
    first) and is trimmed or padded with silence to the video's exact duration,
    ``num_frames / fps``, so the two streams end together and stay in sync. A
    :class:`Soundtrack` (offset 0) is copied as it was encoded and cut at that duration.
    """
    if width % 2 or height % 2:
        raise ParameterError(f"MP4 (H.264, yuv420p) needs an even width and height, "
                             f"got {width}x{height}")
    cmd = [get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           *_raw_input(width, height, fps, "yuv420p")]
    duration = num_frames / fps
    audio_path, sound = None, []
    if isinstance(audio, Soundtrack):
        if audio_offset:
            raise ParameterError("a Soundtrack starts with the video: audio_offset must be 0")
        audio_path = audio.wait()
        cmd += ["-i", str(audio_path)]
        sound = ["-map", "1:a:0", "-c:a", "copy", "-t", f"{duration:.6f}"]
    elif audio is not None:
        audio_path = check_audio(audio)
        seek = ["-ss", f"{audio_offset:.6f}"] if audio_offset > 0 else []
        cmd += [*seek, "-i", str(audio_path)]
        chain = []
        if audio_offset < 0:
            chain.append(f"adelay={round(-audio_offset * 1000)}:all=1")
        chain += [f"apad=whole_dur={duration:.6f}", f"atrim=end={duration:.6f}"]
        sound = ["-map", "1:a:0", "-af", ",".join(chain), *AAC]
    cmd += ["-map", "0:v:0", "-c:v", "libx264", "-preset", "ultrafast",
            "-x264-params", X264_PARAMS, "-crf", str(crf),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", *sound]
    _stream([*cmd, str(path)], map(rgb_to_yuv420p, frames), audio=audio_path)


def write_gif(
    frames: Iterable[np.ndarray],
    path: str | Path,
    *,
    width: int,
    height: int,
    fps: float,
    palette_frames: list[np.ndarray],
) -> None:
    """Encode RGB frames as a looping GIF with one palette made from ``palette_frames``.

    A shared palette, computed from a few frames spread over the clip, lets the frames be
    streamed (ffmpeg's one-pass palette needs the whole clip in memory) and keeps colours
    from flickering between frames. GIF delays are whole centiseconds, so frame rates that
    divide 100 (25, 50, 20) play at exactly the right speed.
    """
    with tempfile.TemporaryDirectory() as tmp:
        palette = Path(tmp) / "palette.png"
        sheet = np.concatenate(palette_frames, axis=0)
        _stream([get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 *_raw_input(width, sheet.shape[0], 1.0),
                 "-vf", "palettegen=max_colors=128:reserve_transparent=0", "-frames:v", "1",
                 "-update", "1", str(palette)], [sheet])
        _stream([get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 *_raw_input(width, height, fps), "-i", str(palette),
                 "-lavfi", "[0:v][1:v]paletteuse=dither=none:diff_mode=rectangle",
                 "-loop", "0", "-f", "gif", str(path)], frames)


def write_png(frame: np.ndarray, path: str | Path) -> None:
    """Write one RGB frame as PNG."""
    ok, data = cv2.imencode(".png", np.ascontiguousarray(frame[..., ::-1]))
    if not ok:
        raise RuntimeError(f"OpenCV could not encode a PNG for {path}")
    Path(path).write_bytes(data.tobytes())
