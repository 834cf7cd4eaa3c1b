"""FACT and Dance Revolution features: shapes, known values on a click track, and the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import dancekit.audio.features as features
from dancekit.audio import cached_features, dance_revolution_features, fact_features, load
from dancekit.audio.clicks import click_track
from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.utils import single_threaded

BPM = 120.0
SECONDS = 8.0


@pytest.fixture(scope="module")
def clicks() -> tuple:
    return click_track(BPM, SECONDS, sr=22050, beats_per_bar=4, offset=0.5)


def near(hits: np.ndarray, expected: np.ndarray, tolerance: int) -> int:
    """How many of ``expected`` have a hit within ``tolerance`` frames."""
    return sum(np.any(np.abs(hits - e) <= tolerance) for e in expected)


@pytest.mark.parametrize("fps", [60, 30])
def test_fact_shape_and_beats_on_click_track(clicks: tuple, fps: int) -> None:
    audio, beats, _ = clicks
    feats = fact_features(audio, fps=fps)
    n_samples = round(SECONDS * fps * 512)
    assert feats.shape == (1 + n_samples // 512, features.FACT_DIM)
    assert feats.dtype == np.float32
    assert feats.shape[0] == pytest.approx(SECONDS * fps, abs=1)
    envelope, peaks, beat_col = feats[:, 0], feats[:, 33], feats[:, 34]
    assert set(np.unique(peaks)) <= {0.0, 1.0} and set(np.unique(beat_col)) <= {0.0, 1.0}
    click_frames = np.round(beats * fps)
    beat_frames = np.flatnonzero(beat_col)
    peak_frames = np.flatnonzero(peaks)
    # librosa's tracker may skip the first and last click; every beat it marks is a click.
    assert near(beat_frames, click_frames[1:-1], 2) == len(click_frames) - 2
    assert near(click_frames, beat_frames, 2) == len(beat_frames)
    assert near(peak_frames, click_frames, 2) == len(click_frames)
    # The onset envelope is largest right at the clicks.
    assert np.all(np.abs(np.argmax(envelope) - click_frames).min() <= 2)
    # Chroma CENS rows are unit-norm (or all zero in silence).
    norms = np.linalg.norm(feats[:, 21:33], axis=1)
    assert np.all((np.abs(norms - 1) < 1e-3) | (norms < 1e-6))


# What "the numbers stay librosa's" means for features computed in blocks. Blocks add the same
# terms in another order, and float results of another order (or another numpy/scipy/BLAS build)
# differ by float32 rounding: about 1e-7 of a value's size, i.e. up to ~6e-5 on MFCC 0, which
# sits near -550 on the click track. The consumers are networks that normalise each feature
# dimension, so the error that matters is relative to that dimension's range: 1e-4 of its
# largest magnitude is ten times below what a float16 cast changes (~1e-3) and ~1000 rounding
# steps above re-ordering noise, while a real recipe change fails it (measured on the click
# track: a 0.1% gain change moves MFCCs by 1.8e-4 of their scale, 64 mel bands by 0.47).
FEATURE_RTOL = 1e-4


def assert_matches_to_scale(mine: np.ndarray, theirs: np.ndarray, columns: str) -> None:
    """``mine`` equals ``theirs`` to :data:`FEATURE_RTOL` of each column's largest magnitude."""
    assert mine.shape == theirs.shape, columns
    scale = np.abs(theirs).max(axis=0)
    error = np.abs(mine.astype(np.float64) - theirs).max(axis=0)
    worst = int(np.argmax(error - FEATURE_RTOL * scale))
    assert np.all(error <= FEATURE_RTOL * scale), (
        f"{columns}: column {worst} differs by {error[worst]:.3g} at scale {scale[worst]:.3g}")


def test_fact_blocks_match_librosa_single_calls(clicks: tuple,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Long songs are analysed in blocks; the numbers stay librosa's (:data:`FEATURE_RTOL`)."""
    import librosa

    audio, _, _ = clicks
    sr = 30 * 512
    y = load_as(audio, sr)
    monkeypatch.setattr(features, "BLOCK_SECONDS", 3.0)
    monkeypatch.setattr(features, "MARGIN_SECONDS", 3.0)
    feats = fact_features(audio, fps=30, start_bpm=BPM)
    with single_threaded():
        envelope = librosa.onset.onset_strength(y=y, sr=sr)
        mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)
        chroma = librosa.feature.chroma_cens(y=y, sr=sr, hop_length=512)
    assert_matches_to_scale(feats[:, :1], envelope[:, None], "onset envelope")
    assert_matches_to_scale(feats[:, 1:21], mfcc.T, "MFCC")
    assert_matches_to_scale(feats[:, 21:33], chroma.T, "chroma CENS")


def load_as(audio, sr: int) -> np.ndarray:
    from dancekit.audio import as_audio

    return as_audio(audio, sr).samples


def test_dance_revolution_shape_and_beats(clicks: tuple) -> None:
    audio, beats, _ = clicks
    feats = dance_revolution_features(audio)
    assert feats.shape == (1 + round(SECONDS * 15360) // 512, features.DANCE_REVOLUTION_DIM)
    assert feats.dtype == np.float32 and np.isfinite(feats).all()
    beat_frames = np.flatnonzero(feats[:, 53])
    assert set(np.unique(feats[:, 53])) <= {0.0, 1.0}
    assert len(beat_frames) >= len(beats) - 3
    assert near(np.round(beats * 30), beat_frames, 2) == len(beat_frames)
    # Tempogram rows start with lag 0, which autocorrelates to exactly 1.
    assert np.allclose(feats[:, 54], 1.0, atol=1e-5)
    # MFCC 0 follows loudness: higher on a click frame than halfway between clicks.
    on, off = int(round(beats[4] * 30)), int(round((beats[4] + 0.25) * 30))
    assert feats[on, 0] > feats[off, 0]


def dance_revolution_single_calls(y: np.ndarray) -> np.ndarray:
    """Dance Revolution's recipe as whole-song librosa calls: what the blocks must reproduce."""
    import librosa

    sr = features.DANCE_REVOLUTION_SR
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, hop_length=512),
                                 ref=np.max)
    mfcc = librosa.feature.mfcc(S=mel_db)
    harmonic, percussive = librosa.effects.hpss(y)
    chroma = librosa.feature.chroma_cqt(y=harmonic, sr=sr, hop_length=512)
    envelope = librosa.onset.onset_strength(y=percussive, sr=sr, hop_length=512,
                                            aggregate=np.median)
    tempogram = librosa.feature.tempogram(onset_envelope=envelope, sr=sr, hop_length=512)
    _, beats = librosa.beat.beat_track(onset_envelope=envelope, sr=sr, hop_length=512)
    one_hot = np.zeros(len(envelope))
    one_hot[beats] = 1.0
    return np.concatenate([mfcc, librosa.feature.delta(mfcc, width=3), chroma, envelope[None],
                           one_hot[None], tempogram]).T


@pytest.mark.parametrize("source", ["clicks", pytest.param("music", marks=pytest.mark.slow)])
def test_dance_revolution_blocks_match_librosa_single_calls(
        source: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long songs are analysed in blocks (bounded memory); the numbers stay librosa's
    (:data:`FEATURE_RTOL`) and the beats the same frames."""
    if source == "clicks":
        audio = request.getfixturevalue("clicks")[0]
    else:
        music = request.getfixturevalue("music_dir")
        audio = load(music / "dev10_oneills_flowers_in_the_valley_air.ogg")
    y = load_as(audio, features.DANCE_REVOLUTION_SR)
    monkeypatch.setattr(features, "BLOCK_SECONDS", 3.0)
    monkeypatch.setattr(features, "MARGIN_SECONDS", 3.0)
    blocked = dance_revolution_features(audio)
    with single_threaded():
        single = dance_revolution_single_calls(y)
    assert_matches_to_scale(blocked, single, "Dance Revolution features")
    # The beat column is a decision, not a measurement: the same frames or a real difference.
    np.testing.assert_array_equal(blocked[:, 53], single[:, 53])
    harmonic, percussive = features._hpss(y, features.DANCE_REVOLUTION_SR)
    import librosa

    for name, mine, theirs in zip(("harmonic", "percussive"), (harmonic, percussive),
                                  librosa.effects.hpss(y), strict=True):
        assert_matches_to_scale(mine[:, None], theirs[:, None], name)


def test_features_from_path_match_audio(tmp_path: Path, clicks: tuple) -> None:
    audio, _, _ = clicks
    path = tmp_path / "clicks.wav"
    sf.write(path, audio.samples, audio.sr, subtype="FLOAT")
    np.testing.assert_allclose(fact_features(path, start_bpm=BPM),
                               fact_features(load(path), start_bpm=BPM), rtol=1e-5, atol=1e-4)


def test_fact_tempo_prior_is_tracked_on_the_music_as_given(clicks: tuple,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Without ``start_bpm``, the tempo prior comes from the music as given, not from its
    resampling to ``fps * 512`` Hz: the tempo :class:`dancekit.Music` passes in, so a song's
    FACT cache entry is the same whether a path or a Music filled it."""
    import dancekit.audio.beats as beats

    heard = []
    track = beats.track_beats
    monkeypatch.setattr(beats, "track_beats", lambda a, **kw: heard.append(a) or track(a, **kw))
    audio = clicks[0]
    fact_features(audio, fps=30)
    assert heard == [audio]


def test_bad_arguments(clicks: tuple, tmp_path: Path) -> None:
    audio, _, _ = clicks
    with pytest.raises(ParameterError, match="fps"):
        fact_features(audio, fps=0)
    with pytest.raises(ParameterError, match="start_bpm"):
        fact_features(audio, start_bpm=-5)
    with pytest.raises(ParameterError, match="unknown feature kind"):
        cached_features(audio, "mel", cache_dir=tmp_path)
    with pytest.raises(ParameterError, match="bad parameters"):
        cached_features(audio, "fact", cache_dir=tmp_path, fsp=30)
    with pytest.raises(AudioDecodeError, match="not found"):
        cached_features(tmp_path / "missing.wav", "fact", cache_dir=tmp_path)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Replace the feature functions by cheap counters so cache behaviour is what is tested."""
    calls: list[dict] = []

    def fake(audio, **params):
        calls.append(params)
        return np.full((4, 35), float(len(calls)), dtype=np.float32)

    monkeypatch.setitem(features._KINDS, "fact", fake)
    return calls


def test_cache_hits_and_misses(tmp_path: Path, clicks: tuple, counted: list,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    audio, _, _ = clicks
    song = tmp_path / "song.wav"
    sf.write(song, audio.samples, audio.sr)
    monkeypatch.setenv("DANCEKIT_CACHE", str(tmp_path / "cache"))
    first = cached_features(song, "fact", fps=30)
    again = cached_features(song, "fact", fps=30)
    assert len(counted) == 1 and np.array_equal(first, again)
    assert len(list((tmp_path / "cache").glob("fact-*.npz"))) == 1

    copy = tmp_path / "renamed.wav"  # same bytes, other name: still a hit
    copy.write_bytes(song.read_bytes())
    cached_features(copy, "fact", fps=30)
    assert len(counted) == 1

    cached_features(song, "fact", fps=60)  # other parameters: a miss
    assert len(counted) == 2
    sf.write(song, audio.samples * 0.5, audio.sr)  # other content: a miss
    cached_features(song, "fact", fps=30)
    assert len(counted) == 3

    monkeypatch.setattr(features, "FEATURE_VERSION", features.FEATURE_VERSION + 1)
    cached_features(song, "fact", fps=30)  # new code version: a miss
    assert len(counted) == 4


def test_cache_of_audio_objects_and_damaged_entries(tmp_path: Path, clicks: tuple,
                                                    counted: list) -> None:
    audio, _, _ = clicks
    cached_features(audio, "fact", cache_dir=tmp_path)
    cached_features(audio, "fact", cache_dir=tmp_path)
    assert len(counted) == 1
    (entry,) = tmp_path.glob("fact-*.npz")
    entry.write_bytes(b"not a zip file")
    rebuilt = cached_features(audio, "fact", cache_dir=tmp_path)
    assert len(counted) == 2 and rebuilt.shape == (4, 35)
    assert not list(tmp_path.glob(".*tmp*"))  # atomic writes leave no temporary files


@pytest.mark.slow
def test_real_music_cached(music_dir: Path, tmp_path: Path) -> None:
    song = music_dir / "dev12_oneills_fair_maid_of_kinsale_waltz.ogg"
    feats = cached_features(song, "fact", cache_dir=tmp_path)
    assert feats.shape == (1 + round(30 * 60 * 512) // 512, 35)
    beat_times = np.flatnonzero(feats[:, 34]) / 60
    reference = np.loadtxt(str(song).replace(".ogg", ".beats.txt"))
    hits = sum(np.min(np.abs(reference - t)) < 0.07 for t in beat_times)
    assert hits >= 0.9 * len(beat_times)
    np.testing.assert_array_equal(cached_features(song, "fact", cache_dir=tmp_path), feats)
