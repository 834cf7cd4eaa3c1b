"""Motion transfer's cost on one CPU thread: a training step (batch of 4 frame pairs,
generator and both discriminators, forward and backward, AdamW) and drawing one frame, for
the measured 128 x 80 run, the 256 x 144 default and, for drawing only, the published size.
Printed as a Markdown table with the steps an hour buys.

    OMP_NUM_THREADS=1 python benchmarks/transfer_speed.py [--steps 3]

Inputs are random frames and pose images (the cost does not depend on their content). CPU
time is the process's own, which a busy machine changes little; wall time is also shown.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from dancekit.models.transfer import MotionTransfer, TransferConfig

CONFIGS = {
    "measured run (128 x 80)": dict(width=128, height=80, levels=4, base=24, disc_base=24),
    "default (256 x 144)": {},
}
BATCH = 4


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def train_step_seconds(config: TransferConfig, steps: int) -> tuple[float, float]:
    """(wall, CPU) seconds per training step, after one unmeasured step."""
    model = MotionTransfer(config)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
    gen = torch.Generator().manual_seed(0)
    batch = {"motion": torch.randint(0, 256, (BATCH, 2, config.height, config.width, 6),
                                     dtype=torch.uint8, generator=gen)}
    for i in range(steps + 1):
        if i == 1:
            wall0, cpu0 = _clock()
        loss, _ = model.loss(batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
    wall1, cpu1 = _clock()
    return (wall1 - wall0) / steps, (cpu1 - cpu0) / steps


def frame_seconds(config: TransferConfig, frames: int) -> float:
    """CPU seconds to draw one frame."""
    model = MotionTransfer(config)
    rows = np.zeros((frames + 1, 25, 3), np.float32)
    rows[:, :, :2] = np.random.default_rng(0).uniform(0, config.height, (frames + 1, 25, 2))
    rows[:, :, 2] = 1.0
    drawn = model.render(rows)
    next(drawn)
    cpu0 = time.process_time()
    for _ in drawn:
        pass
    return (time.process_time() - cpu0) / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| config | training step, wall (s) | CPU (s) | steps per CPU hour | "
          "one frame drawn, CPU (s) |")
    print("|---|---|---|---|---|")
    for name, over in CONFIGS.items():
        config = TransferConfig(**over)
        wall, cpu = train_step_seconds(config, args.steps)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {3600 / cpu:.0f} | "
              f"{frame_seconds(config, 10):.3f} |")
    print(f"| published (1024 x 512) | - | - | - | "
          f"{frame_seconds(TransferConfig.published(), 3):.3f} |")


if __name__ == "__main__":
    main()
