"""Killing the app mid-run and starting it again: the same port, a working playground, and
nothing left behind by the killed one (no processes, no semaphores, no lock files)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from gradio_client import Client

from tests.api_outputs import predict
from tests.conftest import free_port, start_app, stop_app

pytestmark = pytest.mark.timeout(300)


def _step(client: Client) -> int:
    status = predict(client, True, False, False, [], api_name="/frame")["status"]
    if isinstance(status, str) and 'data-step="' in status:
        return int(status.split('data-step="')[1].split('"')[0])
    return -1


def _plays(client: Client, steps: int = 20, timeout: float = 60.0) -> None:
    client.predict(api_name="/play")
    deadline = time.monotonic() + timeout
    while _step(client) < steps:
        assert time.monotonic() < deadline, "the session did not train"
        time.sleep(0.2)


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    children = [int(p) for p in out.split()]
    return children + [g for c in children for g in _descendants(c)]


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _shm() -> set[str]:
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


def test_kill_the_app_mid_run_and_start_it_again(tmp_path):
    env = {"TMPDIR": str(tmp_path), "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}
    port = free_port()
    shm_before = _shm()
    app, url = start_app(env, port=port)
    children = []
    try:
        client = Client(url, verbose=False)
        _plays(client)
        client.predict(api_name="/checkpoint")  # an export on disk when it dies
        children = _descendants(app.pid)
        assert children, "expected worker processes"
        os.kill(app.pid, signal.SIGKILL)
        app.wait()
    finally:
        if app.poll() is None:
            app.kill()

    deadline = time.monotonic() + 20
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(children), "the killed app's workers are still running"
    deadline = time.monotonic() + 10
    while _shm() - shm_before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _shm() - shm_before, f"left in /dev/shm: {_shm() - shm_before}"
    leftovers = [p for p in tmp_path.rglob("*") if p.suffix in (".lock", ".pid")]
    assert not leftovers, leftovers

    again, url_again = start_app(env, port=port)  # the same port, straight away
    try:
        assert url_again == url
        client = Client(url_again, verbose=False)
        _plays(client)
        client.predict(api_name="/pause")
    finally:
        stop_app(again)


def test_exports_are_swept_so_a_long_running_space_keeps_its_disk(tmp_path):
    """Each download is written to its own unguessable folder; writing one removes those
    older than the TTL (including any a killed app left), and keeps fresh ones."""
    from playground.web.exports_panel import EXPORT_TTL_S
    from playground.web.exports_panel import export_file as _export_file

    old = Path(_export_file("old.csv", "a,b\n", tmp_path))
    fresh = Path(_export_file("fresh.csv", "a,b\n", tmp_path))
    assert old.parent != fresh.parent and len(old.parent.name) == 16
    stale = time.time() - EXPORT_TTL_S - 5
    os.utime(old.parent, (stale, stale))
    newest = Path(_export_file("new.pt", b"\x00", tmp_path))
    assert not old.parent.exists() and fresh.exists() and newest.read_bytes() == b"\x00"


def test_a_run_that_cannot_restart_says_why_on_the_page(tmp_path):
    """A worker dies while a tab trains on MNIST, and MNIST has gone meanwhile: the new worker
    cannot rebuild the run, so the tab's status line says why (not "starting…" forever), and
    picking another preset trains again."""
    mnist = tmp_path / "mnist"
    mnist.mkdir()
    for source in Path(os.environ["MNIST_DIR"]).glob("t10k-*"):
        (mnist / source.name).symlink_to(source.resolve())
    app, url = start_app({"MNIST_DIR": str(mnist), "PLAYGROUND_OFFLINE": "1",
                          "PLAYGROUND_SHIPPED_MNIST": "0",  # no fallback once MNIST_DIR empties
                          "XDG_CACHE_HOME": str(tmp_path / "cache")})
    try:
        client = Client(url, verbose=False)
        loaded = client.predict("mnist-dcgan", api_name="/preset")
        assert any(isinstance(part, str) and "✓ preset" in part for part in loaded)
        _plays(client, steps=3)
        client.predict(api_name="/pause")  # a run its worker was training when it died is
        time.sleep(1.0)  # not reopened at all (test_killer_config.py); this one is idle
        for link in mnist.iterdir():
            link.unlink()
        workers = [pid for pid in _descendants(app.pid)
                   if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()]
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        deadline, status = time.monotonic() + 60, ""
        while "could not start" not in status:
            assert time.monotonic() < deadline, f"no message; last status: {status}"
            time.sleep(0.3)
            frame_status = predict(client, True, False, False, [], api_name="/frame")["status"]
            status = frame_status if isinstance(frame_status, str) else status
        assert "MNIST" in status and "gp-status bad" in status
        client.predict("mode-collapse", api_name="/preset")
        _plays(client, steps=20)
    finally:
        stop_app(app)
