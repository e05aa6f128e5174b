"""When a run finds its modes: one run of a preset (with optional changes), read at several
steps, printing modes covered, high-quality fraction, the share of samples far from every mode,
and the high-quality count per mode laid out as the data's grid (rows top to bottom).

    python bench/mode_timeline.py --preset grid25-wgan-gp --seed 31 \\
        --variant 'g_layers=8,gp_every=4,noise="uniform",batch_size=256' [--at 1000,2000,5000]

Why: round 10's grid miss on seed 31 (24/25 at step 5000) looked like a mode lost for good;
read over time, it was a run that had not started yet (no mode at step 2000, where seed 30
already had all 25), which is what pointed at G's starting weights (README, "Levers",
round 12).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.levers import parse_variant  # noqa: E402
from playground.engine.data.toy2d import Modes  # noqa: E402
from playground.engine.metrics import mode_histogram, nearest_modes  # noqa: E402
from playground.presets import load_preset  # noqa: E402

FAR = 0.5  # data units: a quarter of the grid's spacing, ten of its standard deviations


def counts_as_grid(samples: np.ndarray, modes: Modes) -> np.ndarray:
    """High-quality samples per mode, laid out by the modes' positions (top row first) when
    they form a square grid, else as one row."""
    counts, _ = mode_histogram(samples, modes)
    centres = np.asarray(modes.centres)
    order = np.lexsort((centres[:, 0], -centres[:, 1]))
    side = int(round(len(centres) ** 0.5))
    return counts[order].reshape(side, side) if side * side == len(centres) else counts[None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="grid25-wgan-gp")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variant", default="", help="key=value,... (TrainConfig fields)")
    parser.add_argument("--at", default="500,1000,2000,3000,4000,5000")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from playground.engine.models import make_trainer

    _, changes = parse_variant(":" + args.variant)
    config = load_preset(args.preset).config.with_changes(**changes, seed=args.seed,
                                                          device="cpu")
    trainer = make_trainer(config)
    modes = trainer.sampler.modes
    print(f"preset {args.preset}, seed {args.seed}, changes {args.variant or 'none'}")
    for target in (int(s) for s in args.at.split(",")):
        while trainer.steps_done < target and not trainer.diverged:
            trainer.step()
        samples = trainer.generate()
        metrics = trainer.evaluate()
        _, distance = nearest_modes(samples, modes)
        print(f"step {target}: modes {metrics['modes_covered']}/{metrics['modes_total']}, "
              f"high quality {metrics['high_quality_frac']:.3f}, "
              f"far from every mode (> {FAR}) {np.mean(distance > FAR):.3f}")
        print("\n".join("    " + " ".join(f"{c:3d}" for c in row)
                        for row in counts_as_grid(samples, modes)), flush=True)


if __name__ == "__main__":
    main()
