"""The UI's controls as data: which config field each control edits, and how values convert.

Kept out of ``ui`` so the rules (log-scale learning rates, drawn points, validation through
TrainConfig) are plain functions that tests call without a browser.
"""

from __future__ import annotations

import json
import math
from types import MappingProxyType
from typing import Any

from playground.engine.config import MAX_CUSTOM_POINTS, ConfigError, TrainConfig
from playground.engine.data import is_image_dataset
from playground.presets import load_preset

# Control order is the order of values in UI callbacks.
CONTROL_FIELDS = (
    "dataset",
    "architecture",
    "conditional",
    "batch_size",
    "noise",
    "noise_dim",
    "g_layers",
    "g_width",
    "g_init",
    "lr_g",
    "optimizer_g",
    "g_ema",
    "d_layers",
    "d_width",
    "lr_d",
    "optimizer_d",
    "spectral_norm",
    "activation",
    "loss",
    "n_critic",
    "g_steps",
    "lr_half_life",
    "lr_decay_power",
    "gp_lambda",
    "gp_every",
    "clip",
    "model",
    "beta",
    "seed",
)
LOG_FIELDS = frozenset({"lr_g", "lr_d"})  # shown as log10 sliders
DEFAULT_PRESET = "mode-collapse"  # what the page opens with, and the 2-D defaults
MAX_DRAWN_CHARS = 100_000  # 2,000 drawn points as JSON are ~60 KB
IMAGE_DEFAULT_PRESET = "mnist-dcgan"  # the defaults when a user switches to an image dataset
STACKED_MNIST_PRESET = "stacked-mnist-dcgan"  # ...and to Stacked MNIST (three channels)


def kind_preset(dataset: str) -> str:
    """The preset whose settings suit this kind of data (points, digits or stacked digits)."""
    if dataset == "stacked_mnist":
        return STACKED_MNIST_PRESET
    return IMAGE_DEFAULT_PRESET if is_image_dataset(dataset) else DEFAULT_PRESET


def kind_defaults(dataset: str) -> TrainConfig:
    """Settings for ``dataset`` when the user switches between points and images, where the
    current nets make no sense (a 2-unit noise and 128-wide MLP for digits, or a DCGAN for
    points). Drawn points ("custom") need a drawing first, so they get the 2-D preset as is."""
    config = load_preset(kind_preset(dataset)).config
    return config if dataset in (config.dataset, "custom") else config.with_changes(
        dataset=dataset)


# Controls a DCGAN does not use: its depth is fixed and its activations are ReLU/LeakyReLU
# (engine/image_nets.py); shown, they would only reset the run.
UNUSED_BY_ARCHITECTURE = MappingProxyType(
    {"dcgan": frozenset({"g_layers", "d_layers", "activation"}),
     "stacked": frozenset({"g_layers", "d_layers", "activation"})})


# Controls for 2-D data only: image nets keep their own initialisation (config.py refuses
# another for them).
UNUSED_FOR_IMAGES = frozenset({"g_init"})
HIDEABLE_CONTROLS = frozenset().union(*UNUSED_BY_ARCHITECTURE.values(), UNUSED_FOR_IMAGES)


def unused_controls(cfg: TrainConfig) -> frozenset[str]:
    """The control fields that do nothing for ``cfg`` (the page hides them)."""
    unused = UNUSED_BY_ARCHITECTURE.get(cfg.architecture, frozenset())
    return unused | UNUSED_FOR_IMAGES if is_image_dataset(cfg.dataset) else unused


def digits_view(picked: list[Any] | None) -> tuple[int, ...]:
    """The digit picker's ticks as sorted digits; nothing ticked means all ten."""
    digits = sorted({int(d) for d in picked or () if str(d).strip().isdigit() and int(d) < 10})
    return tuple(digits) or tuple(range(10))


def to_control(name: str, cfg: TrainConfig) -> Any:
    """``cfg``'s value of one field as its control shows it (a log10 for learning rates)."""
    value = getattr(cfg, name)
    if name in LOG_FIELDS:
        return round(math.log10(value), 2)
    return value


def controls_from_config(cfg: TrainConfig) -> list[Any]:
    return [to_control(name, cfg) for name in CONTROL_FIELDS]


def shows_unchanged(name: str, value: Any, cfg: TrainConfig) -> bool:
    """True if the log slider for ``name`` still shows ``cfg``'s value: the user did not move
    it. A log slider shows a rounded exponent (5e-05 as -4.3), and turning that back into a
    number gives 5.01e-05, so a slider left alone must keep the config's exact value. (Other
    controls hold their values exactly.)"""
    if name not in LOG_FIELDS:
        return False
    try:
        return math.isclose(float(value), to_control(name, cfg), abs_tol=1e-9)
    except (TypeError, ValueError, OverflowError):
        return False


def control_changes(names: tuple[str, ...], values: list[Any] | tuple[Any, ...],
                    base: TrainConfig | None = None) -> dict[str, Any]:
    """Control values as config changes (log sliders → numbers); ConfigError for an empty one.
    With ``base``, a control still showing ``base``'s value keeps that exact value."""
    changes: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ConfigError(name, value, "a value (this control is empty)")
        if base is not None and shows_unchanged(name, value, base):
            changes[name] = getattr(base, name)
            continue
        if name in LOG_FIELDS:
            value = _from_log10(name, value)
        changes[name] = value
    return changes


def _from_log10(name: str, exponent: Any) -> float:
    """A log10 slider's value as the number it stands for; the range check is the config's."""
    try:
        power = float(exponent)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(name, exponent, "a number (log10 of the learning rate)") from None
    if not math.isfinite(power) or abs(power) > 300:
        raise ConfigError(name, exponent, "a finite log10 of the learning rate")
    return float(f"{10 ** power:.3g}")


def config_from_controls(
    base: TrainConfig, values: list[Any] | tuple[Any, ...], drawn: str = ""
) -> TrainConfig:
    """The config the controls describe; ConfigError (naming the field) if a value is bad."""
    changes = control_changes(CONTROL_FIELDS, values, base)
    if changes.get("dataset") == "custom":
        changes["custom_points"] = parse_points(drawn)
    return base.with_changes(**changes)


def parse_points(text: str) -> tuple[tuple[float, float], ...]:
    """Drawn points as JSON ``[[x, y], ...]``; a clear ConfigError when empty or malformed."""
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("custom_points", [], "at least one point: click on the plot to draw")
    if len(text) > MAX_DRAWN_CHARS:
        raise ConfigError("custom_points", f"{len(text):,} characters",
                          f"at most {MAX_CUSTOM_POINTS} points ({MAX_DRAWN_CHARS:,} characters)")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # ValueError: also an over-long integer
        raise ConfigError(
            "custom_points", text[:40], f"JSON like [[0, 1], [1, 0]] ({exc})"
        ) from None
    return TrainConfig(dataset="custom", custom_points=data).custom_points


def config_to_query(cfg: TrainConfig, base: TrainConfig | None = None) -> str:
    """A URL query string holding every field that differs from ``base`` (default config).

    Values are JSON (so lists and booleans survive) and field names are the config's own, as
    in TensorFlow Playground's ``state.ts``: the link *is* the config.
    """
    from urllib.parse import urlencode

    base = base or TrainConfig()
    changed = {k: json.dumps(v, separators=(",", ":")) for k, v in base.diff(cfg).items()}
    return "?" + urlencode(changed) if changed else ""


def config_from_query(params: dict[str, str], base: TrainConfig | None = None) -> TrainConfig:
    """The config a share link describes; ConfigError naming the field for a bad value."""
    from playground.engine.config import parse_set_value

    base = base or TrainConfig()
    changes = {key: parse_set_value(value, key) for key, value in params.items()}
    return base.with_changes(**changes)
