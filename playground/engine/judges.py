"""Judges: what measures a run's samples, chosen once by the kind of data (``kinds``).

A Trainer trains; a judge says how good its samples are. 2-D points are judged by mode
coverage (where the dataset's modes are known); digits by the shipped classifier (classes,
balance, confidence, classifier FID, and for a cGAN whether each digit is the one asked for).
Keeping them apart keeps the classifier out of the Trainer and lets the live view evaluate an
image run a chunk at a time (``ImageJudge.classify`` then ``ImageJudge.metrics``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import torch

from playground.engine.metrics import grid_divergences, mode_metrics

if TYPE_CHECKING:
    from playground.engine.trainer import Trainer


class Judge(Protocol):
    def evaluate(self, samples: np.ndarray | None = None) -> dict[str, Any]:
        """Metrics of ``samples`` (the first ``len(samples)`` eval samples; default: all)."""
        ...


class PointJudge:
    """Mode metrics of 2-D points against the dataset's known modes (none: every value None,
    so history and tables keep their columns), and the grid KL/JS every 2-D dataset has."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer

    def evaluate(self, samples: np.ndarray | None = None) -> dict[str, Any]:
        trainer = self.trainer
        samples = trainer.generate() if samples is None else samples
        modes = trainer.sampler.modes
        if modes is None:
            result: dict[str, Any] = {"modes_total": 0, "modes_covered": None,
                                      "high_quality_frac": None, "mode_kl": None}
        else:
            result = dict(mode_metrics(samples, modes))
        # GAN Lab's density measure needs no modes: every 2-D dataset gets it.
        real = trainer.eval_real[: len(samples)]
        return {**result, **grid_divergences(real, samples, trainer.sampler.bounds)}


class ImageJudge:
    """Class metrics from the shipped MNIST classifier, with the real eval batch's feature
    statistics computed once (the FID's reference)."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self._real_stats: tuple[np.ndarray, np.ndarray] | None = None
        self._real_is = float("nan")  # the real eval batch's own classifier IS, for reference

    def _classifier(self):
        from playground.engine.classifier import load_classifier

        return load_classifier(self.trainer.device)

    def evaluate(self, samples: np.ndarray | None = None) -> dict[str, Any]:
        from playground.engine.image_metrics import classify

        samples = self.trainer.generate() if samples is None else samples
        images = torch.as_tensor(samples, device=self.trainer.device)
        return self.metrics(*classify(images, self._classifier()))

    def classify(self, start: int, stop: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The classifier's (probabilities, features) for eval samples ``[start, stop)``: the
        live view evaluates a chunk at a time between training steps, so that a Pause never
        waits for a whole evaluation."""
        from playground.engine.image_metrics import classify

        trainer = self.trainer
        labels = None if trainer.eval_labels is None else trainer.eval_labels[start:stop]
        images = torch.as_tensor(trainer.generate(trainer.eval_noise[start:stop], labels))
        return classify(images, self._classifier())

    def metrics(self, probabilities: torch.Tensor, features: torch.Tensor) -> dict[str, Any]:
        """Class metrics of the first ``len(probabilities)`` eval samples' classifier outputs."""
        from playground.engine.image_metrics import (
            classify,
            feature_stats,
            inception_score,
            metrics_from_outputs,
        )

        trainer = self.trainer
        if self._real_stats is None:
            real_probabilities, real_features = classify(trainer.eval_real, self._classifier())
            self._real_stats = feature_stats(real_features.numpy())
            self._real_is = inception_score(real_probabilities.numpy())
        requested = (None if trainer.eval_labels is None
                     else trainer.eval_labels[: len(probabilities)])
        metrics = metrics_from_outputs(probabilities, features, self._real_stats, requested)
        return {**metrics, "is_classifier_real": self._real_is}
