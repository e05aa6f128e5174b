"""GAN losses as small function pairs in a registry keyed by name.

Each loss maps raw discriminator outputs (logits, or critic scores for WGANs) to a scalar for D
and one for G. Penalties that need the networks (the gradient penalty) and constraints applied
after the optimiser step (weight clipping) are flags on the entry, carried out by the Trainer, so
adding a loss is one function pair and one table entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import torch
import torch.nn.functional as F

Tensor = torch.Tensor


@dataclass(frozen=True)
class Loss:
    name: str
    d_loss: Callable[[Tensor, Tensor], Tensor]  # (D(real), D(fake)) -> scalar
    g_loss: Callable[[Tensor], Tensor]  # D(G(z)) -> scalar
    description: str
    gradient_penalty: bool = False  # add gp_lambda * GP(D, real, fake) to the D loss
    weight_clip: bool = False  # clamp D's weights to [-clip, clip] after each D step
    critic: bool = False  # D outputs an unbounded score (no sigmoid); D(x) ≈ Wasserstein estimate


def _minimax_d(real: Tensor, fake: Tensor) -> Tensor:
    # -[log D(x) + log(1 - D(G(z)))], with D = sigmoid(logit), written stably.
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def _minimax_g(fake: Tensor) -> Tensor:
    # Minimise log(1 - D(G(z))) = -softplus(logit): saturates when D confidently rejects fakes.
    return -F.softplus(fake).mean()


def _nonsaturating_g(fake: Tensor) -> Tensor:
    # Maximise log D(G(z)) instead: strong gradients exactly when G is losing.
    return F.softplus(-fake).mean()


def _wasserstein_d(real: Tensor, fake: Tensor) -> Tensor:
    return fake.mean() - real.mean()


def _wasserstein_g(fake: Tensor) -> Tensor:
    return -fake.mean()


def _hinge_d(real: Tensor, fake: Tensor) -> Tensor:
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def _least_squares_d(real: Tensor, fake: Tensor) -> Tensor:
    return 0.5 * ((real - 1.0) ** 2).mean() + 0.5 * (fake**2).mean()


def _least_squares_g(fake: Tensor) -> Tensor:
    return 0.5 * ((fake - 1.0) ** 2).mean()


LOSSES: Mapping[str, Loss] = MappingProxyType({
    "minimax": Loss(
        "minimax",
        _minimax_d,
        _minimax_g,
        "Goodfellow's original min-max: G's gradient vanishes when D wins (saturating).",
    ),
    "nonsaturating": Loss(
        "nonsaturating",
        _minimax_d,
        _nonsaturating_g,
        "The practical GAN loss: G maximises log D(G(z)), so it still learns when D is winning.",
    ),
    "wgan": Loss(
        "wgan",
        _wasserstein_d,
        _wasserstein_g,
        "Wasserstein GAN: a critic kept Lipschitz by clipping its weights "
        "(crude: it limits the critic's capacity).",
        weight_clip=True,
        critic=True,
    ),
    "wgan-gp": Loss(
        "wgan-gp",
        _wasserstein_d,
        _wasserstein_g,
        "WGAN-GP: the critic's gradient norm is pushed to 1 on real/fake interpolates.",
        gradient_penalty=True,
        critic=True,
    ),
    "hinge": Loss(
        "hinge",
        _hinge_d,
        _wasserstein_g,
        "Hinge loss (SAGAN, BigGAN): D only cares about points inside a margin; "
        "pairs well with spectral norm.",
        critic=True,
    ),
    "lsgan": Loss(
        "lsgan",
        _least_squares_d,
        _least_squares_g,
        "Least squares GAN: D regresses real to 1 and fake to 0; gradients do not saturate.",
    ),
})


def gradient_penalty(
    critic: Callable[[Tensor], Tensor],
    real: Tensor,
    fake: Tensor,
    generator: torch.Generator | None = None,
) -> Tensor:
    """WGAN-GP's penalty: mean (‖∇D(x̂)‖ - 1)² over random interpolates x̂ of real and fake."""
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=generator, device=real.device, dtype=real.dtype)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    scores = critic(mixed)
    (grad,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    norms = grad.flatten(1).norm(dim=1)
    return ((norms - 1.0) ** 2).mean()
