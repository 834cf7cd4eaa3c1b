"""The music features that published dance models were trained with, computed their way.

* :func:`fact_features`: AI Choreographer / FACT (Li et al., ICCV 2021), 35 values per frame
  at the motion frame rate, following the AIST++ preprocessing of ``google-research/mint``.
* :func:`dance_revolution_features`: Dance Revolution (Huang et al., ICLR 2021), 438 values
  per frame at 30 fps, following its ``prepro.py`` / ``extractor.py``.
* :func:`cached_features`: either of them through a disk cache keyed by the file's content,
  the parameters and :data:`FEATURE_VERSION`, so a model or a training epoch never recomputes.

Both recipes are documented column by column in ``docs/audio.md``.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import librosa
import numpy as np

from dancekit.audio.loading import Audio, as_audio, load, probe
from dancekit.cache_dirs import user_cache_dir, writable_dir
from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.utils import atomic_output, existing_file, single_threaded

if TYPE_CHECKING:
    from dancekit.audio.beats import Beats

#: Hop length of both recipes, in samples. Their sample rate is chosen as fps * HOP_LENGTH so
#: that one feature frame is exactly one motion frame.
HOP_LENGTH = 512
#: Dance Revolution's sample rate (15360 Hz = 30 fps x 512).
DANCE_REVOLUTION_SR = 15360
#: Bump when a recipe changes, or the beat tracker whose tempo FACT uses as ``start_bpm`` by
#: default: it is part of every cache key, so stale entries are never read.
FEATURE_VERSION = 8

#: FACT's spectrograms are computed in blocks of this many seconds (see :func:`_mel_power`
#: and :func:`_chroma_cens`): same numbers as one call, a fraction of its memory on long songs.
BLOCK_SECONDS = 60.0
#: Audio added on each side of a block so its edges see the same context as in one call.
MARGIN_SECONDS = 10.0

#: Music read past the end of a dance of ``seconds`` (:meth:`Music.load`), so the features
#: and beats of its last moments see what follows them, as they would in the whole song.
SPAN_MARGIN_SECONDS = 5.0

#: Feature sizes, for models that take these features as input.
FACT_DIM = 35
DANCE_REVOLUTION_DIM = 438


@single_threaded()
def fact_features(audio: str | os.PathLike | Audio, fps: int = 60, *,
                  start_bpm: float | None = None) -> np.ndarray:
    """FACT's 35-d music features, one row per motion frame.

    The recipe of AIST++'s preprocessing: the audio is resampled to ``sr = fps * 512`` so a
    512-sample hop is one frame, then per frame

    ===========  =====  ==========================================================
    columns      count  feature
    ===========  =====  ==========================================================
    0            1      onset strength envelope (``librosa.onset.onset_strength``)
    1-20         20     MFCC (``librosa.feature.mfcc``, n_mfcc=20)
    21-32        12     chroma CENS (``librosa.feature.chroma_cens``)
    33           1      onset peaks, one-hot (``librosa.onset.onset_detect`` on the envelope)
    34           1      beats, one-hot (``librosa.beat.beat_track`` on the envelope,
                        ``start_bpm``, tightness=100)
    ===========  =====  ==========================================================

    Parameters
    ----------
    audio : path or Audio
        Any file :func:`dancekit.audio.load` reads.
    fps : int > 0
        Motion frame rate the features are aligned to (AIST++: 60).
    start_bpm : float > 0, optional
        Tempo prior of the beat one-hot. AIST++ took it from each song's name; for other music
        ``None`` uses :func:`dancekit.audio.beats.track_beats`'s tempo estimate of the music
        as given (before resampling to ``fps * 512`` Hz).

    Returns
    -------
    np.ndarray, shape (T, 35), float32
        ``T = 1 + n_samples // 512`` at the resampled rate, i.e. about ``duration * fps``.
    """
    fps = _check_fps(fps)
    sr = fps * HOP_LENGTH
    if start_bpm is None:
        from dancekit.audio.beats import track_beats

        # the music as given, not resampled to ``sr``: the tempo :class:`Music` passes in
        # (its tracked beats), so a song's cache entry is the same whichever filled it
        start_bpm = track_beats(audio).tempo
    audio = as_audio(audio, sr)
    y = audio.samples
    if not start_bpm > 0:
        raise ParameterError(f"start_bpm must be > 0, got {start_bpm}")
    # One dB mel spectrogram serves both the onset envelope and the MFCC: exactly what
    # librosa computes inside each of them from ``y``, done once instead of twice.
    mel_power, tuning = _mel_power(y, sr)
    mel_db = librosa.power_to_db(mel_power)
    del mel_power
    envelope = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=HOP_LENGTH)
    mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=20).T
    del mel_db
    chroma = _chroma_cens(y, sr, tuning).T
    peaks = librosa.onset.onset_detect(onset_envelope=envelope, sr=sr, hop_length=HOP_LENGTH)
    _, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=HOP_LENGTH,
                                       start_bpm=float(start_bpm), tightness=100)
    features = np.concatenate([envelope[:, None], mfcc, chroma, _one_hot(peaks, len(envelope)),
                               _one_hot(beats, len(envelope))], axis=1)
    return features.astype(np.float32)  # (T, 35)


@single_threaded()
def dance_revolution_features(audio: str | os.PathLike | Audio) -> np.ndarray:
    """Dance Revolution's 438-d music features at 30 fps (15360 Hz, hop 512).

    ===========  =====  ==================================================================
    columns      count  feature
    ===========  =====  ==================================================================
    0-19         20     MFCC of the dB mel spectrogram (``power_to_db(ref=max)``)
    20-39        20     delta MFCC (``librosa.feature.delta``, width=3)
    40-51        12     chroma CQT of the harmonic part (``librosa.effects.hpss``)
    52           1      onset strength of the percussive part (median over mel bands)
    53           1      beats, one-hot (``librosa.beat.beat_track`` on that envelope)
    54-437       384    tempogram of that envelope (``librosa.feature.tempogram``)
    ===========  =====  ==================================================================

    Every step runs a block of :data:`BLOCK_SECONDS` at a time with enough margin for its
    filters (:func:`_hpss`, :func:`_chroma_cqt`, :func:`_tempogram_blocks`), so a 20-minute
    song peaks at about 0.7 GB instead of 2.6 GB, with the single calls' numbers (within 2e-6).

    Returns
    -------
    np.ndarray, shape (T, 438), float32
        ``T = 1 + n_samples // 512`` at 15360 Hz, i.e. about ``duration * 30``.
    """
    sr = DANCE_REVOLUTION_SR
    y = as_audio(audio, sr).samples
    mel_db = librosa.power_to_db(_mel_power(y, sr)[0], ref=np.max)
    mfcc = librosa.feature.mfcc(S=mel_db)
    del mel_db
    mfcc_delta = librosa.feature.delta(mfcc, width=3)
    harmonic, percussive = _hpss(y, sr)
    chroma = _chroma_cqt(harmonic, sr, _mel_power(harmonic, sr)[1])
    del harmonic
    # onset_strength(y=percussive) is this: the dB mel spectrogram's positive flux.
    envelope = librosa.onset.onset_strength(S=librosa.power_to_db(_mel_power(percussive, sr)[0]),
                                            sr=sr, hop_length=HOP_LENGTH, aggregate=np.median)
    del percussive
    tempogram = np.empty((384, len(envelope)), dtype=np.float32)
    for f0, f1, block in _tempogram_blocks(envelope, sr, 384):
        tempogram[:, f0:f1] = block
    # beat_track's own tempo estimate: the mean of an 8 s tempogram (ac_size=8), then the prior
    window = int(librosa.time_to_frames(8.0, sr=sr, hop_length=HOP_LENGTH))
    mean = sum(block.sum(axis=1) for _, _, block in _tempogram_blocks(envelope, sr, window))
    bpm = librosa.feature.tempo(tg=mean[:, None] / len(envelope), sr=sr, hop_length=HOP_LENGTH)
    _, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=HOP_LENGTH,
                                       bpm=bpm)
    n = min(mfcc.shape[1], chroma.shape[1], len(envelope))
    features = np.concatenate([mfcc[:, :n], mfcc_delta[:, :n], chroma[:, :n], envelope[None, :n],
                               _one_hot(beats, n).T, tempogram[:, :n]], axis=0, dtype=np.float32)
    return features.T  # (T, 438)


def _tempogram_blocks(envelope: np.ndarray, sr: int, win_length: int
                      ) -> Iterator[tuple[int, int, np.ndarray]]:
    """``librosa.feature.tempogram(onset_envelope=envelope, win_length=...)`` a block of
    frames at a time: ``(f0, f1, columns f0:f1)``.

    Each column autocorrelates the ``win_length`` envelope frames around it, so a block with
    that many frames of margin on each side reproduces the single call's columns (the song's
    ends are padded exactly as the single call pads them). The single call holds several
    (win_length, frames) float64 arrays, over 1 GB for a 20-minute song at 384 lags.
    """
    n = len(envelope)
    step = int(BLOCK_SECONDS * sr) // HOP_LENGTH
    for f0 in range(0, n, step):
        f1 = min(f0 + step, n)
        first, last = max(f0 - win_length, 0), min(f1 + win_length, n)
        block = librosa.feature.tempogram(onset_envelope=envelope[first:last], sr=sr,
                                          hop_length=HOP_LENGTH, win_length=win_length)
        yield f0, f1, block[:, f0 - first:f1 - first]


def _magnitude_blocks(y: np.ndarray, sr: int, margin: int = 0
                      ) -> Iterator[tuple[int, int, int, np.ndarray]]:
    """``|librosa.stft(y, n_fft=2048, hop_length=512)|`` a block of :data:`BLOCK_SECONDS` at
    a time.

    Every frame of a centred STFT depends only on its own 2048 samples, so computing the
    frames block by block (zero-padded at the song's ends, as librosa pads) gives the same
    numbers while holding one block's complex spectrogram instead of the whole song's. Yields
    ``(f0, f1, first, spectrum)``: the block owns frames ``f0:f1``; ``spectrum`` (complex when
    ``margin`` > 0, for filters that look at neighbouring frames, else magnitudes) holds frames
    ``first:`` up to ``margin`` frames either side of them.
    """
    n_fft = 2048
    n_frames = 1 + len(y) // HOP_LENGTH
    step = int(BLOCK_SECONDS * sr) // HOP_LENGTH
    for f0 in range(0, n_frames, step):
        f1 = min(f0 + step, n_frames)
        first, last = max(f0 - margin, 0), min(f1 + margin, n_frames)
        start, stop = first * HOP_LENGTH - n_fft // 2, (last - 1) * HOP_LENGTH + n_fft // 2
        segment = np.pad(y[max(start, 0):min(stop, len(y))],
                         (max(-start, 0), max(stop - len(y), 0)))
        spectrum = librosa.stft(segment, n_fft=n_fft, hop_length=HOP_LENGTH, center=False)
        yield f0, f1, first, (spectrum if margin else np.abs(spectrum))


def _hpss(y: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """``librosa.effects.hpss(y)`` (kernel 31, soft masks) a block at a time.

    The median filters reach 15 frames along time and each output sample sums 4 frames
    either side, so blocks of STFT frames with :data:`MARGIN_SECONDS` of frames on each side
    reproduce the single call's samples inside the block (to float32 rounding), while the
    complex spectrogram, its magnitudes, filtered copies and masks, about 1.5 GB for a
    20-minute song in one call, exist for one block at a time.
    """
    n_fft = 2048
    margin = int(MARGIN_SECONDS * sr) // HOP_LENGTH
    harmonic, percussive = np.empty_like(y), np.empty_like(y)
    for f0, f1, first, spectrum in _magnitude_blocks(y, sr, margin):
        parts = librosa.decompose.hpss(spectrum)
        # The block's own samples, counted from where its first frame's window starts.
        lo = f0 * HOP_LENGTH
        hi = len(y) if f1 == 1 + len(y) // HOP_LENGTH else f1 * HOP_LENGTH
        offset = first * HOP_LENGTH - n_fft // 2
        for part, out in zip(parts, (harmonic, percussive), strict=True):
            signal = librosa.istft(part, n_fft=n_fft, hop_length=HOP_LENGTH, center=False,
                                   dtype=y.dtype)
            out[lo:hi] = signal[lo - offset:hi - offset]
    return harmonic, percussive


def _mel_power(y: np.ndarray, sr: int) -> tuple[np.ndarray, float]:
    """``librosa.feature.melspectrogram(y=y, sr=sr, hop_length=512)`` computed a block at a
    time (:func:`_magnitude_blocks`), and the tuning ``librosa.feature.chroma_cens`` would
    estimate for ``y``, from the same spectra.

    The tuning is ``librosa.estimate_tuning(y=y, sr=sr, bins_per_octave=36)`` likewise: its
    peak picking is per frame and only the final median spans the song.
    """
    basis = librosa.filters.mel(sr=sr, n_fft=2048)
    mel = np.empty((basis.shape[0], 1 + len(y) // HOP_LENGTH), dtype=np.float32)
    pitches, strengths = [], []
    for f0, f1, _, magnitude in _magnitude_blocks(y, sr):
        mel[:, f0:f1] = basis @ magnitude**2
        pitch, strength = librosa.piptrack(S=magnitude, sr=sr, n_fft=2048)
        found = pitch > 0
        pitches.append(pitch[found])
        strengths.append(strength[found])
    pitch, strength = np.concatenate(pitches), np.concatenate(strengths)
    threshold = np.median(strength) if len(strength) else 0.0
    tuning = librosa.pitch_tuning(pitch[strength >= threshold], bins_per_octave=36)
    return mel, float(tuning)


def _chroma_cens(y: np.ndarray, sr: int, tuning: float) -> np.ndarray:
    """``librosa.feature.chroma_cens(y=y, sr=sr, hop_length=512)`` computed in blocks.

    The song is cut into blocks of :data:`BLOCK_SECONDS` with :data:`MARGIN_SECONDS` of audio
    on each side, far more than the constant-Q filters (about 1 s at the lowest note) and the
    CENS smoothing (41 frames) reach; each block's middle is kept, and every block uses the
    tuning estimated on the whole song (``tuning``, from :func:`_mel_power`), as the single
    call does. The output equals the single call's, while the constant-Q transform, about
    2.5 GB for a 20-minute song in one call, only ever holds one block.
    """
    return _chroma_blocks(librosa.feature.chroma_cens, y, sr, tuning)


def _chroma_cqt(y: np.ndarray, sr: int, tuning: float) -> np.ndarray:
    """``librosa.feature.chroma_cqt(y=y, sr=sr, hop_length=512)`` in blocks, as
    :func:`_chroma_cens` (``tuning`` from :func:`_mel_power`)."""
    return _chroma_blocks(librosa.feature.chroma_cqt, y, sr, tuning)


def _chroma_blocks(chroma: Callable[..., np.ndarray], y: np.ndarray, sr: int, tuning: float
                   ) -> np.ndarray:
    n_frames = 1 + len(y) // HOP_LENGTH
    step = int(BLOCK_SECONDS * sr) // HOP_LENGTH
    margin = int(MARGIN_SECONDS * sr) // HOP_LENGTH
    out = np.empty((12, n_frames), dtype=np.float32)
    for f0 in range(0, n_frames, step):
        f1 = min(f0 + step, n_frames)
        first = max(f0 - margin, 0)
        segment = y[first * HOP_LENGTH:min((f1 + margin) * HOP_LENGTH, len(y))]
        block = chroma(y=segment, sr=sr, hop_length=HOP_LENGTH, n_chroma=12, tuning=tuning)
        out[:, f0:f1] = block[:, f0 - first:f1 - first]
    return out


def tracked_beats(audio: str | os.PathLike | Audio) -> np.ndarray:
    """Beat times in seconds from :func:`dancekit.audio.beats.track_beats` (B,): a cached
    kind like the features, so a training run or a dance reads each song's beats once."""
    from dancekit.audio.beats import track_beats

    return np.asarray(track_beats(audio).beats, dtype=np.float64)


def tracked_meter(audio: str | os.PathLike | Audio) -> np.ndarray:
    """``[tempo BPM, beats a bar, beat note]`` from :func:`dancekit.audio.beats.track_beats`
    (``"6/8"`` is ``[tempo, 6, 8]``, an unknown meter ``[tempo, 0, 0]``): a cached kind, so
    choosing a style for a song heard before tracks nothing."""
    from dancekit.audio.beats import track_beats

    return meter_row(track_beats(audio))


def meter_row(beats: Any) -> np.ndarray:
    """A :class:`~dancekit.audio.beats.Beats`' tempo and meter as the ``meter`` kind's row."""
    top, _, bottom = str(beats.meter).partition("/")
    known = top.isdigit() and bottom.isdigit()
    return np.array([beats.tempo, int(top) if known else 0, int(bottom) if known else 0],
                    dtype=np.float64)


def meter_name(row: np.ndarray) -> str:
    """The meter of a ``meter`` row as :class:`~dancekit.audio.beats.Beats` names it."""
    return f"{int(row[1])}/{int(row[2])}" if row[1] > 0 and row[2] > 0 else "unknown"


_KINDS: dict[str, Callable[..., np.ndarray]] = {
    "fact": fact_features,
    "dance_revolution": dance_revolution_features,
    "beats": tracked_beats,
    "meter": tracked_meter,
}


def default_cache_dir() -> Path:
    """``$DANCEKIT_CACHE`` if set, else ``~/.cache/dancekit/features`` or, where that cannot
    be written, a folder under the system temp directory."""
    env = os.environ.get("DANCEKIT_CACHE")
    return Path(env) if env else user_cache_dir("features")


def cached_features(audio_path: str | os.PathLike | Audio | Music, kind: str, *,
                    cache_dir: str | os.PathLike | None = None, **params: Any) -> np.ndarray:
    """Features of ``kind`` for a music file, computed once and then read from disk.

    The cache key hashes the file's bytes (not its name or date, so a renamed or copied song
    hits and an edited one misses), ``kind``, ``params`` and :data:`FEATURE_VERSION`. Entries
    are ``.npz`` files written atomically; an unreadable entry is recomputed and replaced.

    Parameters
    ----------
    audio_path : path, Audio or Music
        The music (an in-memory Audio is keyed by its samples and rate; a :class:`Music`
        answers from what it has already analysed, see :meth:`Music.features`).
    kind : {"fact", "dance_revolution", "beats"}
    cache_dir : path, optional
        Defaults to :func:`default_cache_dir`.
    **params
        Passed to the feature function (e.g. ``fps=30`` for FACT).
    """
    if isinstance(audio_path, Music):
        return audio_path.features(kind, cache_dir=cache_dir, **params)
    _check_kind(audio_path, kind, params)
    return _through_cache(audio_path, kind, params, cache_dir,
                          lambda: _KINDS[kind](audio_path, **params))


def _check_kind(audio: object, kind: str, params: dict[str, Any]) -> None:
    if kind not in _KINDS:
        raise ParameterError(f"unknown feature kind {kind!r}; choose one of {sorted(_KINDS)}")
    try:
        inspect.signature(_KINDS[kind]).bind(audio, **params)
    except TypeError as err:
        raise ParameterError(f"bad parameters for {kind} features {params}: {err}") from None


def _through_cache(audio: str | os.PathLike | Audio, kind: str, params: dict[str, Any],
                   cache_dir: str | os.PathLike | None, compute: Callable[[], np.ndarray]
                   ) -> np.ndarray:
    """The entry of ``audio``'s ``kind`` features with ``params``, made by ``compute`` when
    the cache does not hold it."""
    key = _cache_key(audio, kind, params)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    entry = folder / f"{kind}-{key}.npz"
    if entry.is_file():
        try:
            with np.load(entry) as stored:
                return stored["features"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
            pass  # a damaged entry: fall through and rebuild it
    features = compute()
    if writable_dir(folder):  # an unwritable cache only costs the next call a recomputation
        with atomic_output(entry) as tmp, open(tmp, "wb") as f:
            np.savez(f, features=features)
    return features


class Music:
    """A song analysed once: its samples, features and beats, each worked out on first use
    and remembered, so a model, the re-timing and the renderer share one analysis.

    Make one with :meth:`load` (a file) or :meth:`of` (a file, an :class:`Audio` or a Music).
    Every function of dancekit that takes music takes a Music too. The song is decoded once,
    at its own rate; each analysis resamples that (which gives the samples decoding at the
    analysis' rate would). :meth:`features` goes through the disk cache of
    :func:`cached_features` under the key the path (or Audio) has there, so a cached song is
    not decoded at all.

    Attributes
    ----------
    path : Path or None
        The file the music comes from (None for audio made in memory).
    span : float or None
        For a dance of ``seconds``, only the first ``seconds`` + :data:`SPAN_MARGIN_SECONDS`
        of the music are read and analysed; None when the whole song is.
    """

    def __init__(self, source: Path | Audio, *, span: float | None = None,
                 length: float | None = None) -> None:
        self._source = source
        self.path = source if isinstance(source, Path) else source.path
        self.span = span
        self._length = length
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def load(cls, path: str | os.PathLike, seconds: float | None = None) -> Music:
        """The music of the file at ``path``; for a dance of ``seconds``, only its first
        ``seconds`` + :data:`SPAN_MARGIN_SECONDS` (the rest is never read). A missing file
        fails here; nothing is decoded before it is needed."""
        path = existing_file(path, what="audio file", error=AudioDecodeError)
        return cls(path, span=None if seconds is None else _span(seconds))

    @classmethod
    def of(cls, music: str | os.PathLike | Audio | Music, seconds: float | None = None) -> Music:
        """``music`` as a Music: a Music as it is, a path through :meth:`load`, an Audio
        wrapped (for a dance of ``seconds``, cut after the span :meth:`load` would read)."""
        if isinstance(music, Music):
            return music
        if isinstance(music, str | os.PathLike):
            return cls.load(music, seconds)
        if not isinstance(music, Audio):
            raise ParameterError(f"expected music: a path, dancekit.audio.Audio or Music, got "
                                 f"{type(music).__name__}")
        if seconds is None:
            return cls(music, length=music.duration)
        span = _span(seconds)
        cut = music.samples[:int(span * music.sr)]
        audio = Audio(samples=cut, sr=music.sr, source_sr=music.source_sr,
                      duration=len(cut) / music.sr, path=music.path, format=music.format)
        return cls(audio, span=span, length=music.duration)

    @functools.cached_property
    def length(self) -> float | None:
        """The whole song's length in seconds, from the file's header (nothing is decoded)
        or the Audio; None when the header does not say. An unreadable file fails here, so
        asking for it first fails before any expensive work."""
        if self._length is None and isinstance(self._source, Path):
            return probe(self._source)[1]
        return self._length

    @functools.cached_property
    def audio(self) -> Audio:
        """The samples at the file's own rate, the span only for a dance of ``seconds``
        (decoded on first use)."""
        if isinstance(self._source, Audio):
            return self._source
        return load(self._source, max_seconds=self.span)

    @property
    def _key(self) -> Path | Audio:
        """What keys the disk cache: the file's bytes for a whole file, else the samples (a
        span and the whole song never share an entry)."""
        return self._source if isinstance(self._source, Path) and self.span is None \
            else self.audio

    @functools.cached_property
    def beats(self) -> Beats:
        """:func:`dancekit.audio.beats.track_beats` of the music: tempo, beats, downbeats
        and meter."""
        from dancekit.audio.beats import track_beats

        return track_beats(self.audio)

    def meter(self) -> tuple[str, float]:
        """The tracked meter (``"3/4"``, ``"unknown"``...) and tempo in BPM, read from the
        disk cache when the song was heard before (no beat tracking then)."""
        row = self.features("meter")
        return meter_name(row), float(row[0])

    def features(self, kind: str, *, cache_dir: str | os.PathLike | None = None,
                 **params: Any) -> np.ndarray:
        """:func:`cached_features` of the music: ``kind`` with ``params``, computed (or read
        from the disk cache) once per Music; each call returns a fresh copy.

        The beats kind is :attr:`beats`' times, and FACT's tempo prior (``start_bpm``, when
        not given) is :attr:`beats`' tempo, as :func:`fact_features` would track it: the
        song's beats are tracked once for all of them."""
        _check_kind(self, kind, params)
        memo = (kind, json.dumps(params, sort_keys=True, default=str))
        if memo not in self._memo:
            self._memo[memo] = _through_cache(self._key, kind, params, cache_dir,
                                              lambda: self._compute(kind, params))
        return self._memo[memo].copy()

    def _compute(self, kind: str, params: dict[str, Any]) -> np.ndarray:
        if kind == "beats":
            return np.asarray(self.beats.beats, dtype=np.float64)
        if kind == "meter":
            return meter_row(self.beats)
        if kind == "fact" and params.get("start_bpm") is None:
            params = {**params, "start_bpm": self.beats.tempo}
        return _KINDS[kind](self.audio, **params)

    def __repr__(self) -> str:
        where = self.path.name if self.path else "in-memory audio"
        span = f", first {self.span:g} s" if self.span else ""
        return f"Music({where}{span})"


def _span(seconds: float) -> float:
    """The music a dance of ``seconds`` analyses: the features and beats of its last moments
    see what follows them, as they would in the whole song."""
    if not 0 < seconds < float("inf"):
        raise ParameterError(f"seconds must be a positive number, got {seconds}")
    return float(seconds) + SPAN_MARGIN_SECONDS


def _cache_key(audio: str | os.PathLike | Audio, kind: str, params: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    if isinstance(audio, Audio):
        digest.update(f"pcm:{audio.sr}:".encode())
        digest.update(np.ascontiguousarray(audio.samples).tobytes())
    else:
        path = Path(audio)
        if not path.is_file():
            as_audio(path)  # raises the loader's clear error for missing/empty files
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    settings = json.dumps({"kind": kind, "params": params, "version": FEATURE_VERSION,
                           "librosa": librosa.__version__}, sort_keys=True, default=str)
    digest.update(settings.encode())
    return digest.hexdigest()[:40]


def _one_hot(indices: np.ndarray, n: int) -> np.ndarray:
    column = np.zeros((n, 1), dtype=np.float32)
    column[np.asarray(indices, dtype=int)[np.asarray(indices) < n], 0] = 1.0
    return column


def _check_fps(fps: object) -> int:
    if isinstance(fps, bool) or not isinstance(fps, int | np.integer) or not 0 < int(fps) <= 1000:
        raise ParameterError(f"fps must be an integer in 1..1000, got {fps!r}")
    return int(fps)
