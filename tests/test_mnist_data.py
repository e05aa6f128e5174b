"""MNIST IDX reading, lookup order and checked downloads (against a local http.server)."""

import gzip
import http.server
import os
import shutil
import threading
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from playground.engine.data import mnist
from playground.engine.data.mnist import MnistError, load_mnist, parse_idx, read_split

SHARED = Path(os.environ["MNIST_DIR"])
T10K = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_reads_the_real_test_set():
    data = read_split(SHARED, "test")
    assert data.images.shape == (10_000, 28, 28) and data.images.dtype == np.uint8
    assert data.labels.shape == (10_000,)
    assert sorted(np.unique(data.labels)) == list(range(10))
    assert data.labels[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]  # the well-known first digits
    assert 30 < data.images.mean() < 36


def test_lookup_uses_mnist_dir_and_says_it_is_the_test_set(monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(SHARED))
    data = load_mnist(allow_download=False)
    assert data.split == "test" and data.source == SHARED


def test_cache_is_second(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    cache = mnist.cache_dir()
    cache.mkdir(parents=True)
    for name in T10K:
        shutil.copy(SHARED / name, cache / name)
    assert load_mnist(allow_download=False).source == cache


def test_missing_everywhere_says_where_to_put_files(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "empty"))
    with pytest.raises(MnistError, match="MNIST_DIR") as info:
        load_mnist(allow_download=False)
    assert "t10k-images-idx3-ubyte.gz" in str(info.value)


def raw(name):
    return gzip.decompress((SHARED / name).read_bytes())


def test_bad_magic_truncation_and_shape_are_named():
    labels = raw("t10k-labels-idx1-ubyte.gz")
    images = raw("t10k-images-idx3-ubyte.gz")
    with pytest.raises(MnistError, match="magic"):
        parse_idx(labels, mnist.IMAGE_MAGIC, "x")
    with pytest.raises(MnistError, match="truncated"):
        parse_idx(images[:-100], mnist.IMAGE_MAGIC, "x")
    with pytest.raises(MnistError, match="truncated"):
        parse_idx(images[:5], mnist.IMAGE_MAGIC, "x")
    bad_shape = images[:8] + (27).to_bytes(4, "big") + images[12:]
    with pytest.raises(MnistError, match="27x28"):
        parse_idx(bad_shape, mnist.IMAGE_MAGIC, "x")


def test_corrupt_gzip_in_a_folder_is_a_clear_error(tmp_path):
    shutil.copy(SHARED / T10K[1], tmp_path / T10K[1])
    (tmp_path / T10K[0]).write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(MnistError, match="cannot be read"):
        read_split(tmp_path, "test")


@pytest.fixture
def server(tmp_path):
    """A local HTTP server with the real t10k files and a corrupted copy of one of them."""
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    for name in T10K:
        shutil.copy(SHARED / name, root / "good" / name)
        data = bytearray((SHARED / name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (root / "bad" / name).write_bytes(bytes(data))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_download_checks_md5_and_lands_atomically(server, tmp_path):
    target = tmp_path / "dl"
    seen = []
    mnist.download(target, server + "good/", names=T10K, progress=lambda n, d, t: seen.append(n))
    assert sorted(p.name for p in target.iterdir()) == sorted(T10K)  # no .part files left
    assert read_split(target, "test").images.shape == (10_000, 28, 28)
    assert set(seen) == set(T10K)


def test_corrupted_download_is_rejected_and_discarded(server, tmp_path):
    target = tmp_path / "dl"
    with pytest.raises(MnistError, match="checksum"):
        mnist.download(target, server + "bad/", names=T10K)
    assert list(target.iterdir()) == []


def test_offline_download_failure_says_where_to_put_files(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "nothing"))
    with pytest.raises(MnistError, match="download failed"):
        load_mnist(base_url="http://127.0.0.1:9/")
