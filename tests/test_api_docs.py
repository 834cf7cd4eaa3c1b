"""docs/api.md documents the public Python API: every name a public module exports (its
``__all__``) is on the page, and every exported name can be reached."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.md"
PUBLIC = ["dancekit", "dancekit.io", "dancekit.audio", "dancekit.models", "dancekit.motion",
          "dancekit.metrics", "dancekit.render", "dancekit.train", "dancekit.checkpoint",
          "dancekit.synth", "dancekit.data"]


def documented_names() -> set[str]:
    """Names the page shows as code: inline (`name`, `name(...)`, `Class.method(...)`) or in
    its example blocks."""
    parts = API_PAGE.read_text(encoding="utf-8").split("```")
    prose, examples = parts[0::2], parts[1::2]
    spans = [span for text in prose for span in re.findall(r"`([^`]+)`", text)] + examples
    return {m for span in spans for m in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}


@pytest.mark.parametrize("module", PUBLIC)
def test_every_exported_name_is_documented_and_reachable(module: str) -> None:
    mod = importlib.import_module(module)
    exported = list(mod.__all__)
    assert exported, f"{module} exports nothing"
    missing = sorted(set(exported) - documented_names())
    assert not missing, f"docs/api.md does not document {module}: {', '.join(missing)}"
    for name in exported:
        assert getattr(mod, name) is not None, f"{module}.{name}"


def test_the_page_has_a_section_per_public_module() -> None:
    headings = re.findall(r"^## `([a-z_.]+)`", API_PAGE.read_text(encoding="utf-8"), re.M)
    assert set(PUBLIC) <= set(headings), sorted(set(PUBLIC) - set(headings))
