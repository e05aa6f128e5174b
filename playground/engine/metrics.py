"""Sample-quality metrics for 2-D mixtures, and the discriminator's surface on a grid.

The mode metrics follow the literature (Unrolled GAN, VEEGAN, PacGAN): a generated point is
*high quality* if it lies within 3 standard deviations of its nearest mode's centre; a mode is
*covered* if it holds at least 1% of the high-quality points and at least 20 points; ``mode_kl``
is KL(histogram of high-quality points over modes ‖ uniform).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from playground.engine.data.toy2d import Modes

HQ_STDS = 3.0
COVER_FRACTION = 0.01
COVER_MIN_POINTS = 20


def nearest_modes(samples: np.ndarray, modes: Modes) -> tuple[np.ndarray, np.ndarray]:
    """For each finite point (non-finite points are dropped): the index of its nearest mode
    and its distance to that mode's centre."""
    samples = np.asarray(samples, dtype=np.float64).reshape(-1, 2)
    samples = samples[np.isfinite(samples).all(axis=1)]
    centres = np.asarray(modes.centres, dtype=np.float64)
    dist2 = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    nearest = dist2.argmin(axis=1) if len(samples) else np.zeros(0, dtype=np.int64)
    return nearest, np.sqrt(dist2[np.arange(len(samples)), nearest])


def mode_histogram(samples: np.ndarray, modes: Modes) -> tuple[np.ndarray, int]:
    """Counts of high-quality points per mode, and the number of high-quality points."""
    nearest, near_dist = nearest_modes(samples, modes)
    good = near_dist <= HQ_STDS * modes.std
    counts = np.bincount(nearest[good], minlength=len(modes.centres))
    return counts, int(good.sum())


def mode_metrics(samples: np.ndarray, modes: Modes) -> dict[str, float | int]:
    """modes_total, modes_covered, high_quality_frac and mode_kl for generated points."""
    counts, n_good = mode_histogram(samples, modes)
    total_points = max(len(np.asarray(samples).reshape(-1, 2)), 1)
    k = len(counts)
    threshold = max(COVER_FRACTION * n_good, COVER_MIN_POINTS)
    covered = int((counts >= threshold).sum()) if n_good else 0
    if n_good:
        p = counts / n_good
        nz = p > 0
        kl = float((p[nz] * np.log(p[nz] * k)).sum())
    else:
        kl = math.log(k)  # no high-quality point at all: as bad as all mass on one mode
    return {
        "modes_total": k,
        "modes_covered": covered,
        "high_quality_frac": n_good / total_points,
        "mode_kl": kl,
    }


GRID_CELLS = 30  # per axis, as GAN Lab
GRID_EPSILON = 1e-4  # added to every cell's density, as GAN Lab: an empty cell is not log(0)


def grid_densities(points: np.ndarray, bounds: tuple[float, float],
                   cells: int = GRID_CELLS) -> np.ndarray:
    """The fraction of ``points`` in each cell of a ``cells`` x ``cells`` grid over the square
    ``bounds`` (flattened). Points outside the square count in the nearest edge cell, so that
    a generator throwing points off the plot is penalised rather than ignored; non-finite
    points are dropped (they count towards the total, so their mass is missing)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    total = max(len(points), 1)
    points = points[np.isfinite(points).all(axis=1)]
    low, high = bounds
    with np.errstate(over="ignore"):  # a diverging G's 1e308 scales to inf: clipped next
        scaled = (points - low) / (high - low) * cells
    index = np.floor(np.clip(scaled, 0, cells - 1)).astype(np.int64)  # edge cells, as above
    counts = np.bincount(index[:, 1] * cells + index[:, 0], minlength=cells * cells)
    return counts / total


def grid_divergences(real: np.ndarray, fake: np.ndarray, bounds: tuple[float, float],
                     cells: int = GRID_CELLS, epsilon: float = GRID_EPSILON
                     ) -> dict[str, float]:
    """GAN Lab's density measure: KL(real ‖ generated) and the Jensen-Shannon divergence
    between the two point clouds' histograms on a 30 x 30 grid, in bits.

    Every cell's density gets ``epsilon`` added (not renormalised, exactly as GAN Lab does),
    so a real cell the generator misses costs a large but finite amount. JS is 0 for equal
    histograms and at most ~1 bit for disjoint ones; KL is unbounded (~13 bits per missed
    cell's mass). Unlike the mode metrics this needs no known modes: it works for every 2-D
    dataset, drawn ones included. With 2,000 points of each, two samples of the *same*
    distribution still differ by sampling noise (the floor is printed by the tests)."""
    p = grid_densities(real, bounds, cells) + epsilon
    q = grid_densities(fake, bounds, cells) + epsilon
    m = 0.5 * (p + q)  # = the average density plus epsilon, as GAN Lab
    kl = float((p * np.log2(p / q)).sum())
    js = float(0.5 * ((p * np.log2(p / m)).sum() + (q * np.log2(q / m)).sum()))
    return {"grid_kl": kl, "grid_js": js}


def grid_points(bounds: tuple[float, float], resolution: int) -> np.ndarray:
    """(resolution², 2) points of a square grid, rows ordered by y then x (heatmap order)."""
    axis = np.linspace(bounds[0], bounds[1], resolution, dtype=np.float32)
    xx, yy = np.meshgrid(axis, axis)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


@torch.no_grad()
def decision_surface(
    discriminator: Callable[[torch.Tensor], torch.Tensor],
    bounds: tuple[float, float],
    resolution: int = 64,
    critic: bool = False,
    device: torch.device | str = "cpu",
) -> np.ndarray:
    """D's opinion over the plot area as a (resolution, resolution) array, row = y.

    For probability losses this is sigmoid(logit) in [0, 1] ("how real does D think a point
    here is"); for critic losses the raw score, which only has meaning relative to itself.
    """
    points = torch.as_tensor(grid_points(bounds, resolution), device=device)
    scores = discriminator(points).reshape(resolution, resolution)
    if not critic:
        scores = torch.sigmoid(scores)
    return scores.float().cpu().numpy()
