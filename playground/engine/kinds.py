"""Kinds of data: 2-D points or images. Everything that differs between them is decided here,
once, from the dataset's name: which judge measures the samples, which metric columns a run
reports, how the real eval batch is kept. Modules above (live views, the web page, the CLI's
files) ask the kind instead of branching on "is it an image?" themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from playground.engine.data import is_image_dataset
from playground.engine.judges import ImageJudge, Judge, PointJudge
from playground.engine.metric_names import (
    CONDITIONAL_METRICS,
    IMAGE_METRICS,
    POINT_METRICS,
    STACKED_MNIST_METRICS,
)

if TYPE_CHECKING:
    from playground.engine.config import TrainConfig
    from playground.engine.trainer import Trainer


@dataclass(frozen=True)
class DataKind:
    name: str  # "points", "images" or "stacked_mnist" (three digits, one per channel)
    is_image: bool
    final_eval_samples: int = 0  # the CLI's final evaluation draws at least this many

    def metric_names(self, config: TrainConfig) -> tuple[str, ...]:
        """The metrics a run of ``config`` reports (history.csv's and sweep.csv's columns)."""
        if not self.is_image:
            return POINT_METRICS
        if self.name == "stacked_mnist":
            return STACKED_MNIST_METRICS
        return IMAGE_METRICS + (CONDITIONAL_METRICS if config.conditional else ())

    def judge(self, trainer: Trainer) -> Judge:
        if self.name == "stacked_mnist":
            from playground.engine.stacked_mnist_metrics import StackedMnistJudge

            return StackedMnistJudge(trainer)
        return ImageJudge(trainer) if self.is_image else PointJudge(trainer)

    def keep_real(self, real: torch.Tensor) -> torch.Tensor | object:
        """The real eval batch as the judge and the views want it: image tensors stay on the
        device (the classifier reads them there); points become a numpy array (plots, modes)."""
        return real if self.is_image else real.cpu().numpy()


POINTS = DataKind("points", is_image=False)
IMAGES = DataKind("images", is_image=True)
# VEEGAN and PacGAN count modes on 26,000 samples; live views and history rows use fewer.
STACKED_MNIST = DataKind("stacked_mnist", is_image=True, final_eval_samples=26_000)


def kind_of(dataset: str) -> DataKind:
    if dataset == "stacked_mnist":
        return STACKED_MNIST
    return IMAGES if is_image_dataset(dataset) else POINTS
