"""Folders for ``dancekit evaluate`` (dancekit.metrics.files): a ``dancekit synth`` output is a
folder of motions whose metadata JSON files are not motions, yet a damaged motion beside them
is still an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dancekit.cli import app
from dancekit.errors import DancekitError
from dancekit.metrics.files import load_motion_folder, motion_entries


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``dancekit synth --n 2 --seconds 4`` output."""
    out = tmp_path_factory.mktemp("data") / "synth"
    res = CliRunner().invoke(app, ["synth", "--n", "2", "--seconds", "4", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_synth_folder_reads_only_the_dances(synth: Path) -> None:
    index = json.loads((synth / "index.json").read_text())
    expected = sorted(p["motion"] for p in index["pairs"])
    assert [p.name for p in motion_entries(synth)] == expected
    motions = load_motion_folder(synth, quiet=True)
    assert [Path(m.meta["source"]).name for m in motions] == expected
    assert all(m.skeleton.name == "smpl24" and m.duration == pytest.approx(4, abs=0.1)
               for m in motions)


def test_evaluate_on_the_synth_folder(synth: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    res = CliRunner().invoke(app, ["evaluate", "--generated", str(synth), "--real", str(synth),
                                   "--json", str(report)])
    assert res.exit_code == 0, res.output
    assert json.loads(report.read_text())


def test_damaged_motion_in_a_synth_folder_is_still_an_error(synth: Path,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    folder.mkdir()
    for path in synth.iterdir():
        (folder / path.name).symlink_to(path)
    (folder / "00002_extra.npz").write_bytes(b"not a zip file")
    (folder / "notes.json").write_text('{"beats": [0.5, 1.0]}')  # not named by the index
    assert {p.name for p in motion_entries(folder)} >= {"00002_extra.npz", "notes.json"}
    with pytest.raises(DancekitError, match="00002_extra.npz"):
        load_motion_folder(folder, quiet=True)


def test_an_index_from_elsewhere_hides_nothing(synth: Path, tmp_path: Path) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "a.npz").symlink_to(motion_entries(synth)[0])
    (folder / "index.json").write_text('{"generator": "something else", "pairs": []}')
    assert [p.name for p in motion_entries(folder)] == ["a.npz", "index.json"]
