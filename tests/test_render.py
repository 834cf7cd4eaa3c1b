"""Rendering on real data: files are decoded again and their streams, durations, sizes and
pixels checked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
import soundfile as sf

from dancekit import Motion, ParameterError
from dancekit.errors import AudioDecodeError
from dancekit.io import load_motion
from dancekit.motion.mapping import retarget
from dancekit.render import (
    DEFAULT_THEME,
    SkeletonRenderer,
    draw_keypoints,
    render,
    render_frames,
)
from dancekit.render.soundtrack import Soundtrack
from dancekit.render.writers import rgb_to_yuv420p

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
AIST2D = "gBR_sBM_cAll_d04_mBR0_ch01.pkl"


@pytest.fixture
def waltz(ballroom_dir: Path) -> Motion:
    return load_motion(ballroom_dir / "DANCE_W_1")


@pytest.fixture
def keypoints(aist2d_dir: Path) -> Motion:
    return load_motion(aist2d_dir / AIST2D, view=0)


def _stream_info(path: Path) -> str:
    proc = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True,
                          text=True)
    return proc.stderr


def _audio(path: Path, rate: int = 16000) -> np.ndarray:
    """The file's audio track decoded to mono float samples at ``rate``."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", str(rate), "-f", "s16le", "-"], capture_output=True,
                         check=True).stdout
    return np.frombuffer(raw, np.int16).astype(np.float32) / 32768


def _side_pixels(image: np.ndarray, colour) -> np.ndarray:
    """Mask of pixels within a small distance of a drawing colour (depth shading darkens
    far limbs, so the match is loose)."""
    c = np.asarray(colour, np.float32)
    img = image.astype(np.float32)
    cos = (img @ c) / (np.linalg.norm(img, axis=-1) * np.linalg.norm(c) + 1e-6)
    return (cos > 0.985) & (img.max(axis=-1) > 0.55 * c.max())


def _figure_mask(image: np.ndarray) -> np.ndarray:
    t = DEFAULT_THEME
    return _side_pixels(image, t.left) | _side_pixels(image, t.right)


def _click_track(path: Path, seconds: float, click_at: float, rate: int = 22050) -> None:
    y = np.zeros(int(seconds * rate), np.float32)
    start = int(click_at * rate)
    y[start:start + rate // 50] = 0.8
    sf.write(path, y, rate)


def _first_sound(y: np.ndarray, rate: int = 16000) -> float:
    return float(np.flatnonzero(np.abs(y) > 0.2)[0] / rate)


def test_mp4_with_audio_has_both_streams_of_the_motion_duration(waltz: Motion, ballroom_dir,
                                                                 tmp_path: Path) -> None:
    out = render(waltz, tmp_path / "waltz.mp4", audio=ballroom_dir / "DANCE_W_1" / "audio.mp3",
                 size=256, progress=False)
    assert out == tmp_path / "waltz.mp4"
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == waltz.num_frames == 340
    assert secs == pytest.approx(waltz.duration, abs=0.05)
    info = _stream_info(out)
    assert re.search(r"Video: h264.*yuv420p.*256x256", info), info
    assert re.search(r"Audio: aac", info), info
    # The song is minutes long: the audio is cut to the dance.
    assert len(_audio(out)) / 16000 == pytest.approx(waltz.duration, abs=0.05)
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), "moov atom not moved to the front"
    assert [p.name for p in tmp_path.iterdir()] == ["waltz.mp4"]


def test_audio_offset_and_padding_keep_the_music_in_sync(waltz: Motion,
                                                         tmp_path: Path) -> None:
    clip = waltz[:100]  # 4 s
    click = tmp_path / "click.wav"
    _click_track(click, 2.5, click_at=2.0)
    early = render(clip, tmp_path / "early.mp4", audio=click, audio_offset=1.5, size=128,
                   progress=False)
    late = render(clip, tmp_path / "late.mp4", audio=click, audio_offset=-1.0, size=128,
                  progress=False)
    y_early, y_late = _audio(early), _audio(late)
    # A 2.5 s song under a 4 s dance is padded with silence to the dance's length.
    assert len(y_early) / 16000 == pytest.approx(4.0, abs=0.03)
    assert len(y_late) / 16000 == pytest.approx(4.0, abs=0.03)
    assert _first_sound(y_early) == pytest.approx(0.5, abs=0.02)
    assert _first_sound(y_late) == pytest.approx(3.0, abs=0.02)


def test_a_soundtrack_encoded_ahead_is_the_music_cut_at_the_video_end(
        waltz: Motion, ballroom_dir: Path, tmp_path: Path) -> None:
    song = ballroom_dir / "DANCE_W_1" / "audio.mp3"
    clip = waltz[:100]  # 4 s of a song minutes long
    with Soundtrack(song, seconds=clip.duration) as track:
        ahead = render(clip, tmp_path / "ahead.mp4", audio=track, size=64, progress=False)
        folder = track.path.parent
        assert folder.is_dir()
    assert not folder.exists()
    then = render(clip, tmp_path / "then.mp4", audio=song, size=64, progress=False)
    y_ahead, y_then = _audio(ahead), _audio(then)
    assert len(y_ahead) / 16000 == pytest.approx(clip.duration, abs=0.03)
    n = min(len(y_ahead), len(y_then))
    noise = np.sum((y_ahead[:n] - y_then[:n]) ** 2)
    assert 10 * np.log10(np.sum(y_then[:n] ** 2) / noise) > 40  # the same sound


def test_a_soundtrack_of_undecodable_audio_is_an_audio_error(waltz: Motion,
                                                             tmp_path: Path) -> None:
    bad = tmp_path / "song.mp3"
    bad.write_bytes(b"ID3" + bytes(range(256)) * 40)
    with Soundtrack(bad) as track, pytest.raises(AudioDecodeError, match="song.mp3"):
        render(waltz[:10], tmp_path / "x.mp4", audio=track, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


def test_gif_decodes_to_the_right_size_and_frame_count(waltz: Motion, tmp_path: Path) -> None:
    out = render(waltz[:50], tmp_path / "w.gif", size=128, progress=False)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (128, 128)
    frames = [np.frombuffer(f, np.uint8).reshape(128, 128, 3) for f in reader]
    assert len(frames) == 50  # 2 s at the motion's 25 fps
    assert _figure_mask(frames[25]).sum() > 50
    assert meta["fps"] == pytest.approx(25, abs=0.5)


def test_gif_frame_rate_is_capped_for_fast_motion(keypoints: Motion, tmp_path: Path) -> None:
    out = render(keypoints[:120], tmp_path / "k.gif", size=96, progress=False)  # 2 s @ 60
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 50
    assert secs == pytest.approx(2.0, abs=0.05)


def test_png_is_the_same_frame_as_render_frames(waltz: Motion, tmp_path: Path) -> None:
    out = render(waltz, tmp_path / "w.png", size=200, frame=-1, progress=False)
    image = cv2.imread(str(out))[..., ::-1]
    assert image.shape == (200, 200, 3)
    frames = list(render_frames(waltz[:], size=200))
    assert len(frames) == waltz.num_frames
    np.testing.assert_array_equal(image, frames[-1])
    # Both sides of the body are drawn in their colours.
    assert _side_pixels(image, DEFAULT_THEME.left).sum() > 40
    assert _side_pixels(image, DEFAULT_THEME.right).sum() > 40


def test_rendering_is_deterministic(waltz: Motion, tmp_path: Path) -> None:
    a = render(waltz[:30], tmp_path / "a.mp4", size=128, progress=False)
    b = render(waltz[:30], tmp_path / "b.mp4", size=128, progress=False)
    assert a.read_bytes() == b.read_bytes()


def test_following_camera_keeps_a_travelling_dancer_whole_and_large(waltz: Motion) -> None:
    # DANCE_W_1 travels about 6 m across the floor.
    travel = np.ptp(waltz.positions[:, 0, [0, 2]], axis=0)
    assert travel.max() > 4
    scene = SkeletonRenderer(waltz, size=256)
    panel = scene.panels[0]
    uv = panel.film.uv
    assert (uv >= 0).all() and (uv <= 256).all(), "a limb leaves the frame"
    height = np.ptp(uv[..., 1], axis=1)
    assert height.min() > 0.35 * 256, "the dancer is framed too small"
    # Smooth: the camera's largest acceleration is below the dancer's typical one.
    def accel(path: np.ndarray) -> np.ndarray:
        return np.linalg.norm(np.diff(path, n=2, axis=0), axis=1) * waltz.fps ** 2

    assert accel(panel.camera.positions).max() < np.median(accel(waltz.positions.mean(1)))
    # Shadows are on the floor drawn under the feet (the capture drifts upwards by 0.4 m).
    lowest = waltz.positions[..., 1].min(axis=1)
    assert np.median(np.abs(lowest - panel.floor)) < 0.06


def test_keypoints_are_fitted_into_the_frame(keypoints: Motion, tmp_path: Path) -> None:
    assert keypoints.is_2d
    out = render(keypoints, tmp_path / "k.png", size=256, frame=300, progress=False)
    image = cv2.imread(str(out))[..., ::-1]
    ys, xs = np.nonzero(_figure_mask(image))
    assert len(ys) > 200
    assert ys.min() > 5 and ys.max() < 251 and xs.min() > 5 and xs.max() < 251
    assert np.ptp(ys) > 0.4 * 256, "the stick figure does not fill the frame"


def test_low_confidence_keypoints_are_not_drawn(keypoints: Motion) -> None:
    sk = keypoints.skeleton
    wrist = sk.index("left_wrist")
    t = int(np.argmax(keypoints.confidence.min(axis=1)))  # a frame where every joint is seen
    kp = keypoints.positions[t] - keypoints.positions[t].min(axis=0) + 20
    canvas = (int(kp[:, 1].max()) + 20, int(kp[:, 0].max()) + 20, 3)
    others = np.delete(kp, wrist, axis=0)
    assert np.linalg.norm(others - kp[wrist], axis=1).min() > 15
    x, y = np.rint(kp[wrist]).astype(int)
    conf = np.ones(sk.num_joints)
    seen = draw_keypoints(np.zeros(canvas, np.uint8), kp, sk, confidence=conf)
    conf[wrist] = 0.1
    hidden = draw_keypoints(np.zeros(canvas, np.uint8), kp, sk, confidence=conf)
    assert seen[y - 2:y + 3, x - 2:x + 3].max() > 0
    assert hidden[y - 2:y + 3, x - 2:x + 3].max() == 0
    assert hidden.sum() < seen.sum()


def test_side_by_side_panels_with_titles(waltz: Motion, keypoints: Motion,
                                         tmp_path: Path) -> None:
    scene = SkeletonRenderer([waltz, keypoints], size=160, titles=["waltz", "AIST++ 2D"])
    assert scene.fps == 60  # the faster motion sets the clock
    assert len(scene) == round(waltz.duration * 60)
    image = scene.frame(400)
    assert image.shape == (160, 320, 3)
    for half in (image[:, :160], image[:, 160:]):
        assert _figure_mask(half).sum() > 30
        assert (half[:25] > 180).all(axis=-1).sum() > 10  # the title's white text
    out = render([waltz[:40], keypoints[:96]], tmp_path / "pair.mp4", size=96,
                 titles=["a", "b"], progress=False)
    reader = imageio_ffmpeg.read_frames(str(out))
    assert tuple(next(reader)["size"]) == (192, 96)


def _mediapipe_from_coco(coco: Motion) -> Motion:
    """A mediapipe33 motion for drawing tests: each landmark at its COCO namesake, or at
    the nearest COCO joint on its side for hands, mouth and feet."""
    from dancekit.motion.skeletons import get_skeleton

    mp = get_skeleton("mediapipe33")
    cs = coco.skeleton
    fallback = {"eye": "eye", "mouth": "nose", "heel": "ankle", "foot": "ankle",
                "pinky": "wrist", "index": "wrist", "thumb": "wrist"}
    cols = []
    for name in mp.joints:
        if cs.has(name):
            cols.append(cs.index(name))
            continue
        side = name.split("_")[0] + "_" if name.startswith(("left_", "right_")) else ""
        key = next(v for k, v in fallback.items() if k in name)
        cols.append(cs.index(side + key) if cs.has(side + key) else cs.index("nose"))
    return Motion(coco.positions[:, cols], coco.fps, mp)


def test_every_skeleton_renders_with_left_and_right_colours(waltz: Motion, bvh_file: Path,
                                                            tmp_path: Path) -> None:
    clip = waltz[100:140]
    motions = {name: retarget(clip, name) for name in ("smpl24", "coco17", "body25")}
    motions["ballroom23"] = clip
    motions["mediapipe33"] = _mediapipe_from_coco(motions["coco17"])
    bvh = load_motion(bvh_file)
    motions["bvh"] = bvh[:60]
    assert not bvh.skeleton.name.startswith(("smpl", "coco", "body", "mediapipe"))
    for name, motion in motions.items():
        image = next(render_frames(motion, size=160))
        assert _side_pixels(image, DEFAULT_THEME.left).sum() > 20, name
        assert _side_pixels(image, DEFAULT_THEME.right).sum() > 20, name


def test_bad_arguments_raise_parameter_errors_and_leave_no_file(waltz: Motion,
                                                               tmp_path: Path) -> None:
    cases = [
        dict(out_path=tmp_path / "x.avi"),
        dict(out_path=tmp_path / "missing" / "x.mp4"),
        dict(out_path=tmp_path / "x.mp4", size=511),
        dict(out_path=tmp_path / "x.png", size=16),
        dict(out_path=tmp_path / "x.png", frame=340),
        dict(out_path=tmp_path / "x.mp4", fps=0),
        dict(out_path=tmp_path / "x.gif", audio=tmp_path / "song.wav"),
        dict(out_path=tmp_path / "x.mp4", audio=tmp_path / "nothere.mp3"),
        dict(out_path=tmp_path / "x.mp4", titles=["a", "b"]),
    ]
    for kwargs in cases:
        with pytest.raises(ParameterError):
            render(waltz[:10], progress=False, **kwargs)
    with pytest.raises(ParameterError, match="not a dancekit.Motion"):
        render([waltz, np.zeros((10, 23, 3))], tmp_path / "x.png")
    with pytest.raises(ParameterError, match="no motion"):
        render([], tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_undecodable_audio_is_an_audio_error(waltz: Motion, tmp_path: Path) -> None:
    bad = tmp_path / "song.mp3"
    bad.write_bytes(b"ID3" + bytes(range(256)) * 40)
    with pytest.raises(AudioDecodeError, match="song.mp3"):
        render(waltz[:10], tmp_path / "x.mp4", audio=bad, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


def test_a_failure_while_encoding_leaves_no_file(waltz: Motion, tmp_path: Path) -> None:
    from dancekit.render.writers import write_mp4
    from dancekit.utils import atomic_output

    def frames():
        yield from render_frames(waltz[:10], size=64)
        raise ParameterError("stopped halfway")

    out = tmp_path / "half.mp4"
    with pytest.raises(ParameterError, match="halfway"), atomic_output(out) as tmp:
        write_mp4(frames(), tmp, width=64, height=64, fps=25, num_frames=20)
    assert list(tmp_path.iterdir()) == []


def test_unconfident_3d_joints_are_not_drawn(waltz: Motion) -> None:
    sides = waltz.skeleton.sides
    conf = np.ones((waltz.num_frames, waltz.num_joints), np.float32)
    conf[:, sides < 0] = 0.0  # hide the whole left side
    hidden = waltz.replace(confidence=conf)
    image = next(render_frames(hidden, size=160))
    assert _side_pixels(image, DEFAULT_THEME.left).sum() == 0
    assert _side_pixels(image, DEFAULT_THEME.right).sum() > 20
    shown = next(render_frames(hidden, size=160, min_confidence=0.0))
    assert _side_pixels(shown, DEFAULT_THEME.left).sum() > 20


def _decoded(path: Path, size: int) -> np.ndarray:
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size, size, 3)


def test_mp4_keeps_the_drawn_picture(waltz: Motion, tmp_path: Path) -> None:
    # The encoder settings trade file size for speed, never the picture: decoded, the video
    # stays as close to the drawn frames as `superfast` at CRF 20 kept it (38.7 dB here;
    # what is lost is mostly yuv420p's halved colour resolution on thin lines), and the
    # file within the size the settings were chosen with (0.25 MB/s on this clip).
    clip = waltz[:90]
    out = render(clip, tmp_path / "w.mp4", size=512, progress=False)
    drawn = np.stack(list(render_frames(clip, size=512))).astype(np.float32)
    error = np.mean((_decoded(out, 512).astype(np.float32) - drawn) ** 2)
    psnr = 10 * np.log10(255 ** 2 / error)
    assert psnr > 38.5, psnr
    assert out.stat().st_size < 0.4e6 * clip.duration


def test_grid_segments_outside_the_picture_are_skipped_without_changing_it(
        waltz: Motion, monkeypatch: pytest.MonkeyPatch) -> None:
    import dancekit.render.grid as grid

    scene = SkeletonRenderer(waltz[::10], size=256)
    culled = np.stack(list(scene))
    monkeypatch.setattr(grid, "GRID_CULL_PX", 1e9)
    assert np.array_equal(culled, np.stack(list(scene)))


def test_frames_cross_to_ffmpeg_as_its_own_yuv420p_conversion(waltz: Motion) -> None:
    # MP4 frames are converted to yuv420p before the pipe; the planes must be those ffmpeg's
    # conversion makes of the same drawing (luma to the rounding, chroma as 2x2 means).
    frame = SkeletonRenderer(waltz, size=256).frame(200)
    ours = rgb_to_yuv420p(frame).astype(np.int16)
    theirs = np.frombuffer(subprocess.run(
        [FFMPEG, "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "256x256", "-i",
         "-", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], input=frame.tobytes(),
        capture_output=True, check=True).stdout, np.uint8).astype(np.int16)
    luma = 256 * 256
    assert np.abs(ours[:luma] - theirs[:luma]).max() <= 1
    chroma = np.abs(ours[luma:] - theirs[luma:])
    assert chroma.mean() < 0.3 and chroma.max() <= 4  # one pixel of four: 0.45 and 23
    white_black = np.zeros((2, 2, 3), np.uint8)
    white_black[0] = 255
    assert rgb_to_yuv420p(white_black).tolist() == [235, 235, 16, 16, 128, 128]

