"""Write ``golden_dances.npz``: what every bundled model dances to the demo song, for
``tests/test_golden.py``. Run only when a change is *meant* to change the dances:

    python tests/data/make_golden.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# (model, seed, re-timed onto the beats as `dancekit dance` does, --style): the style is
# pinned, so a change of what --style auto chooses leaves these dances alone
CASES = [
    ("dance-tokens", 0, True, "none"), ("dance-tokens", 1, False, "none"),
    ("fact", 0, True, "none"), ("fact", 1, False, "none"),
    ("procedural", 0, True, "pop"), ("procedural", 1, False, "pop"),
]
SECONDS = 8.0


def case_key(model: str, seed: int, retime: bool, style: str) -> str:
    return f"{model}/seed{seed}/{'retimed' if retime else 'raw'}"


def dance_case(model: str, seed: int, retime: bool, style: str, out: Path) -> np.ndarray:
    """Joint positions of one case, made through the ``dancekit dance`` command."""
    from typer.testing import CliRunner

    from dancekit.cli import app
    from dancekit.cli.dance_cmds import DEMO_SONG
    from dancekit.io import load_motion

    flags = [] if retime else ["--no-beat-warp", "--no-beat-ease"]
    result = CliRunner().invoke(app, ["dance", str(DEMO_SONG), "-o", str(out), "--model", model,
                                      "--seed", str(seed), "--seconds", str(SECONDS),
                                      "--style", style, *flags])
    assert result.exit_code == 0, result.output
    return load_motion(out).positions


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        arrays = {case_key(*case): dance_case(*case, Path(tmp) / "dance.npz") for case in CASES}
    np.savez_compressed(Path(__file__).with_name("golden_dances.npz"), **arrays)


if __name__ == "__main__":
    main()
