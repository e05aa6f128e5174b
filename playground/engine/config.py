"""TrainConfig: every knob of a run in one frozen, validated, serialisable object.

One config is the whole state of a run (plus its seed), so it is what presets store, what the
CLI's ``--set`` edits, what the UI sends and what a shared link encodes. All validation lives
here (the value readers in ``config_values``) so that every entry point gives the same clear
message for the same bad value.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from playground.engine.config_values import (
    MAX_CUSTOM_POINTS,
    ConfigError,
    as_betas,
    as_bool,
    as_float,
    as_int,
    as_points,
    parse_json,
    parse_set_value,
    shown_value,
)

NOISE_KINDS = ("gaussian", "uniform")
# How G's weights start (2-D data): PyTorch's default, or Xavier/Glorot scaled by the
# activation's gain, which keeps a deep G's output spread at the start (nets.py).
G_INITS = ("pytorch", "xavier")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "sigmoid")
OPTIMIZERS = ("sgd", "adam", "rmsprop")
DEVICES = ("auto", "cpu", "cuda")
ARCHITECTURES = ("mlp", "dcgan", "stacked")  # conv nets (dcgan, two-stage stacked): images only
MODELS = ("gan", "vae")  # vae: G's nets are the decoder, D's the encoder (engine/vae.py)
MAX_PARAMETERS = 20_000_000  # per network
MAX_IMAGE_BATCH = 1024


def _first_unknown(keys: Any) -> Any:
    """The first key that is not a setting, in a stable order; keys may mix types (a
    checkpoint's config dict can hold int and str keys, which ``sorted`` cannot compare)."""
    unknown = set(keys) - set(field_names())
    return min(unknown, key=lambda k: (type(k).__name__, shown_value(k))) if unknown else None


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of one GAN run. Field names are a public interface (CLI, presets, URLs)."""

    dataset: str = "ring8"
    data_std: float | None = None  # None: the dataset's own spread (ring8 0.02, grid25 0.05)
    custom_points: tuple[tuple[float, float], ...] = ()  # dataset "custom": the drawn points
    steps: int = 2000
    seed: int = 0
    batch_size: int = 256
    noise_dim: int = 2
    noise: str = "gaussian"
    g_layers: int = 3
    g_width: int = 128
    g_init: str = "pytorch"  # "xavier": a deep tanh G starts spread out, not at one point
    d_layers: int = 3
    d_width: int = 128
    activation: str = "relu"
    architecture: str = "mlp"  # "dcgan" (images only): width = base channels, layers unused
    conditional: bool = False  # images only: G and D see the class label (a cGAN)
    model: str = "gan"  # "vae": a variational autoencoder on the same data and nets
    beta: float = 1.0  # vae: the KL term's weight (smaller: a sharper, less regular decoder)
    loss: str = "nonsaturating"
    spectral_norm: bool = False
    optimizer_g: str = "adam"
    optimizer_d: str = "adam"
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    betas_g: tuple[float, float] = (0.5, 0.9)
    betas_d: tuple[float, float] = (0.5, 0.9)
    n_critic: int = 1
    g_steps: int = 1  # G updates per iteration (GAN Lab's "k G steps"), after the D updates
    gp_lambda: float = 0.1
    # Lazy penalty (StyleGAN2's lazy regularisation): the penalty, times gp_every, on every
    # gp_every-th critic update only: the penalty's double backward is a large share of a
    # WGAN-GP step (README, Levers round 6: ~25% less CPU at 4).
    gp_every: int = 1
    clip: float = 0.01
    # Levers for sharper, steadier samples (engine/ema.py; README "Levers"). 0 = off.
    g_ema: float = 0.0  # decay of an average of G's weights; samples come from the average
    lr_half_life: int = 0  # steps after which both learning rates have halved
    lr_decay_power: float = 1.0  # shape of that fall: 0.5 ** ((step / lr_half_life) ** power)
    # Fixes from the literature (engine/fixes.py), 2-D data only. 1 / 0 = off.
    pack: int = 1  # PacGAN: D judges this many samples concatenated
    unroll_steps: int = 0  # Unrolled GAN: G's loss looks this many D updates ahead
    device: str = "auto"
    log_every: int = 100
    eval_samples: int = 2000

    def __post_init__(self) -> None:
        _normalise(self)
        validate(self)

    def with_changes(self, **changes: Any) -> TrainConfig:
        """A copy with some fields changed (a live edit); validated like any other config."""
        unknown = _first_unknown(changes)
        if unknown is not None:
            raise ConfigError(unknown, changes[unknown], "unknown setting")
        return dataclasses.replace(self, **changes)

    def diff(self, other: TrainConfig) -> dict[str, Any]:
        """The fields whose value in ``other`` differs from this config's, with ``other``'s
        values in their JSON form (lists, not tuples): the one definition of "what changed",
        used by live edits, share links, the comparison's B and the CLI's compare."""
        ours, theirs = self.to_dict(), other.to_dict()
        return {name: value for name, value in theirs.items() if value != ours[name]}

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["custom_points"] = [list(p) for p in self.custom_points]
        data["betas_g"] = list(self.betas_g)
        data["betas_d"] = list(self.betas_d)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """The config as JSON, stamped with the project version that wrote it (so a shared
        file says what made it); ``from_json`` reads the stamp and ignores it."""
        from playground import __version__

        data = {**self.to_dict(), "version": __version__}
        if indent is None or not self.custom_points:
            return json.dumps(data, indent=indent)
        # Drawn points one line, not one line per number: 2,000 points stay ~57 KB, under
        # the pasted-config cap (indented they would be ~100 KB).
        points = json.dumps(data["custom_points"], separators=(",", ":"))
        text = json.dumps({**data, "custom_points": None}, indent=indent)  # keeps key order
        return text.replace('"custom_points": null', f'"custom_points": {points}', 1)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        if not isinstance(data, dict):
            raise ConfigError("config", data, "a JSON object of settings")
        data = {k: v for k, v in data.items() if k != "version"}  # the writer's stamp
        unknown = _first_unknown(data)
        if unknown is not None:
            raise ConfigError(unknown, data[unknown], "unknown setting")
        try:
            return cls(**data)
        except TypeError as exc:  # pragma: no cover - every field has a default
            raise ConfigError("config", data, str(exc)) from exc

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        return cls.from_dict(parse_json(text, "config"))


# A comparison is like with like: its two runs see the same data drawn with the same seed.
PAIR_SHARED_FIELDS = ("dataset", "seed", "data_std", "custom_points")


def check_comparable(a: TrainConfig, b: TrainConfig, b_name: str = "b") -> None:
    """ConfigError unless B trains on A's data with A's seed (the pair rule: preset files,
    the Compare tab and share links all use this one)."""
    for name, value in a.diff(b).items():
        if name in PAIR_SHARED_FIELDS:
            raise ConfigError(f"{b_name}.{name}", value,
                              f"A's value ({getattr(a, name)!r}): same data, same seed")


def field_names() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(TrainConfig))


# --- validation: one table of rules -------------------------------------------------------

_INT_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType({
    "steps": (1, 10_000_000),
    "seed": (0, 2**31 - 1),
    "batch_size": (1, 65_536),
    "noise_dim": (1, 1024),
    "g_layers": (1, 16),
    "g_width": (1, 4096),
    "d_layers": (1, 16),
    "d_width": (1, 4096),
    "n_critic": (1, 100),
    "g_steps": (1, 100),
    "log_every": (1, 10_000_000),
    "eval_samples": (100, 100_000),
    "lr_half_life": (0, 10_000_000),
    "pack": (1, 16),
    "unroll_steps": (0, 20),
    "gp_every": (1, 16),  # the page's slider spans the same
})

# (low, high, low_inclusive)
_FLOAT_RANGES: Mapping[str, tuple[float, float, bool]] = MappingProxyType({
    "lr_g": (0.0, 10.0, False),
    "lr_d": (0.0, 10.0, False),
    "gp_lambda": (0.0, 1000.0, True),
    "lr_decay_power": (0.0, 8.0, False),
    "clip": (0.0, 100.0, False),
    "beta": (0.0, 1000.0, False),
    "g_ema": (0.0, 0.9999, True),
})

_CHOICES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "noise": NOISE_KINDS,
    "g_init": G_INITS,
    "activation": ACTIVATIONS,
    "optimizer_g": OPTIMIZERS,
    "optimizer_d": OPTIMIZERS,
    "device": DEVICES,
    "architecture": ARCHITECTURES,
    "model": MODELS,
})


def _set(cfg: TrainConfig, name: str, value: Any) -> None:
    object.__setattr__(cfg, name, value)


def _normalise(cfg: TrainConfig) -> None:
    """Coerce JSON/CLI/UI spellings (strings, lists, 1.0 for 1) to the field's type."""
    for name in _INT_RANGES:
        _set(cfg, name, as_int(name, getattr(cfg, name)))
    for name in _FLOAT_RANGES:
        _set(cfg, name, as_float(name, getattr(cfg, name)))
    for name in ("betas_g", "betas_d"):
        _set(cfg, name, as_betas(name, getattr(cfg, name)))
    for name in ("dataset", "loss", *_CHOICES):
        value = getattr(cfg, name)
        if not isinstance(value, str):
            raise ConfigError(name, value, "a name")
        _set(cfg, name, value.strip().lower())
    for name in ("spectral_norm", "conditional"):
        _set(cfg, name, as_bool(name, getattr(cfg, name)))
    if cfg.data_std is not None:
        _set(cfg, "data_std", as_float("data_std", cfg.data_std))
    _set(cfg, "custom_points", as_points(cfg.custom_points))


def validate(cfg: TrainConfig) -> None:
    """Raise ConfigError for the first out-of-range or unknown value."""
    # Imported here, not at the top: the data registry imports torch, and
    # ``import playground.engine.config`` stays torch-free (the web process's share links and
    # the CLI's argument errors need configs long before any tensor).
    from playground.engine.data import DATASET_NAMES, is_image_dataset
    from playground.engine.losses import LOSSES

    for name, (low, high) in _INT_RANGES.items():
        value = getattr(cfg, name)
        if not low <= value <= high:
            raise ConfigError(name, value, f"a whole number from {low:,} to {high:,}")
    for name, (low, high, inclusive) in _FLOAT_RANGES.items():
        value = getattr(cfg, name)
        ok = (low <= value if inclusive else low < value) and value <= high
        if not ok:
            bracket = "[" if inclusive else "("
            raise ConfigError(name, value, f"a number in {bracket}{low:g}, {high:g}]")
    for name, choices in _CHOICES.items():
        if getattr(cfg, name) not in choices:
            raise ConfigError(name, getattr(cfg, name), "one of " + ", ".join(choices))
    if cfg.dataset not in DATASET_NAMES:
        raise ConfigError("dataset", cfg.dataset, "one of " + ", ".join(DATASET_NAMES))
    if not is_image_dataset(cfg.dataset):
        if cfg.architecture != "mlp":
            raise ConfigError("architecture", cfg.architecture,
                              "mlp for 2-D data (dcgan and stacked are for image datasets such "
                              "as mnist)")
        if cfg.conditional:
            raise ConfigError("conditional", cfg.conditional,
                              "false for 2-D data (a conditional GAN needs labelled images)")
    if cfg.architecture == "stacked" and (cfg.model != "gan" or cfg.noise_dim < 2):
        raise ConfigError("architecture", cfg.architecture,
                          "stacked only for a GAN with noise_dim >= 2 (each stage takes half)")
    if cfg.model == "vae" and cfg.conditional:
        raise ConfigError("conditional", cfg.conditional,
                          "false for a VAE (the conditional model here is the cGAN)")
    if cfg.dataset == "stacked_mnist":
        _check_stacked_mnist(cfg)
    if is_image_dataset(cfg.dataset):
        if cfg.pack != 1:
            raise ConfigError("pack", cfg.pack, "1 for image datasets (PacGAN is 2-D only here)")
        if cfg.unroll_steps:
            raise ConfigError("unroll_steps", cfg.unroll_steps,
                              "0 for image datasets (the unrolled GAN is 2-D only here)")
        if cfg.g_init != "pytorch":
            raise ConfigError("g_init", cfg.g_init,
                              "pytorch for image datasets (their nets keep their own "
                              "initialisation; xavier is for the 2-D MLP)")
    if cfg.loss not in LOSSES:
        raise ConfigError("loss", cfg.loss, "one of " + ", ".join(LOSSES))
    if cfg.data_std is not None and not 0.001 <= cfg.data_std <= 5.0:
        raise ConfigError("data_std", cfg.data_std, "a number in [0.001, 5], or null")
    if cfg.dataset == "custom" and not cfg.custom_points:
        raise ConfigError("custom_points", [], "at least one point for the 'custom' dataset")
    width_batch = max(cfg.g_width, cfg.d_width) * cfg.batch_size * max(cfg.n_critic, 1)
    if width_batch > 64 * 1024 * 1024:
        raise ConfigError(
            "batch_size", cfg.batch_size, "smaller: width x batch x n_critic must stay under 67M"
        )
    for net in ("g", "d"):
        params = _parameter_estimate(cfg, net)
        if params > MAX_PARAMETERS:
            raise ConfigError(f"{net}_width", getattr(cfg, f"{net}_width"),
                              f"smaller: this {net.upper()} would have ~{params / 1e6:.0f}M "
                              f"parameters, the cap is {MAX_PARAMETERS // 1_000_000}M "
                              "(fewer layers or neurons)")
    if is_image_dataset(cfg.dataset) and cfg.batch_size > MAX_IMAGE_BATCH:
        raise ConfigError("batch_size", cfg.batch_size,
                          f"at most {MAX_IMAGE_BATCH} for image datasets")


def _check_stacked_mnist(cfg: TrainConfig) -> None:
    """Stacked MNIST trains an unconditional GAN (MLP or DCGAN) only: its 1,000 modes are what
    G must find by itself, and the two-stage GAN and the VAE are built for one channel."""
    if cfg.conditional:
        raise ConfigError("conditional", cfg.conditional,
                          "false for stacked_mnist (its benchmark counts the modes an "
                          "unconditional GAN finds by itself)")
    if cfg.architecture == "stacked":
        raise ConfigError("architecture", cfg.architecture,
                          "mlp or dcgan for stacked_mnist (the two-stage stacked GAN draws "
                          "one-channel digits)")
    if cfg.model != "gan":
        raise ConfigError("model", cfg.model, "gan for stacked_mnist (the VAE draws "
                          "one-channel digits)")


def _parameter_estimate(cfg: TrainConfig, net: str) -> int:
    """Roughly how many weights G (net="g") or D has: the cap keeps one session from taking
    the machine's memory (a shared Space has a few GB for everyone)."""
    from playground.engine.data import is_image_dataset

    layers, width = getattr(cfg, f"{net}_layers"), getattr(cfg, f"{net}_width")
    data_dim = (784 * (3 if cfg.dataset == "stacked_mnist" else 1)
                if is_image_dataset(cfg.dataset) else 2)
    if cfg.architecture in ("dcgan", "stacked"):  # 7x7 → 14x14 → 28x28, 2w and w channels
        if net == "g":
            return cfg.noise_dim * 2 * width * 49 + 2 * width * width * 16 + width * 16
        return 16 * width + 32 * width * width + 98 * width
    inputs = cfg.noise_dim if net == "g" else data_dim
    outputs = data_dim if net == "g" else 1
    return inputs * width + (layers - 1) * width * width + width * outputs


def apply_overrides(cfg: TrainConfig, pairs: list[str]) -> TrainConfig:
    """Apply ``key=value`` strings to a config; a malformed pair raises ConfigError."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError("--set", pair, "key=value, e.g. --set lr_g=0.001")
        changes[key.strip()] = parse_set_value(value.strip(), key.strip())
    return cfg.with_changes(**changes)


__all__ = [
    "MAX_CUSTOM_POINTS",
    "parse_json",
    "parse_set_value",
    "shown_value",
    "ACTIVATIONS",
    "ARCHITECTURES",
    "MODELS",
    "ConfigError",
    "PAIR_SHARED_FIELDS",
    "DEVICES",
    "G_INITS",
    "NOISE_KINDS",
    "OPTIMIZERS",
    "TrainConfig",
    "apply_overrides",
    "check_comparable",
    "field_names",
]
