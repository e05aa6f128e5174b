"""Measure training levers on a preset: each variant over several seeds, with the metrics at
the preset's length and, optionally, at later checkpoints (is it stable if play goes on?).

    python bench/levers.py --preset wgan-gp-fix --seeds 10-19 \\
        --variant base: --variant ema:g_ema=0.999 \\
        --variant ema+half:g_ema=0.999,lr_half_life=1000 [--at 3000,9000] [--processes 2] \\
        [--digits 3] [--fresh-samples 100000]

A variant is ``label:key=value,key=value`` (TrainConfig fields, JSON values; ``label:`` alone
is the preset as it is). Each run is one process with one torch thread; CPU seconds are the
process's own (time.process_time), so other load on the machine does not inflate them. Prints
one Markdown row per variant and checkpoint: modes covered per seed, high-quality fraction
per seed, worst mode KL, median CPU seconds to reach that checkpoint.

``--fresh-samples N`` adds a row per checkpoint judged on N samples from noise of the run's own
(seed + 3, as the CLI's large final evaluation draws). Why: the live metrics judge the fixed
2,000-sample eval batch, whose high-quality fraction has a sampling spread of ~0.005 (a
binomial at 0.95); near a threshold such as 0.94 that is as large as the spread between seeds,
so the fresh row says whether a seed's miss is the run's or the sample's.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.config import TrainConfig, parse_set_value  # noqa: E402
from playground.presets import load_preset  # noqa: E402


def parse_seeds(text: str) -> list[int]:
    """``10-19``, ``0,3,7`` or both (``65,70,125-136``): a round re-runs a few seeds with a
    fresh range, in the order given, so its table lines up with the seeds as typed."""
    seeds: list[int] = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise SystemExit(f"--seeds: {part!r} is not a seed or a range like 10-19")
        seeds += range(int(low), int(high) + 1) if dash else [int(low)]
    return seeds


def parse_variant(text: str) -> tuple[str, dict[str, Any]]:
    label, _, rest = text.partition(":")
    changes = {}
    for pair in filter(None, rest.split(",")):
        key, _, value = pair.partition("=")
        changes[key.strip()] = parse_set_value(value.strip())
    return label, changes


def run_to(job: tuple[dict[str, Any], list[int], int]) -> list[dict[str, Any]]:
    """Train once, evaluating at each checkpoint step: [{step, cpu_s, metrics..., fresh},
    ...], ``fresh`` the mode metrics of ``fresh_samples`` new samples (None when 0)."""
    import torch

    torch.set_num_threads(1)
    from playground.engine.models import make_trainer

    config_dict, checkpoints, fresh_samples = job
    trainer = make_trainer(TrainConfig.from_dict(config_dict))
    out = []
    cpu = 0.0
    for target in checkpoints:
        start = time.process_time()
        while trainer.steps_done < target and not trainer.diverged:
            trainer.step()
        cpu += time.process_time() - start  # training time only, not evaluation
        out.append({"step": target, "cpu_s": cpu, **trainer.evaluate(),
                    "diverged": trainer.diverged,
                    "fresh": fresh_metrics(trainer, fresh_samples) if fresh_samples else None})
    return out


def fresh_metrics(trainer: Any, count: int) -> dict[str, Any]:
    """Mode metrics of ``count`` samples from noise seeded ``seed + 3`` (the eval batch's is
    ``seed + 2``), drawn 10,000 at a time."""
    import numpy as np
    import torch

    from playground.engine.metrics import mode_metrics

    rng = torch.Generator(device=trainer.device).manual_seed(trainer.config.seed + 3)
    parts = [trainer.generate(trainer._noise(min(10_000, count - done), rng))
             for done in range(0, count, 10_000)]
    return dict(mode_metrics(np.concatenate(parts), trainer.sampler.modes))


def measure(jobs: list[tuple[dict[str, Any], list[int], int]],
            processes: int) -> Iterator[list[dict[str, Any]]]:
    """Per job (a config and its checkpoints), in order, the metrics at each checkpoint as
    soon as that job is done. Every variant's seeds go into one pool, so a machine with many
    cores runs them all at once."""
    if processes == 1:
        yield from map(run_to, jobs)
        return
    with mp.get_context("spawn").Pool(processes) as pool:
        yield from pool.imap(run_to, jobs, chunksize=1)


def table_row(label: str, per_seed: list[dict[str, Any]], digits: int = 2) -> str:
    """One Markdown row; ``digits=3`` where a threshold such as 0.96 must not hide a rounded
    0.955."""
    modes = " ".join(str(m["modes_covered"]) for m in per_seed)
    quality = " ".join(f"{m['high_quality_frac']:.{digits}f}" for m in per_seed)
    worst_kl = max(m["mode_kl"] for m in per_seed)
    cpu = statistics.median(m["cpu_s"] for m in per_seed)
    return (f"| {label} | {per_seed[0]['step']} | {modes} | {quality} | {worst_kl:.3f} | "
            f"{cpu:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="wgan-gp-fix")
    parser.add_argument("--seeds", default="10-19")
    parser.add_argument("--variant", action="append", default=None)
    parser.add_argument("--at", default="", help="checkpoint steps (default: the config's)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--device", default="cpu",
                        help="cpu (default: the CPU seconds are the figure) or cuda/auto")
    parser.add_argument("--digits", type=int, default=2, choices=(2, 3, 4),
                        help="decimals of the high-quality fraction")
    parser.add_argument("--fresh-samples", type=int, default=0,
                        help="also judge this many samples from fresh noise (a row each)")
    args = parser.parse_args()
    if args.fresh_samples < 0:
        parser.error(f"--fresh-samples must be 0 (off) or more, not {args.fresh_samples}")
    base = load_preset(args.preset).config
    seeds = parse_seeds(args.seeds)
    print(f"preset {args.preset}, seeds {args.seeds}")
    print("| variant | step | modes covered per seed | high-quality fraction per seed | "
          "worst mode KL | median CPU s |")
    print("|---|---|---|---|---|---|")
    plans = []
    for text in args.variant or ["base:"]:
        label, changes = parse_variant(text)
        steps = changes.get("steps", base.steps)
        checkpoints = [int(s) for s in args.at.split(",")] if args.at else [int(steps)]
        config = base.with_changes(**changes, device=args.device)
        jobs = [(config.with_changes(seed=s).to_dict(), checkpoints, args.fresh_samples)
                for s in seeds]
        plans.append((f"{label} {text.partition(':')[2]}", checkpoints, jobs))
    results = measure([job for _, _, jobs in plans for job in jobs], args.processes)
    for label, checkpoints, jobs in plans:
        per_seed = [next(results) for _ in jobs]
        for i in range(len(checkpoints)):
            print(table_row(label, [r[i] for r in per_seed], args.digits), flush=True)
            if args.fresh_samples:
                fresh = [{**r[i], **r[i]["fresh"]} for r in per_seed]
                print(table_row(f"{label.rstrip()} [{args.fresh_samples:,} fresh samples]", fresh,
                                args.digits), flush=True)


if __name__ == "__main__":
    main()
