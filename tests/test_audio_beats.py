"""Beat tracking: exact answers on click tracks, measured answers on real music."""

from __future__ import annotations

from pathlib import Path

import mir_eval
import numpy as np
import pytest

from dancekit.audio import Audio, BeatSettings, load, track_beats
from dancekit.audio.beats import Beats, track_spectrograms
from dancekit.audio.beats.cues import FPS, SR, onset_novelty, spectrograms
from dancekit.audio.beats.grouping import group_contrast
from dancekit.audio.beats.meter import best_grouping
from dancekit.audio.beats.tracker import bass_phase
from dancekit.audio.clicks import click_track
from dancekit.errors import ParameterError


@pytest.mark.parametrize(("bpm", "per_bar"), [(72.0, 4), (100.0, 3), (128.0, 4), (150.0, 2)])
def test_click_tracks(bpm: float, per_bar: int) -> None:
    audio, beats, downbeats = click_track(bpm, 20.0, beats_per_bar=per_bar, offset=0.3)
    result = track_beats(audio)
    assert result.tempo == pytest.approx(bpm, rel=0.01)
    assert len(result.beats) == len(beats)
    np.testing.assert_allclose(result.beats, beats, atol=0.015)
    assert result.beats_per_bar == per_bar and result.meter == f"{per_bar}/4"
    np.testing.assert_allclose(result.downbeats, downbeats, atol=0.015)


def test_tempo_change_is_followed() -> None:
    slow, b1, _ = click_track(90.0, 14.0, offset=0.3)
    fast, b2, _ = click_track(110.0, 12.0, offset=0.0)
    b1 = b1[b1 < 12.0]
    join = int(round((b1[-1] + 60 / 90) * slow.sr))  # where the next slow click would be
    y = np.concatenate([slow.samples[:join], fast.samples])
    expected = np.concatenate([b1, b2 + join / slow.sr])
    result = track_beats(Audio.from_array(y, slow.sr))
    scores = mir_eval.beat.evaluate(expected, result.beats)
    assert scores["F-measure"] > 0.95


@pytest.mark.parametrize("seconds", [1.0, 2.0, 3.0])
def test_short_music(seconds: float) -> None:
    audio, beats, _ = click_track(120.0, seconds, offset=0.25)
    result = track_beats(audio)
    assert np.isfinite(result.tempo) and result.tempo == pytest.approx(120.0, rel=0.05)
    assert len(result.beats) >= len(beats) - 1


def test_no_pulse_gives_no_beats() -> None:
    t = np.arange(5 * 22050) / 22050
    drone = 0.3 * np.sin(2 * np.pi * 220 * t)
    result = track_beats(Audio.from_array(drone, 22050))
    assert result.tempo == 0.0 and len(result.beats) == 0 and result.meter == "unknown"
    assert result.to_dict() == {"tempo": 0.0, "beats": [], "downbeats": [], "meter": "unknown",
                                "beats_per_bar": 0}


def _jig_figure(beat_s: float, seconds: float, sr: int = 22050) -> tuple[np.ndarray, np.ndarray]:
    """6/8 crotchet-quaver figure: equally loud high notes on the first and third quaver of
    every beat, a bass note on the beat only. Returns the samples and the beat times."""
    t = np.arange(int(seconds * sr)) / sr
    y = 1e-3 * np.random.default_rng(0).standard_normal(len(t))
    beats = np.arange(0.3, seconds - beat_s, beat_s)
    for b in beats:
        for onset, freq, gain in ((b, 880.0, 0.3), (b + 2 * beat_s / 3, 988.0, 0.3),
                                  (b, 65.0, 0.8)):
            i = int(onset * sr)
            n = min(int(0.15 * sr), len(t) - i)
            y[i:i + n] += gain * np.sin(2 * np.pi * freq * t[:n]) * np.exp(-t[:n] / 0.05)
    return y.astype(np.float32), beats


def test_bass_moves_a_grid_locked_on_the_quaver() -> None:
    y, beats = _jig_figure(0.6, 20.0)
    settings = BeatSettings()
    spec, _ = spectrograms(y)
    novelty = onset_novelty(spec)
    bass = onset_novelty(spec[:settings.bass_bands])
    period = 0.6 * FPS
    truth = np.round(beats * FPS).astype(int)
    on_quaver = truth + int(round(2 * period / 3))  # the grid an onset-only tracker may keep
    moved = bass_phase(on_quaver[:-1], bass, novelty, period, 3, settings)
    np.testing.assert_allclose(moved, truth[1:len(moved) + 1], atol=2)
    kept = bass_phase(truth, bass, novelty, period, 3, settings)
    np.testing.assert_array_equal(kept, truth)


def _quavers(quaver_s: float, per_beat: int, seconds: float, sr: int = 22050
             ) -> tuple[np.ndarray, np.ndarray]:
    """Equally loud melody notes on every quaver, a bass note every ``per_beat`` quavers (3: a
    slow 6/8 air, 2: 3/4 in quavers at the same quaver rate) and a new chord every bar of six
    quavers, so only the bass tells the two apart. Returns the samples and the beat times."""
    t = np.arange(int(seconds * sr)) / sr
    y = 1e-3 * np.random.default_rng(0).standard_normal(len(t))
    melody = (660.0, 880.0, 784.0, 988.0, 740.0, 831.0, 698.0)
    roots = (65.4, 98.0, 87.3, 73.4)
    quavers = np.arange(0.3, seconds - quaver_s, quaver_s)
    n = int(0.25 * sr)
    for k, q in enumerate(quavers):
        i = int(q * sr)
        m = min(n, len(t) - i)
        y[i:i + m] += 0.25 * np.sin(2 * np.pi * melody[k % 7] * t[:m]) * np.exp(-t[:m] / 0.1)
        if k % per_beat == 0:
            root = roots[(k // 6) % 4]  # the harmony changes once a bar (6 quavers)
            for f in (root, 2.5 * root):
                y[i:i + m] += 0.4 * np.sin(2 * np.pi * f * t[:m]) * np.exp(-t[:m] / 0.2)
    return y.astype(np.float32), quavers[::per_beat]


def test_group_contrast() -> None:
    accent = np.tile([2.0, 0.0, 0.0], 20)
    assert group_contrast(accent, 3) == pytest.approx(3.0 / np.sqrt(2.0))
    assert group_contrast(accent, 3) > 1.0 > group_contrast(accent, 2)
    assert group_contrast(np.tile([1.0, 0.0], 30), 2) > group_contrast(np.tile([1.0, 0.0], 30), 3)


@pytest.mark.parametrize("per_beat", [3, 2])
def test_two_or_three_quavers_to_the_beat(per_beat: int) -> None:
    # The same quavers (200 a minute) and harmony; only where the bass notes fall differs.
    # This is the cue tracker's learned two-or-three decision.
    y, beats = _quavers(0.3, per_beat, 24.0)
    spec, chroma = spectrograms(y)
    result = track_spectrograms(spec, chroma, tracker="cues")
    assert result.tempo == pytest.approx(200.0 / per_beat, rel=0.02)
    assert mir_eval.beat.evaluate(beats, result.beats)["F-measure"] > 0.95
    assert result.meter.endswith("/8") == (per_beat == 3)


@pytest.mark.parametrize("per_beat", [3, 2])
def test_quick_pulse_is_read_as_the_tatum(per_beat: int) -> None:
    # The beat network follows these equally loud quavers at 200 BPM, above fast_bpm: the
    # tracker reads them as tatums and groups them by the accents of the bass and the
    # harmony (clear here), two or three to the beat. The network's activation is the same on every
    # quaver here, so the phase it decodes is not asserted, only that the beats are quavers.
    y, beats = _quavers(0.3, per_beat, 24.0)
    spec, chroma = spectrograms(y)
    result = track_spectrograms(spec, chroma)
    assert result.tempo == pytest.approx(200.0 / per_beat, rel=0.02)
    assert result.meter.endswith("/8") == (per_beat == 3)
    quavers = np.arange(0.3, 24.0 - 0.3, 0.3)
    assert np.abs(result.beats[:, None] - quavers[None, :]).min(axis=1).max() < 0.03
    assert np.allclose(np.diff(result.beats), 0.3 * per_beat, atol=0.03)
    assert 60.0 / 0.3 > BeatSettings().fast_bpm  # quavers quicker than a written beat


#: Known errors of the beat network on DEV (docs/audio.md); strict, so a fix shows up.
_NETWORK_ERROR = pytest.mark.xfail(strict=True, reason="known beat-network error, docs/audio.md")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "meter"), [
    ("dev04_foster_jeanie_light_brown_hair", "4/4"),  # slow song over quavers: level model
    ("dev05_nottingham_cuckoos_nest", "4/4"),
    ("dev07_oneills_hag_with_the_money_jig", "6/8"),
    ("dev12_oneills_fair_maid_of_kinsale_waltz", "3/4"),
    pytest.param("dev08_oneills_jennie_rock_the_cradle_reel_accel", "4/4",  # beats right, 2/4
                 marks=_NETWORK_ERROR),
    pytest.param("dev14_beethoven_op18no1_mvt1_piano", "3/4",  # presto read as 2 per bar
                 marks=_NETWORK_ERROR),
    ("dev15_clara_schumann_polonaise_op1no1", "3/4"),  # quavers regrouped (fast_bpm)
    ("dev10_oneills_flowers_in_the_valley_air", "6/8"),  # slow 6/8: quavers regrouped
])
def test_real_music(music_dir: Path, name: str, meter: str) -> None:
    song = music_dir / f"{name}.ogg"
    result = track_beats(song)
    assert isinstance(result, Beats)
    reference = np.loadtxt(music_dir / f"{name}.beats.txt")
    down_reference = np.loadtxt(music_dir / f"{name}.downbeats.txt")
    assert mir_eval.beat.evaluate(reference, result.beats)["F-measure"] > 0.95
    assert result.meter == meter
    down = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(down_reference),
                                   mir_eval.beat.trim_beats(result.downbeats))
    assert down > 0.9
    assert set(np.round(result.downbeats, 6)) <= set(np.round(result.beats, 6))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "low", "high"), [
    ("DANCE_C_2", 110.0, 135.0),  # a cha-cha, tracked at 203 BPM before regrouping
    ("DANCE_R_3", 85.0, 110.0),  # a rumba, tracked at 189 BPM
])
def test_latin_quavers_grouped_in_twos(ballroom_dir: Path, name: str, low: float,
                                       high: float) -> None:
    # Real recordings without beat ground truth, so only what any dancer knows is asserted:
    # the tempo of the dance and a simple meter. Their accents hardly prefer twos or threes
    # (3+3+2 figures), so the learned two-or-three model decides, and says two.
    song = load(ballroom_dir / name / "audio.mp3", sr=SR, max_seconds=60)
    result = track_beats(song)
    assert low <= result.tempo <= high
    assert not result.meter.endswith("/8")



@pytest.mark.slow
@pytest.mark.parametrize(("name", "quick"), [
    ("DANCE_W_15", 168.0),  # tracked at its quavers, 168 BPM in 2/4, before bars of six
    ("DANCE_W_24", 174.0),  # likewise, 174 BPM in 2/4
    ("DANCE_W_29", 172.0),  # likewise, 172 BPM in 4/4
])
def test_slow_waltz_tracked_at_its_quavers_is_read_in_three(ballroom_dir: Path, name: str,
                                                            quick: float) -> None:
    # A slow waltz is danced at 28-30 bars a minute (84-90 BPM); these recordings are tracked
    # at their quavers. Bars of six quavers stand out, so the beat is every other one.
    song = load(ballroom_dir / name / "audio.mp3", sr=SR, max_seconds=60)
    result = track_beats(song)
    assert result.meter == "3/4" and 82.0 <= result.tempo <= 91.0
    assert set(np.round(result.downbeats, 6)) <= set(np.round(result.beats, 6))
    assert np.allclose(np.diff(result.downbeats), 3 * 60.0 / result.tempo, rtol=0.1)
    # the rule's own setting: a pulse this quick is kept when bars of six are never tried
    kept = track_beats(song, settings=BeatSettings(quaver_bpm=1000.0))
    assert kept.tempo == pytest.approx(quick, rel=0.02) and kept.meter != "3/4"


@pytest.mark.slow
def test_quick_rumba_is_not_read_as_a_waltz(ballroom_dir: Path) -> None:
    # A rumba tracked at 180 BPM: its bars of six stand out only a little more than its bars
    # of two (ratio 1.11 < six_margin), so it stays in two.
    song = load(ballroom_dir / "DANCE_R_8" / "audio.mp3", sr=SR, max_seconds=60)
    result = track_beats(song)
    assert result.tempo > BeatSettings().quaver_bpm and result.meter in ("2/4", "4/4")


def test_bars_of_six_only_for_a_quick_pulse() -> None:
    # quavers of 3/4 bars: the bar's first quaver loudest, the other beats of the bar next
    accent = np.tile([5.0, -1.0, 1.0, -1.0, 1.0, -1.0], 20)
    settings = BeatSettings()
    assert best_grouping(accent, (2, 3, 4), settings) == (2, 0)
    assert best_grouping(accent, (2, 3, 4, 6), settings) == (6, 0)
    assert best_grouping(np.roll(accent, 2), (2, 3, 4, 6), settings) == (6, 2)
    # a margin the bars of six do not clear leaves the ordinary groupings
    strict = BeatSettings(six_margin=10.0)
    assert best_grouping(accent, (2, 3, 4, 6), strict)[0] != 6

def _peaks(curve: np.ndarray, threshold: float) -> np.ndarray:
    """Frames of local maxima of ``curve`` above ``threshold``."""
    inner = (curve[1:-1] > curve[:-2]) & (curve[1:-1] >= curve[2:]) & (curve[1:-1] > threshold)
    return np.flatnonzero(inner) + 1


def _rock_beat(bpm: float, seconds: float, sr: int = 22050, offset: float = 0.4
               ) -> tuple[np.ndarray, np.ndarray]:
    """A drum kit: kick on beats 1 and 3, snare on 2 and 4, hi-hat on every beat and half
    beat (so the hi-hat alone pulses at twice the tempo). Returns the samples and the beats."""
    rng = np.random.default_rng(0)
    t = np.arange(int(0.25 * sr)) / sr
    kick = 0.9 * np.sin(2 * np.pi * (50 + 80 * np.exp(-t / 0.03)) * t) * np.exp(-t / 0.12)
    snare = (0.5 * rng.standard_normal(len(t)) * np.exp(-t / 0.06)
             + 0.3 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05))
    hat = 0.2 * np.diff(rng.standard_normal(len(t) + 1)) * np.exp(-t / 0.015)
    y = 1e-3 * rng.standard_normal(int(seconds * sr))
    beats = np.arange(offset, seconds - 0.3, 60.0 / bpm)
    for i, b in enumerate(beats):
        for when, sound in ((b, kick if i % 2 == 0 else snare), (b, hat), (b + 30 / bpm, hat)):
            at = int(round(when * sr))
            n = min(len(sound), len(y) - at)
            y[at:at + n] += sound[:n]
    return (y / np.abs(y).max() * 0.8).astype(np.float32), beats


@pytest.mark.parametrize("source", ["clicks", "drums"])
def test_bundled_network_peaks_on_the_beats(source: str) -> None:
    from dancekit.audio.beats.network import TEMPO_BPM, activation

    if source == "clicks":  # accented downbeats every 4 clicks
        audio, beats, downbeats = click_track(100.0, 12.0, offset=0.4)
        samples, tempo = audio.samples, 100.0
    else:
        samples, beats = _rock_beat(120.0, 12.0)
        downbeats, tempo = None, 120.0
    spec, _ = spectrograms(samples)
    learned = activation(spec)
    assert learned.beat.shape == learned.downbeat.shape == (spec.shape[1],)
    truth = beats * FPS
    peaks = _peaks(learned.beat, 0.3)
    # every strong peak is a beat, and every beat has its peak (within 2 frames, 20 ms), up
    # to the last beat: with nothing after it, the 32-channel network places the drums' last
    # beat on the off-beat hi-hat that ends the clip (docs/audio.md)
    inside = peaks[peaks < truth[-2] + 0.75 * (truth[-1] - truth[-2])]
    assert np.abs(inside[:, None] - truth[None, :-1]).min(axis=1).max() <= 2
    assert np.abs(truth[:-1, None] - inside[None, :]).min(axis=1).max() <= 2
    # the tempo head puts its mode within a class (1/20 octave) of the true tempo
    assert abs(np.log2(TEMPO_BPM[np.argmax(learned.tempo)] / tempo)) <= 0.051
    if downbeats is not None:  # downbeats stand out from the other beats
        at = np.round(truth).astype(int)
        is_down = np.isin(np.round(beats, 3), np.round(downbeats, 3))
        assert learned.downbeat[at][is_down].min() > learned.downbeat[at][~is_down].max()


def test_network_chunks_equal_one_pass() -> None:
    import torch

    from dancekit.audio.beats.network import activation, network

    audio, _, _ = click_track(130.0, 75.0, offset=0.2)
    spec, _ = spectrograms(audio.samples)
    chunked = activation(spec, chunk=2500)  # three chunks, each with its context
    with torch.inference_mode():
        logits, hidden = network()(torch.from_numpy(spec)[None])
    np.testing.assert_allclose(chunked.beat, torch.sigmoid(logits[0, 0]).numpy(), atol=1e-5)
    np.testing.assert_allclose(chunked.downbeat, torch.sigmoid(logits[0, 1]).numpy(),
                               atol=1e-5)


def test_cue_tracker_still_runs() -> None:
    audio, beats, _ = click_track(110.0, 15.0, offset=0.3)
    result = track_beats(audio, tracker="cues")
    np.testing.assert_allclose(result.beats, beats, atol=0.015)


def test_settings_reach_the_tempo_and_meter_stages() -> None:
    audio, beats, _ = click_track(100.0, 16.0, beats_per_bar=4, offset=0.3)
    for tracker in ("network", "cues"):
        default = track_beats(audio, tracker=tracker)
        assert default.tempo == pytest.approx(100.0, rel=0.01) and default.meter == "4/4"
        # a tempo range below 100 BPM leaves only every other click, at 50
        slow = track_beats(audio, tracker=tracker, settings=BeatSettings(max_bpm=80.0))
        assert slow.tempo == pytest.approx(50.0, rel=0.01)
    # without the preference for bars of four, the accented clicks read as half bars of two
    halves = track_beats(audio, settings=BeatSettings(four_beat_prior=0.0))
    assert halves.meter == "2/4"
    np.testing.assert_array_equal(halves.beats, track_beats(audio).beats)


def test_settings_weights_file_is_the_network_used(tmp_path: Path) -> None:
    from dancekit.audio.beats.network import WEIGHTS
    from dancekit.errors import CheckpointError

    audio, _, _ = click_track(120.0, 8.0, offset=0.3)
    same = track_beats(audio, settings=BeatSettings(weights=str(WEIGHTS)))
    np.testing.assert_array_equal(same.beats, track_beats(audio).beats)
    broken = tmp_path / "beat_tcn.safetensors"
    broken.write_bytes(b"not a weights file")
    with pytest.raises(CheckpointError, match="beat network weights"):
        track_beats(audio, settings=BeatSettings(weights=broken))


@pytest.mark.parametrize("bad", [{"min_bpm": 300.0}, {"observation_lambda": 1},
                                 {"min_bpm": 70.0},  # a beat of three quick tatums at 60
                                 {"tempo_spread": 0.5}, {"prior_octaves": float("nan")},
                                 {"edge_min": -1.0}, {"bass_bands": 2.5},
                                 {"six_margin": 0.0}])
def test_bad_settings_are_refused(bad: dict) -> None:
    with pytest.raises(ParameterError, match="BeatSettings"):
        BeatSettings(**bad)


def test_unknown_tracker_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="unknown beat tracker 'librosa'"):
        track_beats(tmp_path / "missing.mp3", tracker="librosa")
