"""Datasets by name: 2-D toy distributions (toy2d) and image datasets (images).

One registry for both, so config validation, the UI's dropdown and the Trainer agree on names.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Protocol

import torch

from playground.engine.data.toy2d import DATASET_DESCRIPTIONS as TOY_DESCRIPTIONS
from playground.engine.data.toy2d import DATASETS as TOY_DATASETS
from playground.engine.data.toy2d import Modes

IMAGE_DATASETS = ("mnist", "stacked_mnist")
DATASET_NAMES = (*TOY_DATASETS, *IMAGE_DATASETS)
DATASET_DESCRIPTIONS = MappingProxyType({
    **TOY_DESCRIPTIONS,
    "mnist": "handwritten digits, 28x28 grey (real MNIST; the 10k test set where only it is "
             "present): watch digits form and the class histogram show collapse",
    "stacked_mnist": "three MNIST test digits as the red, green and blue channels of one "
                     "image: 1,000 modes (digit triples), the mode-counting benchmark of "
                     "VEEGAN and PacGAN",
})


class Sampler(Protocol):
    """What a Trainer draws real data from: 2-D points (``toy2d.PointSampler``) or images
    (``images.MnistSampler``, which also draws labels for a conditional GAN)."""

    name: str
    bounds: tuple[float, float]  # the plot's axis range (points) or the pixel range (images)
    modes: Modes | None  # a mixture's known modes (what the mode metrics count), else None
    note: str  # what the user should know about the data ("" when nothing)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor: ...


def is_image_dataset(name: str) -> bool:
    return name in IMAGE_DATASETS


def image_channels(name: str) -> int:
    """Channels of the dataset's images: 3 for Stacked MNIST (one digit each), else 1."""
    return 3 if name == "stacked_mnist" else 1


def make_sampler(
    dataset: str, std: float | None = None, points: tuple[tuple[float, float], ...] = ()
) -> Sampler:
    """A sampler by name (config validation has already checked the name)."""
    if dataset == "mnist":
        from playground.engine.data.images import MnistSampler  # reads MNIST: only when asked for

        return MnistSampler()
    if dataset == "stacked_mnist":
        from playground.engine.data.images import StackedMnistSampler

        return StackedMnistSampler()
    from playground.engine.data.toy2d import make_sampler as make_toy_sampler

    return make_toy_sampler(dataset, std, points)


def dataset_problem(dataset: str) -> str | None:
    """Why ``dataset`` cannot be trained on here (MNIST's files are missing or corrupt), or
    None. The web process asks before sending a run to a worker, so the user gets the message
    at once and the running session is left as it was. Reads MNIST once; never downloads."""
    if not is_image_dataset(dataset):
        return None
    from playground.engine.data.mnist import MnistError

    try:
        make_sampler(dataset)
    except MnistError as exc:
        return without_paths(str(exc))
    return None


# An absolute path (not the path part of a URL: no letter, digit, ':' or '/' right before it).
_PATH = re.compile(r"(?<![\w:/.])(?:~|[A-Za-z]:)?[/\\][^\s,;:()'\"]+")


def without_paths(text: str) -> str:
    """A data error as a visitor may read it: the server's folders become "the MNIST cache"
    (a public page must not show its file system); the CLI keeps the paths, which its user
    needs."""
    return _PATH.sub("the MNIST cache", text)
