"""`pip install .` gives a working package: build the wheel, install it into a fresh venv and
run the installed ``gan-playground`` command from outside the checkout.

The fresh venv sees the test interpreter's site-packages through a ``.pth`` file (torch,
gradio and the rest are not downloaded again) and the wheel is installed with ``--no-deps``;
the wheel's own files come first on its ``sys.path``, so what runs is the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "runs", "artifacts", "*.egg-info",
                              "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    root = ROOT
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    shutil.copytree(root, source, ignore=SKIP)  # a clean copy: the build writes build/ there
    wheels = tmp / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                    "-q", "-w", str(wheels), str(source)], check=True, timeout=120)
    (wheel,) = wheels.glob("gan_playground-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True, check=True
                               ).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    return {"wheel": wheel, "venv": venv, "python": python, "tmp": tmp}


def run(installed, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(installed["venv"] / "bin" / "gan-playground"), *args],
                          cwd=installed["tmp"], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_wheel_holds_every_module_and_data_file(root, installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    modules = {p.relative_to(root).as_posix() for p in (root / "playground").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    presets = {f"playground/preset_files/{p.name}" for p in (root / "presets").glob("*.json")}
    assert presets and presets <= names, sorted(presets - names)
    films = {f"playground/preset_files/films/{p.name}"
             for p in (root / "presets" / "films").glob("*.npz")}
    assert films and films <= names, sorted(films - names)  # the films a visitor sees first
    for data in ("playground/engine/weights/mnist_lenet.pt",
                 "playground/web/static/live_plot.js",
                 "playground/engine/data/mnist_t10k/t10k-images-idx3-ubyte.gz",
                 "playground/engine/data/mnist_t10k/t10k-labels-idx1-ubyte.gz"):
        assert data in names, data


def test_the_installed_package_is_the_wheel_not_the_checkout(root, installed):
    where = subprocess.run([str(installed["python"]), "-c",
                            "import playground; print(playground.__file__)"],
                           cwd=installed["tmp"], capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(installed["venv"])), where.stdout


def test_version(installed):
    from playground import __version__

    result = run(installed, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"gan-playground {__version__}"


def test_presets_are_found_installed(root, installed):
    result = run(installed, "presets")
    assert result.returncode == 0, result.stderr
    for name in ("mode-collapse", "wgan-gp-fix", "collapse-vs-wgan-gp"):
        assert name in result.stdout


def test_a_tiny_training_run(installed):
    out = installed["tmp"] / "run"
    result = run(installed, "train", "--preset", "mode-collapse", "--steps", "5", "--out",
                 str(out))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 5
    assert (out / "samples.npy").is_file()


def test_mnist_on_a_fresh_machine_without_internet(installed, tmp_path):
    """No MNIST_DIR, an empty HOME, offline: the installed package trains on its own copy of
    the MNIST test set, and metrics.json says so."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "MNIST_DIR", "XDG_CACHE_HOME")}
    env.update(HOME=str(tmp_path), PLAYGROUND_OFFLINE="1")
    out = tmp_path / "digits"
    result = subprocess.run([str(installed["venv"] / "bin" / "gan-playground"), "train",
                             "--preset", "mnist-cgan", "--steps", "5", "--out", str(out)],
                            cwd=installed["tmp"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert "MNIST test set (10,000 images)" in metrics["data"]
    assert (out / "samples.png").is_file()


def test_a_bad_argument_exits_2_with_one_line(installed):
    result = run(installed, "train", "--preset", "no-such-preset", "--out", "x")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_no_arguments_start_the_app(installed):
    """The installed app serves its page, with live_plot.js found inside the package."""
    import time
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(GRADIO_SERVER_PORT=str(port), PLAYGROUND_WORKERS="1")
    env.pop("GRADIO_SERVER_NAME", None)
    env.pop("SPACE_ID", None)
    process = subprocess.Popen([str(installed["venv"] / "bin" / "gan-playground")],
                               cwd=installed["tmp"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert page is not None, process.stderr.read() if process.poll() is not None else "slow"
        assert "GAN Playground" in page
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0  # SIGTERM unwinds cleanly (workers stopped)
