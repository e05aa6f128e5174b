"""G's starting weights (``g_init``): PyTorch's default leaves a deep tanh G's first samples on
one point; Xavier with the activation's gain spreads them. The default stays bit for bit the
net every preset was measured with."""

import pytest
import torch

from playground.engine.changes import plan_change
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer
from playground.engine.nets import build_generator, mlp
from playground.web.controls import CONTROL_FIELDS, unused_controls

DEEP_TANH = TrainConfig(dataset="grid25", g_layers=8, g_width=64, activation="tanh",
                        noise="uniform")


def _first_spread(config: TrainConfig) -> float:
    """The smaller per-axis std of a freshly built G's output on uniform noise."""
    torch.manual_seed(0)
    net = build_generator(config)
    with torch.no_grad():
        points = net(torch.rand(4000, config.noise_dim) * 2 - 1)
    return float(points.std(dim=0).min())


def test_pytorchs_default_starts_a_deep_tanh_generator_on_one_point():
    assert _first_spread(DEEP_TANH) < 0.01


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu", "elu", "gelu"])
def test_xavier_starts_it_spread_out(activation):
    spread = _first_spread(DEEP_TANH.with_changes(g_init="xavier", activation=activation))
    assert spread > 0.05, spread  # the grid's modes are 2 apart; the default is ~0.003


def test_a_shallow_sigmoid_generator_spreads_more_than_with_the_default():
    """Sigmoid's outputs are not centred, so depth still shrinks them; at 3 layers the gain
    (4, its slope at 0 being 1/4) still gives a visibly wider start."""
    shallow = DEEP_TANH.with_changes(activation="sigmoid", g_layers=3)
    assert _first_spread(shallow.with_changes(g_init="xavier")) > 10 * _first_spread(shallow)


def test_xavier_zeroes_the_biases_and_scales_the_weights_by_the_gain():
    torch.manual_seed(0)
    net = build_generator(DEEP_TANH.with_changes(g_init="xavier"))
    linears = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert all(float(m.bias.abs().max()) == 0.0 for m in linears)
    hidden = linears[1]  # 64 -> 64: Xavier's bound is gain * sqrt(6 / 128)
    bound = 5 / 3 * (6 / 128) ** 0.5
    assert float(hidden.weight.abs().max()) <= bound
    assert float(hidden.weight.abs().max()) > 0.9 * bound


def test_the_default_is_the_net_the_presets_were_measured_with():
    torch.manual_seed(3)
    default = build_generator(DEEP_TANH)
    torch.manual_seed(3)
    plain = mlp(2, 2, 8, 64, "tanh")  # PyTorch's own Linear init, untouched
    for a, b in zip(default.parameters(), plain.parameters(), strict=True):
        assert torch.equal(a, b)
    assert TrainConfig().g_init == "pytorch"


def test_a_training_run_starts_from_the_chosen_weights():
    base = DEEP_TANH.with_changes(eval_samples=500, batch_size=32, g_width=16)
    spreads = {}
    for init in ("pytorch", "xavier"):
        run = make_trainer(base.with_changes(g_init=init))
        spreads[init] = float(run.generate().std(axis=0).min())
    assert spreads["pytorch"] < 0.05 < spreads["xavier"]


def test_changing_it_builds_new_networks():
    plan = plan_change(DEEP_TANH, DEEP_TANH.with_changes(g_init="xavier"))
    assert plan.rebuilt and "g_init" in plan.message


def test_unknown_and_image_values_are_refused_with_a_reason():
    with pytest.raises(ConfigError, match="g_init.*pytorch, xavier"):
        DEEP_TANH.with_changes(g_init="he")
    with pytest.raises(ConfigError, match="image datasets"):
        TrainConfig(dataset="mnist", g_init="xavier")


def test_the_page_has_the_control_for_points_and_hides_it_for_images():
    assert "g_init" in CONTROL_FIELDS
    assert "g_init" not in unused_controls(DEEP_TANH)
    assert "g_init" in unused_controls(TrainConfig(dataset="mnist"))
