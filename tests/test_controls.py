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
