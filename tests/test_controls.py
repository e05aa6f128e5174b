"""Control values ↔ config values: a control the user did not move keeps the exact value."""

from playground.engine.config import TrainConfig
from playground.presets import load_preset
from playground.web.controls import (
    CONTROL_FIELDS,
    config_from_controls,
    control_changes,
    controls_from_config,
)


def test_untouched_log_sliders_keep_the_exact_learning_rates():
    """Issue 14, bug 2: -4.3 (5e-05 rounded for the slider) came back as 5.01e-05."""
    base = load_preset("mode-collapse").config
    values = controls_from_config(base)
    values[CONTROL_FIELDS.index("seed")] = base.seed + 1  # any seed but the preset's own
    config = config_from_controls(base, values)
    assert base.diff(config) == {"seed": base.seed + 1}


def test_a_moved_log_slider_gives_its_own_value():
    base = TrainConfig(lr_g=3e-4)
    assert control_changes(("lr_g",), [-3.52], base) == {"lr_g": 3e-4}  # shown as -3.52
    assert control_changes(("lr_g",), [-3.5], base) == {"lr_g": 0.000316}
    assert control_changes(("lr_g",), [-3.52]) == {"lr_g": 0.000302}  # no base: the number


def control_help(field: str) -> str:
    """The help text the page shows under one control, as built for the default config."""
    import gradio as gr

    from playground.web.layout import build_controls

    with gr.Blocks():
        return build_controls(TrainConfig())[field].info


def test_the_penalty_help_names_the_presets_own_weights():
    """The gradient-penalty box tells which weight each fix ships with (round 15); the figures
    come from the presets, so a preset that moves its weight breaks this until the help follows."""
    info = control_help("gp_lambda")
    for preset, where in (("wgan-gp-fix", "the ring's fix"), ("grid25-wgan-gp", "the grid's"),
                          ("mnist-wgan-gp", "MNIST")):
        weight = load_preset(preset).config.gp_lambda
        assert f"{weight:g} on {where}" in info, (preset, weight, info)


def test_the_half_life_help_names_the_grid_pairs_own_half_life():
    """The half-life box says which presets ship with it (round 16); the figure comes from the
    presets, and both sides of the loss-only pair must carry it (a shared setting)."""
    info = control_help("lr_half_life")
    pair = ("grid25-collapse", "grid25-wgan-gp")
    halves = {load_preset(name).config.lr_half_life for name in pair}
    assert len(halves) == 1, halves
    assert f"grid pair ships with {halves.pop():,}" in info, info


def test_the_half_life_shape_help_names_the_grid_pairs_own_power():
    """The shape box beside it (round 18) says which power the grid pair ships with; both sides
    carry it (a shared setting), and the figure comes from the presets."""
    info = control_help("lr_decay_power")
    powers = {load_preset(name).config.lr_decay_power
              for name in ("grid25-collapse", "grid25-wgan-gp")}
    assert len(powers) == 1, powers
    assert f"grid pair ships with {powers.pop():g}" in info, info
