"""Issue 17: the mixed-load bench (8 2-D + 4 MNIST runs) — its arithmetic, and that admission
by cost spreads that mix so each worker holds the same weight."""

from __future__ import annotations

import importlib.util
import os
import time

import pytest

from playground.engine.cost import estimate
from playground.live.admission import DEFAULT_WORKER_BUDGET, least_loaded
from playground.presets import load_preset
from tests.conftest import ROOT


def bench():
    spec = importlib.util.spec_from_file_location("mixed_load", ROOT / "bench" / "mixed_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_mix_parses_and_interleaves_as_visitors_arrive():
    b = bench()
    mix = b.parse_mix(["mode-collapse=8", "mnist-dcgan=4"])
    assert mix == [("mode-collapse", 8), ("mnist-dcgan", 4)]
    order = b.interleave(mix)
    assert order.count("mnist-dcgan") == 4 and order.count("mode-collapse") == 8
    assert "mnist-dcgan" in order[:4] and "mnist-dcgan" in order[-4:]  # spread, not bunched
    with pytest.raises(SystemExit, match="NAME=COUNT"):
        b.parse_mix(["mnist-dcgan"])


def test_fair_share_is_an_equal_part_of_the_cpu_the_workers_got():
    b = bench()
    per_step = {"a": 0.01, "m": 0.1}  # CPU seconds per step, solo
    # 4 runs on 2 cores: half a core each = 50 it/s of "a", 5 it/s of "m"
    even = [("a", 50.0), ("a", 50.0), ("m", 5.0), ("m", 5.0)]
    assert b.fairness(even, per_step, cores=2.0) == [1.0, 1.0, 1.0, 1.0]
    assert b.fairness(even, per_step, cores=1.0) == [2.0, 2.0, 2.0, 2.0]  # workers got less
    uneven = [("a", 50.0), ("a", 50.0), ("m", 2.5), ("m", 5.0)]
    assert b.fairness(uneven, per_step, cores=2.0)[2] == 0.5


def test_cpu_seconds_reads_this_process():
    b = bench()
    before = b.cpu_seconds([os.getpid()])
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert 0.15 < b.cpu_seconds([os.getpid()]) - before < 1.0


def test_admission_spreads_the_bench_mix_so_every_run_gets_the_same_cpu():
    """A worker splits its core evenly among its runs, so a run's CPU is 1 / (runs on its
    worker). Placed by weight alone the 12 runs split 7 and 5 (each of the 7 at 6/7 of its fair
    share); fewest runs first, within the weight budget: 6 and 6, two MNIST runs each."""
    order = bench().interleave([("mode-collapse", 8), ("mnist-dcgan", 4)])
    weight = {name: estimate(load_preset(name).config).weight for name in set(order)}
    loads = {0: [0.0, 0, 0], 1: [0.0, 0, 0]}  # weight, runs, MNIST runs
    for name in order:
        worker = least_loaded([(w, load, runs) for w, (load, runs, _) in loads.items()],
                              weight[name], DEFAULT_WORKER_BUDGET)
        assert worker is not None
        loads[worker][0] += weight[name]
        loads[worker][1] += 1
        loads[worker][2] += name == "mnist-dcgan"
    assert [loads[w][2] for w in (0, 1)] == [2, 2], loads
    assert [loads[w][1] for w in (0, 1)] == [6, 6], loads
