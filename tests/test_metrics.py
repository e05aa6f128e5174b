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


# --- GAN Lab's grid density measure --------------------------------------------------------

def test_grid_divergence_of_two_samples_of_one_distribution_is_near_zero():
    from playground.engine.metrics import grid_divergences

    a = RING.sample(2000, torch.Generator().manual_seed(0)).numpy()
    b = RING.sample(2000, torch.Generator().manual_seed(1)).numpy()
    d = grid_divergences(a, b, RING.bounds)
    print("same-distribution floor (bits):", d)
    assert d["grid_js"] < 0.02 and d["grid_kl"] < 0.1


def test_grid_divergence_ranks_a_collapse_above_a_blur_above_the_truth():
    from playground.engine.metrics import grid_divergences

    real = RING.sample(2000, torch.Generator().manual_seed(0)).numpy()
    good = RING.sample(2000, torch.Generator().manual_seed(1)).numpy()
    blur = good + np.random.default_rng(0).normal(0, 0.3, good.shape)
    collapsed = np.repeat(RING.modes.centres[:1], 2000, axis=0)
    js = [grid_divergences(real, x, RING.bounds)["grid_js"] for x in (good, blur, collapsed)]
    kl = [grid_divergences(real, x, RING.bounds)["grid_kl"] for x in (good, blur, collapsed)]
    assert js[0] < js[1] < js[2] <= 1.0
    assert kl[0] < kl[1] < kl[2]
    # All mass on 1 of 8 equal modes: JS = 1 - (7/8 of the mass disjoint) ~ close to its bound.
    assert js[2] > 0.7


def test_grid_divergence_counts_points_off_the_plot_and_ignores_non_finite_ones():
    from playground.engine.metrics import grid_densities

    points = np.array([[-100.0, -100.0], [100.0, 100.0], [np.nan, 0.0], [0.0, 0.0]])
    density = grid_densities(points, (-3.0, 3.0), cells=30)
    assert density[0] == density[-1] == 0.25  # the corner cells hold the far points
    assert density.sum() == pytest.approx(0.75)  # the NaN point's mass is missing


def test_huge_points_land_in_edge_cells_without_an_invalid_cast():
    """A diverging G gives points like 1e308: scaled to the grid they overflowed to inf, and
    casting inf to int64 warned "invalid value" (CI's one warning) and picked garbage cells."""
    import warnings

    from playground.engine.metrics import grid_densities

    points = np.array([[1e308, -1e308], [-1e308, 1e308], [0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        density = grid_densities(points, (-3.0, 3.0), cells=30).reshape(30, 30)
    assert density[0, 29] == density[29, 0] == density[15, 15] == pytest.approx(1 / 3)
