"""A small MNIST digit classifier (LeNet-size), trained once and shipped, for image GAN metrics.

The weights live in ``playground/engine/weights/mnist_lenet.pt`` (a float32 state dict,
< 1 MB) with a record ``mnist_lenet.json`` beside it: the accuracy reached, on which images,
and how. Retrain with ``python -m playground train-classifier``. The metrics built on it (class
coverage, class KL, confidence, classifier-feature FID) are in
``playground.engine.image_metrics``.

Images everywhere are float32 tensors (n, 1, 28, 28) in [-1, 1] (pixel / 127.5 - 1), the range of
a tanh generator, so generated samples go straight in.

Which images it learnt from: with the 60k training split, all of it, tested on the 10k test split.
Where only the 10k test set exists (as on a machine without the training files), a fixed split of
it: 8,000 images to train, the other 2,000 held out to test; the record says which.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.engine.data.images import to_unit_range
from playground.engine.data.mnist import MnistData, MnistError, load_mnist, read_split

WEIGHTS = Path(__file__).parent / "weights" / "mnist_lenet.pt"
NUM_CLASSES = 10
FEATURE_DIM = 128
HOLDOUT = 2_000  # images held out to test when only one split exists
SPLIT_SEED = 1234  # fixed: the held-out images are the same whatever the training seed
RETRAIN_HINT = "run `python -m playground train-classifier` to train it again"


class DigitClassifier(nn.Module):
    """conv 5x5 1→32, pool, conv 5x5 32→64, pool, fc 1024→128, fc 128→10 (185k weights)."""

    def __init__(self, dropout: float = 0.3) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5)  # 28 → 24, pooled to 12
        self.conv2 = nn.Conv2d(32, 64, 5)  # 12 → 8, pooled to 4
        self.fc1 = nn.Linear(64 * 4 * 4, FEATURE_DIM)
        self.fc2 = nn.Linear(FEATURE_DIM, NUM_CLASSES)
        self.dropout = nn.Dropout(dropout)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (n, 128), after the ReLU: what classifier FID compares."""
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc1(x.flatten(1)))

    def head(self, features: torch.Tensor) -> torch.Tensor:
        """Logits (n, 10) from ``features``."""
        return self.fc2(self.dropout(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


_CACHE: dict[tuple[str, str], tuple[tuple[int, int], DigitClassifier]] = {}


def load_classifier(
    device: torch.device | str = "cpu", *, weights: Path | None = None
) -> DigitClassifier:
    """The shipped classifier on ``device``, in eval mode with gradients off.

    Cached per process and device (and weights file: reloaded only if the file changes), so call
    it freely. A missing or unreadable file raises RuntimeError saying how to retrain.
    """
    path = Path(weights if weights is not None else WEIGHTS)
    device = torch.device(device)
    key = (str(path.resolve()), str(device))
    try:
        stat = path.stat()
    except OSError:
        raise RuntimeError(f"classifier weights {path} are missing; {RETRAIN_HINT}") from None
    signature = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        model = DigitClassifier()
        model.load_state_dict(state)
    except Exception as exc:  # corrupt, truncated, or another net's weights
        raise RuntimeError(f"classifier weights {path} cannot be loaded ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}); "
                           f"{RETRAIN_HINT}") from None
    model.to(device).eval().requires_grad_(False)
    _CACHE[key] = (signature, model)
    return model


def holdout_split(n: int, holdout: int = HOLDOUT) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices) of a fixed-seed permutation of ``n`` images."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    return np.sort(order[holdout:]), np.sort(order[:holdout])


def random_shift(x: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Each image moved by its own random (dy, dx) in [-max_shift, max_shift], -1 filled in."""
    if max_shift == 0:
        return x
    n, size = len(x), x.shape[-1]
    padded = F.pad(x[:, 0], (max_shift,) * 4, value=-1.0)
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, n, 1), generator=generator)
    base = torch.arange(size)
    rows, cols = (base + dy)[:, :, None], (base + dx)[:, None, :]
    return padded[torch.arange(n)[:, None, None], rows, cols][:, None]


def _labels(labels: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(labels.astype(np.int64))  # a writable copy of read-only IDX bytes


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of ``images`` (n, 1, 28, 28) classified as ``labels``, in chunks of 1,000."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), 1000):
            logits = model(images[start:start + 1000])
            correct += int((logits.argmax(1) == labels[start:start + 1000]).sum())
    return correct / max(len(images), 1)


def _train_and_test_sets(
    data: MnistData,
) -> tuple[MnistData, MnistData, str, str, int | None]:
    """Train and test images, plain-words names of each, and the split seed (if split here)."""
    if data.split == "train":
        test = read_split(data.source, "test")
        if test is None:
            found = load_mnist(prefer="test")
            test = found if found.split == "test" else None
        if test is not None:
            return (data, test, f"MNIST train split ({len(data.labels):,} images)",
                    f"MNIST t10k test split ({len(test.labels):,} images)", None)
    if len(data.labels) <= HOLDOUT:
        raise MnistError(f"only {len(data.labels)} MNIST images: need more than {HOLDOUT}")
    train_idx, test_idx = holdout_split(len(data.labels))
    name = "test set" if data.split == "test" else "train split (no test split found)"
    train = MnistData(data.images[train_idx], data.labels[train_idx], data.split, data.source)
    test = MnistData(data.images[test_idx], data.labels[test_idx], data.split, data.source)
    return (train, test,
            f"{len(train_idx):,} images of the MNIST {name} (fixed split, seed {SPLIT_SEED})",
            f"the other {len(test_idx):,} images of the MNIST {name}, held out (never trained on)",
            SPLIT_SEED)


def train_classifier(
    data: MnistData,
    epochs: int = 20,
    seed: int = 0,
    *,
    batch_size: int = 64,
    lr: float = 1e-3,
    max_shift: int = 2,
    limit: int | None = None,
    log=None,
) -> tuple[DigitClassifier, dict]:
    """Train a DigitClassifier on ``data``; (model in eval mode, report dict for the record).

    Adam with a cosine learning-rate decay, dropout, and random shifts of up to ``max_shift``
    pixels. Deterministic for a seed (on the same machine and thread count). ``limit`` trains on
    only the first ``limit`` training images (for quick tests). ``log(str)`` gets one line per
    epoch.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be ≥ 1, got {epochs}")
    started = time.perf_counter()
    train, test, trained_on, tested_on, split_seed = _train_and_test_sets(data)
    if limit is not None:
        train = MnistData(train.images[:limit], train.labels[:limit], train.split, train.source)
        trained_on = f"the first {len(train.labels):,} of " + trained_on
    x_train, y_train = to_unit_range(train.images), _labels(train.labels)
    x_test, y_test = to_unit_range(test.images), _labels(test.labels)

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = DigitClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = -(-len(x_train) // batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * steps_per_epoch)
    losses = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total = 0.0
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            batch = random_shift(x_train[index], max_shift, generator)
            loss = F.cross_entropy(model(batch), y_train[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(index)
        losses.append(round(total / len(x_train), 5))
        if log:
            log(f"epoch {epoch + 1}/{epochs}: loss {losses[-1]:.4f}")
    test_accuracy = accuracy(model, x_test, y_test)
    model.requires_grad_(False)
    report = {
        "accuracy": round(test_accuracy, 5),
        "trained_on": trained_on,
        "tested_on": tested_on,
        "train_images": len(x_train),
        "test_images": len(x_test),
        "data_split": data.split,
        "data_source": str(data.source),
        "epochs": epochs,
        "seed": seed,
        "split_seed": split_seed,
        "batch_size": batch_size,
        "optimizer": f"Adam lr {lr}, cosine decay to 0",
        "augmentation": f"random shifts of up to ±{max_shift} px" if max_shift else "none",
        "train_loss_per_epoch": losses,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "wall_s": round(time.perf_counter() - started, 1),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if split_seed is not None:
        report["note"] = (f"only the MNIST {data.split} set was available, so {len(x_test):,} of "
                          "its images were held out to test; an accuracy over the whole set "
                          "includes the images trained on and overstates generalisation")
    return model, report
