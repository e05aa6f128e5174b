"""Sweeps: configs over seeds and grids of any fields, in parallel, as one table.

A claim like "WGAN-GP covers 8/8 modes in 5/5 seeds" should be one command
(``python -m playground sweep``) and one test, not a folklore number. ``--grid lr_g=1e-4,3e-4
--grid loss=nonsaturating,wgan-gp --seeds 5`` runs every combination (20 runs). Runs go to a
local process pool (the default) or to Ray (``ray_backend``): the same configs give the same
results, and ``write_sweep`` writes the same sweep.csv and summary.json for both.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import multiprocessing as mp
import os
import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.cli.runner import RunResult, train_run, write_run
from playground.engine.config import ConfigError, TrainConfig, apply_overrides
from playground.engine.data import is_image_dataset
from playground.engine.metric_names import (
    CONDITIONAL_METRICS,
    IMAGE_METRICS,
    STACKED_MNIST_METRICS,
)
from playground.live.cpus import usable_cpus

MAX_RUNS = 10_000
BACKENDS = ("local", "ray")

SWEEP_COLUMNS = ("seed", "modes_covered", "modes_total", "high_quality_frac", "mode_kl",
                 "grid_kl", "grid_js", "wall_s", "diverged")  # 2-D data


def sweep_columns(config: TrainConfig) -> tuple[str, ...]:
    """sweep.csv's columns: the mode metrics for 2-D data, the class metrics for images."""
    if not is_image_dataset(config.dataset):
        return SWEEP_COLUMNS
    if config.dataset == "stacked_mnist":
        return ("seed", *STACKED_MNIST_METRICS, "wall_s", "diverged")
    extra = CONDITIONAL_METRICS if config.conditional else ()
    return ("seed", *IMAGE_METRICS, *extra, "wall_s", "diverged")


def _summarised(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c not in ("seed", "modes_total", "diverged"))


def train_one(config_dict: dict[str, Any]) -> RunResult:
    """One run in a worker (a pool process or a Ray task): one torch thread, as everywhere."""
    import torch

    torch.set_num_threads(1)
    return train_run(TrainConfig.from_dict(config_dict))


def run_configs(
    configs: list[TrainConfig],
    processes: int | None = None,
    backend: str = "local",
    address: str | None = None,
    progress: Callable[[], None] | None = None,
) -> list[RunResult]:
    """Train each config, in order; ``progress()`` after each finished run. ``local``: up to
    ``processes`` at a time (default: the CPUs this process may use); ``ray``: as Ray tasks on
    a local Ray instance or the cluster at ``address``."""
    if backend == "ray":
        from playground.cli.ray_backend import run_on_ray

        return run_on_ray([c.to_dict() for c in configs], address, processes, progress)
    if backend != "local":
        raise ConfigError("--backend", backend, f"one of {', '.join(BACKENDS)}")
    default = usable_cpus(os.environ)[0]
    processes = max(1, min(processes or default, len(configs)))
    jobs = [config.to_dict() for config in configs]
    results = []
    if processes == 1:
        for job in jobs:
            results.append(train_one(job))
            if progress:
                progress()
        return results
    with mp.get_context("spawn").Pool(processes) as pool:
        for result in pool.imap(train_one, jobs):
            results.append(result)
            if progress:
                progress()
    return results


def run_seeds(config: TrainConfig, seeds: list[int], processes: int | None = None
              ) -> list[RunResult]:
    """Train ``config`` once per seed (the same runs as ``train --seed S``)."""
    return run_configs([config.with_changes(seed=seed) for seed in seeds], processes)


def _split_values(text: str) -> list[str]:
    """``1e-4,3e-4`` → two values; commas inside [...] or {...} stay (``[0.5,0.9],[0,0.9]``)."""
    values, depth, current = [], 0, ""
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth == 0:
            values.append(current.strip())
            current = ""
        else:
            current += char
    values.append(current.strip())
    return values


def parse_grid(specs: list[str]) -> dict[str, list[str]]:
    """``--grid FIELD=V1,V2`` options → {field: [value, ...]} (in the order given)."""
    grid: dict[str, list[str]] = {}
    for spec in specs:
        field, sep, values = spec.partition("=")
        field = field.strip()
        if not sep or not field or not values.strip():
            raise ConfigError("--grid", spec, "FIELD=V1,V2,..., e.g. --grid lr_g=1e-4,3e-4")
        if field == "seed":
            raise ConfigError("--grid", spec, "a field other than seed (use --seeds)")
        if field in grid:
            raise ConfigError("--grid", spec, f"each field once ({field} is given twice)")
        parts = _split_values(values)
        if any(not part for part in parts):
            raise ConfigError("--grid", spec, "values separated by single commas")
        grid[field] = parts
    return grid


def grid_configs(base: TrainConfig, grid: dict[str, list[str]], seeds: list[int]
                 ) -> list[TrainConfig]:
    """Every combination of the grid's values, each with every seed (seeds vary fastest);
    each value goes through TrainConfig's validation like ``--set``."""
    points = list(itertools.product(*grid.values()))
    if len(points) * len(seeds) > MAX_RUNS:
        raise ConfigError("--grid", f"{len(points)} combinations x {len(seeds)} seeds",
                          f"at most {MAX_RUNS:,} runs")
    configs = []
    for values in points:
        point = apply_overrides(base, [f"{k}={v}" for k, v in zip(grid, values)])
        configs.extend(point.with_changes(seed=seed) for seed in seeds)
    return configs


COMPARED = ("modes_covered", "high_quality_frac", "mode_kl", "grid_kl", "grid_js",
            *IMAGE_METRICS,
            *CONDITIONAL_METRICS, "confidence_r", "confidence_g", "confidence_b", "d_loss",
            "g_loss", "wall_s", "cpu_s", "iters_per_s")


def comparison(a: RunResult, b: RunResult) -> dict[str, Any]:
    """Both runs' final metrics and B − A for each numeric one."""
    delta = {}
    for key in COMPARED:
        va, vb = a.metrics.get(key), b.metrics.get(key)
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)):
            delta[key] = vb - va
    return {"a": a.metrics, "b": b.metrics, "delta_b_minus_a": delta,
            "changed": list(a.config.diff(b.config))}


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


def _cell(value: Any) -> Any:
    """A config value as a table cell: lists as JSON."""
    return json.dumps(value) if isinstance(value, (list, tuple, dict)) else value


def row_of(result: RunResult, grid_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    m = result.metrics
    columns = sweep_columns(result.config)
    params = result.config.to_dict()
    return {**{k: _cell(params[k]) for k in grid_fields}, "seed": result.config.seed,
            **{k: m.get(k) for k in columns if k != "seed"}}


def run_folder(result: RunResult, grid_fields: tuple[str, ...] = ()) -> str:
    """``seed-3``; with a grid ``lr_g=0.0003_loss=wgan-gp_seed-3`` (safe file names)."""
    params = result.config.to_dict()
    parts = [f"{k}={_cell(params[k])}" for k in grid_fields] + [f"seed-{result.config.seed}"]
    return re.sub(r"[^A-Za-z0-9.=+_-]+", "-", "_".join(parts))


def write_sweep(results: list[RunResult], out_dir: Path, grid_fields: tuple[str, ...] = ()
                ) -> dict[str, Any]:
    """sweep.csv (one row per run: the grid's fields, seed, metrics), summary.json and each
    run's own folder. Without a grid, summary.json is one summary over the seeds; with one,
    it has a summary per combination (``points``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "sweep.csv", "w", newline="") as handle:
        columns = sweep_columns(results[0].config) if results else SWEEP_COLUMNS
        writer = csv.DictWriter(handle, fieldnames=[*grid_fields, *columns])
        writer.writeheader()
        for result in results:
            writer.writerow(row_of(result, grid_fields))
    for result in results:
        write_run(result, out_dir / run_folder(result, grid_fields))
    summary = summarise(results)
    if grid_fields:
        groups: dict[str, list[RunResult]] = {}
        for result in results:
            key = json.dumps([result.config.to_dict()[k] for k in grid_fields])
            groups.setdefault(key, []).append(result)
        summary["grid"] = list(grid_fields)
        summary["points"] = [
            {"params": {k: r[0].config.to_dict()[k] for k in grid_fields},
             "summary": summarise(r)} for r in groups.values()]
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
