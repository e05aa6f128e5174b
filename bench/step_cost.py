"""What a change to a preset costs per training step, as a ratio to the preset itself.

    python bench/step_cost.py --preset wgan-gp-fix --variant gl7:g_layers=7 [--rounds 8]

CPU seconds differ ~2.5x between the 2-core machines this project has run on, and a loaded
machine adds more, so a lever's cost is quoted as a ratio measured here: each round times
``--steps`` steps of the preset and of every variant, interleaved in one process (one torch
thread), so that load and clock drift fall on all of them alike. Prints the median ms per step
of each, its ratio to the preset (the median of the rounds' ratios) and every round's figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.levers import parse_variant  # noqa: E402
from playground.engine.config import TrainConfig  # noqa: E402
from playground.engine.models import make_trainer  # noqa: E402
from playground.presets import load_preset  # noqa: E402


def cpu_s_per_step(config: TrainConfig, *, min_steps: int = 3, min_cpu_s: float = 0.0,
                   warmup: int = 2) -> float:
    """CPU seconds per step of a fresh trainer (GAN or VAE), after ``warmup`` untimed steps,
    timed over at least ``min_steps`` steps and ``min_cpu_s`` CPU seconds. Process CPU time,
    so other load on the machine slows the wall clock, not the figure. The one timer of
    ``bench/``: this file's ratios and ``cost_calibration.py``'s fit both use it."""
    trainer = make_trainer(config)
    for _ in range(warmup):
        trainer.step()
    start, steps = time.process_time(), 0
    while steps < min_steps or time.process_time() - start < min_cpu_s:
        trainer.step()
        steps += 1
    return (time.process_time() - start) / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="wgan-gp-fix")
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    base = load_preset(args.preset).config
    configs = {"preset": base}
    for text in args.variant:
        label, changes = parse_variant(text)
        configs[label] = base.with_changes(**changes)
    times: dict[str, list[float]] = {label: [] for label in configs}
    for round_ in range(args.rounds):
        order = list(configs.items())
        for label, config in order[::-1] if round_ % 2 else order:  # no config always first
            seeded = config.with_changes(seed=round_)
            times[label].append(
                1000 * cpu_s_per_step(seeded, min_steps=args.steps, warmup=20))
    print(f"preset {args.preset}, {args.rounds} rounds of {args.steps} steps, interleaved")
    print("| config | median ms/step | ratio to the preset (median of the rounds' ratios) "
          "| per round |")
    print("|---|---|---|---|")
    for label, values in times.items():
        # Each round's ratio compares runs made seconds apart, so a load that comes and goes
        # between rounds cancels; the median of those is steadier than a ratio of medians.
        ratio = statistics.median(v / p for v, p in zip(values, times["preset"]))
        print(f"| {label} | {statistics.median(values):.2f} | {ratio:.3f} | "
              f"{' '.join(f'{v:.1f}' for v in values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
