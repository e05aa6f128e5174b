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
from playground.engine.config import TrainConfig
from playground.engine.kinds import kind_of
from playground.engine.metric_names import STAGE_LOSSES
from playground.engine.models import make_trainer
from playground.engine.png import encode_png, image_grid
from playground.engine.trainer import Trainer

STEP_COLUMNS = ("step", "wall_s", "d_loss", "g_loss", "d_grad_norm", "g_grad_norm",
                "wasserstein")


def history_columns(config: TrainConfig) -> tuple[str, ...]:
    """history.csv's columns: the step's numbers, then every metric this kind of run has."""
    stages = STAGE_LOSSES if config.architecture == "stacked" else ()
    return STEP_COLUMNS + kind_of(config.dataset).metric_names(config) + stages


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
    trainer = make_trainer(config)
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
            row.update(_history_metrics(trainer, history_columns(config)))
            row.update(trainer.extra_losses())  # a stacked GAN's stage losses
            history.append(row)
        if stats.diverged:
            break
    wall = time.perf_counter() - start
    samples = trainer.generate()
    judged = _final_samples(trainer, samples)
    metrics: dict[str, Any] = {
        "dataset": config.dataset,
        "steps": trainer.steps_done,
        "wall_s": round(wall, 3),
        "cpu_s": round(time.process_time() - cpu_start, 3),  # this process only: load-proof
        "iters_per_s": round(trainer.steps_done / max(train_seconds, 1e-9), 2),
        **trainer.evaluate(judged),
        "d_loss": _finite_or_none(stats.d_loss) if stats else None,
        "g_loss": _finite_or_none(stats.g_loss) if stats else None,
        "diverged": bool(trainer.diverged),
        "device": str(trainer.device),
        **({"data": trainer.sampler.note} if trainer.sampler.note else {}),
        "version": __version__,
        "torch": torch.__version__,
    }
    real = None if trainer.kind.is_image else trainer.eval_real  # 2-D: real.npy beside samples
    return RunResult(config, metrics, history, samples, real)


FINAL_CHUNK = 2000  # samples per G call in a large final evaluation (bounded memory)


def _final_samples(trainer: Trainer, samples: np.ndarray) -> np.ndarray:
    """What the final metrics judge: the eval batch, extended where the data's benchmark
    counts on more (Stacked MNIST's modes on 26,000, as VEEGAN and PacGAN do) with samples
    from noise of their own seed (seed + 3), drawn a chunk at a time."""
    wanted = trainer.kind.final_eval_samples
    if wanted <= len(samples):
        return samples
    rng = torch.Generator(device=trainer.device).manual_seed(trainer.config.seed + 3)
    parts = [samples]
    left = wanted - len(samples)
    while left > 0:
        count = min(FINAL_CHUNK, left)
        parts.append(trainer.generate(trainer._noise(count, rng)))
        left -= count
    return np.concatenate(parts)


def _history_metrics(trainer: Trainer, columns: tuple[str, ...]) -> dict[str, Any]:
    metrics = trainer.evaluate()
    return {key: metrics.get(key) for key in columns if key not in STEP_COLUMNS}


def _finite_or_none(value: float) -> float | None:
    return value if np.isfinite(value) else None


def write_run(result: RunResult, out_dir: Path) -> None:
    """config.json, metrics.json, history.csv and, for 2-D data, samples.npy and real.npy, for
    images samples.png (a 10x10 grid; for a cGAN row r shows digit r) under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(result.config.to_json() + "\n")
    (out_dir / "metrics.json").write_text(json.dumps(result.metrics, indent=2) + "\n")
    with open(out_dir / "history.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=history_columns(result.config))
        writer.writeheader()
        for row in result.history:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    if result.samples is not None and result.samples.ndim == 4:
        (out_dir / "samples.png").write_bytes(encode_png(samples_grid(result)))
        return
    if result.samples is not None:
        samples = np.nan_to_num(result.samples[:2000].astype(np.float32), nan=0.0)
        np.save(out_dir / "samples.npy", samples)
    if result.real is not None:
        np.save(out_dir / "real.npy", result.real[:2000].astype(np.float32))


def samples_grid(result: RunResult) -> np.ndarray:
    """The first 100 eval images as a 10x10 grid. A cGAN's eval labels cycle 0-9, so its
    first 100 put digit c in column c; transposed, row r shows ten samples of digit r."""
    images = result.samples[:100]
    if result.config.conditional and len(images) == 100:
        images = images.reshape(10, 10, *images.shape[1:]).transpose(1, 0, 2, 3, 4)
        images = images.reshape(100, *images.shape[2:])
    return image_grid(images, columns=10)
