"""Live-view cost: frames/s, bytes per frame, frame build time, training it/s with and
without a viewer.

A viewer here does what the page's timer does: every 80 ms it asks the Session for the latest
Snapshot, builds both figures (viz) and serialises them with orjson, as Gradio sends them.

    python bench/ui_frames.py [--preset wgan-gp-fix] [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.live.run import LiveRun  # noqa: E402
from playground.live.session import SessionManager  # noqa: E402
from playground.live.snapshot import ViewOptions  # noqa: E402
from playground.presets import load_preset  # noqa: E402
from playground.web.viz import live_figure  # noqa: E402
from playground.web.viz_curves import curves_figure  # noqa: E402

TICK_S = 0.08


def training_rate(session, seconds: float, viewer: bool) -> dict[str, float]:
    """Play for ``seconds``; returns it/s and, with a viewer, frame figures."""
    start = session.wait_for(lambda s: True)
    session.play()
    session.wait_for(lambda s: s.step > start.step + 20)
    t0_wall = time.time()
    first = session.wait_for(lambda s: s.created >= t0_wall)
    t0 = time.perf_counter()
    seqs, sizes, builds = set(), [], []
    view = ViewOptions(arrows=True)
    while time.perf_counter() - t0 < seconds:
        if viewer:
            snap = session.frame(view)
            if snap is not None and snap.seq not in seqs:
                seqs.add(snap.seq)
                b0 = time.perf_counter()
                payload = orjson.dumps([live_figure(snap), curves_figure([("", snap)])])
                builds.append(time.perf_counter() - b0)
                sizes.append(len(payload))
        time.sleep(TICK_S)
    elapsed = time.perf_counter() - t0
    last = session.wait_for(lambda s: s.created >= t0_wall + elapsed)
    session.pause()
    session.wait_for(lambda s: not s.playing)
    result = {"its": (last.step - first.step) / (last.created - first.created)}
    if viewer:
        result.update(fps=len(seqs) / elapsed, kb=statistics.median(sizes) / 1024,
                      kb_max=max(sizes) / 1024, build_ms=statistics.median(builds) * 1000)
    return result


def snapshot_cost(preset: str, repeats: int = 50) -> float:
    """Worker-side cost of one Snapshot (surface, fakes, arrows, metrics), in ms (median)."""
    run = LiveRun("bench", load_preset(preset).config)
    run.step(200)
    times = []
    for _ in range(repeats):
        run.step(1)
        t0 = time.perf_counter()
        run.snapshot(ViewOptions(arrows=True))
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="wgan-gp-fix")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    manager = SessionManager(workers=1, max_sessions=4).start()
    try:
        # No planned length: Play would pause there (as the page does) and stop the frames.
        config = load_preset(args.preset).config.with_changes(steps=10_000_000)
        session = manager.open("bench", config)
        session.wait_for(lambda s: True, timeout=120)
        solo, watched = [], []
        for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
            solo.append(training_rate(session, args.seconds, viewer=False))
            watched.append(training_rate(session, args.seconds, viewer=True))
    finally:
        manager.shutdown()
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    solo_its, watched_its = med(solo, "its"), med(watched, "its")
    print(f"preset {args.preset}, {args.rounds} rounds of {args.seconds:.0f} s each, medians")
    print(f"training it/s, no viewer       {solo_its:8.1f}")
    print(f"training it/s, viewer at 12.5/s {watched_its:7.1f}   ratio {watched_its / solo_its:.2f}"
          "  (goal ≥ 0.8)")
    print(f"fresh frames/s                 {med(watched, 'fps'):8.1f}   (goal ≥ 10)")
    print(f"bytes per frame (both figures) {med(watched, 'kb'):8.1f} KB "
          f"(max {max(r['kb_max'] for r in watched):.1f} KB; goal ≤ 50, limit 150)")
    print(f"figure build + JSON, web side  {med(watched, 'build_ms'):8.2f} ms")
    print(f"snapshot build, worker side    {snapshot_cost(args.preset):8.2f} ms")


if __name__ == "__main__":
    main()
