"""The models a run can train, by ``TrainConfig.model``: a registry, not an if-chain, so a new
model is one Trainer subclass and one entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

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
