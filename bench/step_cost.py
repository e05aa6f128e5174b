"""What a change to a preset costs per training step, as a ratio to the preset itself.

    python bench/step_cost.py --preset wgan-gp-fix --variant gl7:g_layers=7 [--rounds 8]

CPU seconds differ ~2.5x between the 2-core machines this project has run on, and a loaded
machine adds more, so a lever's cost is quoted as a ratio measured here: each round times
``--steps`` steps of the preset and of every variant, interleaved in one process (one torch
thread), so that load and clock drift fall on all of them alike. Prints the median ms per step
of each and its ratio to the preset, with every round's figure.
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
from playground.engine.models import make_trainer  # noqa: E402
from playground.presets import load_preset  # noqa: E402


def ms_per_step(config, steps: int, warmup: int = 20) -> float:
    """CPU milliseconds per step of a fresh trainer, after ``warmup`` untimed steps."""
    trainer = make_trainer(config)
    for _ in range(warmup):
        trainer.step()
    start = time.process_time()
    for _ in range(steps):
        trainer.step()
    return (time.process_time() - start) / steps * 1000


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
        for label, config in configs.items():
            times[label].append(ms_per_step(config.with_changes(seed=round_), args.steps))
    reference = statistics.median(times["preset"])
    print(f"preset {args.preset}, {args.rounds} rounds of {args.steps} steps, interleaved")
    print("| config | median ms/step | ratio to the preset | per round |")
    print("|---|---|---|---|")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} | {median / reference:.2f} | "
              f"{' '.join(f'{v:.1f}' for v in values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
