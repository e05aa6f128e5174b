"""The headline story, measured as a controlled experiment: with the shared settings of
``mode-collapse`` and ``wgan-gp-fix`` (they differ only in the loss and its own knobs), the
vanilla GAN collapses on the ring of 8 and WGAN-GP covers every mode. Slow (they really train),
but CI runs them: a preset that stops telling its story is a bug.

Seeds. The shared settings (8-layer G, lr_g 6e-4, lr_d 2e-3, an average of G's weights at
0.99, 5 D steps per G step, 2,000 steps; WGAN-GP's penalty on one critic update in four) were
chosen on seeds 50-59 and 10-19 (round 6, bench/results/levers-round6-cpu2.md), the 7th G layer
on seeds 10-24 with its control (round 8, bench/results/levers-round8-h100cpu.md), the 8th and
the 2,000 steps on the same seeds (rounds 9-10, bench/results/levers-round9-cpu2.md and
levers-round10-cpu2.md). CI runs seeds 100-104, which were not looked at while choosing the
settings or the thresholds; rounds 8, 9 and 10 each read them once, after choosing. Measured at
step 2000 with the 8-layer G (2026-11-27, ``python bench/levers.py --preset mode-collapse
--seeds 10-24 --at 1500,2000,3000 --digits 3`` and ``python bench/levers.py --preset
wgan-gp-fix --seeds 10-24 --at 2000,2500,3000 --digits 3``): the vanilla GAN covered
2 1 2 2 2 2 0 2 2 1 2 2 1 0 1 of 8 modes (seeds 10-24; 0 is every fake on one point off the
modes), never more than 2 (rounds 6-9's 6- to 8-layer G at step 3000: 0-3 on 30 seeds), with
high-quality fraction median 0.995: the fakes sit where they piled. WGAN-GP covered 8/8 in 15
of 15 seeds with high-quality fraction 0.961-0.971 (median 0.966), mode KL <= 0.004. CI's
seeds, read once after the choice: vanilla 2 1 1 2 2 modes, WGAN-GP 8/8 at 0.955-0.971
(0.964 0.955 0.965 0.971 0.962).

The rules keep a margin over that spread instead of sitting on the worst seed's value: the
collapse must stay at or under 3 of 8 modes in at least 4 of 5 seeds (the issue's rule) and
never reach 5 (the most seen was 3, on round 6's 30 seeds; 2 on rounds 8-10's 20 each), with
median high-quality fraction >= 0.8; WGAN-GP must cover 8/8 with high-quality fraction >= 0.94
in at least 4 of 5 seeds and a median >= 0.95 (seen on seeds 10-24: worst 0.961, median 0.966;
the bars sit as far under them as round 9's did under its 0.962 and 0.970, since CI's machine
may round floats differently, and the same seed is then another run).

CPU seconds are a bench figure (``bench/levers.py`` prints each variant's median), not a test:
the same ``wgan-gp-fix`` run took ~25 CPU s on one 2-core machine and ~60 on another, so a
timed assertion here would judge the machine rather than the preset.
"""

import statistics

import pytest

from playground.cli.sweep import run_seeds
from playground.presets import all_presets, load_preset

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

CI_SEEDS = [100, 101, 102, 103, 104]  # never used to choose settings or thresholds


@pytest.fixture(scope="module")
def collapse():
    return run_seeds(load_preset("mode-collapse").config, CI_SEEDS, processes=2)


@pytest.fixture(scope="module")
def fix():
    return run_seeds(load_preset("wgan-gp-fix").config, CI_SEEDS, processes=2)


def test_vanilla_gan_collapses_onto_a_few_modes(collapse):
    covered = [r.metrics["modes_covered"] for r in collapse]
    print("mode-collapse modes covered per seed:", covered)
    assert sum(c <= 3 for c in covered) >= 4, covered
    assert max(covered) <= 4, covered
    assert not any(r.metrics["diverged"] for r in collapse)


def test_the_collapse_is_piled_onto_modes_not_a_cloud(collapse):
    # Most collapsed samples sit within 3 std of a mode: dots, not a diffuse disc. Measured on
    # seeds 10-24 at step 2000 (8-layer G): high-quality fraction median 0.995, the lowest two
    # 0.000 (every fake on one point off the modes; on a mode by step 3000: python
    # bench/transit_mass.py --preset mode-collapse --seeds 16,23 --steps 2000).
    quality = [r.metrics["high_quality_frac"] for r in collapse]
    print("mode-collapse high-quality fraction per seed:", quality)
    assert statistics.median(quality) >= 0.8, quality


def test_collapse_shows_in_the_history_not_only_at_the_end(collapse):
    for result in collapse:
        late = [row["modes_covered"] for row in result.history[len(result.history) // 2:]]
        assert statistics.median(late) <= 4, (result.config.seed, late)


def test_wgan_gp_covers_all_8_modes_sharply(fix):
    rows = [(r.metrics["modes_covered"], round(r.metrics["high_quality_frac"], 3)) for r in fix]
    print("wgan-gp-fix (modes, HQ) per seed:", rows)
    assert sum(modes == 8 and hq >= 0.94 for modes, hq in rows) >= 4, rows
    assert statistics.median(hq for _, hq in rows) >= 0.95, rows
    assert not any(r.metrics["diverged"] for r in fix)


@pytest.mark.parametrize("preset", [p.name for p in all_presets()])
def test_every_preset_trains_briefly_without_diverging(preset):
    config = load_preset(preset).config.with_changes(steps=30, log_every=10)
    (result,) = run_seeds(config, [0], processes=1)
    assert not result.metrics["diverged"]
    assert result.metrics["steps"] == 30


@pytest.fixture(scope="module")
def vae():
    return run_seeds(load_preset("vae-ring8").config, CI_SEEDS, processes=2)


def test_a_vae_covers_every_mode_but_blurs_them(vae, fix):
    """vae-ring8 is wgan-gp-fix with only the model changed (gan-vs-vae). Measured on seeds
    10-24 at step 2000 (python bench/fixes_table.py --seeds 10-14, and --seeds 15-24 --only
    VAE): 8/8 modes in 15 of 15, high-quality fraction 0.52-0.58 (0.56-0.61 at round 9's 3,000
    steps); WGAN-GP 0.961-0.971 on the same seeds. The rules keep margins: >= 7 modes in >= 4
    of 5 seeds, high-quality <= 0.65 in every seed, and below WGAN-GP's median by 0.3."""
    rows = [(r.metrics["modes_covered"], round(r.metrics["high_quality_frac"], 3)) for r in vae]
    print("vae-ring8 (modes, HQ) per seed:", rows)
    assert sum(modes >= 7 for modes, _ in rows) >= 4, rows
    assert max(hq for _, hq in rows) <= 0.65, rows
    gan = statistics.median(r.metrics["high_quality_frac"] for r in fix)
    assert statistics.median(hq for _, hq in rows) <= gan - 0.3, (rows, gan)
