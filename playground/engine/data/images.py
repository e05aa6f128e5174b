"""Image datasets as samplers: MNIST digits, with their labels, for image GANs.

Images are float32 tensors of shape (n, 1, 28, 28) scaled to [-1, 1], the range of a tanh
generator. The dataset is read once per process and device and shared by every run there (a
worker holding eight MNIST sessions keeps one copy: 31 MB for the 10k set, 188 MB for 60k).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from playground.engine.data.mnist import MnistData, locate_mnist, read_mnist

IMAGE_SHAPE = (1, 28, 28)
NUM_CLASSES = 10


def to_unit_range(images: np.ndarray) -> torch.Tensor:
    """uint8 pixels (n, 28, 28) → float32 (n, 1, 28, 28) in [-1, 1]."""
    pixels = torch.from_numpy(np.array(images, dtype=np.float32))  # a copy: MNIST is read-only
    return (pixels / 127.5 - 1.0).reshape(-1, *IMAGE_SHAPE)


# Keyed by where the data lies: when the training set arrives in the cache (fetched in the
# background), new runs read it while runs already going keep the set they started with.
@lru_cache(maxsize=2)
def _mnist(directory: Path, split: str) -> MnistData:
    return read_mnist(directory, split)


@lru_cache(maxsize=4)
def _tensors(device: str, directory: Path, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    data = _mnist(directory, split)
    images = to_unit_range(data.images).to(device)
    labels = torch.as_tensor(data.labels.astype(np.int64)).to(device)
    return images, labels


class MnistSampler:
    """Draws real digits (and their labels) with a caller-supplied generator."""

    name = "mnist"
    channels = 1
    bounds = (-1.0, 1.0)  # pixel range, for symmetry with the 2-D samplers' plot bounds
    modes = None

    def __init__(self) -> None:
        self._where = locate_mnist(prefer="train")  # MnistError (where to put the files)
        data = _mnist(*self._where)  # raises MnistError for a corrupt file, before training
        self.split = data.split
        self.size = len(data.labels)

    @property
    def note(self) -> str:
        """What the user should know about the data (e.g. that only the test set is here)."""
        if self.split == "test":
            return (f"training on the MNIST test set ({self.size:,} images): the 60k training "
                    "set is not here (the app fetches it at start-up where the internet is "
                    "reachable)")
        return f"MNIST training set, {self.size:,} images"

    def sample_labeled(
        self, n: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        images, labels = _tensors(str(generator.device), *self._where)
        index = torch.randint(len(labels), (n,), generator=generator, device=generator.device)
        return images[index], labels[index]

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.sample_labeled(n, generator)[0]


STACKED_MODES = NUM_CLASSES**3  # label triples (first, second, third channel): 1,000


class StackedMnistSampler:
    """Stacked MNIST (Metz et al. 2017; VEEGAN and PacGAN count modes on it): three digits
    drawn independently and uniformly from the MNIST test set become the three channels of one
    (3, 28, 28) image, so the data has 1,000 modes, one per triple of labels. The test set is
    used wherever MNIST is (it ships with the package), so every machine draws the same data.

    ``sample_labeled`` gives each image's triple as one number, 100 x first + 10 x second +
    third (0-999): what the mode count compares against (there is no conditional GAN here)."""

    name = "stacked_mnist"
    channels = 3
    bounds = (-1.0, 1.0)
    modes = None  # the 1,000 modes are counted by the classifier (StackedMnistJudge)

    def __init__(self) -> None:
        self._where = locate_mnist(prefer="test")  # MnistError (where to put the files)
        data = _mnist(*self._where)
        self.split = data.split
        self.size = len(data.labels)

    @property
    def note(self) -> str:
        return (f"Stacked MNIST: three digits from the MNIST {self.split} set "
                f"({self.size:,} images) as the red, green and blue channels; 1,000 modes")

    def sample_labeled(
        self, n: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        images, labels = _tensors(str(generator.device), *self._where)
        index = torch.randint(len(labels), (n, 3), generator=generator, device=generator.device)
        stacked = images[index.reshape(-1)].reshape(n, 3, *IMAGE_SHAPE[1:])
        digits = labels[index]
        return stacked, digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2]

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.sample_labeled(n, generator)[0]
