"""2-D toy distributions as samplers that know their modes.

Each sampler draws points with a caller-supplied ``torch.Generator`` (so a run's data stream is
fixed by its seed) and, where the distribution is a mixture of Gaussians, exposes the mode
centres and spread that the mode-coverage metrics need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import torch


@dataclass(frozen=True)
class Modes:
    """Centres (k, 2) and the common standard deviation of a Gaussian mixture's components."""

    centres: np.ndarray
    std: float


class PointSampler:
    """A 2-D distribution: ``sample(n, generator)`` → (n, 2) float32 tensor (the ``Sampler``
    protocol of ``playground.engine.data``)."""

    name = "base"
    bounds: tuple[float, float] = (-3.0, 3.0)  # fixed axis range for plots (both axes)
    modes: Modes | None = None
    note = ""  # nothing the user needs told about toy data

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        raise NotImplementedError


class GaussianMixture(PointSampler):
    """Equal-weight mixture of isotropic Gaussians: the ring, the grid, clusters, drawn points."""

    def __init__(self, name: str, centres: np.ndarray, std: float, bounds: tuple[float, float]):
        self.name = name
        self.modes = Modes(np.asarray(centres, dtype=np.float32), float(std))
        self.bounds = bounds
        self._centres = torch.as_tensor(self.modes.centres)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        device = generator.device
        if self._centres.device != device:
            self._centres = self._centres.to(device)
        index = torch.randint(len(self._centres), (n,), generator=generator, device=device)
        noise = torch.randn(n, 2, generator=generator, device=device) * self.modes.std
        return self._centres[index] + noise


class Line(PointSampler):
    """Uniform points on a segment from (-2, -1) to (2, 1), lightly blurred: no modes."""

    name = "line"

    def __init__(self, std: float):
        self.std = std

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        device = generator.device
        t = torch.rand(n, 1, generator=generator, device=device) * 2 - 1
        direction = torch.tensor([[2.0, 1.0]], device=device)
        return t * direction + _blur(n, self.std, generator)


class Spiral(PointSampler):
    """An Archimedean spiral of 1.5 turns: a thin curved manifold, hard to cover evenly."""

    name = "spiral"

    def __init__(self, std: float):
        self.std = std

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        t = torch.rand(n, generator=generator, device=generator.device).sqrt() * 3 * math.pi
        radius = 0.28 * t
        points = torch.stack([radius * torch.cos(t), radius * torch.sin(t)], dim=1)
        return points + _blur(n, self.std, generator)


class Moons(PointSampler):
    """The two interleaved half-circles of scikit-learn's ``make_moons``, centred."""

    name = "moons"

    def __init__(self, std: float):
        self.std = std

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        t = torch.rand(n, generator=generator, device=generator.device) * math.pi
        upper = torch.rand(n, generator=generator, device=generator.device) < 0.5
        x = torch.where(upper, torch.cos(t), 1 - torch.cos(t)) - 0.5
        y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t)) - 0.25
        points = torch.stack([x, y], dim=1) * 1.5
        return points + _blur(n, self.std, generator)


def _blur(n: int, std: float, generator: torch.Generator) -> torch.Tensor:
    return torch.randn(n, 2, generator=generator, device=generator.device) * std


def ring8(std: float | None = None) -> GaussianMixture:
    angles = np.arange(8) * 2 * np.pi / 8
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return GaussianMixture("ring8", centres, 0.02 if std is None else std, (-3.0, 3.0))


def grid25(std: float | None = None) -> GaussianMixture:
    axis = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
    centres = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    return GaussianMixture("grid25", centres, 0.05 if std is None else std, (-5.5, 5.5))


def two_clusters(std: float | None = None) -> GaussianMixture:
    """Two well-separated blobs: a generator must 'tear' its continuous map to cover both."""
    centres = np.array([[-1.5, -1.0], [1.5, 1.0]])
    return GaussianMixture("two_clusters", centres, 0.1 if std is None else std, (-3.0, 3.0))


def custom(points: tuple[tuple[float, float], ...], std: float | None = None) -> GaussianMixture:
    """The user's drawn points, each a small Gaussian so the target has area to learn."""
    centres = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    span = float(np.abs(centres).max()) if len(centres) else 1.0
    half = max(3.0, math.ceil(span * 1.25))
    return GaussianMixture("custom", centres, 0.05 if std is None else std, (-half, half))


DatasetFactory = Callable[[float | None, tuple[tuple[float, float], ...]], PointSampler]

DATASETS: Mapping[str, DatasetFactory] = MappingProxyType({
    "ring8": lambda std, pts: ring8(std),
    "grid25": lambda std, pts: grid25(std),
    "line": lambda std, pts: Line(0.02 if std is None else std),
    "two_clusters": lambda std, pts: two_clusters(std),
    "spiral": lambda std, pts: Spiral(0.02 if std is None else std),
    "moons": lambda std, pts: Moons(0.03 if std is None else std),
    "custom": lambda std, pts: custom(pts, std),
})

DATASET_DESCRIPTIONS: Mapping[str, str] = MappingProxyType({
    "ring8": "8 tight Gaussians on a circle of radius 2 (std 0.02): the classic mode-collapse test",
    "grid25": "25 Gaussians on a 5x5 grid, spacing 2 (std 0.05): harder, many modes",
    "line": "a straight segment: the easiest target, good for watching G learn a 1-D manifold",
    "two_clusters": "two disjoint blobs: a continuous G must stretch across the gap",
    "spiral": "a thin spiral: a curved 1-D manifold",
    "moons": "two interleaved half-circles",
    "custom": "your own points, drawn on the canvas",
})


def make_sampler(
    dataset: str, std: float | None = None, points: tuple[tuple[float, float], ...] = ()
) -> PointSampler:
    """Build a dataset by name (config.validate has already checked the name)."""
    return DATASETS[dataset](std, points)
