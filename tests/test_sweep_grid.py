"""Grid sweeps (every combination of --grid values, each with every seed) and the Ray backend:
the same sweep.csv, summary.json and runs as the local process pool."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from playground.cli.sweep import grid_configs, parse_grid, run_folder
from playground.engine.config import ConfigError
from playground.presets import load_preset

TINY = ["--preset", "wgan-gp-fix", "--steps", "20", "--set", "g_width=8", "--set", "d_width=8",
        "--set", "log_every=10"]
GRID = ["--grid", "lr_g=1e-4,3e-4", "--grid", "loss=nonsaturating,wgan-gp", "--seeds", "2"]
TIMING = {"wall_s", "cpu_s", "iters_per_s"}


def sweep(root, out, *extra, env=None):
    return subprocess.run([sys.executable, "-m", "playground", "sweep", *TINY, *extra,
                           "--out", str(out)], cwd=root, capture_output=True, text=True,
                          timeout=240, env={**os.environ, **(env or {})})


def test_every_combination_with_every_seed():
    base = load_preset("wgan-gp-fix").config
    grid = parse_grid(["lr_g=1e-4,3e-4", "loss=nonsaturating,wgan-gp,hinge",
                       "betas_g=[0.5,0.9],[0.0,0.9]"])
    assert grid["betas_g"] == ["[0.5,0.9]", "[0.0,0.9]"]  # commas inside brackets stay
    configs = grid_configs(base, grid, [0, 1, 2, 3, 4])
    assert len(configs) == 2 * 3 * 2 * 5
    combos = {(c.lr_g, c.loss, tuple(c.betas_g), c.seed) for c in configs}
    assert len(combos) == 60
    assert configs[0].seed == 0 and configs[4].seed == 4 and configs[5].seed == 0
    assert {c.n_critic for c in configs} == {base.n_critic}  # the rest is the preset's
    assert len({run_folder(type("R", (), {"config": c})(), tuple(grid)) for c in configs}) == 60


@pytest.mark.parametrize(("spec", "why"), [
    ("lr_g", "FIELD=V1,V2"), ("lr_g=", "FIELD=V1,V2"), ("seed=1,2", "use --seeds"),
    ("lr_g=1e-4,,3e-4", "single commas"),
])
def test_bad_grid_specs_are_named(spec, why):
    with pytest.raises(ConfigError, match=why):
        parse_grid([spec])


def test_a_bad_grid_value_is_the_config_s_own_message():
    base = load_preset("wgan-gp-fix").config
    with pytest.raises(ConfigError, match="loss"):
        grid_configs(base, parse_grid(["loss=wgan-gp,nonsense"]), [0])
    with pytest.raises(ConfigError, match="twice"):
        parse_grid(["lr_g=1e-4", "lr_g=3e-4"])


def test_cli_grid_errors_are_one_line(root, tmp_path):
    result = sweep(root, tmp_path / "x", "--grid", "no_such_field=1,2")
    assert result.returncode == 2 and "no_such_field" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = sweep(root, tmp_path / "x", "--address", "auto")
    assert result.returncode == 2 and "--backend ray" in result.stderr
    fake = tmp_path / "fake" / "ray"  # a machine without Ray: its import fails
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no ray here')\n")
    result = sweep(root, tmp_path / "x", "--seeds", "1", "--backend", "ray",
                   env={"PYTHONPATH": str(fake.parent)})
    assert result.returncode == 2 and 'pip install ".[cluster]"' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def read(out):
    with open(out / "sweep.csv") as handle:
        rows = list(csv.DictReader(handle))
    return rows, json.loads((out / "summary.json").read_text())


def test_local_grid_sweep_writes_one_row_per_run_and_a_summary_per_point(root, tmp_path):
    out = tmp_path / "local"
    result = sweep(root, out, *GRID, "--processes", "2")
    assert result.returncode == 0, result.stderr
    rows, summary = read(out)
    assert [(r["lr_g"], r["loss"], r["seed"]) for r in rows] == [
        (lr, loss, seed) for lr in ("0.0001", "0.0003") for loss in ("nonsaturating", "wgan-gp")
        for seed in ("0", "1")]
    assert summary["runs"] == 8 and summary["grid"] == ["lr_g", "loss"]
    assert [p["params"] for p in summary["points"]] == [
        {"lr_g": lr, "loss": loss} for lr in (1e-4, 3e-4) for loss in ("nonsaturating", "wgan-gp")]
    assert all(p["summary"]["runs"] == 2 for p in summary["points"])
    assert (out / "lr_g=0.0003_loss=wgan-gp_seed-1" / "metrics.json").is_file()
    assert "8 runs" in result.stdout.strip().splitlines()[-1]


def test_ray_gives_the_same_results_as_the_local_pool(root, tmp_path):
    """A local Ray instance (2 CPUs), the same grid: the same table, summary and runs, but for
    the timings."""
    if not os.environ.get("CI"):
        pytest.importorskip("ray")  # CI installs it (requirements-dev.txt): there it must run
    local, ray = tmp_path / "local", tmp_path / "ray"
    assert sweep(root, local, *GRID, "--processes", "2").returncode == 0
    result = sweep(root, ray, *GRID, "--processes", "2", "--backend", "ray",
                   env={"RAY_ADDRESS": "", "RAY_USAGE_STATS_ENABLED": "0"})
    assert result.returncode == 0, result.stderr
    (rows_l, sum_l), (rows_r, sum_r) = read(local), read(ray)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in TIMING} for r in rows]  # noqa: E731
    assert strip(rows_r) == strip(rows_l)
    assert [p["params"] for p in sum_r["points"]] == [p["params"] for p in sum_l["points"]]
    for run in sorted(p.name for p in local.iterdir() if p.is_dir()):
        m_l = json.loads((local / run / "metrics.json").read_text())
        m_r = json.loads((ray / run / "metrics.json").read_text())
        assert {k: v for k, v in m_r.items() if k not in TIMING} == {
            k: v for k, v in m_l.items() if k not in TIMING}, run
        np.testing.assert_array_equal(np.load(ray / run / "samples.npy"),
                                      np.load(local / run / "samples.npy"))
