"""Generator and discriminator networks, built from a TrainConfig.

The 2-D playground uses small MLPs (GAN Lab's shape: a few hidden layers of a few to a few
hundred units). Image datasets get an MLP or a DCGAN (see ``image_models``), optionally
conditional. Spectral normalisation is a discriminator option that combines with any loss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from playground.engine.config import TrainConfig
from playground.engine.data import is_image_dataset

ACTIVATION_LAYERS: Mapping[str, Callable[[], nn.Module]] = MappingProxyType({
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "sigmoid": nn.Sigmoid,
})


def mlp(
    in_dim: int,
    out_dim: int,
    layers: int,
    width: int,
    activation: str,
    spectral: bool = False,
) -> nn.Sequential:
    """``layers`` hidden layers of ``width`` units, then a linear output layer."""
    wrap = spectral_norm if spectral else (lambda module: module)
    modules: list[nn.Module] = []
    dim = in_dim
    for _ in range(layers):
        modules += [wrap(nn.Linear(dim, width)), ACTIVATION_LAYERS[activation]()]
        dim = width
    modules.append(wrap(nn.Linear(dim, out_dim)))
    return nn.Sequential(*modules)


def build_generator(cfg: TrainConfig) -> nn.Module:
    """G maps noise (and, for a cGAN, labels) to a 2-D point or an image."""
    if is_image_dataset(cfg.dataset):
        from playground.engine.image_nets import build_image_generator

        return build_image_generator(cfg)
    return mlp(cfg.noise_dim, 2, cfg.g_layers, cfg.g_width, cfg.activation)


def build_discriminator(cfg: TrainConfig) -> nn.Module:
    """D outputs one raw score per sample: a logit, or a critic value for WGAN-type losses."""
    if is_image_dataset(cfg.dataset):
        from playground.engine.image_nets import build_image_discriminator

        return build_image_discriminator(cfg)
    inner = mlp(2 * cfg.pack, 1, cfg.d_layers, cfg.d_width, cfg.activation, cfg.spectral_norm)
    if cfg.pack == 1:
        return inner
    from playground.engine.fixes import Packed

    return Packed(inner, cfg.pack)


def adam(params, lr: float, betas: tuple[float, float]) -> torch.optim.Optimizer:
    """Adam, fused where torch has a fused kernel for the parameters' device (CPU and CUDA).

    On the playground's small nets the optimiser's per-tensor Python loop is a large share of a
    step: fused Adam makes a 2-D step 13-26% faster on CPU (bench/step_trials.py). Its numbers
    differ from the for-loop Adam's only by float rounding (< 1e-6 after 100 steps)."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, ValueError):  # a device or dtype without the fused kernel
        return torch.optim.Adam(params, lr=lr, betas=betas)


OPTIMIZERS: Mapping[str, Callable[..., torch.optim.Optimizer]] = MappingProxyType({
    "sgd": lambda params, lr, betas: torch.optim.SGD(params, lr=lr),
    "adam": adam,
    "rmsprop": lambda params, lr, betas: torch.optim.RMSprop(params, lr=lr),
})


def build_optimizer(
    name: str, params, lr: float, betas: tuple[float, float]
) -> torch.optim.Optimizer:
    return OPTIMIZERS[name](params, lr, betas)
