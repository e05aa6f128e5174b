"""Generator and discriminator networks, built from a TrainConfig.

The 2-D playground uses small MLPs (GAN Lab's shape: a few hidden layers of a few to a few
hundred units). Image datasets get an MLP or a DCGAN (see ``image_models``), optionally
conditional. Spectral normalisation is a discriminator option that combines with any loss.
"""

from __future__ import annotations

import math
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
    net = mlp(cfg.noise_dim, 2, cfg.g_layers, cfg.g_width, cfg.activation)
    if cfg.g_init == "xavier":
        xavier_init(net, cfg.activation)
    return net


# The factor that keeps a small signal's variance through one activation: torch's
# calculate_gain for ReLU, leaky ReLU and tanh; ELU passes about half its input, as ReLU does;
# GELU and sigmoid have slope 1/2 and 1/4 at 0. (A deep sigmoid G still starts near one point:
# its outputs are not centred on 0, which no gain undoes.)
ACTIVATION_GAINS: Mapping[str, float] = MappingProxyType({
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1 + 0.2**2)),
    "tanh": 5.0 / 3.0,
    "elu": math.sqrt(2.0),
    "gelu": 2.0,
    "sigmoid": 4.0,
})


def xavier_init(net: nn.Sequential, activation: str) -> None:
    """Xavier/Glorot-uniform weights scaled by the activation's gain (the output layer's by 1),
    zero biases.

    Why: PyTorch's default Linear init (uniform ±1/√fan_in) shrinks a tanh net's signal by
    about 3x per layer, so an 8-layer 64-wide G's first samples have a spread of ~0.003 and
    a seed-dependent share of the run goes to escaping that point: on the 25-mode grid, seed
    31 had no mode at step 2000 and missed one at step 5000. With the gain the first samples
    spread ~0.2-0.7, and 20 of 20 grid seeds had all 25 modes by step 3000 (README, "Levers",
    round 12)."""
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for layer in linears:
        gain = 1.0 if layer is linears[-1] else ACTIVATION_GAINS[activation]
        nn.init.xavier_uniform_(layer.weight, gain=gain)
        nn.init.zeros_(layer.bias)


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
