"""Datasets by name: 2-D toy distributions (toy2d) and image datasets (images).

One registry for both, so config validation, the UI's dropdown and the Trainer agree on names.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from playground.engine.data.toy2d import DATASET_DESCRIPTIONS as TOY_DESCRIPTIONS
from playground.engine.data.toy2d import DATASETS as TOY_DATASETS

IMAGE_DATASETS = ("mnist",)
DATASET_NAMES = (*TOY_DATASETS, *IMAGE_DATASETS)
DATASET_DESCRIPTIONS = MappingProxyType({
    **TOY_DESCRIPTIONS,
    "mnist": "handwritten digits, 28x28 grey (real MNIST; the 10k test set where only it is "
             "present): watch digits form and the class histogram show collapse",
})


def is_image_dataset(name: str) -> bool:
    return name in IMAGE_DATASETS


def make_sampler(
    dataset: str, std: float | None = None, points: tuple[tuple[float, float], ...] = ()
) -> Any:
    """A sampler by name (config validation has already checked the name)."""
    if dataset == "mnist":
        from playground.engine.data.images import MnistSampler  # reads MNIST: only when asked for

        return MnistSampler()
    from playground.engine.data.toy2d import make_sampler as make_toy_sampler

    return make_toy_sampler(dataset, std, points)


def dataset_problem(dataset: str) -> str | None:
    """Why ``dataset`` cannot be trained on here (MNIST's files are missing or corrupt), or
    None. The web process asks before sending a run to a worker, so the user gets the message
    at once and the running session is left as it was. Reads MNIST once; never downloads."""
    if not is_image_dataset(dataset):
        return None
    from playground.engine.data.images import MnistSampler
    from playground.engine.data.mnist import MnistError

    try:
        MnistSampler()
    except MnistError as exc:
        return str(exc)
    return None
