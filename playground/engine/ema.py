"""Training levers that act around the optimiser step: an average of G's weights and a
learning-rate half-life. Both are off by default (0) and cost nothing then.

Why an average of G: a GAN's generator never converges to a point; with a constant learning
rate it circles the equilibrium, so the samples of the *current* G jitter around each mode and
some are always in transit between modes. The exponential moving average of G's weights
(Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training") sits near the
centre of that circle: its samples are sharper. Training is unchanged; only what is *shown and
measured* (``Trainer.generate``) comes from the average.

Why a half-life: the same jitter shrinks when the step size does; halving both learning rates
every ``lr_half_life`` steps is a schedule that needs no planned run length (a playground run
can go on for as long as the user presses Play). Its shape (``lr_decay_power``, round 18): at
power 2 the rates stay near full while the modes are being found and fall ever faster once they
are, which kept every grid mode on all 62 seeds measured (README, Levers: Round 18).
"""

from __future__ import annotations

import copy

import torch


class WeightAverage:
    """An exponential moving average of a module's parameters (buffers are copied as-is).

    The decay is warmed up, ``min(decay, (1 + t) / (10 + t))`` at update ``t``, so that the
    average follows G closely in the first steps instead of remembering the random start for
    ~1/(1 - decay) steps (a live run shows the average from step 0).
    """

    def __init__(self, module: torch.nn.Module, decay: float) -> None:
        self.decay = decay
        self.module = copy.deepcopy(module)
        self.module.requires_grad_(False)
        self.updates = 0
        self._average = list(self.module.parameters())
        self._average_buffers = list(self.module.buffers())

    @torch.no_grad()
    def update(self, module: torch.nn.Module) -> None:
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        torch._foreach_lerp_(self._average, list(module.parameters()), 1.0 - decay)
        for mine, theirs in zip(self._average_buffers, module.buffers(), strict=True):
            mine.copy_(theirs)
        self.updates += 1

    def state_dict(self) -> dict:
        return {"module": self.module.state_dict(), "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        self.module.load_state_dict(state["module"])
        self.updates = int(state["updates"])


def make_average(module: torch.nn.Module, decay: float) -> WeightAverage | None:
    """An average of ``module`` with ``decay`` (0: none)."""
    return WeightAverage(module, decay) if decay > 0 else None


def lr_scale(steps_done: int, half_life: int, power: float = 1.0) -> float:
    """The factor on both learning rates after ``steps_done`` steps (1 when off):
    ``0.5 ** ((steps_done / half_life) ** power)``. Power 1 halves them every ``half_life``
    steps; a power above 1 keeps them near full early, still halves them at ``half_life``, then
    lowers them ever faster (a schedule that needs no planned run length either)."""
    return 0.5 ** ((steps_done / half_life) ** power) if half_life > 0 else 1.0


def scale_learning_rates(optimizers: list[torch.optim.Optimizer], base: list[float],
                         factor: float) -> None:
    for optimizer, lr in zip(optimizers, base, strict=True):
        for group in optimizer.param_groups:
            group["lr"] = lr * factor
