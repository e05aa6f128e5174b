import numpy as np
import pytest
import torch

from playground.engine.data.toy2d import DATASETS, make_sampler


def rng(seed=0):
    return torch.Generator().manual_seed(seed)


def test_ring8_has_8_modes_on_radius_2_with_std_002():
    sampler = make_sampler("ring8")
    centres = sampler.modes.centres
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, atol=1e-6)
    assert sampler.modes.std == 0.02
    points = sampler.sample(20_000, rng()).numpy()
    nearest = np.linalg.norm(points[:, None] - centres[None], axis=-1).argmin(axis=1)
    offsets = points - centres[nearest]
    assert offsets.std() == pytest.approx(0.02, rel=0.05)
    counts = np.bincount(nearest, minlength=8)
    assert counts.min() > 20_000 / 8 * 0.9  # equal weights


def test_grid25_centres_and_std():
    sampler = make_sampler("grid25")
    centres = sampler.modes.centres
    assert centres.shape == (25, 2)
    assert sorted(set(centres[:, 0].tolist())) == [-4, -2, 0, 2, 4]
    assert sorted(set(centres[:, 1].tolist())) == [-4, -2, 0, 2, 4]
    assert sampler.modes.std == 0.05
    points = sampler.sample(20_000, rng()).numpy()
    nearest = np.linalg.norm(points[:, None] - centres[None], axis=-1).argmin(axis=1)
    assert (points - centres[nearest]).std() == pytest.approx(0.05, rel=0.05)
    assert len(np.unique(nearest)) == 25


def test_two_clusters_are_disjoint():
    sampler = make_sampler("two_clusters")
    assert len(sampler.modes.centres) == 2
    points = sampler.sample(5000, rng()).numpy()
    # Nothing in the gap between the clusters, along the line that joins them.
    along = points @ np.array([1.5, 1.0]) / np.linalg.norm([1.5, 1.0])
    assert not np.any(np.abs(along) < 0.5)


def test_custom_points_become_modes():
    sampler = make_sampler("custom", points=((0.0, 0.0), (1.0, 1.0), (-2.0, 0.5)))
    assert len(sampler.modes.centres) == 3
    points = sampler.sample(3000, rng()).numpy()
    d = np.linalg.norm(points[:, None] - sampler.modes.centres[None], axis=-1).min(axis=1)
    assert np.quantile(d, 0.99) < 0.25


@pytest.mark.parametrize("name", ["line", "spiral", "moons"])
def test_manifold_datasets_have_no_modes_and_stay_in_bounds(name):
    sampler = make_sampler(name)
    assert sampler.modes is None
    points = sampler.sample(5000, rng()).numpy()
    assert points.shape == (5000, 2)
    low, high = sampler.bounds
    assert points.min() > low and points.max() < high
    assert points.std(axis=0).min() > 0.1  # spread out, not a point


@pytest.mark.parametrize("name", sorted(set(DATASETS) - {"custom"}))
def test_same_generator_seed_same_points(name):
    a = make_sampler(name).sample(100, rng(3))
    b = make_sampler(name).sample(100, rng(3))
    c = make_sampler(name).sample(100, rng(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
