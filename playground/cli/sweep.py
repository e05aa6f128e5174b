"""Seed sweeps: the same config over several seeds, in parallel processes, as one table.

A claim like "WGAN-GP covers 8/8 modes in 5/5 seeds" should be one command
(``python -m playground sweep``) and one test, not a folklore number.
"""

from __future__ import annotations

import csv
import json
import math
import multiprocessing as mp
import os
import statistics
from pathlib import Path
from typing import Any

from playground.cli.runner import RunResult, train_run, write_run
from playground.engine.config import TrainConfig
from playground.engine.data import is_image_dataset
from playground.engine.metric_names import CONDITIONAL_METRICS, IMAGE_METRICS

SWEEP_COLUMNS = ("seed", "modes_covered", "modes_total", "high_quality_frac", "mode_kl",
                 "grid_kl", "grid_js", "wall_s", "diverged")  # 2-D data


def sweep_columns(config: TrainConfig) -> tuple[str, ...]:
    """sweep.csv's columns: the mode metrics for 2-D data, the class metrics for images."""
    if not is_image_dataset(config.dataset):
        return SWEEP_COLUMNS
    extra = CONDITIONAL_METRICS if config.conditional else ()
    return ("seed", *IMAGE_METRICS, *extra, "wall_s", "diverged")


def _summarised(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c not in ("seed", "modes_total", "diverged"))


def _one(config_dict: dict[str, Any]) -> RunResult:
    import torch

    torch.set_num_threads(1)
    return train_run(TrainConfig.from_dict(config_dict))


def run_configs(configs: list[TrainConfig], processes: int | None = None) -> list[RunResult]:
    """Train each config, up to ``processes`` at a time (default: core count), in order."""
    processes = max(1, min(processes or os.cpu_count() or 1, len(configs)))
    jobs = [config.to_dict() for config in configs]
    if processes == 1:
        return [_one(job) for job in jobs]
    with mp.get_context("spawn").Pool(processes) as pool:
        return pool.map(_one, jobs)


def run_seeds(config: TrainConfig, seeds: list[int], processes: int | None = None
              ) -> list[RunResult]:
    """Train ``config`` once per seed (the same runs as ``train --seed S``)."""
    return run_configs([config.with_changes(seed=seed) for seed in seeds], processes)


COMPARED = ("modes_covered", "high_quality_frac", "mode_kl", "grid_kl", "grid_js", *IMAGE_METRICS,
            *CONDITIONAL_METRICS, "d_loss", "g_loss", "wall_s", "cpu_s",
            "iters_per_s")


def comparison(a: RunResult, b: RunResult) -> dict[str, Any]:
    """Both runs' final metrics and B − A for each numeric one."""
    delta = {}
    for key in COMPARED:
        va, vb = a.metrics.get(key), b.metrics.get(key)
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)):
            delta[key] = vb - va
    return {"a": a.metrics, "b": b.metrics, "delta_b_minus_a": delta,
            "changed": [k for k, v in b.config.to_dict().items() if a.config.to_dict()[k] != v]}


def summarise(results: list[RunResult]) -> dict[str, Any]:
    """Mean ± std of each numeric column, and how many seeds covered every mode (or class)."""
    rows = [row_of(r) for r in results]
    summary: dict[str, Any] = {"runs": len(rows)}
    columns = sweep_columns(results[0].config) if results else SWEEP_COLUMNS
    for key in _summarised(columns):
        values = [row[key] for row in rows if isinstance(row[key], (int, float))]
        if values:
            summary[key] = {"mean": statistics.fmean(values),
                            "std": statistics.pstdev(values) if len(values) > 1 else 0.0}
    total = rows[0].get("modes_total") if rows else 0
    if total:
        summary["all_modes_covered"] = sum(row["modes_covered"] == total for row in rows)
    if "classes_covered" in columns:
        summary["all_classes_covered"] = sum(row["classes_covered"] == 10 for row in rows)
    summary["diverged"] = sum(bool(row["diverged"]) for row in rows)
    return summary


def row_of(result: RunResult) -> dict[str, Any]:
    m = result.metrics
    columns = sweep_columns(result.config)
    return {"seed": result.config.seed, **{k: m.get(k) for k in columns if k != "seed"}}


def write_sweep(results: list[RunResult], out_dir: Path) -> dict[str, Any]:
    """sweep.csv (one row per seed), summary.json and each run's own folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "sweep.csv", "w", newline="") as handle:
        columns = sweep_columns(results[0].config) if results else SWEEP_COLUMNS
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for result in results:
            writer.writerow(row_of(result))
    for result in results:
        write_run(result, out_dir / f"seed-{result.config.seed}")
    summary = summarise(results)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def format_summary(summary: dict[str, Any]) -> str:
    parts = [f"{summary['runs']} seeds"]
    for key, value in summary.items():
        if isinstance(value, dict) and not math.isnan(value["mean"]):
            parts.append(f"{key} {value['mean']:.3g} ± {value['std']:.2g}")
    if "all_modes_covered" in summary:
        parts.append(f"all modes in {summary['all_modes_covered']}/{summary['runs']}")
    if "all_classes_covered" in summary:
        parts.append(f"all 10 classes in {summary['all_classes_covered']}/{summary['runs']}")
    return ", ".join(parts)
