"""Shared fixtures: the real data in ../shared/data (skipped with a message when absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture
def one_torch_thread():
    """Torch on one thread for the test (small recurrent steps and frame-by-frame decoders
    are many small operations, where threads only contend), then as it was."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not found at {path} (tests read ../shared/data beside the repo)")
    return path


@pytest.fixture
def data_dir() -> Path:
    return _need(DATA)


@pytest.fixture
def ballroom_dir() -> Path:
    return _need(DATA / "ballroom")


@pytest.fixture
def bvh_file() -> Path:
    return _need(DATA / "bvh" / "dataset-1_dance-short_normal_001.bvh")


@pytest.fixture
def aist2d_dir() -> Path:
    return _need(DATA / "aistpp_keypoints2d")


@pytest.fixture
def music_dir() -> Path:
    return _need(DATA / "music")


@pytest.fixture
def reference_dir() -> Path:
    return _need(SHARED / "reference")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
