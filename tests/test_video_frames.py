"""Frames of real clips come out at the size and count their headers declare; a file that is
not a video is a one-line DataFormatError, never a traceback or a huge allocation."""

from pathlib import Path

import numpy as np
import pytest

from dancekit.errors import DataFormatError, ParameterError
from dancekit.video.backend import DetectorMissing, detector_available, mediapipe
from dancekit.video.frames import load_video, probe_video, read_frames

VIDEO = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "video"
CLIPS = {"studio_dancer_10s.mp4": (1920, 1080, 29.97), "taiji_17s.mp4": (1280, 720, 23.98),
         "bedroom_dancer_9s.mp4": (692, 1108, 16.0)}


def _clip(name: str) -> Path:
    path = VIDEO / name
    if not path.is_file():
        pytest.skip(f"real video {name} not found under ../shared/data/video")
    return path


@pytest.mark.parametrize("name", sorted(CLIPS))
def test_probe_reads_the_header_of_real_clips(name):
    info = probe_video(_clip(name))
    width, height, fps = CLIPS[name]
    assert (info.width, info.height) == (width, height)
    assert info.fps == pytest.approx(fps, abs=0.01)
    assert 9 <= info.duration <= 18


def test_frames_are_scaled_by_ffmpeg_and_stop_at_max_frames():
    path = _clip("bedroom_dancer_9s.mp4")
    frames = list(read_frames(path, size=(64, 96), max_frames=5))
    assert len(frames) == 5
    assert all(f.shape == (96, 64, 3) and f.dtype == np.uint8 for f in frames)
    assert frames[0].std() > 5  # a real picture, not a blank frame


def test_whole_clip_has_the_declared_frame_count():
    path = _clip("bedroom_dancer_9s.mp4")
    frames, fps = load_video(path, size=(32, 48))
    assert fps == pytest.approx(16.0)
    assert abs(len(frames) - probe_video(path).frame_count) <= 1
    moving = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean()
    assert moving > 0.5  # the dancer moves between frames


def test_not_a_video_is_a_data_format_error(tmp_path):
    bad = tmp_path / "song.mp4"
    bad.write_bytes(b"\x00" * 4096)
    with pytest.raises(DataFormatError):
        probe_video(bad)
    with pytest.raises(DataFormatError):
        list(read_frames(bad))
    with pytest.raises(DataFormatError, match="not found"):
        probe_video(tmp_path / "missing.mp4")


def test_a_silly_size_is_refused_before_decoding():
    with pytest.raises(ParameterError):
        list(read_frames("whatever.mp4", size=(0, 10)))


def test_missing_detector_says_how_to_install_it():
    if detector_available():
        assert hasattr(mediapipe(), "solutions")
    else:
        with pytest.raises(DetectorMissing, match="dancekit\\[pose\\]"):
            mediapipe()
