import os
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import settings

# CI replays the same fuzz examples every run (a red CI means a real, reproducible bug); a
# developer's machine explores new ones each time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

DEFAULT_MNIST = ROOT.parent / "shared" / "data" / "mnist"
os.environ.setdefault("MNIST_DIR", str(DEFAULT_MNIST))


@pytest.fixture
def root() -> Path:
    return ROOT


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(extra_env: dict[str, str] | None = None, timeout: float = 90.0,
              port: int | None = None):
    """Launch ``python app.py`` on ``port`` (default: a free one); returns (process, url) once
    it answers."""
    import subprocess
    import time
    import urllib.request

    port = port or free_port()
    # Every test client calls from 127.0.0.1 without loading the page: as many API-opened
    # sessions per address as the cap allows, unless a test asks for the public default.
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
               PLAYGROUND_WORKERS="1", PLAYGROUND_ANON_PER_CLIENT="64")
    env.update(extra_env or {})
    env.pop("GRADIO_SERVER_NAME", None)
    env.pop("SPACE_ID", None)
    # The app's own log, kept even in a fresh clone (CI's), so that a server-side error
    # behind an anonymous API failure can be read afterwards.
    logs = ROOT / "artifacts" / "app-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"app-{port}.log", "w") as log:  # the app keeps its own copy of the file
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("app did not start in time")


def stop_app(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except Exception:
        process.kill()


@pytest.fixture(scope="session")
def app_url():
    process, url = start_app()
    yield url
    stop_app(process)


@pytest.fixture(scope="module")
def manager():
    """A SessionManager with two worker processes, shared by one test module's tests (spawning
    workers costs seconds). Tests close the sessions they open; the cap leaves room for the
    churn test's 20 at once."""
    from playground.live.session import SessionManager

    m = SessionManager(workers=2, max_sessions=24, ttl_s=600).start()
    yield m
    m.shutdown()
