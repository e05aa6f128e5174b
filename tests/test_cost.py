"""Issue 17, finding 1: a config is priced before it is built. The web app refuses one whose
step or memory is over budget and says what to lower; the CLI warns and runs it."""

from __future__ import annotations

import time

import pytest
import torch

from playground.engine.config import TrainConfig
from playground.engine.cost import Budget, estimate, over_budget
from playground.engine.trainer import Trainer
from playground.presets import load_preset, preset_names

FREEZER = TrainConfig(g_width=4096, d_width=4096, g_layers=2, d_layers=2, batch_size=16384)


def test_the_issues_config_that_froze_a_worker_is_refused_naming_what_to_lower():
    cost = estimate(FREEZER)
    assert cost.step_s > 30 and cost.memory_mb > 1000  # measured: ~138 s and 2.2 GB a step
    why = over_budget(FREEZER, Budget())
    assert why and "one step would take" in why and "batch_size" in why and "g_width" in why


def test_a_huge_evaluation_batch_is_refused_naming_eval_samples():
    config = load_preset("mnist-dcgan").config.with_changes(eval_samples=100_000)
    why = over_budget(config, Budget())
    assert why and "eval_samples" in why


def test_every_preset_fits_the_default_budget():
    for name in preset_names():
        config = load_preset(name).config
        assert over_budget(config, Budget()) is None, name
        assert estimate(config).step_s <= Budget().step_s


def test_the_budget_comes_from_the_environment():
    tight = Budget.from_env({"PLAYGROUND_MAX_STEP_S": "0.001"})
    assert over_budget(TrainConfig(), tight) and not over_budget(TrainConfig(), Budget())


@pytest.mark.parametrize("config", [TrainConfig(eval_samples=200),
                                    TrainConfig(g_width=512, d_width=512, eval_samples=200)])
def test_the_estimate_tracks_measured_cpu_time(config):
    """Within a factor of 3 of CPU seconds measured here (bench/cost_calibration.py prints
    the full table; CPU time, so other processes on the machine do not skew it)."""
    torch.set_num_threads(1)
    trainer = Trainer(config)
    trainer.step()
    start, steps = time.process_time(), 0
    while time.process_time() - start < 0.5:
        trainer.step()
        steps += 1
    measured = (time.process_time() - start) / steps
    assert measured / 3 <= estimate(config).step_s <= measured * 3, (measured, estimate(config))


def test_the_web_refuses_and_the_cli_warns(capsys):
    from playground.cli.main import warn_cost
    from playground.web.admission import run_problem

    assert "too big for a shared playground" in run_problem(FREEZER)
    assert run_problem(load_preset("mode-collapse").config) is None
    warn_cost(FREEZER)
    assert "warning: one step would take" in capsys.readouterr().err
