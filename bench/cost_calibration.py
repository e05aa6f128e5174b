"""Calibrate ``playground/engine/cost.py``: CPU seconds per training step against the model's
multiply-adds, for 2-D MLPs, MNIST MLPs and (conditional) DCGANs, on one torch thread.

    python bench/cost_calibration.py

Prints each config's measured CPU s/step, its multiply-adds, the least-squares fit
``s = overhead + macs / rate`` (the two constants cost.py uses) and each config's prediction
with the constants cost.py holds now. CPU seconds (time.process_time), so other processes on
the machine slow the wall clock, not the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bench.step_cost import cpu_s_per_step  # noqa: E402
from playground.engine import cost  # noqa: E402
from playground.engine.config import TrainConfig  # noqa: E402

MNIST = dict(dataset="mnist", noise_dim=64, eval_samples=500)
CONFIGS = {
    "2-D default (3x128, batch 256)": TrainConfig(eval_samples=500),
    "2-D 3x512, batch 256": TrainConfig(g_width=512, d_width=512, eval_samples=500),
    "2-D 3x1024, batch 512": TrainConfig(g_width=1024, d_width=1024, batch_size=512,
                                         eval_samples=500),
    "2-D 2x2048, batch 256": TrainConfig(g_width=2048, d_width=2048, g_layers=2, d_layers=2,
                                         eval_samples=500),
    "2-D wgan-gp 3x256, batch 512": TrainConfig(g_width=256, d_width=256, batch_size=512,
                                                loss="wgan-gp", eval_samples=500),
    "MNIST MLP 3x256, batch 64": TrainConfig(g_width=256, d_width=256, batch_size=64, **MNIST),
    "MNIST DCGAN w32, batch 64": TrainConfig(architecture="dcgan", g_width=32, d_width=32,
                                             batch_size=64, **MNIST),
    "MNIST cDCGAN w64, batch 64": TrainConfig(architecture="dcgan", conditional=True,
                                              g_width=64, d_width=64, batch_size=64, **MNIST),
}


def main() -> None:
    torch.set_num_threads(1)
    rows = []
    for name, config in CONFIGS.items():
        rows.append((name, cost.step_macs(config), cpu_s_per_step(config, min_cpu_s=1.0), config))
    macs = np.array([r[1] for r in rows], dtype=float)
    secs = np.array([r[2] for r in rows])
    # Fit on relative error (every config counts, not just the biggest).
    design = np.stack([1 / secs, macs / secs], axis=1)
    overhead, inverse_rate = np.linalg.lstsq(design, np.ones_like(secs), rcond=None)[0]
    print(f"fit: s/step = {overhead:.4f} + macs / {1 / inverse_rate:.3g}")
    print(f"cost.py holds: STEP_OVERHEAD_S={cost.STEP_OVERHEAD_S} "
          f"MACS_PER_S={cost.MACS_PER_S:.3g}")
    print(f"{'config':34} {'Mmacs/step':>11} {'CPU s/step':>11} {'predicted':>10} "
          f"{'memory MB':>10}")
    for name, m, s, config in rows:
        estimate = cost.estimate(config)
        print(f"{name:34} {m / 1e6:11.1f} {s:11.4f} {estimate.step_s:10.4f} "
              f"{estimate.memory_mb:10.1f}")
    issue = TrainConfig(g_width=4096, d_width=4096, g_layers=2, d_layers=2, batch_size=16384)
    print(f"issue 17's config (2x4096, batch 16,384): predicted "
          f"{cost.estimate(issue).step_s:.0f} s/step (measured ~138 s in the issue); "
          f"refused: {cost.over_budget(issue)}")


if __name__ == "__main__":
    main()
