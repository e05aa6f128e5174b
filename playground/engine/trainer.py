"""Trainer: one GAN run, stepped by the caller. No threads, no UI, no I/O.

It owns the networks, the optimisers and every random number generator, so the same config
gives the same run. ``step()`` does ``n_critic`` discriminator updates and ``g_steps`` generator
updates and reports what happened; a NaN or infinite loss stops the run (``diverged``) instead of
raising, because a playground user *will* set the learning rate to 5.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from playground.engine.changes import OPTIMIZER_FIELDS, ApplyResult, plan_change
from playground.engine.config import TrainConfig
from playground.engine.data import make_sampler
from playground.engine.ema import lr_scale, make_average, scale_learning_rates
from playground.engine.fixes import functional_score, unrolled_scores
from playground.engine.judges import Judge
from playground.engine.kinds import DataKind, kind_of
from playground.engine.losses import LOSSES, Loss, gradient_penalty
from playground.engine.metrics import decision_surface
from playground.engine.nets import build_discriminator, build_generator, build_optimizer


@dataclass(frozen=True)
class StepStats:
    """What one ``step()`` did. Losses are the last D update's and the G update's."""

    step: int
    d_loss: float
    g_loss: float
    d_grad_norm: float
    g_grad_norm: float
    wasserstein: float | None  # critic losses: mean D(real) - mean D(fake), else None
    wall_s: float  # seconds this step took
    diverged: bool


def resolve_device(name: str) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        # Asked for a GPU that is not here: run anyway, on the CPU (the UI says which it uses).
        return torch.device("cpu")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


class Trainer:
    """A GAN on a 2-D dataset or on images (MNIST), built from a TrainConfig."""

    model = "gan"  # the TrainConfig.model this class trains (engine/models.py picks the class)

    def __init__(self, config: TrainConfig) -> None:
        from playground.engine.models import trainer_class

        if trainer_class(config) is not type(self):  # e.g. a VAE config in a GAN Trainer
            raise ValueError(f"model={config.model!r}, architecture={config.architecture!r} "
                             "is trained by another class: use "
                             "playground.engine.models.make_trainer(config)")
        self.config = config
        self._build()

    # --- construction -------------------------------------------------------------------

    def _build(self) -> None:
        cfg = self.config
        self.device = resolve_device(cfg.device)
        self.kind: DataKind = kind_of(cfg.dataset)
        self.sampler = make_sampler(cfg.dataset, cfg.data_std, cfg.custom_points)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(cfg.seed)
            self.generator = self.generator_net(cfg).to(self.device)
            self.discriminator = self.discriminator_net(cfg).to(self.device)
        # Listed once: Module.parameters() walks the module tree every call, which cost ~0.1 ms
        # a step on the 2-D nets (a twentieth of a step) when the norms asked for it each time.
        self._g_params = list(self.generator.parameters())
        self._d_params = list(self.discriminator.parameters())
        self._build_optimizers()
        self.g_average = make_average(self.generator, cfg.g_ema)
        self.data_rng = torch.Generator(device=self.device).manual_seed(cfg.seed)
        self.noise_rng = torch.Generator(device=self.device).manual_seed(cfg.seed + 1)
        self._make_eval_batch()
        self.steps_done = 0
        self.diverged = False
        self.last_stats: StepStats | None = None

    @classmethod
    def generator_net(cls, config: TrainConfig) -> torch.nn.Module:
        """The net in G's slot (a stacked GAN's two stages, a VAE's decoder)."""
        return build_generator(config)

    @classmethod
    def discriminator_net(cls, config: TrainConfig) -> torch.nn.Module:
        """The net in D's slot (a stacked GAN's two judges, a VAE's encoder)."""
        return build_discriminator(config)

    def extra_losses(self) -> dict[str, float]:
        """Losses beyond D's and G's that the curves and history show (none for a GAN)."""
        return {}

    def _make_eval_batch(self) -> None:
        """A fixed noise batch and real batch, so frames and metrics compare like with like."""
        cfg = self.config
        eval_rng = torch.Generator(device=self.device).manual_seed(cfg.seed + 2)
        self.eval_noise = self._noise(cfg.eval_samples, eval_rng)
        # A cGAN is evaluated on every digit equally: labels 0, 1, ..., 9, 0, 1, ...
        self.eval_labels = (torch.arange(cfg.eval_samples, device=self.device) % 10
                            if cfg.conditional else None)
        self.eval_real = self.kind.keep_real(self.sampler.sample(cfg.eval_samples, eval_rng))
        self.judge: Judge = self.kind.judge(self)  # measures the samples (modes or classes)

    def _build_optimizers(self) -> None:
        cfg = self.config
        self.opt_g = build_optimizer(
            cfg.optimizer_g, self.generator.parameters(), cfg.lr_g, cfg.betas_g
        )
        self.opt_d = build_optimizer(
            cfg.optimizer_d, self.discriminator.parameters(), cfg.lr_d, cfg.betas_d
        )

    @property
    def surface_kind(self) -> str:
        """What ``surface`` shows: D's probability, a critic's score (no fixed scale), or (a
        VAE) the model's density."""
        return "critic" if self.loss.critic else "discriminator"

    @property
    def is_image(self) -> bool:
        return self.kind.is_image

    @property
    def loss(self) -> Loss:
        return LOSSES[self.config.loss]

    # --- training -----------------------------------------------------------------------

    def _noise(self, n: int, rng: torch.Generator) -> torch.Tensor:
        shape = (n, self.config.noise_dim)
        if self.config.noise == "uniform":
            return torch.rand(shape, generator=rng, device=self.device) * 2 - 1
        return torch.randn(shape, generator=rng, device=self.device)

    def _g(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.generator(z) if labels is None else self.generator(z, labels)

    def _d(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.discriminator(x) if labels is None else self.discriminator(x, labels)

    def _score(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """D's scores in training: one per sample, or one per pack of samples (PacGAN)."""
        if self.config.pack > 1:
            return self.discriminator.packed(x)
        return self._d(x, labels)

    def step(self, train_d: bool = True, train_g: bool = True) -> StepStats:
        """One iteration: ``n_critic`` D updates then ``g_steps`` G updates (either can be
        skipped)."""
        if self.diverged:
            assert self.last_stats is not None
            return self.last_stats
        cfg, loss = self.config, self.loss
        start = time.perf_counter()
        d_loss = g_loss = torch.zeros((), device=self.device)
        d_norm = g_norm = torch.zeros((), device=self.device)
        wasserstein = None
        self._follow_lr_schedule()
        if train_d:
            for i in range(cfg.n_critic):
                d_loss, d_norm, wasserstein = self._discriminator_update(
                    loss, penalise=_penalty_due(self.steps_done * cfg.n_critic + i,
                                                cfg.gp_every))
        if train_g:
            for _ in range(cfg.g_steps):
                g_loss, g_norm = self._generator_update(loss)
                self._update_g_average()
        values = torch.stack([d_loss.detach(), g_loss.detach(), d_norm, g_norm]).tolist()
        w = None if wasserstein is None or not loss.critic else float(wasserstein)
        diverged = not all(np.isfinite(values)) or (w is not None and not np.isfinite(w))
        self.steps_done += 1
        self.diverged = diverged
        self.last_stats = StepStats(
            self.steps_done, *values, w, time.perf_counter() - start, diverged
        )
        return self.last_stats

    def _update_g_average(self) -> None:
        """After every G update, in every trainer: the weight average that samples are drawn
        from (``g_ema``) follows G."""
        if self.g_average is not None:
            self.g_average.update(self.generator)

    def _discriminator_update(
        self, loss: Loss, penalise: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, float]:
        """One D update; the gradient penalty (if the loss has one) only when ``penalise``,
        then scaled by ``gp_every`` so that its average weight stays ``gp_lambda``."""
        cfg = self.config
        if cfg.conditional:  # fakes get the real batch's labels: D compares like with like
            real, labels = self.sampler.sample_labeled(cfg.batch_size, self.data_rng)
        else:
            real, labels = self.sampler.sample(cfg.batch_size * cfg.pack, self.data_rng), None
        with torch.no_grad():
            fake = self._g(self._noise(cfg.batch_size * cfg.pack, self.noise_rng), labels)
        if cfg.pack > 1:  # PacGAN: a batch of packs, each pack one input of D
            real, fake = (x.reshape(cfg.batch_size, -1) for x in (real, fake))
        d_real, d_fake = self._score(real, labels), self._score(fake, labels)
        value = loss.d_loss(d_real, d_fake)
        total = value
        weight = self._penalty_weight(loss, penalise)
        if weight:
            penalty = gradient_penalty(lambda x: self._score(x, labels), real, fake,
                                       self.noise_rng)
            total = value + weight * penalty
        norm = self._descend_d(total, loss)
        wasserstein = (d_real.mean() - d_fake.mean()).detach() if loss.critic else None
        return total.detach(), norm, wasserstein

    def _penalty_weight(self, loss: Loss, penalise: bool) -> float:
        """The gradient penalty's weight in this D update: 0 when the loss has none or the lazy
        schedule skips it, else ``gp_lambda * gp_every`` (so its average weight is gp_lambda).
        Every trainer's D update asks here."""
        cfg = self.config
        if not (loss.gradient_penalty and cfg.gp_lambda > 0 and penalise):
            return 0.0
        return cfg.gp_lambda * cfg.gp_every

    def _descend_d(self, total: torch.Tensor, loss: Loss) -> torch.Tensor:
        """One optimiser step of D on ``total`` (then WGAN's weight clipping, if the loss
        clips); D's gradient norm before the step. Every trainer's D update ends here."""
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        norm = _grad_norm(self._d_params)
        self.opt_d.step()
        if loss.weight_clip:
            with torch.no_grad():
                for p in self._d_params:
                    p.clamp_(-self.config.clip, self.config.clip)
        return norm

    def _generator_update(self, loss: Loss) -> tuple[torch.Tensor, torch.Tensor]:
        cfg = self.config
        labels = (torch.randint(10, (cfg.batch_size,), generator=self.noise_rng,
                                device=self.device) if cfg.conditional else None)
        fake = self._g(self._noise(cfg.batch_size * cfg.pack, self.noise_rng), labels)
        if cfg.unroll_steps:
            value = loss.g_loss(self._unrolled_scores(loss, fake))
        else:
            value = loss.g_loss(self._score(fake, labels))
        self.opt_g.zero_grad(set_to_none=True)
        # Only G's gradients: D's would be thrown away (same result, a few % faster).
        value.backward(inputs=self._g_params)
        norm = _grad_norm(self._g_params)
        self.opt_g.step()
        return value.detach(), norm

    def _unrolled_scores(self, loss: Loss, fake: torch.Tensor) -> torch.Tensor:
        """D's scores of ``fake`` after ``unroll_steps`` look-ahead updates (Unrolled GAN), on
        fresh real batches and fakes that carry G's graph."""
        cfg = self.config
        n = cfg.batch_size * cfg.pack
        batches = [(self.sampler.sample(n, self.data_rng),
                    self._g(self._noise(n, self.noise_rng))) for _ in range(cfg.unroll_steps)]
        return unrolled_scores(self.discriminator, self.opt_d, loss.d_loss, functional_score,
                               batches, fake)

    # --- live edits ---------------------------------------------------------------------

    def _follow_lr_schedule(self) -> None:
        """Both learning rates at this step's share of the config's (``lr_half_life``); every
        model's step calls it, so the page's half-life control means the same for a VAE."""
        cfg = self.config
        if cfg.lr_half_life:
            scale_learning_rates([self.opt_g, self.opt_d], [cfg.lr_g, cfg.lr_d],
                                 lr_scale(self.steps_done, cfg.lr_half_life,
                                          cfg.lr_decay_power))

    def apply(self, config: TrainConfig) -> ApplyResult:
        """Switch to ``config`` mid-run, keeping the networks wherever that makes sense."""
        plan = plan_change(self.config, config)
        changed = plan.changed
        if plan.rebuilt:
            # Build the new run completely before giving up the old one: if it fails (MNIST
            # missing, out of memory) this Trainer is still the old, working run.
            from playground.engine.models import make_trainer

            fresh = make_trainer(config)
            self.__class__ = type(fresh)  # a new model (GAN ↔ VAE) is another Trainer class
            self.__dict__.update(fresh.__dict__)
            self.judge = self.kind.judge(self)  # judge this Trainer, not the husk it came from
            return plan
        self.config = config
        if set(changed) & OPTIMIZER_FIELDS:
            self._build_optimizers()
        else:
            _set_hyperparameters(self.opt_g, config.lr_g, config.betas_g)
            _set_hyperparameters(self.opt_d, config.lr_d, config.betas_d)
        if "eval_samples" in changed or "noise" in changed:
            self._make_eval_batch()
        if "g_ema" in changed:
            if config.g_ema == 0 or self.g_average is None:  # off, or on from G as it is now
                self.g_average = make_average(self.generator, config.g_ema)
            else:
                self.g_average.decay = config.g_ema
        return plan

    def reset(self) -> None:
        """Back to step 0 with fresh networks (same seed: the same run again)."""
        self._build()

    # --- views for metrics and plots ----------------------------------------------------

    @property
    def sampling_generator(self) -> torch.nn.Module:
        """The G whose samples are shown and measured: the weight average when ``g_ema`` is
        on (training always updates ``self.generator``)."""
        return self.generator if self.g_average is None else self.g_average.module

    def _sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        g = self.sampling_generator
        return g(z) if labels is None else g(z, labels)

    @torch.no_grad()
    def generate(
        self, noise: torch.Tensor | None = None, labels: torch.Tensor | None = None
    ) -> np.ndarray:
        """G applied to the fixed evaluation noise (or given noise), as a float32 array.

        G runs in eval mode: batch norm uses its running statistics, so a sample depends on
        its own noise only, not on which other samples share the batch (the live grid of 100
        and the metrics' 2,000 show the same digit for the same noise).
        """
        z = self.eval_noise if noise is None else noise.to(self.device)
        if labels is None and self.eval_labels is not None:
            labels = self.eval_labels[: len(z)]
        generator = self.sampling_generator
        was_training = generator.training
        generator.eval()
        try:
            out = self._sample(z, None if labels is None else labels.to(self.device))
        finally:
            generator.train(was_training)
        return out.float().cpu().numpy()

    def evaluate(self, samples: np.ndarray | None = None) -> dict[str, Any]:
        """The judge's metrics (modes for points, classes for images) of ``samples``, the
        first ``len(samples)`` eval samples (default: all of them)."""
        return self.judge.evaluate(samples)

    def generator_push(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``count`` fake points and the direction G's loss pushes each of them.

        This is -∂L_G/∂x at each generated point x: where the generator "wants" its samples to
        move given the current discriminator (GAN Lab's gradient arrows).
        """
        with torch.no_grad():
            points = self._sample(self.eval_noise[:count])
        points.requires_grad_(True)
        loss = self.loss.g_loss(self.discriminator(points)) * len(points)
        (grad,) = torch.autograd.grad(loss, points)
        self.discriminator.zero_grad(set_to_none=True)
        return points.detach().float().cpu().numpy(), (-grad).float().cpu().numpy()

    @torch.no_grad()
    def manifold(self, lines: int = 11, points_per_line: int = 40) -> np.ndarray:
        """G applied to a grid of lines in noise space: (2 * lines, points_per_line, 2).

        The grid spans the central 95% of the noise (±2 for Gaussian, ±1 for uniform) in the
        first two noise dimensions, others held at zero, so the plot shows how G warps space.
        """
        cfg = self.config
        span = 1.0 if cfg.noise == "uniform" else 2.0
        across = torch.linspace(-span, span, lines, device=self.device)
        along = torch.linspace(-span, span, points_per_line, device=self.device)
        if cfg.noise_dim == 1:  # a 1-D noise space is a single line
            z = along.reshape(1, -1, 1)
        else:
            z = torch.zeros(2 * lines, points_per_line, cfg.noise_dim, device=self.device)
            z[:lines, :, 0] = along
            z[:lines, :, 1] = across[:, None]
            z[lines:, :, 1] = along
            z[lines:, :, 0] = across[:, None]
        out = self._sample(z.reshape(-1, cfg.noise_dim))
        return out.reshape(len(z), points_per_line, 2).float().cpu().numpy()

    def surface(self, resolution: int = 64) -> np.ndarray:
        return decision_surface(
            self.discriminator,
            self.sampler.bounds,
            resolution,
            critic=self.loss.critic,
            device=self.device,
        )


def _penalty_due(update_index: int, every: int) -> bool:
    """Whether D update number ``update_index`` (counted from 0 over the whole run, so a
    resumed run penalises the same updates) carries the lazy gradient penalty."""
    return update_index % every == 0


def _grad_norm(params: list[torch.Tensor]) -> torch.Tensor:
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.zeros((), device=params[0].device)
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


def _set_hyperparameters(
    optimizer: torch.optim.Optimizer, lr: float, betas: tuple[float, float]
) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr
        if "betas" in group:
            group["betas"] = betas
