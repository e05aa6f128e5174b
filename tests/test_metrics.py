import math

import numpy as np
import pytest
import torch

from playground.engine.data.toy2d import make_sampler
from playground.engine.metrics import decision_surface, mode_metrics

RING = make_sampler("ring8")


def test_all_points_in_one_mode_cover_one():
    points = np.repeat(RING.modes.centres[:1], 2000, axis=0)
    m = mode_metrics(points, RING.modes)
    assert m["modes_covered"] == 1
    assert m["high_quality_frac"] == 1.0
    assert m["mode_kl"] == pytest.approx(math.log(8))


def test_exact_ring_covers_all_eight():
    points = RING.sample(2000, torch.Generator().manual_seed(0)).numpy()
    m = mode_metrics(points, RING.modes)
    assert m["modes_total"] == 8
    assert m["modes_covered"] == 8
    # A 2-D Gaussian puts 1 - exp(-9/2) = 98.9% of its mass within 3 std of the centre.
    assert m["high_quality_frac"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    assert m["mode_kl"] < 0.01


def test_far_away_points_are_not_high_quality():
    points = np.full((2000, 2), 50.0)
    m = mode_metrics(points, RING.modes)
    assert m["high_quality_frac"] == 0.0
    assert m["modes_covered"] == 0


def test_points_between_modes_are_low_quality():
    # Halfway along the circle between neighbours: far more than 3 std from either.
    angles = (np.arange(8) + 0.5) * 2 * np.pi / 8
    mids = 2 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    m = mode_metrics(np.repeat(mids, 250, axis=0), RING.modes)
    assert m["high_quality_frac"] == 0.0


def test_a_mode_needs_twenty_points_and_one_percent():
    centres = RING.modes.centres
    points = np.concatenate([np.repeat(centres[:1], 1980, axis=0), np.repeat(centres[1:2], 19, 0)])
    assert mode_metrics(points, RING.modes)["modes_covered"] == 1
    points = np.concatenate([points, centres[1:2]])  # the 20th point
    assert mode_metrics(points, RING.modes)["modes_covered"] == 2


def test_nan_points_count_as_low_quality():
    points = np.full((100, 2), np.nan)
    m = mode_metrics(points, RING.modes)
    assert m["high_quality_frac"] == 0.0 and m["modes_covered"] == 0


def test_decision_surface_shape_range_and_orientation():
    def d(x):  # "real" to the right: logit = 10 x
        return 10 * x[:, :1]

    surface = decision_surface(d, (-3, 3), resolution=16)
    assert surface.shape == (16, 16)
    assert surface.min() >= 0 and surface.max() <= 1
    assert surface[:, -1].mean() > 0.99 and surface[:, 0].mean() < 0.01  # columns are x
    critic = decision_surface(d, (-3, 3), resolution=16, critic=True)
    assert critic.max() == pytest.approx(30.0)
