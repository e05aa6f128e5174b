"""Networks for 28x28 images (1 channel for MNIST, 3 for Stacked MNIST): an MLP GAN and a
DCGAN, each optionally conditional.

- DCGAN (Radford et al.): G is a linear layer to 7x7, then two stride-2 transposed convolutions
  to 14x14 and 28x28, with batch norm and ReLU in G; D is two stride-2 convolutions with leaky
  ReLU and *no* batch norm, so it is also a valid WGAN-GP critic (the gradient penalty is per
  sample; batch norm would couple the samples, as the WGAN-GP paper warns). ``width`` is the
  base channel count; the layer count is fixed by the image size.
- MLP: ``layers`` hidden layers of ``width`` units with the config's activation, tanh output.
- Conditional (a cGAN): G sees a one-hot label concatenated to the noise; D is a *projection*
  discriminator (Miyato & Koyama): score = linear(h) + <embed(y), h> on its features h, which
  checks that image and label agree far better than concatenating the label would.
Every net takes ``(x, labels=None)``; labels are ignored unless the config is conditional.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from playground.engine.config import TrainConfig
from playground.engine.data import image_channels
from playground.engine.data.images import IMAGE_SHAPE, NUM_CLASSES
from playground.engine.nets import ACTIVATION_LAYERS

PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2]  # per channel


def _hidden_stack(in_dim: int, layers: int, width: int, activation: str, wrap) -> nn.Sequential:
    modules: list[nn.Module] = []
    dim = in_dim
    for _ in range(layers):
        modules += [wrap(nn.Linear(dim, width)), ACTIVATION_LAYERS[activation]()]
        dim = width
    return nn.Sequential(*modules)


class ImageGenerator(nn.Module):
    """noise (n, noise_dim) [+ labels (n,)] → images (n, channels, 28, 28) in [-1, 1]."""

    def __init__(self, body: nn.Module, conditional: bool, channels: int = 1) -> None:
        super().__init__()
        self.body = body
        self.conditional = conditional
        self.channels = channels

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.conditional:
            if labels is None:  # a cGAN asked for "any digit": spread evenly over the classes
                labels = torch.arange(len(z), device=z.device) % NUM_CLASSES
            z = torch.cat([z, F.one_hot(labels, NUM_CLASSES).to(z.dtype)], dim=1)
        return self.body(z).reshape(-1, self.channels, *IMAGE_SHAPE[1:])


class ImageDiscriminator(nn.Module):
    """images (n, channels, 28, 28) [+ labels] → one raw score each, (n, 1)."""

    def __init__(self, features: nn.Module, feature_dim: int, conditional: bool, wrap) -> None:
        super().__init__()
        self.features = features
        self.head = wrap(nn.Linear(feature_dim, 1))
        self.embed = None
        if conditional:
            # Start the projection at zero: N(0, 1) rows (the default) dotted with thousands of
            # features would swamp the unconditional score before D has learned anything. (Not
            # spectrally normalised: a zero matrix has no direction for power iteration.)
            self.embed = nn.Embedding(NUM_CLASSES, feature_dim)
            nn.init.zeros_(self.embed.weight)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        h = self.features(x)
        score = self.head(h)
        if self.embed is not None and labels is not None:
            score = score + (self.embed(labels) * h).sum(dim=1, keepdim=True)
        return score


def _dcgan_generator(in_dim: int, width: int, channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(in_dim, 2 * width * 7 * 7),
        nn.Unflatten(1, (2 * width, 7, 7)),
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.ConvTranspose2d(width, channels, 4, 2, 1),
        nn.Tanh(),
    )


def _dcgan_features(width: int, wrap, batch_norm: bool, channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        wrap(nn.Conv2d(channels, width, 4, 2, 1)),
        nn.LeakyReLU(0.2),
        wrap(nn.Conv2d(width, 2 * width, 4, 2, 1)),
        nn.BatchNorm2d(2 * width) if batch_norm else nn.Identity(),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
    )


def critic_batch_norm(cfg: TrainConfig) -> bool:
    """Batch norm in the DCGAN discriminator, as in the DCGAN paper, except where it breaks
    the method: WGAN-GP's penalty is per sample (the paper drops it from the critic) and
    spectral norm bounds the layers on its own (SN-GAN uses none)."""
    from playground.engine.losses import LOSSES

    return not (LOSSES[cfg.loss].gradient_penalty or cfg.spectral_norm)


def build_image_generator(cfg: TrainConfig) -> ImageGenerator:
    in_dim = cfg.noise_dim + (NUM_CLASSES if cfg.conditional else 0)
    channels = image_channels(cfg.dataset)
    if cfg.architecture == "dcgan":
        body = _dcgan_generator(in_dim, cfg.g_width, channels)
    else:
        body = _hidden_stack(in_dim, cfg.g_layers, cfg.g_width, cfg.activation, lambda m: m)
        body.append(nn.Linear(cfg.g_width if cfg.g_layers else in_dim, channels * PIXELS))
        body.append(nn.Tanh())
    return ImageGenerator(body, cfg.conditional, channels)


def build_image_discriminator(cfg: TrainConfig) -> ImageDiscriminator:
    wrap = spectral_norm if cfg.spectral_norm else (lambda module: module)
    channels = image_channels(cfg.dataset)
    if cfg.architecture == "dcgan":
        features = _dcgan_features(cfg.d_width, wrap, critic_batch_norm(cfg), channels)
        feature_dim = 2 * cfg.d_width * 7 * 7
    else:
        features = nn.Sequential(
            nn.Flatten(),
            *_hidden_stack(channels * PIXELS, cfg.d_layers, cfg.d_width, cfg.activation, wrap)
        )
        feature_dim = cfg.d_width
    return ImageDiscriminator(features, feature_dim, cfg.conditional, wrap)
