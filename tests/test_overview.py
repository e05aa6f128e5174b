"""The model overview's SVG: the boxes, their live numbers, and what is lit per phase."""

from types import SimpleNamespace

import numpy as np

from playground.engine.config import TrainConfig
from playground.web.overview import lit_parts, overview_status, overview_svg


def snap(phase: str, **config) -> SimpleNamespace:
    cfg = TrainConfig(dataset="ring8", **config)
    return SimpleNamespace(phase=phase, config=cfg, metrics={"modes_covered": 3,
                                                             "modes_total": 8},
                           history={"d_loss": np.array([0.5, 0.7]),
                                    "g_loss": np.array([1.0, 2.25])})


def test_each_phase_lights_its_path():
    assert lit_parts(snap("")) == set()
    assert lit_parts(snap("D")) == {"d", "real", "fake", "loss", "real-d", "fake-d", "d-loss"}
    assert lit_parts(snap("G")) == {"noise", "g", "fake", "loss", "noise-g", "g-fake", "fake-d",
                                    "d-loss"}
    assert {"d", "g", "real", "noise"} <= lit_parts(snap("DG"))
    assert lit_parts(None) == set()


def test_the_boxes_carry_the_live_numbers():
    svg = overview_svg(snap("DG", g_steps=3, n_critic=5, loss="wgan-gp"))
    assert svg.startswith("<svg") and svg.count('class="gp-node') == 6
    assert "modes 3/8" in svg and "×3" in svg and "×5" in svg
    assert ">wgan-gp</text>" in svg and "D 0.7 · G 2.25" in svg and "ring8" in svg


def test_without_a_run_it_still_draws_and_says_starting():
    page = overview_status(None)
    assert "<svg" in page and "starting" in page and "lit" not in page.split("<svg")[1]
