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
    data = load_mnist()
    assert data.split == "test" and data.source == SHARED


def test_cache_is_second(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    cache = mnist.cache_dir()
    cache.mkdir(parents=True)
    for name in T10K:
        shutil.copy(SHARED / name, cache / name)
    assert load_mnist().source == cache


def test_missing_everywhere_says_where_to_put_files(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("PLAYGROUND_SHIPPED_MNIST", "0")  # refuse the package's copy
    with pytest.raises(MnistError, match="MNIST_DIR") as info:
        load_mnist()
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


def test_the_shipped_test_set_is_the_real_one():
    """The package's copy: the same bytes as the shared set, and an MD5SUMS that agrees."""
    for name in T10K:
        assert mnist.md5(mnist.SHIPPED_DIR / name) == mnist.FILES[name] == mnist.md5(SHARED / name)
    sums = dict(line.split()[::-1] for line in (mnist.SHIPPED_DIR / "MD5SUMS").read_text()
                .splitlines())
    assert sums == {name: mnist.FILES[name] for name in T10K}


def no_network(*args, **kwargs):
    raise AssertionError("MNIST lookup must never touch the network")


def test_offline_fresh_home_uses_the_shipped_test_set(monkeypatch, tmp_path):
    """A fresh machine: no MNIST_DIR, an empty HOME and cache, no network. Digits anyway."""
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("PLAYGROUND_OFFLINE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(mnist.urllib.request, "urlopen", no_network)
    data = load_mnist()
    assert data.source == mnist.SHIPPED_DIR and data.split == "test"
    assert data.images.shape == (10_000, 28, 28)
    assert data.labels[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]
    from playground.engine.data.images import MnistSampler

    assert "test set" in MnistSampler().note


def test_a_corrupt_shipped_file_is_a_clear_error_naming_it(monkeypatch, tmp_path):
    shipped = tmp_path / "mnist_t10k"
    shipped.mkdir()
    shutil.copy(SHARED / T10K[1], shipped / T10K[1])
    data = bytearray((SHARED / T10K[0]).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte: gzip may not even notice
    (shipped / T10K[0]).write_bytes(bytes(data))
    monkeypatch.setattr(mnist, "SHIPPED_DIR", shipped)
    monkeypatch.delenv("MNIST_DIR", raising=False)
    with pytest.raises(MnistError) as info:
        load_mnist()
    message = str(info.value)
    assert str(shipped / T10K[0]) in message and "checksum mismatch" in message
    assert "reinstall" in message and "MNIST_DIR" in message
    shutil.copy(SHARED / T10K[0], shipped / T10K[0])
    assert load_mnist().source == shipped  # whole again
    (shipped / T10K[1]).unlink()
    with pytest.raises(MnistError, match=f"{T10K[1]}: missing"):
        load_mnist()


@pytest.fixture
def train_server(tmp_path):
    """A local HTTP server with the t10k files under the training set's names (the fetch,
    verify and rename logic does not care about the size), and a corrupted copy."""
    root = tmp_path / "www"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    sums = {}
    for test_name, train_name in zip(T10K, mnist.TRAIN_FILES):
        shutil.copy(SHARED / test_name, root / "good" / train_name)
        data = bytearray((SHARED / test_name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (root / "bad" / train_name).write_bytes(bytes(data))
        sums[train_name] = mnist.md5(SHARED / test_name)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", sums
    httpd.shutdown()


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.delenv("PLAYGROUND_OFFLINE", raising=False)
    return tmp_path


def test_the_background_fetch_lands_the_training_set_in_the_cache(train_server, fresh, capsys):
    from playground.web.serve import start_mnist_fetch

    url, sums = train_server
    assert load_mnist().split == "test"  # before: the shipped set
    start_mnist_fetch(url + "good/", {**mnist.FILES, **sums}).join(timeout=60)
    cache = mnist.cache_dir()
    assert sorted(p.name for p in cache.iterdir()) == sorted(mnist.TRAIN_FILES)  # no .part
    data = load_mnist()
    assert data.split == "train" and data.source == cache
    assert "fetched the MNIST training set" in capsys.readouterr().err
    # a second start-up finds it there and fetches nothing
    start_mnist_fetch("http://127.0.0.1:9/", sums).join(timeout=60)
    assert "skipped: the training set is in" in capsys.readouterr().err


def test_a_corrupt_fetch_leaves_nothing_and_the_shipped_set_serves(train_server, fresh, capsys):
    from playground.web.serve import start_mnist_fetch

    url, sums = train_server
    start_mnist_fetch(url + "bad/", {**mnist.FILES, **sums}).join(timeout=60)
    assert "checksum mismatch" in capsys.readouterr().err
    assert list(mnist.cache_dir().iterdir()) == []
    assert load_mnist().source == mnist.SHIPPED_DIR


def test_no_fetch_offline_or_when_mnist_dir_holds_mnist(fresh, monkeypatch):
    monkeypatch.setattr(mnist.urllib.request, "urlopen", no_network)
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    assert mnist.fetch_training_set().startswith("skipped: PLAYGROUND_OFFLINE")
    monkeypatch.delenv("PLAYGROUND_OFFLINE")
    monkeypatch.setenv("MNIST_DIR", str(SHARED))
    assert mnist.fetch_training_set().startswith("skipped: MNIST_DIR")


def test_an_unreachable_mirror_is_an_error_the_app_reports(fresh):
    with pytest.raises(OSError):
        mnist.fetch_training_set("http://127.0.0.1:9/", timeout=5)
    assert not mnist.cache_dir().exists() or list(mnist.cache_dir().iterdir()) == []
