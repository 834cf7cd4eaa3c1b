"""Watching a dance: skeleton videos (MP4 with the music, GIF) and still frames.

``render(motions, "out.mp4", audio="song.mp3")`` is the one call most users need;
``render_frames`` yields the same images for other code, and ``draw_keypoints`` draws one
2D pose onto an existing image (pose-conditioned image models).
"""

from dancekit.render.draw import draw_keypoints
from dancekit.render.frames import SkeletonRenderer, render_frames
from dancekit.render.soundtrack import Soundtrack
from dancekit.render.style import DEFAULT_THEME, Theme
from dancekit.render.video import render

__all__ = ["DEFAULT_THEME", "SkeletonRenderer", "Soundtrack", "Theme", "draw_keypoints",
           "render", "render_frames"]
