"""Load any music file as mono float32 at a chosen sample rate.

Two decoders sit behind :func:`load`:

* libsndfile (through ``soundfile``) for WAV, FLAC, OGG/Vorbis, MP3, AIFF and friends;
* the ffmpeg binary shipped by ``imageio-ffmpeg`` for everything else a phone or a browser
  produces (M4A/AAC, MP4, WebM/Opus, MKV, WMA, ...), decoded to raw f32le PCM through a pipe.

Both stream: the file is read block by block, mixed down to mono and resampled with a
streaming soxr resampler (the same "HQ" filter ``librosa.load`` uses), so a 20-minute song
costs about one copy of the *output* signal in memory, never the decoded stereo source.
Every way a file can be unusable (missing, empty, truncated, corrupt, unsupported, digitally
silent, shorter than a second) raises :class:`~dancekit.errors.AudioDecodeError` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.utils import existing_file

#: Extensions libsndfile decodes (tried first; ffmpeg is the fallback if it refuses a file).
SOUNDFILE_EXTENSIONS = frozenset(
    {".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif", ".aifc", ".au",
     ".caf", ".w64", ".rf64"})
#: Extensions decoded by ffmpeg only.
FFMPEG_EXTENSIONS = frozenset(
    {".m4a", ".aac", ".mp4", ".m4v", ".mov", ".3gp", ".webm", ".mkv", ".mka", ".opus",
     ".wma", ".ac3", ".amr", ".wv", ".ape", ".mp2", ".avi"})
#: Shortest music a dance can be made for, in seconds.
MIN_SECONDS = 1.0
#: Peak below one 16-bit step counts as digital silence.
SILENCE_PEAK = 2.0**-15
_BLOCK_FRAMES = 1 << 17


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded music: mono float32 samples at ``sr`` plus where they came from.

    Attributes
    ----------
    samples : np.ndarray, shape (N,), float32
        Mono signal in [-1, 1] (channels averaged).
    sr : int
        Sample rate of ``samples`` in Hz.
    source_sr : int
        Sample rate of the file before resampling.
    duration : float
        Length of ``samples`` in seconds.
    path : Path or None
        The file it was read from (None for audio built in memory).
    format : str
        Lower-case container name, e.g. ``"ogg"``, ``"mp3"``, ``"m4a"``.

    Two Audio objects are equal only if they are the same object (comparing sample arrays
    element-wise is never what ``==`` should do).
    """

    samples: np.ndarray
    sr: int
    source_sr: int
    duration: float
    path: Path | None = None
    format: str = "pcm"

    @classmethod
    def from_array(cls, samples: np.ndarray, sr: int) -> Audio:
        """Wrap an in-memory signal (mono (N,) or channels-last (N, C)) after validating it."""
        y = np.asarray(samples, dtype=np.float32)
        if y.ndim == 2:
            y = y.mean(axis=1, dtype=np.float32)
        if y.ndim != 1:
            raise ParameterError(f"audio samples must be (N,) or (N, channels), got {y.shape}")
        sr = _check_sr(sr)
        audio = cls(samples=y, sr=sr, source_sr=sr, duration=len(y) / sr)
        _check_content(audio, "in-memory audio")
        return audio


def load(path: str | os.PathLike, *, sr: int | None = None, mono: bool = True,
         max_seconds: float | None = None) -> Audio:
    """Decode a music file to mono float32.

    Parameters
    ----------
    path : str or PathLike
        WAV, FLAC, OGG, MP3, AIFF (libsndfile) or M4A, AAC, MP4, WebM, Opus, MKV, WMA, ...
        (ffmpeg). Files without an extension are sniffed by both decoders.
    sr : int > 0, optional
        Output sample rate; ``None`` keeps the file's own rate.
    mono : bool
        Must be True: every consumer of dancekit audio wants one channel. It is a parameter so
        that a call asking for stereo fails loudly instead of silently getting mono.
    max_seconds : float > 0, optional
        Decode only the first ``max_seconds`` (the rest of the file is never read).

    Returns
    -------
    Audio

    Raises
    ------
    AudioDecodeError
        Missing, empty, truncated, corrupt or unsupported file; digital silence; shorter than
        one second.
    ParameterError
        Bad ``sr``, ``mono`` or ``max_seconds``.
    """
    if not mono:
        raise ParameterError("dancekit audio is always mono; call load(..., mono=True)")
    if sr is not None:
        sr = _check_sr(sr)
    if max_seconds is not None and not max_seconds > 0:
        raise ParameterError(f"max_seconds must be > 0, got {max_seconds}")
    path = existing_file(path, what="audio file", error=AudioDecodeError)
    ext = path.suffix.lower()
    if ext and ext not in SOUNDFILE_EXTENSIONS | FFMPEG_EXTENSIONS:
        supported = " ".join(sorted(e[1:] for e in SOUNDFILE_EXTENSIONS | FFMPEG_EXTENSIONS))
        raise AudioDecodeError(f"unsupported audio format '{ext}' for {path} "
                               f"(dancekit reads: {supported})")

    if ext in FFMPEG_EXTENSIONS:
        audio = _load_ffmpeg(path, sr, max_seconds)
    else:
        try:
            with _native_stderr_silenced():
                audio = _load_soundfile(path, sr, max_seconds)
        except _NotForSoundfile:
            try:
                audio = _load_ffmpeg(path, sr, max_seconds)
            except AudioDecodeError:
                kind = f"a valid {ext[1:].upper()} file" if ext else "an audio file"
                raise AudioDecodeError(f"cannot decode {path}: the file is corrupt or not "
                                       f"{kind}") from None
    _check_content(audio, str(path))
    return audio


def as_audio(x: str | os.PathLike | Audio, sr: int | None = None) -> Audio:
    """Return ``x`` as :class:`Audio` at rate ``sr``: load a path, resample an Audio if needed
    (a :class:`~dancekit.audio.features.Music` gives the samples it holds).

    Every function of dancekit that takes music accepts either a path or an Audio object;
    this is the one place that turns both into samples at the rate the caller needs.
    """
    if isinstance(x, Audio):
        if sr is None or _check_sr(sr) == x.sr:
            return x
        y = soxr.resample(x.samples, x.sr, sr, quality="HQ").astype(np.float32, copy=False)
        return Audio(samples=y, sr=sr, source_sr=x.source_sr, duration=len(y) / sr,
                     path=x.path, format=x.format)
    if isinstance(x, str | os.PathLike):
        return load(x, sr=sr)
    held = getattr(x, "audio", None)  # a dancekit.audio.Music: its samples, decoded once
    if isinstance(held, Audio):
        return as_audio(held, sr)
    raise ParameterError(f"expected an audio path or dancekit.audio.Audio, got {type(x).__name__}")


def _check_sr(sr: object) -> int:
    if isinstance(sr, bool) or not isinstance(sr, int | np.integer) or not 0 < int(sr) <= 768_000:
        raise ParameterError(f"sample rate must be an integer in 1..768000 Hz, got {sr!r}")
    return int(sr)


def _check_content(audio: Audio, name: str) -> None:
    y = audio.samples
    # max and min propagate NaN and inf, and unlike abs() need no copy of a long song.
    peak = max(float(y.max()), -float(y.min())) if y.size else 0.0
    if not np.isfinite(peak):
        raise AudioDecodeError(f"{name} holds non-finite samples (NaN or inf): corrupt audio")
    if peak < SILENCE_PEAK:
        raise AudioDecodeError(f"the audio is silent: a dance needs music ({name})")
    if audio.duration < MIN_SECONDS:
        raise AudioDecodeError(f"the audio is {audio.duration:.2f} s long; dancekit needs at "
                               f"least {MIN_SECONDS:g} s of music ({name})")


class _Collector:
    """Resamples mono blocks on the fly into one growing output buffer.

    The buffer is sized from the length the file declares, so the decoded song is held once
    (not once in pieces and once concatenated); it grows by half when a file runs longer.
    """

    def __init__(self, source_sr: int, sr: int, expected_seconds: float | None) -> None:
        self.stream = None if source_sr == sr else soxr.ResampleStream(
            source_sr, sr, 1, dtype="float32", quality="HQ")
        size = int((expected_seconds or 60.0) * sr) + sr
        self.buffer = np.empty(size, dtype=np.float32)
        self.size = 0

    def add(self, block: np.ndarray, last: bool = False) -> None:
        if self.stream is not None:
            block = self.stream.resample_chunk(np.ascontiguousarray(block), last=last)
        end = self.size + len(block)
        if end > len(self.buffer):
            grown = np.empty(max(end, len(self.buffer) * 3 // 2), dtype=np.float32)
            grown[:self.size] = self.buffer[:self.size]
            self.buffer = grown
        self.buffer[self.size:end] = block
        self.size = end

    def finish(self) -> np.ndarray:
        self.add(np.zeros(0, np.float32), last=True)
        out = self.buffer[:self.size]
        # Give back the unused tail unless it is small.
        return out.copy() if len(self.buffer) - self.size > self.size // 8 else out


class _NotForSoundfile(Exception):
    """libsndfile could not open the file: let ffmpeg try before giving up."""


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to the null device while libsndfile works.

    Its MP3 decoder (mpg123) prints "Note: Illegal Audio-MPEG-Header..." straight to the
    process's stderr from C, before any error reaches Python; the user should see only the
    one ``error:`` line dancekit makes of the failure.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _load_soundfile(path: Path, sr: int | None, max_seconds: float | None) -> Audio:
    try:
        handle = sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError):
        raise _NotForSoundfile from None
    with handle:
        source_sr = int(handle.samplerate)
        out_sr = sr or source_sr
        declared = int(handle.frames)
        wanted = declared if max_seconds is None else min(declared, int(max_seconds * source_sr))
        collector = _Collector(source_sr, out_sr, wanted / source_sr)
        read = 0
        try:
            while read < wanted:
                block = handle.read(min(_BLOCK_FRAMES, wanted - read), dtype="float32",
                                    always_2d=True)
                if len(block) == 0:
                    break
                read += len(block)
                collector.add(block.mean(axis=1, dtype=np.float32))
        except (sf.LibsndfileError, RuntimeError) as err:
            raise AudioDecodeError(f"cannot decode {path}: the file is truncated or corrupt "
                                   f"({_first_line(str(err))})") from None
        fmt = handle.format.lower()
    if declared == 0:
        raise AudioDecodeError(f"cannot decode {path}: no audio frames found "
                               f"(truncated or corrupt {fmt.upper()} file)")
    # libsndfile trusts the header's frame count (MP3 Xing/VBR headers): fewer frames means
    # the file ends early. WAV headers are checked separately because libsndfile quietly
    # shrinks their count to what is on disk.
    if read < wanted - max(0.01 * wanted, 0.05 * source_sr) or _wav_truncated(path):
        raise AudioDecodeError(f"{path} is truncated: its header promises "
                               f"{_declared_seconds(path, declared, source_sr):.2f} s of audio "
                               f"but the file ends after {read / source_sr:.2f} s")
    y = collector.finish()
    return Audio(samples=y, sr=out_sr, source_sr=source_sr, duration=len(y) / out_sr,
                 path=path, format=fmt)


def _wav_data_sizes(path: Path) -> tuple[int, int] | None:
    """(declared, present) byte sizes of a RIFF/WAVE 'data' chunk, or None if not a plain WAV."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        size = path.stat().st_size
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                return None
            cid, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"data":
                return length, size - f.tell()
            f.seek(length + (length & 1), os.SEEK_CUR)


def _wav_truncated(path: Path) -> bool:
    sizes = _wav_data_sizes(path)
    # 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back.
    return sizes is not None and sizes[0] not in (0, 0xFFFFFFFF) and sizes[1] < sizes[0]


def _declared_seconds(path: Path, declared_frames: int, source_sr: int) -> float:
    sizes = _wav_data_sizes(path)
    if sizes is not None and _wav_truncated(path):
        info = sf.info(str(path))
        bytes_per_frame = sizes[1] / max(info.frames, 1)
        return sizes[0] / bytes_per_frame / source_sr
    return declared_frames / source_sr


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else "unknown error"


def _ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


_RATE = re.compile(r"Stream #\S+.*?: Audio: .*?(\d+) Hz")
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_BRACKET = re.compile(r"^\[[^\]]*\]\s*")


def probe(path: Path) -> tuple[int, float | None]:
    """Source sample rate and declared duration of the first audio stream, via ``ffmpeg -i``.

    Cheap (headers only, nothing is decoded), so callers such as the video writers can check
    that a file holds audio before doing any expensive work.

    Parameters
    ----------
    path : Path
        Any file ffmpeg can open.

    Returns
    -------
    rate : int
        Sample rate of the first audio stream in Hz.
    seconds : float or None
        Duration the container declares, or None when it states none (raw streams).

    Raises
    ------
    AudioDecodeError
        The file holds no audio stream, or ffmpeg cannot read it (corrupt, not media).
    """
    proc = subprocess.run([_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                          capture_output=True, text=True, errors="replace", check=False)
    text = proc.stderr
    rate = _RATE.search(text)
    if rate is None:
        if "Stream #" in text:
            raise AudioDecodeError(f"{path} has no audio stream")
        lines = [_BRACKET.sub("", ln).strip() for ln in text.splitlines()]
        details = [ln for ln in lines if ln and not ln.startswith(("Input #", "Duration"))]
        detail = details[-1] if details else "ffmpeg found no audio in it"
        raise AudioDecodeError(f"cannot decode {path}: the file is corrupt or not audio "
                               f"({detail})")
    dur = _DURATION.search(text)
    declared = None
    if dur is not None:
        h, m, s = dur.groups()
        declared = int(h) * 3600 + int(m) * 60 + float(s)
    return int(rate.group(1)), declared


def _pcm_blocks(path: Path, max_seconds: float | None, errors: tempfile._TemporaryFileWrapper
                ) -> Iterator[np.ndarray]:
    cmd = [_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
           "-map", "0:a:0", "-vn", "-ac", "1", "-f", "f32le", "-acodec", "pcm_f32le"]
    if max_seconds is not None:
        cmd += ["-t", f"{max_seconds:.6f}"]
    cmd.append("-")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors)
    stdout = proc.stdout  # a pipe, since stdout=PIPE
    rest = b""
    try:
        while True:
            data = stdout.read(4 * _BLOCK_FRAMES)
            if not data:
                break
            data = rest + data
            usable = len(data) - len(data) % 4
            rest = data[usable:]
            yield np.frombuffer(data[:usable], dtype="<f4")
    finally:
        stdout.close()
        proc.wait()
    if proc.returncode != 0:
        errors.seek(0)
        detail = _first_line(errors.read().decode("utf-8", "replace"))
        raise AudioDecodeError(f"cannot decode {path}: truncated or corrupt ({detail})")


def _load_ffmpeg(path: Path, sr: int | None, max_seconds: float | None) -> Audio:
    source_sr, declared = probe(path)
    out_sr = sr or source_sr
    expected = declared if max_seconds is None or declared is None else min(declared, max_seconds)
    collector = _Collector(source_sr, out_sr, expected)
    read = 0
    with tempfile.TemporaryFile() as errors:
        for block in _pcm_blocks(path, max_seconds, errors):
            read += len(block)
            collector.add(block)
    # Containers state their length; decoding noticeably less of it means the file was cut.
    if expected is not None and read / source_sr < 0.98 * expected - 0.1:
        raise AudioDecodeError(f"{path} is truncated: its header promises {expected:.2f} s of "
                               f"audio but only {read / source_sr:.2f} s could be decoded")
    y = collector.finish()
    return Audio(samples=y, sr=out_sr, source_sr=source_sr, duration=len(y) / out_sr,
                 path=path, format=path.suffix.lower().lstrip(".") or "unknown")
