"""The web app in a real browser: Debian's headless Chromium, driven by playwright, loads the
page of a running ``dancekit serve``, makes a dance from the demo song, plays it with the music
and shows the body on the floor (checked in the screenshot's pixels).

Needs the ``chromium`` package (``.ci/run`` installs it); playwright's own browser download is
not used. ``DANCEKIT_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="dancekit serve needs the serve extra")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright")

CHROMIUM = os.environ.get("DANCEKIT_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
#: The page screenshot, also the README's picture (docs/images/serve.png is a copy of it).
SCREENSHOT = "serve.png"


@pytest.fixture
def server() -> Iterator[str]:
    yield from _serve()


def _serve(*args: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from dancekit.cli import main; main()",
                             "serve", "--port", str(port), *args], stderr=subprocess.PIPE,
                            text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium found: install Debian's chromium "
                    "package (.ci/run does) or set DANCEKIT_CHROMIUM")
def test_the_page_makes_a_dance_and_plays_it_with_the_body_on_the_floor(
        server: str, tmp_path: Path) -> None:
    failed: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--use-angle=swiftshader",
                                           "--enable-unsafe-swiftshader"])
        page = browser.new_page(viewport={"width": 1200, "height": 720})
        page.on("pageerror", lambda err: failed.append(str(err)))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page.goto(server)
        page.wait_for_selector("#model option[value=procedural]", state="attached")
        page.select_option("#model", "procedural")
        page.select_option("#style", "pop")
        page.fill("#seconds", "6")
        page.click("#go")
        page.wait_for_selector("#downloads a", timeout=90_000)
        assert "procedural, style pop, seed 0: 6.0 s" in page.text_content("#status")
        assert page.eval_on_selector_all("#downloads a", "as => as.map(a => a.textContent)") \
            == ["MP4", "BVH", "NPZ", "JSON"]
        page.click("#play")
        page.wait_for_function("document.getElementById('audio').currentTime > 1.5",
                               timeout=20_000)
        page.click("#play")
        assert page.evaluate("document.getElementById('audio').paused")
        page.screenshot(path=tmp_path / SCREENSHOT)
        view = page.locator("#view canvas").screenshot(path=tmp_path / "view.png")
        browser.close()
    assert not failed, failed
    _assert_body_on_the_floor(_pixels(view))
    _assert_grid_lines_on_the_floor(_pixels(view))


@pytest.fixture
def server_with_data(tmp_path: Path, ballroom_dir: Path) -> Iterator[str]:
    yield from _serve("--data", str(ballroom_dir), "--votes", str(tmp_path / "votes.sqlite"))


def _browser(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=["--use-angle=swiftshader",
                                                              "--enable-unsafe-swiftshader"])


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium found")
def test_two_seeds_and_a_real_sequence_side_by_side_then_a_blind_vote(
        server_with_data: str, tmp_path: Path) -> None:
    failed: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = _browser(pw)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.on("weberror", lambda err: failed.append(str(err.error)))
        page = context.new_page()
        page.goto(server_with_data)
        page.wait_for_selector("#model option[value=procedural]", state="attached")
        page.select_option("#model", "procedural")
        page.fill("#seconds", "4")
        for seed in (0, 1):
            page.fill("#seed", str(seed))
            page.click("#go")
            page.wait_for_function(f"document.querySelectorAll('#made li').length > {seed}",
                                   timeout=90_000)
        page.select_option("#entries", "DANCE_C_2")
        page.click("#open-entry")
        page.wait_for_function("document.querySelectorAll('#made li').length > 2")
        boxes = page.locator("#made input")
        for i in range(3):
            boxes.nth(i).check()
        page.click("#compare")
        page.wait_for_function("document.querySelectorAll('#view canvas').length === 3")
        titles = page.eval_on_selector_all("#view .title", "ts => ts.map(t => t.textContent)")
        assert [t.split(",")[0] for t in titles] == ["procedural", "procedural",
                                                     "DANCE_C_2 (cha-cha)"], titles
        page.click("#play")
        page.wait_for_function("document.getElementById('audio').currentTime > 1")
        page.click("#play")
        for i in range(3):
            _assert_body_on_the_floor(_pixels(page.locator("#view canvas").nth(i).screenshot()))
        boxes.nth(2).uncheck()
        with context.expect_page() as opened:
            page.click("#blind")
        ab = opened.value
        ab.wait_for_selector("#left:not([disabled])", timeout=30_000)
        assert ab.eval_on_selector_all(".title", "ts => ts.map(t => t.textContent)") == ["A", "B"]
        ab.click("#left")
        ab.wait_for_selector("#again:not([hidden])")
        assert "you preferred A: procedural" in ab.text_content("#status")
        browser.close()
    assert not failed, failed
    assert sqlite3.connect(tmp_path / "votes.sqlite").execute(
        "SELECT chosen FROM votes").fetchall() == [("left",)]


def _pixels(png: bytes) -> np.ndarray:
    import cv2

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return image[..., ::-1].astype(np.int32)  # RGB


def _assert_body_on_the_floor(rgb: np.ndarray) -> None:
    """The left side's blue and the right side's orange limbs are there, a person's height
    tall, standing on the lower half of the picture with the floor's grey around their feet
    (not the sky's, not the page's background)."""
    r, b = rgb[..., 0], rgb[..., 2]
    blue = (b > r + 60) & (b > 140)
    orange = (r > b + 60) & (r > 140)
    least = 0.002 * blue.size  # 800 pixels of a 826 x 516 view
    assert blue.sum() > least and orange.sum() > least, (blue.sum(), orange.sum(), least)
    rows = np.flatnonzero((blue | orange).any(axis=1))
    height = len(rgb)
    top, feet = rows.min(), rows.max()
    assert feet - top > 0.3 * height, (top, feet)
    assert feet > 0.55 * height, feet
    below = rgb[min(feet + 4, height - 1)]
    grey = (np.abs(below - below.mean(axis=1, keepdims=True)).max(axis=1) < 25) & \
        (below.mean(axis=1) > 25)
    assert grey.mean() > 0.8, grey.mean()


def _assert_grid_lines_on_the_floor(rgb: np.ndarray) -> None:
    """The floor's grid shows: along rows of the lower quarter (floor only, near the camera)
    the grey steps up where a line crosses, at least twice per row (squares of 1 m seen from
    about 4 m span a few hundred pixels at most)."""
    height, width = rgb.shape[:2]
    grey = rgb[int(0.8 * height):, int(0.05 * width):int(0.95 * width)].mean(axis=2)
    lines = grey > np.median(grey, axis=1, keepdims=True) + 12
    crossings = (np.diff(lines.astype(int), axis=1) == 1).sum(axis=1)
    assert np.median(crossings) >= 2, crossings
