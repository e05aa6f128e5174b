"""Snapshot: an immutable picture of one live run, the only thing the UI reads.

Built in the worker that owns the Trainer, shipped to the web process, turned into figures by
``viz``. Arrays are numpy (float32), read-only, and already cut down to what the eye needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.config import TrainConfig
from playground.engine.metric_names import STAGE_LOSSES

METRIC_KEYS = (  # what the curves can show; a run records NaN for those it lacks
    "modes_covered",
    "high_quality_frac",
    "mode_kl",
    "grid_kl",
    "grid_js",
    "classes_covered",
    "class_kl",
    "mean_confidence",
    "fid_classifier",
    "is_classifier",
)
# A stacked GAN's stage losses too (NaN for every other run).
HISTORY_KEYS = ("step", "d_loss", "g_loss", "wasserstein", *METRIC_KEYS, *STAGE_LOSSES)


@dataclass(frozen=True)
class ViewOptions:
    """Which overlays the viewer wants drawn (only those are computed)."""

    arrows: bool = True
    manifold: bool = False
    trails: bool = False
    resolution: int = 40
    digits: tuple[int, ...] = ()  # cGAN: the digits to draw, a row each (empty: all ten)


@dataclass(frozen=True)
class Snapshot:
    session_id: str
    seq: int  # increases with every snapshot of this session
    step: int
    playing: bool
    diverged: bool
    message: str
    config: TrainConfig
    bounds: tuple[float, float]
    critic: bool  # the surface is a critic score, not a probability
    real: np.ndarray  # (n, 2)
    fake: np.ndarray  # (m, 2)
    surface: np.ndarray  # (r, r), row = y
    history: dict[str, np.ndarray]  # HISTORY_KEYS → (k,) arrays
    metrics: dict[str, Any]  # latest metrics (modes covered, ...)
    iters_per_s: float
    device: str
    modes_total: int = 0
    created: float = 0.0  # time.time() when the worker drew it
    prev_fake: np.ndarray | None = None  # the previous frame's fakes, for trails
    arrows: np.ndarray | None = None  # (a, 2) push directions at fake[:a]
    manifold: np.ndarray | None = None  # (lines, points, 2)
    digit_grid: np.ndarray | None = None  # images: uint8 (H, W) grid from fixed noise
    coarse_grid: np.ndarray | None = None  # a stacked GAN's stage-1 (14x14) grid, same noise
    grid_rows: tuple[int, ...] = ()  # cGAN: the digit each grid row shows
    data_note: str = ""  # images: which data it trains on (e.g. only the 10k test set)
    faulted: bool = False  # the worker caught an error in this run: paused until Reset
    surface_kind: str = "discriminator"  # or "critic" (no fixed scale), "density" (a VAE)
    phase: str = ""  # what the last step trained: "DG", "D" (Step D), "G" (Step G); "" none


def frozen(array: np.ndarray | None) -> np.ndarray | None:
    """A float32, read-only array (the snapshot must not change under the reader): a view of
    ``array`` when it already is contiguous float32, else a converted copy."""
    if array is None:
        return None
    array = np.ascontiguousarray(array, dtype=np.float32)
    array.setflags(write=False)
    return array
