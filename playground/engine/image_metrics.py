"""Image GAN metrics from the shipped MNIST classifier (``playground.engine.classifier``).

- ``classes_covered``: digits receiving at least 2% of the generated samples. A collapsed
  generator draws a few digits only; this counts how many it still makes.
- ``class_kl``: KL(class histogram ‖ uniform over 10), natural log. 0 for a perfectly balanced
  generator, log(10) ≈ 2.30 for one that draws a single digit: the image analogue of ``mode_kl``.
- ``mean_confidence``: mean max-softmax probability. Sharp, digit-like samples score near 1;
  blurry or in-between shapes score lower (a cheap stand-in for sample quality).
- ``fid_classifier``: the Fréchet distance between Gaussians fitted to the classifier's
  penultimate features (128-d) of real and generated images, over ≥ 2,000 samples each
  (fewer makes the covariance estimate, and so the number, noisy and biased upward).
- ``is_classifier``: the Inception Score computed with our classifier,
  exp(E_x KL(p(y|x) ‖ p(y))) with p(y) the mean of p(y|x) over the samples: between 1 (every
  sample the same blurry guess, or one digit only) and 10 (confident, and all ten digits equally
  often). Confident *and* diverse is what it rewards; it never looks at real images.
- ``label_accuracy`` (conditional GANs): how often a sample is classified as the digit it was
  asked for; ``worst_digit_accuracy`` the same for the digit it draws worst.

**fid_classifier and is_classifier are not FID and IS as in papers.** Published FID and
Inception Score use Inception-v3 (pool features, ImageNet's 1,000 classes) on ImageNet-sized
images; ours use our small LeNet's features and its 10 classes on 28x28 digits. Their scales and
behaviour differ, so these numbers are NOT comparable with Inception-based values: compare them
only between runs of this project (same shipped classifier, same sample count).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from playground.engine.classifier import NUM_CLASSES, DigitClassifier

COVERED_FRACTION = 0.02  # a class is covered if it gets at least this share of the samples
CHUNK = 500  # images per classifier call: bounded memory, cheap for 2,000 images
MAX_CLASS_KL = math.log(NUM_CLASSES)  # class_kl of a generator that draws one digit only


def inception_score(probabilities: torch.Tensor | np.ndarray) -> float:
    """exp(E_x KL(p(y|x) ‖ p(y))) of class probabilities (n, classes); 1 ≤ IS ≤ classes.

    Computed in float64 with 0·log 0 = 0, so one-hot rows and absent classes are exact."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"need probabilities of shape (n ≥ 1, classes), got {p.shape}")
    marginal = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0)
    return float(math.exp(max(terms.sum(axis=1).mean(), 0.0)))


def feature_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, covariance) of ``features`` (n, d), in float64 (FID subtracts large numbers)."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"need features of shape (n ≥ 2, d), got {features.shape}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues → 0)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    ‖mu1 − mu2‖² + tr(S1) + tr(S2) − 2 tr((S1 S2)^½). The trace term is computed without scipy
    as the sum of square roots of the eigenvalues of the symmetric matrix S1^½ S2 S1^½ (same
    eigenvalues as S1 S2, and symmetric, so ``eigh`` is exact and stable; rounding negatives are
    clipped to 0). Identical statistics give 0.
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(
        np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(f"shapes differ: {mu1.shape}/{sigma1.shape} vs {mu2.shape}/{sigma2.shape}")
    root1 = _sqrt_psd(sigma1)
    inner = root1 @ sigma2 @ root1
    eigenvalues = np.linalg.eigvalsh((inner + inner.T) / 2)
    trace_sqrt = float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())
    diff = mu1 - mu2
    distance = float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)
    return max(distance, 0.0)


def _as_images(images: torch.Tensor) -> torch.Tensor:
    """(n, 1, 28, 28) view of images given as (n, 1, 28, 28), (n, 28, 28) or (n, 784)."""
    if images.dim() == 4 and images.shape[1:] == (1, 28, 28):
        return images
    if images.dim() in (2, 3) and images[0].numel() == 784:
        return images.reshape(-1, 1, 28, 28)
    raise ValueError(f"expected images of shape (n, 1, 28, 28), got {tuple(images.shape)}")


def classify(
    images: torch.Tensor, classifier: DigitClassifier
) -> tuple[torch.Tensor, torch.Tensor]:
    """(softmax probabilities (n, 10), penultimate features (n, 128)), on the CPU, float32.

    Runs the classifier in chunks of ``CHUNK`` under no_grad on the classifier's own device,
    wherever the images are.
    """
    images = _as_images(images)
    if len(images) == 0:
        raise ValueError("no images to classify")
    device = next(classifier.parameters()).device
    probabilities, features = [], []
    with torch.no_grad():
        for start in range(0, len(images), CHUNK):
            chunk = images[start:start + CHUNK].to(device, torch.float32)
            feats = classifier.features(chunk)
            probabilities.append(torch.softmax(classifier.head(feats), dim=1).cpu())
            features.append(feats.cpu())
    return torch.cat(probabilities), torch.cat(features)


def real_feature_stats(
    images: torch.Tensor, classifier: DigitClassifier
) -> tuple[np.ndarray, np.ndarray]:
    """(mean, covariance) of the classifier features of real images: compute once per run."""
    return feature_stats(classify(images, classifier)[1].numpy())


def class_metrics(
    images: torch.Tensor,
    classifier: DigitClassifier,
    real_stats: tuple[np.ndarray, np.ndarray] | None = None,
    requested: torch.Tensor | None = None,
) -> dict:
    """Class coverage, balance, confidence and (given ``real_stats``) classifier FID.

    Returns ``classes_covered`` (int), ``class_kl`` (float), ``mean_confidence`` (float),
    ``class_histogram`` (10 fractions), ``is_classifier`` (float, 1 to 10),
    ``fid_classifier`` (float, or None without
    ``real_stats``) and, when ``requested`` labels (n,) are given, ``label_accuracy`` and
    ``worst_digit_accuracy`` (the lowest per-digit share classified as asked).
    Use ≥ 2,000 images for ``fid_classifier``; see the module docstring for what it is not.
    """
    probabilities, features = classify(images, classifier)
    return metrics_from_outputs(probabilities, features, real_stats, requested)


def metrics_from_outputs(
    probabilities: torch.Tensor,
    features: torch.Tensor,
    real_stats: tuple[np.ndarray, np.ndarray] | None = None,
    requested: torch.Tensor | None = None,
) -> dict:
    """``class_metrics`` from the classifier's outputs (``classify``), which the live view
    gathers a chunk at a time."""
    predicted = probabilities.argmax(dim=1)
    counts = torch.bincount(predicted, minlength=NUM_CLASSES).double()
    histogram = (counts / counts.sum()).numpy()
    nonzero = histogram[histogram > 0]
    result: dict = {
        "classes_covered": int((histogram >= COVERED_FRACTION).sum()),
        "class_kl": float(max((nonzero * np.log(nonzero * NUM_CLASSES)).sum(), 0.0)),
        "mean_confidence": float(probabilities.max(dim=1).values.mean()),
        "class_histogram": [float(f) for f in histogram],
        "is_classifier": inception_score(probabilities.numpy()),
        "fid_classifier": None,
    }
    if real_stats is not None:
        if len(features) < 2:
            raise ValueError("fid_classifier needs at least 2 images (and ≥ 2,000 to mean much)")
        mu, sigma = feature_stats(features.numpy())
        result["fid_classifier"] = frechet_distance(mu, sigma, *real_stats)
    if requested is not None:
        requested = requested.reshape(-1).to("cpu", torch.long)
        if len(requested) != len(predicted):
            raise ValueError(f"{len(requested)} requested labels for {len(predicted)} images")
        correct = (predicted == requested).double()
        result["label_accuracy"] = float(correct.mean())
        # The weakest digit: a cGAN must draw *every* requested digit, not most of them.
        result["worst_digit_accuracy"] = min(
            float(correct[requested == digit].mean()) for digit in requested.unique().tolist())
    return result
