"""Outputs appear atomically, and what a killed writer leaves behind is swept by the next
write to the same file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dancekit.utils import atomic_output

SRC = Path(__file__).resolve().parents[1] / "src"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".dancekit-tmp-" in p.name)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_writer_leaves_a_temp_file_that_the_next_write_removes(tmp_path, sig):
    target = tmp_path / "dance.mp4"
    child = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(SRC)!r})
        from dancekit.utils import atomic_output
        with atomic_output({str(target)!r}) as tmp:
            tmp.write_bytes(b"x" * 400_000)
            print(tmp, flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    tmp_name = Path(proc.stdout.readline().strip())
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert not target.exists()
    assert _leftovers(tmp_path) == [tmp_name.name]
    assert tmp_name.name.startswith(f".dance.mp4.dancekit-tmp-{proc.pid}-")
    assert tmp_name.suffix == ".mp4"  # writers that pick a format by extension still work

    with atomic_output(target) as tmp:
        tmp.write_bytes(b"done")
    assert target.read_bytes() == b"done"
    assert _leftovers(tmp_path) == []


def test_temp_files_of_running_writers_and_other_targets_are_kept(tmp_path):
    ours = tmp_path / f".a.png.dancekit-tmp-{os.getpid()}-abc.png"
    other_target = tmp_path / ".b.png.dancekit-tmp-999999999-abc.png"
    unrelated = tmp_path / ".a.png.tmp"
    for p in (ours, other_target, unrelated):
        p.write_bytes(b"x")
    with atomic_output(tmp_path / "a.png") as tmp:
        tmp.write_bytes(b"png")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.png", ours.name, other_target.name, unrelated.name])


def test_a_failed_write_removes_its_temp_file_and_keeps_the_old_output(tmp_path):
    target = tmp_path / "m.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("writer failed")
    assert target.read_text() == "old" and _leftovers(tmp_path) == []
