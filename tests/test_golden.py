"""Every bundled model dances the demo song as it did when ``tests/data/golden_dances.npz``
was written: refactoring must not change a dance. A change meant to change the dances
rewrites the file (``python tests/data/make_golden.py``) in the same commit and says why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
#: How far (metres) a joint may be from its golden place: see the test.
GOLDEN_ATOL = 1e-4
_spec = importlib.util.spec_from_file_location("make_golden", DATA / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


@pytest.mark.parametrize("case", make_golden.CASES,
                         ids=[make_golden.case_key(*c) for c in make_golden.CASES])
def test_bundled_models_dance_as_before(case: tuple, tmp_path: Path) -> None:
    golden = np.load(DATA / "golden_dances.npz")[make_golden.case_key(*case)]
    positions = make_golden.dance_case(*case, tmp_path / "dance.npz")
    assert positions.shape == golden.shape
    # float32 positions in metres; 0.1 mm leaves room for a CPU's or BLAS build's last bits,
    # which an autoregressive model (FACT) carries forward: 2.4e-5 m by frame 200 on one CPU
    np.testing.assert_allclose(positions, golden, rtol=0, atol=GOLDEN_ATOL)
