"""A variational autoencoder on the same data, nets and controls as the GAN (Kingma & Welling).

Why it is here: readers ask how a GAN differs from a VAE, and the honest answer is a picture.
On the ring of 8 a VAE covers every mode (its encoder must explain every real point) but spreads
samples between them: its objective pays for blur with squared error, not with a discriminator
that spots it. On MNIST it draws all ten digits, blurrier than a GAN's.

The nets reuse the GAN's slots so that every control means the same thing: the decoder is G
(``g_layers``, ``g_width``, ``lr_g``, ``optimizer_g``; the DCGAN generator for ``dcgan``) and
the encoder sits in D's slot (``d_layers``, ``d_width``, ``lr_d``, ``optimizer_d``), ending in
2 x ``noise_dim`` numbers: the posterior's mean and log-variance. The latent size is
``noise_dim``, and sampling is the decoder applied to N(0, I) noise, as G is applied to noise.

Loss per sample: ½‖x − decoder(z)‖² (a unit-variance Gaussian decoder) + ``beta`` · KL(q(z|x) ‖
N(0, I)), with z drawn by the reparameterisation trick. With a Gaussian decoder, ``beta`` and
the decoder's variance trade off exactly (beta = 2σ²), so a small beta is a sharp decoder.
The live curves show the two terms where a GAN shows D's and G's losses (``d_loss`` holds the
reconstruction term, ``g_loss`` the KL term), and the 2-D background shows the model's density
where a GAN shows its discriminator.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from playground.engine.config import TrainConfig
from playground.engine.data import is_image_dataset
from playground.engine.nets import mlp
from playground.engine.trainer import StepStats, Trainer, _grad_norm

LOGVAR_RANGE = (-12.0, 8.0)  # clamp: a collapsed posterior variance must not make exp() blow up
DENSITY_LATENTS = 400  # decoder means averaged for the 2-D density picture


class Encoder(nn.Module):
    """x (n, 2) or (n, 1, 28, 28) → (mean, log-variance), each (n, noise_dim)."""

    def __init__(self, body: nn.Module, latent: int) -> None:
        super().__init__()
        self.body = body
        self.latent = latent

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.body(x)
        mean, logvar = out[:, : self.latent], out[:, self.latent:]
        return mean, logvar.clamp(*LOGVAR_RANGE)


def build_encoder(cfg: TrainConfig) -> Encoder:
    """D's slot, ending in 2 x noise_dim outputs (an MLP, or the DCGAN's convolutions)."""
    out = 2 * cfg.noise_dim
    if not is_image_dataset(cfg.dataset):
        return Encoder(mlp(2, out, cfg.d_layers, cfg.d_width, cfg.activation), cfg.noise_dim)
    from playground.engine.image_nets import PIXELS, _dcgan_features

    if cfg.architecture == "dcgan":
        body = nn.Sequential(_dcgan_features(cfg.d_width, lambda m: m, batch_norm=False),
                             nn.Linear(2 * cfg.d_width * 7 * 7, out))
    else:
        body = nn.Sequential(nn.Flatten(), mlp(PIXELS, out, cfg.d_layers, cfg.d_width,
                                               cfg.activation))
    return Encoder(body, cfg.noise_dim)


class VaeTrainer(Trainer):
    """A Trainer whose ``step`` is one VAE update of encoder and decoder together."""

    model = "vae"
    surface_kind = "density"

    @classmethod
    def discriminator_net(cls, config: TrainConfig) -> nn.Module:
        return build_encoder(config)

    def step(self, train_d: bool = True, train_g: bool = True) -> StepStats:
        """One ELBO step: Step D updates only the encoder, Step G only the decoder."""
        if self.diverged:
            assert self.last_stats is not None
            return self.last_stats
        cfg = self.config
        start = time.perf_counter()
        self._follow_lr_schedule()
        real = self.sampler.sample(cfg.batch_size, self.data_rng)
        mean, logvar = self.discriminator(real)
        eps = torch.randn(mean.shape, generator=self.noise_rng, device=self.device)
        z = mean + (0.5 * logvar).exp() * eps
        decoded = self.generator(z)
        reconstruction = 0.5 * (real - decoded).pow(2).flatten(1).sum(1).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).sum(1).mean()
        loss = reconstruction + cfg.beta * kl
        self.opt_d.zero_grad(set_to_none=True)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        d_norm, g_norm = _grad_norm(self._d_params), _grad_norm(self._g_params)
        if train_d:
            self.opt_d.step()
        if train_g:
            self.opt_g.step()
            self._update_g_average()  # samples come from the decoder's average
        values = torch.stack([reconstruction.detach(), kl.detach(), d_norm, g_norm]).tolist()
        diverged = not all(np.isfinite(values))
        self.steps_done += 1
        self.diverged = diverged
        self.last_stats = StepStats(self.steps_done, *values, None,
                                    time.perf_counter() - start, diverged)
        return self.last_stats

    def generator_push(self, count: int) -> tuple[np.ndarray, None]:
        """No discriminator pushes a VAE's samples: no arrows."""
        return self.generate(self.eval_noise[:count]), None

    @torch.no_grad()
    def surface(self, resolution: int = 64) -> np.ndarray:
        """Where the decoder puts its samples: the decoder means of DENSITY_LATENTS prior
        draws, each spread by a Gaussian a fortieth of the plot wide, summed on the grid and
        scaled to [0, 1] (the background of a 2-D VAE, where a GAN shows its discriminator)."""
        lo, hi = self.sampler.bounds
        axis = torch.linspace(lo, hi, resolution, device=self.device)
        grid_y, grid_x = torch.meshgrid(axis, axis, indexing="ij")
        grid = torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1)
        means = torch.as_tensor(self.generate(self.eval_noise[:DENSITY_LATENTS]),
                                device=self.device)
        width = (hi - lo) / 40
        squared = torch.cdist(grid, means).pow(2)
        density = torch.exp(-squared / (2 * width**2)).sum(1).reshape(resolution, resolution)
        peak = float(density.max())
        return (density / peak if peak > 0 else density).float().cpu().numpy()
