"""The shared transformer: computing only the kept outputs gives the same numbers."""

from __future__ import annotations

import torch

from dancekit.models.layers import Transformer


def test_keeping_the_first_outputs_equals_cutting_the_full_result():
    torch.manual_seed(0)
    tf = Transformer(layers=3, hidden=32, heads=4, ff=64, dropout=0.0, max_len=50).eval()
    x = torch.randn(2, 50, 32)
    with torch.no_grad():
        full = tf(x)
        for keep in (1, 7, 49):
            torch.testing.assert_close(tf(x, keep=keep), full[:, :keep], rtol=1e-5, atol=1e-6)
