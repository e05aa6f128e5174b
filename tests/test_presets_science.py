"""The headline story, measured: with 5 seeds each, the vanilla GAN collapses on the ring of 8
and WGAN-GP with the same data and networks covers every mode. Slow (they really train), but
CI runs them: a preset that stops telling its story is a bug."""

import statistics

import pytest

from playground.cli.sweep import run_seeds
from playground.presets import all_presets, load_preset

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

SEEDS = [0, 1, 2, 3, 4]
NETWORK_FIELDS = ("dataset", "data_std", "noise", "noise_dim", "g_layers", "g_width",
                  "d_layers", "d_width", "activation", "batch_size")


@pytest.fixture(scope="module")
def collapse():
    return run_seeds(load_preset("mode-collapse").config, SEEDS, processes=2)


@pytest.fixture(scope="module")
def fix():
    return run_seeds(load_preset("wgan-gp-fix").config, SEEDS, processes=2)


def test_the_pair_differs_only_in_training_not_in_data_or_networks():
    a, b = load_preset("mode-collapse").config, load_preset("wgan-gp-fix").config
    assert a.loss in ("minimax", "nonsaturating") and b.loss == "wgan-gp"
    assert not a.spectral_norm and not b.spectral_norm
    for name in NETWORK_FIELDS:
        assert getattr(a, name) == getattr(b, name), name


def test_vanilla_gan_collapses_in_at_least_4_of_5_seeds(collapse):
    covered = [r.metrics["modes_covered"] for r in collapse]
    print("mode-collapse modes covered per seed:", covered)
    assert sum(c <= 3 for c in covered) >= 4, covered
    assert not any(r.metrics["diverged"] for r in collapse)


def test_collapse_shows_in_the_history_not_only_at_the_end(collapse):
    for result in collapse:
        late = [row["modes_covered"] for row in result.history[len(result.history) // 2:]]
        # Mode hopping is fine, but over the second half it sits on a few modes.
        assert statistics.median(late) <= 3, (result.config.seed, late)


def test_wgan_gp_covers_all_8_modes_with_quality_in_at_least_4_of_5_seeds(fix):
    rows = [(r.metrics["modes_covered"], r.metrics["high_quality_frac"]) for r in fix]
    print("wgan-gp-fix (modes, HQ) per seed:", rows)
    assert sum(modes == 8 and hq >= 0.5 for modes, hq in rows) >= 4, rows
    assert not any(r.metrics["diverged"] for r in fix)


def test_each_run_needs_under_60_seconds_of_one_core(collapse, fix):
    # CPU time, not wall time: a loaded CI machine must not fail this. Wall times on an idle
    # machine are measured and recorded in the presets' descriptions and the README.
    cpu = [r.metrics["cpu_s"] for r in collapse + fix]
    print("CPU seconds:", cpu, "wall seconds:", [r.metrics["wall_s"] for r in collapse + fix])
    assert max(cpu) <= 60, cpu


@pytest.mark.parametrize("preset", [p.name for p in all_presets()])
def test_every_preset_trains_briefly_without_diverging(preset):
    config = load_preset(preset).config.with_changes(steps=30, log_every=10)
    (result,) = run_seeds(config, [0], processes=1)
    assert not result.metrics["diverged"]
    assert result.metrics["steps"] == 30
