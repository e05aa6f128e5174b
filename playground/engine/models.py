"""The models a run can train, by ``TrainConfig.model``: a registry, not an if-chain, so a new
model is one Trainer subclass and one entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import torch

from playground.engine.config import TrainConfig
from playground.engine.trainer import Trainer
from playground.engine.vae import VaeTrainer

TRAINERS: Mapping[str, Callable[[TrainConfig], Trainer]] = MappingProxyType({
    "gan": Trainer,
    "vae": VaeTrainer,
})


def make_trainer(config: TrainConfig) -> Trainer:
    """The Trainer for ``config``'s model (a GAN unless it says ``vae``)."""
    return TRAINERS[config.model](config)


def build_nets(config: TrainConfig) -> dict[str, torch.nn.Module]:
    """The networks in a run's G and D slots (a VAE's decoder and encoder), as a checkpoint
    names them; built on whatever device is current (``meta`` checks a file's shapes)."""
    from playground.engine.nets import build_discriminator, build_generator
    from playground.engine.vae import build_encoder

    slot_d = build_encoder if config.model == "vae" else build_discriminator
    return {"generator": build_generator(config), "discriminator": slot_d(config)}
