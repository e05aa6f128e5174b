"""Where the samples that are not "high quality" lie: the fraction of a trained preset's
evaluation samples within k standard deviations of their nearest mode, for several k.

    python bench/transit_mass.py --preset wgan-gp-fix --seeds 50-54 [--steps N]

If the fraction barely grows from 3 to 10 standard deviations, the missing quality is not blur
around each mode (which a sharper G or a weight average would fix) but mass in transit between
modes: a continuous G maps a connected latent onto separate clusters, so some of it must lie on
the filaments between them.

Two more columns say where a collapsed run's samples sit: their spread (the larger of the two
coordinates' standard deviations; ~0 is every sample on one point) and their median distance to
the nearest mode, in the data's units (a run covering no mode with spread ~0 is a single dot
that far from the nearest mode):

    python bench/transit_mass.py --preset mode-collapse --seeds 16,23
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.levers import parse_seeds  # noqa: E402
from playground.engine.config import TrainConfig  # noqa: E402
from playground.engine.data.toy2d import Modes  # noqa: E402
from playground.engine.metrics import nearest_modes  # noqa: E402
from playground.presets import load_preset  # noqa: E402

RADII = (3, 4, 6, 10)


def fractions_within(samples: np.ndarray, modes: Modes) -> list[float]:
    """For each k in RADII, the fraction of ``samples`` within k std of their nearest mode
    (a non-finite sample counts as outside every radius)."""
    _, distance = nearest_modes(samples, modes)
    return [float((distance <= k * modes.std).sum() / len(samples)) for k in RADII]


def pile_shape(samples: np.ndarray, modes: Modes) -> tuple[float, float]:
    """(spread, median distance to the nearest mode) of ``samples``: the larger per-axis
    standard deviation, and the median sample's distance to its nearest mode's centre."""
    _, distance = nearest_modes(samples, modes)
    return float(np.max(np.std(samples, axis=0))), float(np.median(distance))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="wgan-gp-fix")
    parser.add_argument("--seeds", default="50-54")
    parser.add_argument("--steps", type=int, default=0, help="default: the preset's")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from playground.engine.models import make_trainer

    base = load_preset(args.preset).config
    steps = args.steps or base.steps
    print(f"preset {args.preset}, step {steps}: fraction of samples within k std of a mode")
    print("| seed | " + " | ".join(f"k = {k}" for k in RADII)
          + " | spread | median distance to a mode |")
    print("|---|" + "---|" * (len(RADII) + 2))
    for seed in parse_seeds(args.seeds):
        trainer = make_trainer(TrainConfig.from_dict({**base.to_dict(), "seed": seed}))
        while trainer.steps_done < steps and not trainer.diverged:
            trainer.step()
        samples = trainer.generate()
        within = fractions_within(samples, trainer.sampler.modes)
        spread, distance = pile_shape(samples, trainer.sampler.modes)
        print(f"| {seed} | " + " | ".join(f"{f:.3f}" for f in within)
              + f" | {spread:.3f} | {distance:.3f} |")


if __name__ == "__main__":
    main()
