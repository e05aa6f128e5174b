"""What a config costs before it is built: CPU seconds per step, memory, and build time.

The parameter and width x batch caps bound a config's *size*, not its *cost*: a valid config
(width 4096, batch 16,384) took ~138 s a step and 2.2 GB, and froze every other session on its
worker (issue 17, finding 1). A worker steps its sessions round-robin, so one slow step stalls
them all; the web app therefore refuses a config whose estimated step is over a budget
(``PLAYGROUND_MAX_STEP_S``, default 0.5 s) or whose memory is over ``PLAYGROUND_MAX_RUN_MB``
(default 1,500 MB), and says what to lower. The CLI only warns: a local user owns the machine.

The estimate counts multiply-adds per sample for G and D (MLP layers, or the DCGAN's
convolutions times their output positions), times the batch and the passes a step makes, and
turns them into seconds with two constants measured on this machine by
``bench/cost_calibration.py`` (which prints the table they come from).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from playground.engine.config import TrainConfig

# From `python bench/cost_calibration.py` on the 2-core dev machine (torch 2.13 CPU, 1 thread):
# seconds per step = STEP_OVERHEAD_S + step_macs / MACS_PER_S (see that script's table).
STEP_OVERHEAD_S = 0.0043
MACS_PER_S = 5.33e10
BYTES = 4  # float32
DEFAULT_MAX_STEP_S = 0.5
DEFAULT_MAX_RUN_MB = 1500.0


@dataclass(frozen=True)
class Cost:
    step_s: float  # CPU seconds for one training step (n_critic D updates and one G update)
    memory_mb: float  # weights, gradients, optimiser state, a step's activations, eval batches
    eval_s: float  # building the run's fixed evaluation batch and judging it once

    @property
    def weight(self) -> float:
        """How much of a worker this run takes while playing (1.0 = a default 2-D run)."""
        return max(self.step_s / REFERENCE_STEP_S, 1.0)


def _mlp(inputs: int, layers: int, width: int, outputs: int) -> tuple[int, int]:
    """(multiply-adds, activations) per sample of an MLP with ``layers`` hidden layers."""
    macs = inputs * width + (layers - 1) * width * width + width * outputs
    return macs, layers * width + outputs


def _dcgan(config: TrainConfig, net: str) -> tuple[int, int]:
    """A DCGAN's multiply-adds per sample: each conv's weights times its output positions."""
    w = config.g_width if net == "g" else config.d_width
    labels = 10 if config.conditional else 0
    from playground.engine.data import image_channels

    c = image_channels(config.dataset)  # 3 for Stacked MNIST
    if net == "g":  # z → 2w x 7 x 7 → w x 14 x 14 → c x 28 x 28
        macs = (config.noise_dim + labels) * 2 * w * 49 + 2 * w * w * 16 * 196 + w * 16 * 784 * c
        return macs, 2 * w * 49 + w * 196 + 784 * c
    # c x 28 x 28 → w x 14 x 14 → 2w x 7 x 7 → 1
    macs = (c + labels) * w * 16 * 196 + w * 2 * w * 16 * 49 + 2 * w * 49
    return macs, w * 196 + 2 * w * 49 + 1


def per_sample(config: TrainConfig) -> tuple[int, int, int, int]:
    """(G's and D's multiply-adds, G's and D's activations) per sample."""
    if config.architecture == "dcgan":
        (mg, ag), (md, ad) = _dcgan(config, "g"), _dcgan(config, "d")
        return mg, md, ag, ad
    if config.architecture == "stacked":  # a DCGAN-sized stage 1 and judge, plus stage 2's
        (mg, ag), (md, ad) = _dcgan(config, "g"), _dcgan(config, "d")  # three 3x3 convs at
        w = max(8, config.g_width // 2)  # 28x28 and the coarse judge (a quarter of the fine)
        stage2 = (2 * w + w * w + w) * 9 * 784
        return mg + stage2, md + md // 4, ag + 2 * w * 784, ad + ad // 4
    from playground.engine.data import image_channels, is_image_dataset

    data = 784 * image_channels(config.dataset) if is_image_dataset(config.dataset) else 2
    labels = 10 if config.conditional else 0
    mg, ag = _mlp(config.noise_dim + labels, config.g_layers, config.g_width, data)
    md, ad = _mlp(data + labels, config.d_layers, config.d_width, 1)
    return mg, md, ag, ad


def step_macs(config: TrainConfig) -> float:
    """Multiply-adds of one step: each D update runs G forward and D forward and backward on
    real and fake batches (a gradient penalty runs D's forward and backward again on a third);
    the G update runs G and D forward and backward. Backward costs about twice forward."""
    mg, md, _, _ = per_sample(config)
    d_passes = 3 if config.loss == "wgan-gp" else 2
    d_update = mg + 3 * md * d_passes
    g_update = 3 * mg + 3 * md
    return config.batch_size * (config.n_critic * d_update + config.g_steps * g_update)


def estimate(config: TrainConfig) -> Cost:
    mg, md, ag, ad = per_sample(config)
    step_s = STEP_OVERHEAD_S + step_macs(config) / MACS_PER_S
    params = _params(config)
    activations = config.batch_size * (ag + ad) * 3 * (config.n_critic + 1)
    eval_values = config.eval_samples * (ag + 2 * ad)  # G and D forward over the eval batch
    memory_mb = (4 * params + 3 * activations + eval_values) * BYTES / 2**20
    eval_s = config.eval_samples * (mg + 2 * md) / MACS_PER_S
    return Cost(step_s, memory_mb, eval_s)


def _params(config: TrainConfig) -> int:
    from playground.engine.config import _parameter_estimate

    return _parameter_estimate(config, "g") + _parameter_estimate(config, "d")


REFERENCE_STEP_S = STEP_OVERHEAD_S + step_macs(TrainConfig()) / MACS_PER_S


@dataclass(frozen=True)
class Budget:
    step_s: float = DEFAULT_MAX_STEP_S
    memory_mb: float = DEFAULT_MAX_RUN_MB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Budget:
        env = os.environ if env is None else env
        return cls(float(env.get("PLAYGROUND_MAX_STEP_S") or DEFAULT_MAX_STEP_S),
                   float(env.get("PLAYGROUND_MAX_RUN_MB") or DEFAULT_MAX_RUN_MB))


def over_budget(config: TrainConfig, budget: Budget | None = None) -> str | None:
    """Why ``config`` costs too much to run here (naming what to lower), or None."""
    budget = budget or Budget.from_env()
    cost = estimate(config)
    lower = "batch_size or the widths (g_width, d_width)" + (
        ", n_critic" if config.n_critic > 1 else "")
    if cost.step_s > budget.step_s:
        return (f"one step would take ~{cost.step_s:.2g} s here (the limit is "
                f"{budget.step_s:g} s, so every session keeps moving): lower {lower}")
    if cost.eval_s > 10 * budget.step_s:
        return (f"judging its {config.eval_samples:,} evaluation samples would take "
                f"~{cost.eval_s:.2g} s here: lower eval_samples")
    if cost.memory_mb > budget.memory_mb:
        return (f"it would need ~{cost.memory_mb:,.0f} MB here (the limit is "
                f"{budget.memory_mb:,.0f} MB): lower {lower} or eval_samples")
    return None
