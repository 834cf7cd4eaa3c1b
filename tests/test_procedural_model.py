"""The procedural dancer behind the model registry, on real and synthesised music."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dancekit.audio import Audio
from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.metrics import beat_align_score
from dancekit.models import available_models, load_model
from dancekit.synth import synthesize

DEMO = Path(__file__).resolve().parents[1] / "src" / "dancekit" / "assets" / "demo_song.ogg"


def test_registered_and_loadable() -> None:
    assert "procedural" in available_models()
    model = load_model("procedural")
    assert hasattr(model, "generate")


def test_dances_on_the_beats_of_real_music(music_dir: Path) -> None:
    """On real recordings with known beats, the dance's accents follow the music's beats
    (through the beat tracker) far better than a grid shifted by half a beat."""
    model = load_model("procedural")
    true, shifted = [], []
    for ogg in sorted(music_dir.glob("*.ogg"))[:4]:
        beats = np.loadtxt(ogg.with_suffix("").with_suffix(".beats.txt"), ndmin=1)
        motion = model.generate(ogg, seconds=20, seed=1)
        assert motion.duration == pytest.approx(20.0, abs=0.05)
        assert motion.meta["model"] == "procedural" and motion.skeleton.name == "smpl24"
        inside = beats[beats < 20]
        true.append(beat_align_score(motion, inside))
        shifted.append(beat_align_score(motion, inside + np.median(np.diff(inside)) / 2))
    assert np.mean(true) > np.mean(shifted) + 0.15, (true, shifted)


def test_generate_from_audio_in_memory_with_style_and_seed() -> None:
    song = synthesize("waltz", seconds=12, seed=2, tempo=96)
    audio = Audio.from_array(song.samples, song.sr)
    model = load_model("procedural")
    a = model.generate(audio, seed=5, style="waltz")
    b = model.generate(audio, seed=5, style="waltz")
    np.testing.assert_array_equal(a.rotations, b.rotations)
    assert a.meta["style"] == "waltz"
    assert all(m["move"].rstrip("~") for m in a.meta["moves"])
    assert beat_align_score(a, np.array(song.truth["beats"])) > 0.4
    longer = model.generate(audio, seconds=15, style="waltz")
    assert longer.num_frames == 450
    follow = model.generate(audio, seconds=4, style="waltz", seed_motion=a)
    np.testing.assert_allclose(follow.root[0, [0, 2]], a.root[-1, [0, 2]], atol=1e-6)


def test_bad_input(tmp_path: Path) -> None:
    model = load_model("procedural")
    with pytest.raises(ParameterError, match="unknown style 'polka'"):
        model.generate(DEMO, style="polka", seconds=3)
    silent = tmp_path / "silence.wav"
    sf.write(silent, np.zeros(22050 * 3, dtype=np.float32), 22050)
    with pytest.raises(AudioDecodeError, match="silent"):
        model.generate(silent)
    drone = tmp_path / "drone.wav"   # a steady tone: sound, but nothing to dance to
    t = np.arange(22050 * 3) / 22050
    sf.write(drone, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 22050)
    with pytest.raises(AudioDecodeError, match="no steady beat found in .*drone.wav"):
        model.generate(drone)
    with pytest.raises(ParameterError, match="seconds must be between 1 and 7200"):
        model.generate(DEMO, seconds=0)
    with pytest.raises(ParameterError, match="seed motion"):
        model.generate(DEMO, seconds=3, seed_motion=_keypoints_motion())


def _keypoints_motion():
    from dancekit.motion import Motion

    return Motion(np.zeros((5, 17, 2)), 30, "coco17")
