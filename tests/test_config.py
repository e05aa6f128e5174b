import json
import math

import pytest

from playground import __version__
from playground.engine.config import ConfigError, TrainConfig, apply_overrides, field_names

BAD_VALUES = [
    ("lr_g", float("nan")),
    ("lr_g", -0.001),
    ("lr_g", 0.0),
    ("lr_d", 11.0),
    ("lr_d", float("inf")),
    ("lr_d", "fast"),
    ("batch_size", -5),
    ("batch_size", 0),
    ("batch_size", 65_537),
    ("batch_size", 2.5),
    ("batch_size", True),
    ("g_width", 4097),
    ("d_width", 0),
    ("g_layers", 17),
    ("d_layers", 0),
    ("noise_dim", 0),
    ("steps", 0),
    ("seed", -1),
    ("n_critic", 0),
    ("gp_lambda", -1.0),
    ("lr_decay_power", 0.0),
    ("lr_decay_power", float("nan")),
    ("lr_decay_power", 9.0),
    ("clip", 0.0),
    ("betas_g", [0.5]),
    ("betas_d", [0.5, 1.0]),
    ("dataset", "swiss-cheese"),
    ("loss", "magic"),
    ("activation", "softmax"),
    ("optimizer_g", "lbfgs"),
    ("noise", "pink"),
    ("device", "tpu"),
    ("spectral_norm", "maybe"),
    ("data_std", 0.0),
    ("custom_points", [[1.0]]),
    ("custom_points", [[float("nan"), 0.0]]),
]


@pytest.mark.parametrize("name,value", BAD_VALUES)
def test_every_bad_value_is_named(name, value):
    with pytest.raises(ConfigError) as info:
        TrainConfig(**{name: value})
    assert info.value.field == name
    message = str(info.value)
    assert message.startswith(f"{name}=")
    assert "not allowed" in message


def test_message_gives_the_range():
    with pytest.raises(ConfigError, match=r"batch_size=-5 .*from 1 to 65,536"):
        TrainConfig(batch_size=-5)
    with pytest.raises(ConfigError, match=r"lr_g=nan .*finite"):
        TrainConfig(lr_g=math.nan)


def test_custom_dataset_needs_points():
    with pytest.raises(ConfigError, match="custom_points"):
        TrainConfig(dataset="custom")
    cfg = TrainConfig(dataset="custom", custom_points=[[0, 0], [1, 1]])
    assert cfg.custom_points == ((0.0, 0.0), (1.0, 1.0))


def test_net_size_times_batch_is_capped():
    with pytest.raises(ConfigError, match="batch_size"):
        TrainConfig(g_width=4096, batch_size=65_536)


def test_json_round_trip_keeps_every_field():
    cfg = TrainConfig(
        dataset="custom",
        custom_points=((0.5, -1.0),),
        loss="wgan-gp",
        betas_g=(0.0, 0.9),
        spectral_norm=True,
        data_std=0.1,
    )
    again = TrainConfig.from_json(cfg.to_json())
    assert again == cfg
    assert set(json.loads(cfg.to_json())) == {*field_names(), "version"}
    assert json.loads(cfg.to_json())["version"] == __version__  # who wrote it


def test_strings_from_forms_and_cli_are_coerced():
    cfg = TrainConfig(lr_g="1e-4", batch_size="64", spectral_norm="true", betas_d="0.0, 0.9")
    assert cfg.lr_g == 1e-4 and cfg.batch_size == 64 and cfg.spectral_norm is True
    assert cfg.betas_d == (0.0, 0.9)


def test_unknown_field_and_bad_json_are_config_errors():
    with pytest.raises(ConfigError, match="learning_rate"):
        TrainConfig.from_dict({"learning_rate": 1})
    with pytest.raises(ConfigError, match="valid JSON"):
        TrainConfig.from_json("{not json")
    with pytest.raises(ConfigError, match="JSON object"):
        TrainConfig.from_json("[1, 2]")


def test_with_changes_validates():
    cfg = TrainConfig()
    assert cfg.with_changes(lr_g=0.01).lr_g == 0.01
    with pytest.raises(ConfigError, match="lr_g"):
        cfg.with_changes(lr_g=-1)
    with pytest.raises(ConfigError, match="nonsense"):
        cfg.with_changes(nonsense=1)


def test_overrides_parse_json_values():
    cfg = apply_overrides(TrainConfig(), ["lr_d=3e-4", "betas_g=[0.0,0.9]", "loss=hinge"])
    assert cfg.lr_d == 3e-4 and cfg.betas_g == (0.0, 0.9) and cfg.loss == "hinge"
    with pytest.raises(ConfigError, match="--set"):
        apply_overrides(TrainConfig(), ["lr_d"])


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        TrainConfig().lr_g = 1.0  # type: ignore[misc]


def test_network_size_is_capped_naming_the_width():
    with pytest.raises(ConfigError, match="g_width.*parameters"):
        TrainConfig(g_width=2048, g_layers=8, batch_size=8)
    with pytest.raises(ConfigError, match="d_width.*parameters"):
        TrainConfig(dataset="mnist", architecture="dcgan", d_width=1024, g_width=8, noise_dim=8)


def test_image_settings_only_with_image_data():
    with pytest.raises(ConfigError, match="architecture"):
        TrainConfig(dataset="ring8", architecture="dcgan")
    with pytest.raises(ConfigError, match="conditional"):
        TrainConfig(dataset="ring8", conditional=True)
    with pytest.raises(ConfigError, match="batch_size"):
        TrainConfig(dataset="mnist", batch_size=4096, g_width=16, d_width=16)
    cfg = TrainConfig(dataset="mnist", architecture="dcgan", conditional="true")
    assert cfg.conditional is True and cfg.architecture == "dcgan"
    assert TrainConfig.from_json(cfg.to_json()) == cfg


def test_diff_names_exactly_the_changed_fields_with_the_new_values():
    from playground.engine.config import TrainConfig

    a = TrainConfig()
    b = a.with_changes(loss="wgan-gp", betas_g=(0.0, 0.9), custom_points=())
    assert a.diff(b) == {"loss": "wgan-gp", "betas_g": [0.0, 0.9]}
    assert b.diff(a) == {"loss": "nonsaturating", "betas_g": [0.5, 0.9]}
    assert a.diff(a) == {}


def test_the_pair_rule_refuses_other_data_or_seed_and_names_the_field():
    import pytest

    from playground.engine.config import ConfigError, TrainConfig, check_comparable

    a = TrainConfig()
    check_comparable(a, a.with_changes(loss="hinge", lr_g=0.01))  # anything else may differ
    for change in ({"seed": 1}, {"dataset": "grid25"}, {"data_std": 0.1}):
        with pytest.raises(ConfigError) as info:
            check_comparable(a, a.with_changes(**change), "B")
        assert info.value.field == f"B.{next(iter(change))}"


def test_importing_the_config_does_not_import_torch():
    """config.py imports the data registry inside ``validate`` for this reason (its comment
    says so): a share link or a CLI argument error needs no torch."""
    import subprocess
    import sys

    code = "import sys, playground.engine.config; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=__import__("pathlib").Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False", out.stderr
