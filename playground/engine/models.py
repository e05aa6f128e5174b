"""The models a run can train, by ``TrainConfig.model``: a registry, not an if-chain, so a new
model is one Trainer subclass and one entry."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import torch

from playground.engine.config import TrainConfig
from playground.engine.stacked import StackedTrainer
from playground.engine.trainer import Trainer
from playground.engine.vae import VaeTrainer

TRAINERS: Mapping[str, type[Trainer]] = MappingProxyType({
    "gan": Trainer,
    "vae": VaeTrainer,
    "stacked": StackedTrainer,  # a GAN whose architecture is the two-stage one
})


def trainer_class(config: TrainConfig) -> type[Trainer]:
    """Which Trainer trains ``config``: by its model, and for a GAN by its architecture."""
    if config.model == "gan" and config.architecture == "stacked":
        return TRAINERS["stacked"]
    return TRAINERS[config.model]


def make_trainer(config: TrainConfig) -> Trainer:
    """The Trainer for ``config`` (a GAN unless it says ``vae``; a stacked GAN for
    ``architecture: stacked``)."""
    return trainer_class(config)(config)


def build_nets(config: TrainConfig) -> dict[str, torch.nn.Module]:
    """The networks in a run's G and D slots, as a checkpoint names them; built on whatever
    device is current (``meta`` checks a file's shapes)."""
    cls = trainer_class(config)
    return {"generator": cls.generator_net(config), "discriminator": cls.discriminator_net(config)}
