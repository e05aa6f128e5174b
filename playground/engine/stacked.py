"""A stacked (two-stage) GAN for digits, in the spirit of StackGAN (Zhang et al. 2017).

Why it is here: readers ask what stacking generators buys. Stage 1 draws a coarse 14x14 digit
from noise (and the class, for a cGAN) against its own discriminator, which sees real digits
downsampled to 14x14; stage 2 takes stage 1's image, upsampled, plus fresh noise and draws the
28x28 digit against a second discriminator on full-size digits. The first stage only has to get
the shape right; the second only has to add the strokes' detail to a shape it is given.

``architecture: stacked`` (images only). ``g_width``/``d_width`` are the base channel counts as
for ``dcgan``. The noise splits in two: stage 1 reads the first half, stage 2's fresh noise is
the second half (so the same noise always gives the same digit). Both stages train together:
D's loss and G's loss are the sums of the two stages' losses, and the live curves show each.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from playground.engine.config import TrainConfig
from playground.engine.data.images import NUM_CLASSES
from playground.engine.image_nets import (
    ImageDiscriminator,
    _dcgan_features,
    build_image_discriminator,
    critic_batch_norm,
)
from playground.engine.losses import Loss, gradient_penalty
from playground.engine.trainer import Trainer, _grad_norm


def _split(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    half = z.shape[1] - z.shape[1] // 2
    return z[:, :half], z[:, half:]


class StackedGenerator(nn.Module):
    """noise (n, noise_dim) [+ labels] → 28x28 images; ``stages`` also returns the 14x14."""

    def __init__(self, noise_dim: int, width: int, conditional: bool) -> None:
        super().__init__()
        self.conditional = conditional
        extra = NUM_CLASSES if conditional else 0
        first, second = noise_dim - noise_dim // 2, noise_dim // 2
        self.stage1 = nn.Sequential(
            nn.Linear(first + extra, 2 * width * 7 * 7),
            nn.Unflatten(1, (2 * width, 7, 7)),
            nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1),  # 7x7 → 14x14
            nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, 1, 3, 1, 1), nn.Tanh(),
        )
        self.noise_map = nn.Linear(second + extra, 28 * 28)  # stage 2's fresh noise, as a map
        fine = max(8, width // 2)  # 28x28 convolutions are costly: stage 2 refines, narrower
        self.stage2 = nn.Sequential(
            nn.Conv2d(2, fine, 3, 1, 1), nn.BatchNorm2d(fine), nn.ReLU(),
            nn.Conv2d(fine, fine, 3, 1, 1), nn.BatchNorm2d(fine), nn.ReLU(),
            nn.Conv2d(fine, 1, 3, 1, 1),
        )

    def stages(self, z: torch.Tensor, labels: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        z1, z2 = _split(z)
        if self.conditional:
            if labels is None:  # "any digit": spread evenly over the classes
                labels = torch.arange(len(z), device=z.device) % NUM_CLASSES
            one_hot = F.one_hot(labels, NUM_CLASSES).to(z.dtype)
            z1, z2 = torch.cat([z1, one_hot], 1), torch.cat([z2, one_hot], 1)
        coarse = self.stage1(z1)
        up = F.interpolate(coarse, scale_factor=2, mode="bilinear", align_corners=False)
        noise = self.noise_map(z2).reshape(-1, 1, 28, 28)
        # Stage 2 refines what stage 1 drew: a residual on the upsampled coarse digit.
        fine = torch.tanh(self.stage2(torch.cat([up, noise], 1)) + 2.0 * up)
        return coarse, fine

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.stages(z, labels)[1]


class StackedDiscriminator(nn.Module):
    """Two judges: ``coarse`` on 14x14 digits, ``fine`` (the DCGAN's) on 28x28. Called as a
    whole it scores full-size digits (the fine judge)."""

    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__()
        wrap = spectral_norm if cfg.spectral_norm else (lambda module: module)
        width = cfg.d_width
        coarse = nn.Sequential(*list(_dcgan_features(width, wrap, critic_batch_norm(cfg)))[:2],
                               nn.Flatten())  # one stride-2 conv: 14x14 → 7x7
        self.coarse = ImageDiscriminator(coarse, width * 7 * 7, cfg.conditional, wrap)
        self.fine = build_image_discriminator(_as_dcgan(cfg))

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.fine(x, labels)


def _as_dcgan(cfg: TrainConfig) -> TrainConfig:
    return cfg.with_changes(architecture="dcgan")


def downsample(images: torch.Tensor) -> torch.Tensor:
    """Real 28x28 digits as stage 1's judge sees them: 2x2 averages, 14x14."""
    return F.avg_pool2d(images, 2)


class StackedTrainer(Trainer):
    """A Trainer whose D and G updates sum the two stages' losses (each stage's own judge)."""

    @classmethod
    def generator_net(cls, config: TrainConfig) -> nn.Module:
        return StackedGenerator(config.noise_dim, config.g_width, config.conditional)

    @classmethod
    def discriminator_net(cls, config: TrainConfig) -> nn.Module:
        return StackedDiscriminator(config)

    def _build(self) -> None:
        self._stages: dict[str, torch.Tensor] = {}  # each stage's last losses
        super()._build()

    def _real_and_labels(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        cfg = self.config
        if cfg.conditional:
            return self.sampler.sample_labeled(cfg.batch_size, self.data_rng)
        return self.sampler.sample(cfg.batch_size, self.data_rng), None

    def _stage_d_loss(self, judge: nn.Module, loss: Loss, real: torch.Tensor,
                      fake: torch.Tensor, labels: torch.Tensor | None,
                      penalise: bool) -> torch.Tensor:
        value = loss.d_loss(judge(real, labels), judge(fake, labels))
        weight = self._penalty_weight(loss, penalise)
        if weight:
            value = value + weight * gradient_penalty(
                lambda x: judge(x, labels), real, fake, self.noise_rng)
        return value

    def _discriminator_update(
        self, loss: Loss, penalise: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor, None]:
        cfg = self.config
        real, labels = self._real_and_labels()
        with torch.no_grad():
            coarse, fine = self.generator.stages(self._noise(cfg.batch_size, self.noise_rng),
                                                 labels)
        d = self.discriminator
        first = self._stage_d_loss(d.coarse, loss, downsample(real), coarse, labels, penalise)
        second = self._stage_d_loss(d.fine, loss, real, fine, labels, penalise)
        total = first + second
        norm = self._descend_d(total, loss)
        self._stages.update(stage1_d_loss=first.detach(), stage2_d_loss=second.detach())
        return total.detach(), norm, None

    def _generator_update(self, loss: Loss) -> tuple[torch.Tensor, torch.Tensor]:
        cfg = self.config
        labels = (torch.randint(10, (cfg.batch_size,), generator=self.noise_rng,
                                device=self.device) if cfg.conditional else None)
        coarse, fine = self.generator.stages(self._noise(cfg.batch_size, self.noise_rng), labels)
        d = self.discriminator
        first = loss.g_loss(d.coarse(coarse, labels))
        second = loss.g_loss(d.fine(fine, labels))
        total = first + second
        self.opt_g.zero_grad(set_to_none=True)
        total.backward(inputs=self._g_params)
        norm = _grad_norm(self._g_params)
        self.opt_g.step()
        self._stages.update(stage1_g_loss=first.detach(), stage2_g_loss=second.detach())
        return total.detach(), norm

    def extra_losses(self) -> dict[str, float]:
        """Each stage's last D and G loss (the live curves and history.csv show them)."""
        return {key: float(value) for key, value in self._stages.items()}

    @torch.no_grad()
    def stage_images(self, noise: torch.Tensor, labels: torch.Tensor | None = None
                     ) -> tuple[torch.Tensor, torch.Tensor]:
        """Both stages' images for ``noise`` (G in eval mode, as ``generate``)."""
        was_training = self.generator.training
        self.generator.eval()
        try:
            coarse, fine = self.generator.stages(noise.to(self.device),
                                                 None if labels is None else labels.to(self.device))
        finally:
            self.generator.train(was_training)
        return coarse.float().cpu(), fine.float().cpu()
