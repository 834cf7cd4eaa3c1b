"""What the tracker hears: spectrograms, onset novelty, chord change and period estimation.

* :func:`spectrograms`: log-mel magnitudes and chroma at :data:`FPS` frames per second, the
  input of the beat network and of every hand-made cue;
* :func:`onset_novelty`: the "SuperFlux" difference (Böck & Widmer, DAFx 2013), which keeps
  note attacks and drops vibrato; over the lowest bands it is the bass onset curve;
* :func:`estimate_period`: the global tempo, the autocorrelation of a curve read as a comb
  over the first multiples of each candidate period (a period is salient when the bars built
  from it are too), weighted by a log-normal tempo prior;
* :func:`chord_change` and :func:`harmonic_novelty`: chroma distances, the chord-change cue of
  Goto & Muraoka for beat levels and bars;
* :func:`peak_near` and :func:`zscore`: reading and combining cues at beats.
"""

from __future__ import annotations

import librosa
import numpy as np
import scipy.ndimage

from dancekit.audio.beats.settings import BeatSettings
from dancekit.utils import single_threaded

#: Analysis rate of the tracker. 22050 Hz with a 220-sample hop gives ~100 frames/s (10 ms).
SR = 22050
HOP = 220
FPS = SR / HOP
N_FFT = 1024
N_MELS = 96
MEL_FMIN = 27.5


@single_threaded()
def spectrograms(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-compressed mel magnitudes and chroma of samples at :data:`SR`, both (bands,
    frames) at :data:`FPS`.

    The signal is peak-normalised first so the log compression, and with it every threshold
    of the tracker, does not depend on how loud the file was mastered. The STFT is taken a
    minute at a time (frames identical to one centred STFT) so a 20-minute song never holds
    its full-resolution spectrogram in memory, only the 96 mel bands and 12 chroma bins.
    """
    gain = 1.0 / max(float(y.max()), -float(y.min()), 1e-9)
    half = N_FFT // 2
    n_frames = 1 + len(y) // HOP
    mel_fb = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=MEL_FMIN, fmax=SR / 2)
    chroma_fb = librosa.filters.chroma(sr=SR, n_fft=N_FFT)
    mel = np.empty((N_MELS, n_frames), dtype=np.float32)
    chroma = np.empty((12, n_frames), dtype=np.float32)
    step = int(60 * FPS)
    for f0 in range(0, n_frames, step):
        f1 = min(f0 + step, n_frames)
        start, stop = f0 * HOP - half, (f1 - 1) * HOP + half
        segment = y[max(start, 0):min(stop, len(y))] * gain
        segment = np.pad(segment, (max(-start, 0), max(stop - len(y), 0)))  # centred frames
        mag = np.abs(librosa.stft(segment, n_fft=N_FFT, hop_length=HOP, center=False))
        mel[:, f0:f1] = mel_fb @ mag
        chroma[:, f0:f1] = chroma_fb @ mag**2
    chroma /= np.maximum(chroma.max(axis=0, keepdims=True), 1e-12)
    np.log1p(np.multiply(mel, 100.0, out=mel), out=mel)  # in place: no copies of a long song
    return mel, chroma


def onset_novelty(spec: np.ndarray, *, lag: int = 2, max_size: int = 3) -> np.ndarray:
    """SuperFlux novelty of a log-mel spectrogram (bands, frames) -> (frames,), >= 0.

    Each band is compared with the maximum over ``max_size`` neighbouring bands ``lag`` frames
    earlier; positive differences are summed. The result is normalised to a unit 99th
    percentile so thresholds do not depend on loudness.
    """
    reference = scipy.ndimage.maximum_filter1d(spec, size=max_size, axis=0)
    flux = np.zeros(spec.shape[1])
    flux[lag:] = np.maximum(spec[:, lag:] - reference[:, :-lag], 0.0).sum(axis=0)
    scale = np.percentile(flux, 99)
    return flux / scale if scale > 0 else flux


def autocorrelation(curve: np.ndarray) -> np.ndarray:
    """Autocorrelation of the mean-removed curve, 1 at lag 0 (all zeros for a flat curve)."""
    x = curve - curve.mean()
    n = len(x)
    acf = np.fft.irfft(np.abs(np.fft.rfft(x, 2 * n)) ** 2)[:n]
    return acf / acf[0] if acf[0] > 0 else np.zeros(n)


def periodicity(curve: np.ndarray) -> np.ndarray:
    """The autocorrelation with its peaks widened over 5 lags (index = lag in frames), so a
    period read a frame off still finds its peak."""
    return scipy.ndimage.maximum_filter1d(autocorrelation(curve), size=5)


def estimate_period(novelty: np.ndarray, settings: BeatSettings,
                    tempo_probability: np.ndarray | None = None) -> float | None:
    """Dominant beat period in frames of the novelty, or None when it has no periodicity.

    ``tempo_probability`` (over :data:`dancekit.audio.beats.network.TEMPO_BPM`, the beat
    network's tempo head) multiplies the log-normal prior: the network has learnt which level
    annotators call the beat, which the comb salience of onsets alone cannot tell. The prior
    stays because on music of collections the network never heard it keeps the choice
    sane (see ``docs/audio.md``).
    """
    acf = autocorrelation(novelty)
    if not np.any(acf):
        return None
    n = len(acf)
    lo = int(np.floor(60 * FPS / settings.max_bpm))
    hi = int(np.ceil(60 * FPS / settings.min_bpm))
    periods = np.arange(lo, min(hi, n // 2) + 1, dtype=float)
    if len(periods) == 0:
        return None
    salience = np.zeros(len(periods))
    peak = scipy.ndimage.maximum_filter1d(acf, size=5)
    for multiple in range(1, 5):
        idx = np.round(periods * multiple).astype(int)
        valid = idx < n
        salience += np.where(valid, peak[np.minimum(idx, n - 1)], 0.0)
    bpm = 60 * FPS / periods
    prior = np.exp(-0.5 * (np.log2(bpm / settings.prior_bpm) / settings.prior_octaves) ** 2)
    if tempo_probability is not None:
        from dancekit.audio.beats.network import TEMPO_BPM  # imports torch

        prior *= (np.interp(np.log2(bpm), np.log2(TEMPO_BPM), tempo_probability)
                  + settings.tempo_floor)
    score = np.maximum(salience, 0.0) * prior
    if not np.any(score > 0):
        return None
    return float(periods[int(np.argmax(score))])


def chord_change(chroma: np.ndarray, beat_frames: np.ndarray, period: float) -> np.ndarray:
    """Cosine distance between the mean chroma of each beat and of the beat before it (the
    first beat gets the median, so it is neither accented nor not)."""
    edges = np.append(beat_frames, min(chroma.shape[1], beat_frames[-1] + int(period)))
    beat_chroma = np.stack([chroma[:, a:max(b, a + 1)].mean(axis=1)
                            for a, b in zip(edges[:-1], edges[1:], strict=True)])
    beat_chroma /= np.linalg.norm(beat_chroma, axis=1, keepdims=True) + 1e-9
    change = np.zeros(len(beat_frames))
    change[1:] = 1.0 - np.sum(beat_chroma[1:] * beat_chroma[:-1], axis=1)
    change[0] = np.median(change[1:])
    return change


def harmonic_novelty(chroma: np.ndarray, tatum: float) -> np.ndarray:
    """Chord-change curve: cosine distance between chroma smoothed over a tatum, half a tatum
    apart (Goto & Muraoka's chord-change cue for beat levels)."""
    smooth = scipy.ndimage.uniform_filter1d(chroma, size=max(int(tatum), 3), axis=1)
    smooth = smooth / (np.linalg.norm(smooth, axis=0, keepdims=True) + 1e-9)
    lag = max(int(tatum // 2), 2)
    change = np.zeros(chroma.shape[1])
    change[lag:] = 1.0 - np.sum(smooth[:, lag:] * smooth[:, :-lag], axis=0)
    return change


def zscore(x: np.ndarray) -> np.ndarray:
    """Standardise a curve (zero mean, unit spread) so differently scaled cues can be summed."""
    return (x - x.mean()) / (x.std() + 1e-9)


def peak_near(curve: np.ndarray, frames: np.ndarray, reach: int) -> np.ndarray:
    """The largest value of ``curve`` within ``reach`` frames of each of ``frames``: how
    strong a cue is at a beat, forgiving the few frames by which beat and onset may differ."""
    return np.array([curve[max(t - reach, 0):t + reach + 1].max() for t in frames])
