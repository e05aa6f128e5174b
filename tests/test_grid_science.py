"""The grid's controlled experiment, measured: ``grid25-collapse`` and ``grid25-wgan-gp`` differ
only in the loss and its own knobs, and on seeds CI never tuned on the vanilla GAN piles its
fakes onto some of the 25 grid points and leaves the rest empty while WGAN-GP covers all 25
sharply. Slow (ten real 5,000-step runs), but CI runs them: a grid preset that stops telling
its story is a bug.

Seeds. The shared settings (8-layer 64-wide tanh G from Xavier weights, uniform noise, batch
256, 5 D steps per G step at lr 1e-3 and betas (0, 0.9), samples from an average of G's
weights at 0.995; WGAN-GP's penalty on one critic update in four) were chosen on seeds 30-91
(rounds 10-12, bench/results/levers-round1{0,1,2}-*.md) and checked on unseen seeds 92-107 on a
lent H100 host's CPU (round 13). The learning-rate schedule both share since round 18 (a
half-life of 4,000 steps at power 2: 0.5 ** ((step / 4000) ** 2)) and WGAN-GP's penalty weight
0.1 were chosen on seeds 62-91, 125-136 and 137-156 of a 2-core AMD machine and checked on its
unseen seeds 157-176 (bench/results/levers-round18-cpu2.md). CI runs seeds 120-124, which chose
nothing; read on that machine after the choice (``python bench/levers.py --digits 3 --preset
grid25-wgan-gp --seeds 120-124 --at 5000 --variant preset: --variant
'vanilla:loss="nonsaturating"'``): WGAN-GP 25/25 on all five at 0.949 0.952 0.963 0.969 0.968,
the vanilla twin 10 18 13 15 15 of 25 at 0.91-0.96.

The spread the rules keep a margin over, at step 5000 on the AMD machine: WGAN-GP covered 25/25
on 61 of the 62 tuning seeds (137 at 24), high-quality fraction 0.931-0.970 on those full grids,
median 0.960. The vanilla twin, with the schedules of rounds 16 and 18, covered 5-20 of 25 on 35
seeds of that machine (round 18: 0-4 9 18 5 10 19, 62-71 7 12 14 15 15 16 12 8 6 6; round 16:
0-4 15 16 20 15 14, 62-71 10 15 14 16 12 14 18 8 19 8; medians of five 8-15) and 10-17 on 10
of an Intel's with round 16's schedule (0-4 and 120-124; medians of five 16 and 14), high-quality
fraction 0.75-0.98: sharp dots on the points it found. CI's own seeds are in that spread but set
neither bound: the most, 20, is seed 2's with round 16's schedule and the highest median of five,
16, the Intel machine's seeds 0-4.

So WGAN-GP must cover 25/25 with high-quality fraction >= 0.90 in at least 4 of 5 seeds, with a
median >= 0.93; the vanilla GAN must leave at least 3 points empty (<= 22 of 25, 2 over the
most seen, 20) in at least 4 of 5 seeds with a median of at most 18 (2 over the highest median
of five seen, 16), keep its fakes on the modes it found (median high-quality fraction >= 0.8:
dots, not a cloud), and cover fewer modes than WGAN-GP on the same seed in every seed.
"""

import statistics

import pytest

from playground.cli.sweep import run_seeds
from playground.presets import load_preset

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CI_SEEDS = [120, 121, 122, 123, 124]  # never used to choose settings or thresholds
COLLAPSE_MAX = 22  # the most seen on 45 seeds: 20
COLLAPSE_MEDIAN_MAX = 18  # the highest median of five seen: 16


@pytest.fixture(scope="module")
def collapse():
    return run_seeds(load_preset("grid25-collapse").config, CI_SEEDS, processes=2)


@pytest.fixture(scope="module")
def fix():
    return run_seeds(load_preset("grid25-wgan-gp").config, CI_SEEDS, processes=2)


def test_wgan_gp_covers_all_25_grid_points_sharply(fix):
    rows = [(r.metrics["modes_covered"], round(r.metrics["high_quality_frac"], 3)) for r in fix]
    print("grid25-wgan-gp (modes, HQ) per seed:", rows)
    assert sum(modes == 25 and hq >= 0.90 for modes, hq in rows) >= 4, rows
    assert statistics.median(hq for _, hq in rows) >= 0.93, rows
    assert not any(r.metrics["diverged"] for r in fix)


def test_the_vanilla_twin_leaves_grid_points_empty(collapse):
    covered = [r.metrics["modes_covered"] for r in collapse]
    quality = [r.metrics["high_quality_frac"] for r in collapse]
    print("grid25-collapse modes covered per seed:", covered, "high-quality:", quality)
    assert sum(c <= COLLAPSE_MAX for c in covered) >= 4, covered
    assert statistics.median(covered) <= COLLAPSE_MEDIAN_MAX, covered
    assert statistics.median(quality) >= 0.8, quality
    assert not any(r.metrics["diverged"] for r in collapse)


def test_only_the_loss_separates_them_seed_by_seed(collapse, fix):
    pairs = [(a.metrics["modes_covered"], b.metrics["modes_covered"])
             for a, b in zip(collapse, fix, strict=True)]
    assert all(a.config.seed == b.config.seed for a, b in zip(collapse, fix, strict=True))
    assert all(vanilla < wgan for vanilla, wgan in pairs), pairs
