"""MNIST from IDX files, read by hand (no torchvision), with a careful lookup order.

Where the files come from, in order: ``$MNIST_DIR``; the cache ``~/.cache/gan-playground/mnist``
(``$XDG_CACHE_HOME``); the 10,000-image test set shipped in this package
(``mnist_t10k/``, MD5-checked on every read), so a fresh machine without internet still trains
on real digits. Nothing here downloads while a user waits: ``fetch_training_set`` fetches the
60k training set into the cache (each file to a temp file, checked against its published MD5,
then renamed), and the app calls it in a background thread at start-up. ``MnistData.split``
says which set was found, so the page and ``metrics.json`` can tell the user.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import struct
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

STALE_PART_S = 3600  # a half-downloaded file this old belongs to no running download
MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"
FILES = MappingProxyType({  # name → published MD5 of the .gz file
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
})
SPLITS = MappingProxyType({"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
                           "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")})
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
TRAIN_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
SHIPPED_DIR = Path(__file__).resolve().parent / "mnist_t10k"  # package data: the t10k files


class MnistError(RuntimeError):
    """MNIST is missing, corrupt or truncated; the message says what to do."""


@dataclass(frozen=True)
class MnistData:
    images: np.ndarray  # (n, 28, 28) uint8
    labels: np.ndarray  # (n,) uint8
    split: str  # "train" or "test" (the 10k test set, when that is all there is)
    source: Path


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "gan-playground" / "mnist"


def _open(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
        return gzip.decompress(raw) if path.suffix == ".gz" else raw
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise MnistError(f"{path}: cannot be read as IDX{' (gzip)' if path.suffix == '.gz' else ''}"
                         f" ({exc}); delete it and fetch it again") from None


def parse_idx(data: bytes, expect_magic: int, name: str) -> np.ndarray:
    """An IDX array, with its header checked against the bytes that follow."""
    if len(data) < 8:
        raise MnistError(f"{name}: truncated (only {len(data)} bytes)")
    magic, count = struct.unpack(">II", data[:8])
    if magic != expect_magic:
        raise MnistError(f"{name}: not an MNIST IDX file (magic {magic}, expected {expect_magic})")
    dims = [count]
    offset = 8
    if magic == IMAGE_MAGIC:
        if len(data) < 16:
            raise MnistError(f"{name}: truncated header")
        rows, cols = struct.unpack(">II", data[8:16])
        if (rows, cols) != (28, 28):
            raise MnistError(f"{name}: images are {rows}x{cols}, expected 28x28")
        dims += [rows, cols]
        offset = 16
    expected = int(np.prod(dims))
    if len(data) - offset != expected:
        raise MnistError(f"{name}: truncated or padded ({len(data) - offset} bytes of data, "
                         f"header says {expected})")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def _find(directory: Path, stem: str) -> Path | None:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    return None


def read_split(directory: Path, split: str) -> MnistData | None:
    """The split's images and labels from ``directory``, or None if its files are not there."""
    image_stem, label_stem = SPLITS[split]
    image_path, label_path = _find(directory, image_stem), _find(directory, label_stem)
    if image_path is None or label_path is None:
        return None
    images = parse_idx(_open(image_path), IMAGE_MAGIC, image_path.name)
    labels = parse_idx(_open(label_path), LABEL_MAGIC, label_path.name)
    if len(images) != len(labels):
        raise MnistError(f"{directory}: {len(images)} images but {len(labels)} labels")
    if labels.max(initial=0) > 9:
        raise MnistError(f"{label_path.name}: labels outside 0-9")
    return MnistData(images, labels, split, directory)


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    target: Path,
    base_url: str = MIRROR,
    names: tuple[str, ...] = tuple(FILES),
    progress: Callable[[str, int, int], None] | None = None,
    timeout: float = 30.0,
    checksums: Mapping[str, str] = FILES,
) -> None:
    """Fetch ``names`` into ``target``: each to a temp file, MD5-checked against
    ``checksums``, then renamed (a reader never sees a partial file)."""
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob(".*.part"):  # left by a download that was killed
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink()
    for name in names:
        final = target / name
        if final.is_file() and md5(final) == checksums[name]:
            continue
        fd, tmp_name = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(
                base_url + name, timeout=timeout
            ) as response:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                while block := response.read(1 << 16):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(name, done, total)
            got = md5(tmp)
            if got != checksums[name]:
                raise MnistError(f"{name}: checksum mismatch (got {got}, expected "
                                 f"{checksums[name]}); the download was corrupt and has been "
                                 "discarded")
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)


def tqdm_progress() -> Callable[[str, int, int], None] | None:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a runtime dependency
        return None
    bars: dict[str, tqdm] = {}

    def update(name: str, done: int, total: int) -> None:
        bar = bars.get(name) or bars.setdefault(
            name, tqdm(total=total or None, unit="B", unit_scale=True, desc=name, leave=False))
        bar.update(done - bar.n)
        if total and done >= total:
            bar.close()

    return update


def where_to_put_files() -> str:
    return (f"MNIST not found. Put the four files {', '.join(FILES)} (or at least the two t10k "
            f"files) in a folder and set MNIST_DIR to it, or into {cache_dir()}; the app fetches "
            f"the training set there in the background where {MIRROR} can be reached.")


def offline() -> bool:
    """``PLAYGROUND_OFFLINE`` set (to anything but 0): never try the network."""
    return os.environ.get("PLAYGROUND_OFFLINE", "") not in ("", "0")


def shipped_allowed() -> bool:
    """False when ``PLAYGROUND_SHIPPED_MNIST=0``: then MNIST must come from ``MNIST_DIR`` or
    the cache (for a run that must not quietly train on the 10k test set)."""
    return os.environ.get("PLAYGROUND_SHIPPED_MNIST", "") != "0"


def _places() -> list[Path]:
    places = [Path(os.environ["MNIST_DIR"])] if os.environ.get("MNIST_DIR") else []
    return [*places, cache_dir()]


def _has_split(directory: Path, split: str) -> bool:
    return all(_find(directory, stem) is not None for stem in SPLITS[split])


def locate_mnist(prefer: str = "train") -> tuple[Path, str]:
    """(folder, split) that ``load_mnist`` would read, without reading it: the first place in
    the lookup order holding a whole split (``prefer`` first, then the other); MnistError
    with instructions when there is none."""
    other = "test" if prefer == "train" else "train"
    for place in _places():
        for split in (prefer, other):
            if _has_split(place, split):
                return place, split
    if shipped_allowed():
        return SHIPPED_DIR, "test"
    raise MnistError(where_to_put_files())


def check_shipped(directory: Path = SHIPPED_DIR) -> None:
    """The package's copy of the test set is whole: MnistError naming the damaged file."""
    for name in (f"{stem}.gz" for stem in SPLITS["test"]):
        path = directory / name
        if not path.is_file():
            raise MnistError(f"{path}: missing from the installed package; reinstall it, or set "
                             "MNIST_DIR to a folder with MNIST")
        got = md5(path)
        if got != FILES[name]:
            raise MnistError(f"{path}: checksum mismatch (got {got}, expected {FILES[name]}): "
                             "the package's copy of MNIST is damaged; reinstall it, or set "
                             "MNIST_DIR to a folder with MNIST")


def read_mnist(directory: Path, split: str) -> MnistData:
    """The split in ``directory`` (as ``locate_mnist`` names it), the shipped copy checked."""
    if directory == SHIPPED_DIR:
        check_shipped(directory)
    data = read_split(directory, split)
    if data is None:
        raise MnistError(where_to_put_files())
    return data


def load_mnist(prefer: str = "train") -> MnistData:
    """MNIST by the lookup order above (never downloads); MnistError with instructions."""
    return read_mnist(*locate_mnist(prefer))


def fetch_training_set(
    base_url: str = MIRROR,
    checksums: Mapping[str, str] = FILES,
    timeout: float = 30.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> str:
    """Download the 60k training set into the cache where it would be used; blocking (the app
    runs it in a background thread at start-up). Returns what happened, in words; raises
    MnistError or OSError when the download fails or is corrupt (nothing partial is left).

    Skipped when ``PLAYGROUND_OFFLINE`` is set, when ``MNIST_DIR`` holds MNIST (it comes first
    in the lookup, so a cached copy would never be read) or when the cache has it already."""
    if offline():
        return "skipped: PLAYGROUND_OFFLINE is set"
    folder = os.environ.get("MNIST_DIR")
    if folder and any(_has_split(Path(folder), split) for split in SPLITS):
        return f"skipped: MNIST_DIR ({folder}) holds MNIST"
    if _has_split(cache_dir(), "train"):
        return f"skipped: the training set is in {cache_dir()}"
    download(cache_dir(), base_url, TRAIN_FILES, progress, timeout, checksums)
    return f"fetched the MNIST training set into {cache_dir()}"
