"""Time to recognisable digits: how long each MNIST preset takes on this CPU to reach
mean_confidence ≥ 0.9 with 10/10 classes (the issue's goal: ≤ 120 s for the fastest preset).

Each preset trains for its planned steps; every ``--eval-every`` steps the training clock is
paused and the full metrics (2,000 samples) are taken, so the reported seconds are training
time only, and the wall column adds the evaluations. Seeds run one after another.

    python bench/mnist_speed.py [--presets mnist-cgan mnist-dcgan] [--seeds 0 1] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.models import make_trainer  # noqa: E402
from playground.presets import load_preset  # noqa: E402

TARGET_CONFIDENCE = 0.9


def reached(metrics: dict) -> bool:
    return metrics["classes_covered"] == 10 and metrics["mean_confidence"] >= TARGET_CONFIDENCE


def time_to_digits(preset: str, seed: int, eval_every: int) -> dict:
    config = load_preset(preset).config.with_changes(seed=seed)
    trainer = make_trainer(config)
    train_s, start, first = 0.0, time.perf_counter(), None
    for step in range(1, config.steps + 1):
        train_s += trainer.step().wall_s
        if step % eval_every == 0 or step == config.steps:
            m = trainer.evaluate()
            print(f"  {preset} seed {seed} step {step:5d}  train {train_s:6.1f} s  "
                  f"classes {m['classes_covered']:2d}  confidence {m['mean_confidence']:.3f}  "
                  f"class KL {m['class_kl']:.3f}  FID* {m['fid_classifier']:6.1f}"
                  + (f"  right digit {m['label_accuracy']:.0%}" if "label_accuracy" in m
                     else ""), flush=True)
            if first is None and reached(m):
                first = (step, train_s)
    return {"first": first, "final": m, "train_s": train_s,
            "wall_s": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["mnist-cgan", "mnist-dcgan"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--eval-every", type=int, default=250)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s)")
    for preset in args.presets:
        results = [time_to_digits(preset, seed, args.eval_every) for seed in args.seeds]
        times = [r["first"][1] for r in results if r["first"]]
        hits = f"{len(times)}/{len(results)} seeds reached the target"
        median = f", median {statistics.median(times):.0f} s of training" if times else ""
        print(f"{preset}: {hits}{median}; final confidence "
              + ", ".join(f"{r['final']['mean_confidence']:.3f}" for r in results)
              + "; wall per run " + ", ".join(f"{r['wall_s']:.0f} s" for r in results))


if __name__ == "__main__":
    main()
