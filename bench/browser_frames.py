"""Drawn frames/s of the live view, counted in headless Chromium itself, while a 2-D preset
trains; and training it/s with the page watching against the same run with nobody watching.

The page's plot script counts every drawn frame of the live plot (``data-renders`` on the
plot element, see web/static/live_plot.js); this reads that counter before and after a window
of ``--seconds``, and the CPU time of Chromium's renderer processes per drawn frame (which
other processes' load does not inflate as it does frames/s). "Nobody watching" is the same
session with the page's frame requests held back (the worker draws a snapshot only when
asked), so both rates come from one run, one worker, interleaved over ``--rounds``.

    python bench/browser_frames.py [--preset wgan-gp-fix] [--seconds 8] [--rounds 3] [--compare]

Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
RENDERS = """(ids) => ids.split(',').map(id => document.querySelector(id.trim() + ' .gp-plot'))
                   .map(e => Number((e && e.dataset.renders) || 0))"""


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
               PLAYGROUND_WORKERS="1")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(180):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the app did not start")


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def renderer_cpu_s() -> float:
    """CPU seconds used so far by this script's Chromium renderer processes (Linux /proc):
    the page's own work per frame, which CPU contention from other processes does not
    inflate the way it does wall-clock frames/s."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                children.setdefault(int(_stat(int(name))[1]), []).append(int(name))
            except (OSError, IndexError):
                continue
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/cmdline") as handle:
                if "--type=renderer" not in handle.read().replace("\0", " "):
                    continue
            fields = _stat(pid)
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            continue
    return total


def iteration(page, selector: str) -> int:
    match = re.search(r"iteration ([\d,]+)", page.inner_text(selector))
    return int(match.group(1).replace(",", "")) if match else -1


class FrameGate:
    """Holds back the page's frame requests while closed (the "nobody watching" run)."""

    def __init__(self) -> None:
        self.open = True

    def route(self, route) -> None:
        # The page's frame loop posts to /gradio_api/run/frame (compare_frame in Compare);
        # before it, Gradio's timer posted to /run/predict (so the script times older pages).
        if not self.open and route.request.url.endswith(
                ("/run/frame", "/run/compare_frame", "/run/predict")):
            route.abort()
        else:
            route.continue_()


def measure(page, gate: FrameGate, seconds: float, plots: str, status: str) -> dict:
    gate.open = True
    page.wait_for_timeout(1500)  # the view catches up
    r0, i0, t0 = page.evaluate(RENDERS, plots), iteration(page, status), time.perf_counter()
    c0 = renderer_cpu_s()
    page.wait_for_timeout(seconds * 1000)
    r1, i1, t1 = page.evaluate(RENDERS, plots), iteration(page, status), time.perf_counter()
    c1 = renderer_cpu_s()
    watched = {"fps": [(b - a) / (t1 - t0) for a, b in zip(r0, r1, strict=True)],
               "its": (i1 - i0) / (t1 - t0),
               "cpu_ms": 1000 * (c1 - c0) / max(r1[0] - r0[0], 1)}
    gate.open = False
    page.wait_for_timeout(500)
    i0, t0 = iteration(page, status), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    gate.open = True
    page.wait_for_timeout(1500)  # the counter is read from a fresh frame: subtract the catch-up
    i1, t1 = iteration(page, status), time.perf_counter()
    return {**watched, "solo_its": (i1 - i0) / (t1 - t0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="wgan-gp-fix")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="the Compare tab (A and B)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    process, url = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            gate = FrameGate()
            page.route("**/gradio_api/**", gate.route)
            page.goto(f"{url}?preset={args.preset}&steps=10000000")
            page.wait_for_selector("#live-plot .gp-plot .main-svg", timeout=120_000)
            if args.compare:
                page.get_by_role("tab", name="Compare A / B").click()
                page.click("#btn-compare-copy")
                page.wait_for_selector("#plot-b .gp-plot .main-svg", timeout=60_000)
                page.click("#btn-compare-play")
                plots, status = "#plot-a, #plot-b", "#status-a"
            else:
                page.click("#btn-play")
                plots, status = "#live-plot", "#gp-status"
            page.wait_for_timeout(3000)
            rows = [measure(page, gate, args.seconds, plots, status) for _ in range(args.rounds)]
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    med = lambda key: statistics.median(r[key] for r in rows)  # noqa: E731
    sides = len(rows[0]["fps"])
    print(f"{'compare' if args.compare else 'play'} tab, preset {args.preset}, "
          f"{args.rounds} rounds of {args.seconds:.0f} s, medians")
    for side in range(sides):
        fps = statistics.median(r["fps"][side] for r in rows)
        print(f"drawn frames/s{f' (side {side + 1})' if sides > 1 else ''}  {fps:6.1f}   "
              f"(goal >= {5 if sides > 1 else 10})")
    print(f"Chromium renderer CPU ms per drawn frame {med('cpu_ms'):6.1f}"
          f"{' (both sides)' if sides > 1 else ''}")
    print(f"training it/s, page watching  {med('its'):6.1f}")
    print(f"training it/s, nobody watching {med('solo_its'):5.1f}   "
          f"ratio {med('its') / med('solo_its'):.2f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
