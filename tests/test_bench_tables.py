"""The scripts that print the figures quoted in preset texts and the README must run: a
changed helper signature once left ``bench/fixes_table.py`` failing on its first row while
nothing noticed. Each runs for a few steps on one seed and must print a full table row."""

import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT


def run_bench(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| ") and "---" not in line]


@pytest.mark.timeout(300)
def test_fixes_table_prints_a_row_per_fix_and_the_published_rows():
    out = run_bench("bench/fixes_table.py", "--seeds", "0", "--steps", "3", "--processes", "1")
    table = rows(out)
    labels = [row[0] for row in table]
    assert labels[1:7] == ["none (mode-collapse)", "WGAN-GP (wgan-gp-fix)",
                           "hinge + spectral norm", "PacGAN, pack 4 (pacgan)",
                           "unrolled GAN, 5 steps (unrolled-gan)",
                           "VAE, beta 0.1 (vae-ring8)"], labels
    assert any("PacGAN4" in label for label in labels)
    for row in table[1:7]:
        assert len(row) == 5 and 0 <= float(row[1].split(";")[0]) <= 8, row


@pytest.mark.timeout(300)
def test_levers_prints_one_row_per_variant_and_checkpoint():
    out = run_bench("bench/levers.py", "--preset", "wgan-gp-fix", "--seeds", "0,1", "--at",
                    "2,4", "--processes", "1", "--variant", "base:", "--variant",
                    "lr:lr_g=0.001")
    table = rows(out)[1:]
    assert [(row[0].split()[0], row[1]) for row in table] == [
        ("base", "2"), ("base", "4"), ("lr", "2"), ("lr", "4")], table
    assert all(len(row[2].split()) == 2 for row in table)  # one figure per seed
    assert all(len(q.split(".")[1]) == 2 for row in table for q in row[3].split())


@pytest.mark.timeout(300)
def test_levers_prints_three_decimals_when_asked():
    """A 0.96 threshold must not be met by a rounded 0.955."""
    out = run_bench("bench/levers.py", "--preset", "mode-collapse", "--seeds", "0", "--at",
                    "2", "--processes", "1", "--digits", "3")
    (row,) = rows(out)[1:]
    assert len(row[3].split(".")[1]) == 3, row


@pytest.mark.timeout(300)
def test_levers_judges_fresh_samples_in_a_row_of_their_own():
    """The fresh row judges other samples than the eval batch's: on a short run its figures
    differ from the row above it, and its modes are counted on the many samples."""
    out = run_bench("bench/levers.py", "--preset", "grid25-wgan-gp", "--seeds", "0", "--at",
                    "30", "--processes", "1", "--digits", "4", "--fresh-samples", "20000")
    batch, fresh = rows(out)[1:]
    assert batch[0].split()[0] == "base" and "[20,000 fresh samples]" in fresh[0], fresh
    assert batch[1] == fresh[1] == "30"
    assert 0 < float(fresh[3]) < 1 and fresh[3] != batch[3], (batch, fresh)


def test_levers_refuses_a_negative_sample_count_with_a_message():
    result = subprocess.run([sys.executable, "bench/levers.py", "--fresh-samples", "-5"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--fresh-samples must be 0" in result.stderr, result
    assert "Traceback" not in result.stderr


@pytest.mark.timeout(300)
def test_transit_mass_prints_growing_fractions_per_seed():
    out = run_bench("bench/transit_mass.py", "--preset", "wgan-gp-fix", "--seeds", "0,1",
                    "--steps", "3")
    table = rows(out)[1:]
    assert [row[0] for row in table] == ["0", "1"], table
    for row in table:
        fractions = [float(cell) for cell in row[1:5]]
        assert len(fractions) == 4 and all(0 <= f <= 1 for f in fractions), row
        assert fractions == sorted(fractions), row  # within 3 std is within 10 std
        spread, distance = float(row[5]), float(row[6])
        assert spread > 0 and distance >= 0, row  # an untrained G is not one point


def test_pile_shape_reads_a_one_point_collapse_and_its_distance():
    from bench.transit_mass import pile_shape
    from playground.engine.data import make_sampler

    modes = make_sampler("ring8").modes  # radius 2: a mode at (2, 0)
    dot = np.tile([[1.7, 0.0]], (50, 1))
    spread, distance = pile_shape(dot, modes)
    assert spread < 1e-9 and abs(distance - 0.3) < 1e-6
    on_two_modes = np.array([[2.0, 0.0], [-2.0, 0.0]] * 25)
    spread, distance = pile_shape(on_two_modes, modes)
    assert abs(spread - 2.0) < 1e-6 and distance < 1e-6


@pytest.mark.timeout(300)
def test_step_cost_prints_the_preset_and_each_variant_as_a_ratio():
    out = run_bench("bench/step_cost.py", "--preset", "wgan-gp-fix", "--variant",
                    "gl6:g_layers=6", "--rounds", "2", "--steps", "3")
    table = rows(out)[1:]
    assert [row[0] for row in table] == ["preset", "gl6"], table
    assert float(table[0][2]) == 1.0  # the preset against itself
    assert all(float(row[1]) > 0 and len(row[3].split()) == 2 for row in table), table


@pytest.mark.timeout(300)
def test_mode_timeline_prints_each_checkpoint_and_a_5x5_count_per_mode():
    out = run_bench("bench/mode_timeline.py", "--preset", "grid25-wgan-gp", "--seed", "0",
                    "--variant", 'g_init="xavier"', "--at", "2,4")
    lines = out.splitlines()
    assert "g_init" in lines[0]
    steps = [line for line in lines if line.startswith("step ")]
    assert [line.split(":")[0] for line in steps] == ["step 2", "step 4"], out
    assert all("/25" in line for line in steps)
    grid = [line.split() for line in lines if line.startswith("    ")]
    assert len(grid) == 10 and all(len(row) == 5 for row in grid), out  # two 5x5 layouts
    assert all(int(c) >= 0 for row in grid for c in row)


def test_counts_as_grid_puts_the_top_left_mode_first():
    from bench.mode_timeline import counts_as_grid
    from playground.engine.data import make_sampler

    modes = make_sampler("grid25").modes
    top_left = np.tile([[-4.0, 4.0]], (7, 1))
    bottom_right = np.tile([[4.0, -4.0]], (3, 1))
    layout = counts_as_grid(np.concatenate([top_left, bottom_right]), modes)
    assert layout.shape == (5, 5) and layout[0, 0] == 7 and layout[4, 4] == 3
    assert layout.sum() == 10


def test_levers_takes_seed_lists_mixed_with_ranges():
    """Round 15 re-ran five named seeds and a fresh range in one call; a mixed list was a
    traceback (``int('65,70,...,125')``). A typo is named, not a traceback."""
    from bench.levers import parse_seeds

    assert parse_seeds("65,70,125-127") == [65, 70, 125, 126, 127]
    assert parse_seeds("10-12") == [10, 11, 12] and parse_seeds("0,3") == [0, 3]
    with pytest.raises(SystemExit, match="'x-3' is not a seed"):
        parse_seeds("4,x-3")
