"""Procedural music and dance: a music synthesiser with exact ground truth, a keyframed
move library and a rule-based choreographer that dances to any beat grid.

* :func:`synthesize` -> :class:`Song` (audio, :class:`BeatGrid`, ground-truth dict);
* :func:`choreograph` (grid, style) -> :class:`dancekit.Motion` on ``smpl24``;
* :func:`make_pair` / :func:`write_dataset`: both at once, and folders of pairs;
* :data:`STYLES`, :data:`MOVES`: the styles and the move library.
"""

import importlib
from typing import Any

# Loaded on first use: the synthesiser pulls in scipy.signal (about 2 s to import), and the
# CLI needs only the style names from here on every start-up.
_HOME = {
    "choreograph": "choreographer",
    "make_pair": "dataset",
    "write_dataset": "dataset",
    "BeatGrid": "grid",
    "Section": "grid",
    "MOVES": "moves",
    "Move": "moves",
    "moves_for": "moves",
    "Song": "music",
    "synthesize": "music",
    "STYLES": "styles",
    "StyleName": "styles",
    "get_style": "styles",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)


def __dir__() -> list[str]:
    return __all__
