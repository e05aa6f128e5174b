"""The Stacked MNIST judge on real data: what a perfect generator would score. Draws
``--samples`` (default 26,000, the papers' count) real stacked images per seed and prints the
LeNet's mode count, mode KL and confidence: the ceiling for the README's Stacked MNIST table.

    python bench/stacked_mnist_real.py [--seeds 0 1 2] [--samples 26000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.classifier import load_classifier  # noqa: E402
from playground.engine.data import make_sampler  # noqa: E402
from playground.engine.stacked_mnist_metrics import (  # noqa: E402
    BENCHMARK_SAMPLES,
    classify_channels,
    mode_metrics_from_codes,
    triple_metrics,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--samples", type=int, default=BENCHMARK_SAMPLES)
    args = parser.parse_args()
    torch.set_num_threads(1)
    sampler = make_sampler("stacked_mnist")
    classifier = load_classifier(torch.device("cpu"))
    print(f"data: {sampler.note}")
    for seed in args.seeds:
        images, codes = sampler.sample_labeled(args.samples, torch.Generator().manual_seed(seed))
        judged = triple_metrics(classify_channels(images, classifier))
        truth = mode_metrics_from_codes(codes)
        print(f"seed {seed}, {args.samples:,} real images: LeNet sees {judged['modes_covered']}"
              f"/1000 modes, mode KL {judged['mode_kl']:.4f}, confidence "
              f"{judged['mean_confidence']:.3f}; true labels: {truth['modes_covered']}/1000, "
              f"mode KL {truth['mode_kl']:.4f}")


if __name__ == "__main__":
    main()
