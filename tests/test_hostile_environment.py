"""The command in a hostile environment: a home that cannot be written, decoders that talk
on stderr. Run as real processes, since both happen below Python (numba's import-time cache
lookup, libsndfile writing to file descriptor 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dancekit.audio import cached_features, click_track
from dancekit.audio.features import default_cache_dir

SRC = Path(__file__).resolve().parents[1] / "src"
# /proc/self/... can never be created, not even by root (a chmod 0555 folder can)
UNWRITABLE = "/proc/self/dancekit-home"


def dancekit(*args: object, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(SRC), **env}
    return subprocess.run([sys.executable, "-c", "from dancekit.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=full_env,
                          timeout=600, check=False)


# the locator list without the in-tree one is what numba sees when the installed librosa
# folder is read-only too (the case where the home's cache was the last resort)
READ_ONLY = {"HOME": UNWRITABLE, "XDG_CACHE_HOME": "",
             "NUMBA_CACHE_LOCATOR_CLASSES": "UserProvidedCacheLocator,UserWideCacheLocator"}


def test_librosa_imports_with_a_read_only_home_and_install(tmp_path):
    code = ("import os, dancekit.audio.beats, dancekit.audio.features; "
            "print(os.environ['NUMBA_CACHE_DIR'])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(tmp_path),
                            **READ_ONLY}, timeout=600, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / f"dancekit-cache-{os.getuid()}" / "numba")


@pytest.mark.slow
def test_beats_command_with_a_read_only_home_and_install(music_dir, tmp_path):
    r = dancekit("beats", music_dir / "dev01_bach_bwv10-7_chorale_brass.ogg",
                 TMPDIR=str(tmp_path), **READ_ONLY)
    assert r.returncode == 0, r.stderr
    assert "tempo" in r.stdout and "Traceback" not in r.stderr
    assert any((tmp_path / f"dancekit-cache-{os.getuid()}" / "numba").rglob("*.nbi"))


def test_feature_cache_falls_back_when_home_and_cache_cannot_be_written(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("HOME", UNWRITABLE)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("DANCEKIT_CACHE", raising=False)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert default_cache_dir() == tmp_path / f"dancekit-cache-{os.getuid()}" / "features"
    audio, _, _ = click_track(120, 3.0)
    stored = cached_features(audio, "fact", fps=30)
    assert len(list(default_cache_dir().glob("fact-*.npz"))) == 1
    uncached = cached_features(audio, "fact", cache_dir=Path(UNWRITABLE) / "c", fps=30)
    np.testing.assert_array_equal(stored, uncached)


def test_text_named_mp3_gives_one_error_line_and_no_decoder_notes(tmp_path):
    fake = tmp_path / "audio_text_as.mp3"
    fake.write_text("this is a text file, not music\n" * 20)
    r = dancekit("beats", fake)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"error: cannot decode {fake}: the file is corrupt or not a valid MP3 file"]
