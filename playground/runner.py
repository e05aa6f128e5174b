"""Headless runs: train a config to the end, log history, compute final metrics, write files.

Shared by the CLI's ``train`` (and later ``sweep`` and ``compare``) so that every headless
entry point writes the same artefacts in the same format.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from playground import __version__
from playground.config import TrainConfig
from playground.trainer import Trainer

HISTORY_COLUMNS = (
    "step",
    "wall_s",
    "d_loss",
    "g_loss",
    "d_grad_norm",
    "g_grad_norm",
    "wasserstein",
    "modes_covered",
    "high_quality_frac",
    "mode_kl",
)


@dataclass
class RunResult:
    config: TrainConfig
    metrics: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    samples: np.ndarray | None = None
    real: np.ndarray | None = None


def train_run(
    config: TrainConfig,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Train ``config.steps`` steps, logging every ``log_every`` steps; stop early on divergence."""
    trainer = Trainer(config)
    history: list[dict[str, Any]] = []
    train_seconds = 0.0
    start = time.perf_counter()
    cpu_start = time.process_time()
    stats = None
    for step in range(1, config.steps + 1):
        stats = trainer.step()
        train_seconds += stats.wall_s
        if progress is not None:
            progress(1)
        if stats.diverged or step % config.log_every == 0 or step == config.steps:
            row = {
                "step": stats.step,
                "wall_s": round(time.perf_counter() - start, 4),
                "d_loss": stats.d_loss,
                "g_loss": stats.g_loss,
                "d_grad_norm": stats.d_grad_norm,
                "g_grad_norm": stats.g_grad_norm,
                "wasserstein": stats.wasserstein,
            }
            row.update(_history_metrics(trainer))
            history.append(row)
        if stats.diverged:
            break
    wall = time.perf_counter() - start
    samples = trainer.generate()
    metrics: dict[str, Any] = {
        "steps": trainer.steps_done,
        "wall_s": round(wall, 3),
        "cpu_s": round(time.process_time() - cpu_start, 3),  # this process only: load-proof
        "iters_per_s": round(trainer.steps_done / max(train_seconds, 1e-9), 2),
        **trainer.evaluate(samples),
        "d_loss": _finite_or_none(stats.d_loss) if stats else None,
        "g_loss": _finite_or_none(stats.g_loss) if stats else None,
        "diverged": bool(trainer.diverged),
        "device": str(trainer.device),
        "version": __version__,
        "torch": torch.__version__,
    }
    return RunResult(config, metrics, history, samples, trainer.eval_real)


def _history_metrics(trainer: Trainer) -> dict[str, Any]:
    metrics = trainer.evaluate()
    return {key: metrics[key] for key in ("modes_covered", "high_quality_frac", "mode_kl")}


def _finite_or_none(value: float) -> float | None:
    return value if np.isfinite(value) else None


def write_run(result: RunResult, out_dir: Path) -> None:
    """config.json, metrics.json, history.csv, samples.npy and real.npy under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(result.config.to_json() + "\n")
    (out_dir / "metrics.json").write_text(json.dumps(result.metrics, indent=2) + "\n")
    with open(out_dir / "history.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HISTORY_COLUMNS)
        writer.writeheader()
        for row in result.history:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    if result.samples is not None:
        samples = np.nan_to_num(result.samples[:2000].astype(np.float32), nan=0.0)
        np.save(out_dir / "samples.npy", samples)
    if result.real is not None:
        np.save(out_dir / "real.npy", result.real[:2000].astype(np.float32))
