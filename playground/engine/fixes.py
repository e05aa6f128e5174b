"""Two published fixes for mode collapse that change what D sees or what G optimises against.

PacGAN (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
networks"): D judges ``pack`` samples concatenated into one input, all real or all fake. A
collapsed G's packs hold near-identical points, which real packs almost never do, so D can
penalise the lack of variety that it cannot see one sample at a time. D's input grows from 2
to 2 x ``pack`` numbers; for plots and arrows D looks at one point repeated ``pack`` times.

Unrolled GAN (Metz et al. 2017, "Unrolled Generative Adversarial Networks"): G's loss is taken
against D as it will be ``unroll_steps`` D updates from now, and G's gradient flows through
those updates. A G that piles onto one mode sees D's answer to that move before making it.
The unrolled D is a functional copy (``torch.func.functional_call``): D itself is not changed.
Each unrolled update is an Adam step with D's current moment estimates (the second moment is
held fixed, as a constant, so the update stays differentiable in the new gradient).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.func import functional_call

Tensor = torch.Tensor


class Packed(nn.Module):
    """D over packs of ``pack`` 2-D points. ``forward`` scores single points (each repeated
    ``pack`` times: what the surface and the arrows show); ``packed`` scores real packs."""

    def __init__(self, inner: nn.Module, pack: int, point_dim: int = 2) -> None:
        super().__init__()
        self.inner = inner
        self.pack = pack
        self.in_features = pack * point_dim

    def forward(self, x: Tensor) -> Tensor:
        return self.inner(x.repeat(1, self.pack))

    def packed(self, x: Tensor) -> Tensor:
        """Scores of packs: ``x`` is (packs, pack x 2) or (packs x pack, 2) points."""
        return self.inner(x.reshape(-1, self.in_features))


def unrolled_scores(
    discriminator: nn.Module,
    optimizer: torch.optim.Optimizer,
    d_loss: Callable[[Tensor, Tensor], Tensor],
    score: Callable[[nn.Module, dict[str, Tensor], Tensor], Tensor],
    batches: list[tuple[Tensor, Tensor]],
    fake: Tensor,
) -> Tensor:
    """D's scores of ``fake`` after one look-ahead update per (real, fake) batch in ``batches``.

    ``score(module, params, x)`` evaluates D with the given parameters. The look-ahead fakes
    carry G's graph, so G's gradient sees how D would react to its samples.
    """
    names = [name for name, _ in discriminator.named_parameters()]
    params = dict(discriminator.named_parameters())
    group = optimizer.param_groups[0]
    lr, (beta1, beta2), eps = group["lr"], group.get("betas", (0.0, 0.0)), group.get("eps", 1e-8)
    state = [optimizer.state.get(p, {}) for p in params.values()]
    for count, (real, look_fake) in enumerate(batches, start=1):
        value = d_loss(score(discriminator, params, real), score(discriminator, params, look_fake))
        grads = torch.autograd.grad(value, list(params.values()), create_graph=True)
        updated = {}
        for name, grad, slot in zip(names, grads, state, strict=True):
            step = float(slot.get("step", 0)) + count
            avg = slot.get("exp_avg", torch.zeros_like(grad)) * beta1 + (1 - beta1) * grad
            avg_sq = (slot.get("exp_avg_sq", torch.zeros_like(grad)) * beta2
                      + (1 - beta2) * grad.detach() ** 2)
            denom = (avg_sq / (1 - beta2**step)).sqrt() + eps
            updated[name] = params[name] - lr * (avg / (1 - beta1**step)) / denom
        params = updated
    return score(discriminator, params, fake)


def functional_score(module: nn.Module, params: dict[str, Tensor], x: Tensor) -> Tensor:
    """D's raw scores of ``x`` with ``params`` in place of its own (packs when D is Packed)."""
    if isinstance(module, Packed):
        inner = {k.removeprefix("inner."): v for k, v in params.items()}
        return functional_call(module.inner, inner, (x.reshape(-1, module.in_features),))
    return functional_call(module, params, (x,))
