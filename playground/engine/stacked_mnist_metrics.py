"""Mode counting on Stacked MNIST (the 1,000-mode benchmark of VEEGAN and PacGAN).

Each generated image has three channels, each meant to be one MNIST digit; the shipped LeNet
classifies every channel on its own, and the triple of its three labels names the image's mode
(1,000 of them). Not to be confused with the stacked *GAN* (``engine.stacked``, two stages).

- ``modes_covered``: triples seen at least once among the generated samples. VEEGAN (Table 2)
  and PacGAN (Table 2) count on 26,000 samples (``BENCHMARK_SAMPLES``): with fewer, even a
  perfect generator misses modes by chance (at 2,000 uniform draws it sees ~865 of 1,000).
- ``mode_kl``: KL(generated triple histogram ‖ uniform over 1,000), natural log, as in PacGAN
  Table 2: 0 for a perfectly even generator, log(1000) ≈ 6.91 for one that draws one triple.
- ``mean_confidence`` and ``confidence_r/g/b``: mean max-softmax probability of the classifier
  over all channels and per channel (red = first digit): low where a channel is no clear digit.

Our judge is the project's LeNet on 28x28 digits, not the papers' classifiers, and the data
come from the 10k test set: see the README's Stacked MNIST table for what that changes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from playground.engine.classifier import NUM_CLASSES, DigitClassifier

CHANNELS = 3
TRIPLES = NUM_CLASSES**CHANNELS  # 1,000 modes
BENCHMARK_SAMPLES = 26_000  # VEEGAN's and PacGAN's sample count for the mode count
MAX_MODE_KL = math.log(TRIPLES)  # a generator that draws one triple only
CHANNEL_NAMES = ("r", "g", "b")


def classify_channels(images: torch.Tensor, classifier: DigitClassifier) -> torch.Tensor:
    """The classifier's softmax probabilities of each channel: (n, 3, 10) on the CPU.

    ``images`` (n, 3, 28, 28) in [-1, 1]; each channel is classified as a one-channel digit.
    """
    from playground.engine.image_metrics import classify

    images = torch.as_tensor(images)
    if images.dim() != 4 or images.shape[1:] != (CHANNELS, 28, 28):
        raise ValueError(f"expected images of shape (n, 3, 28, 28), got {tuple(images.shape)}")
    probabilities, _ = classify(images.reshape(-1, 1, 28, 28), classifier)
    return probabilities.reshape(len(images), CHANNELS, NUM_CLASSES)


def triple_codes(probabilities: torch.Tensor) -> torch.Tensor:
    """Each image's mode, 100 x first digit + 10 x second + third (0-999), from (n, 3, 10)."""
    digits = torch.as_tensor(probabilities).argmax(dim=2).long()
    return digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]


def mode_metrics_from_codes(codes: torch.Tensor) -> dict[str, Any]:
    """``modes_total``, ``modes_covered`` and ``mode_kl`` of triple codes (n,) in 0-999."""
    codes = torch.as_tensor(codes).reshape(-1).long().cpu()
    if len(codes) == 0:
        raise ValueError("no samples to count modes in")
    if int(codes.min()) < 0 or int(codes.max()) >= TRIPLES:
        raise ValueError(f"triple codes must lie in 0-{TRIPLES - 1}")
    counts = torch.bincount(codes, minlength=TRIPLES).double().numpy()
    histogram = counts / counts.sum()
    seen = histogram[histogram > 0]
    return {
        "modes_total": TRIPLES,
        "modes_covered": int((counts > 0).sum()),
        "mode_kl": float(max((seen * np.log(seen * TRIPLES)).sum(), 0.0)),
    }


def triple_metrics(probabilities: torch.Tensor) -> dict[str, Any]:
    """Every Stacked MNIST metric from the per-channel probabilities (n, 3, 10)."""
    probabilities = torch.as_tensor(probabilities)
    confidence = probabilities.max(dim=2).values.double().mean(dim=0)  # per channel
    result = mode_metrics_from_codes(triple_codes(probabilities))
    result["samples"] = len(probabilities)
    result["mean_confidence"] = float(confidence.mean())
    for name, value in zip(CHANNEL_NAMES, confidence.tolist(), strict=True):
        result[f"confidence_{name}"] = float(value)
    return result


class StackedMnistJudge:
    """The Stacked MNIST judge: modes and confidence from the shipped classifier, with the
    same ``evaluate`` / ``classify`` / ``metrics`` interface as ``ImageJudge`` (the live view
    evaluates a chunk at a time). ``classify`` returns (probabilities (k, 3, 10), an empty
    feature tensor): there is no FID here, the mode count is the benchmark."""

    def __init__(self, trainer: Any) -> None:
        self.trainer = trainer

    def _classifier(self) -> DigitClassifier:
        from playground.engine.classifier import load_classifier

        return load_classifier(self.trainer.device)

    def evaluate(self, samples: np.ndarray | None = None) -> dict[str, Any]:
        samples = self.trainer.generate() if samples is None else samples
        images = torch.as_tensor(samples, device=self.trainer.device)
        return triple_metrics(classify_channels(images, self._classifier()))

    def classify(self, start: int, stop: int) -> tuple[torch.Tensor, torch.Tensor]:
        trainer = self.trainer
        images = torch.as_tensor(trainer.generate(trainer.eval_noise[start:stop]))
        probabilities = classify_channels(images, self._classifier())
        return probabilities, torch.zeros(len(probabilities), 0)

    def metrics(self, probabilities: torch.Tensor, features: torch.Tensor) -> dict[str, Any]:
        return triple_metrics(probabilities)
