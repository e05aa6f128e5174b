"""Many sessions at once: per-session it/s against solo, and control latency.

Opens one session alone, then N at once (default 8) on the worker processes (one per core),
all playing the same preset; prints each one's it/s against the solo rate (goal ≥ 0.8 × solo/N)
and how long a Pause takes to show in a snapshot (p50, p95; goal p95 ≤ 200 ms).

    python bench/sessions.py [--sessions 8] [--preset mode-collapse] [--seconds 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.presets import load_preset  # noqa: E402
from playground.session import SessionManager  # noqa: E402


def rates(sessions, seconds: float) -> list[float]:
    for s in sessions:
        s.play()
    t0 = time.time()
    firsts = [s.wait_for(lambda snap, t0=t0: snap.created >= t0 + 1.0, timeout=60)
              for s in sessions]
    time.sleep(seconds)
    t1 = time.time()
    lasts = [s.wait_for(lambda snap, t1=t1: snap.created >= t1, timeout=60) for s in sessions]
    return [(b.step - a.step) / (b.created - a.created) for a, b in zip(firsts, lasts)]


def pause_latency(sessions) -> list[float]:
    out = []
    for s in sessions:
        t0, wall = time.monotonic(), time.time()
        s.pause()
        s.wait_for(lambda snap, wall=wall: snap.created >= wall and not snap.playing, timeout=30)
        out.append(time.monotonic() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--preset", default="mode-collapse")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    config = load_preset(args.preset).config.with_changes(steps=10_000_000)
    manager = SessionManager(max_sessions=args.sessions + 1).start()
    try:
        solo = manager.open("solo", config)
        solo.wait_for(lambda s: True, timeout=120)
        solo_rate = rates([solo], args.seconds)[0]
        pause_latency([solo])
        manager.close("solo")
        many = [manager.open(f"s{i}", config) for i in range(args.sessions)]
        for s in many:
            s.wait_for(lambda snap: True, timeout=120)
        each = rates(many, args.seconds)
        latencies = []
        for _ in range(3):
            latencies += pause_latency(many)
            for s in many:
                s.play()
            time.sleep(1.0)
    finally:
        manager.shutdown()
    fair = solo_rate / args.sessions
    print(f"preset {args.preset}, {manager.n_workers} worker process(es)")
    print(f"solo session                 {solo_rate:8.1f} it/s")
    print(f"{args.sessions} sessions, each (median) {statistics.median(each):8.1f} it/s   "
          f"min {min(each):.1f}; fair share solo/{args.sessions} = {fair:.1f}; "
          f"min/fair = {min(each) / fair:.2f} (goal ≥ 0.8)")
    print(f"{args.sessions} sessions, total       {sum(each):8.1f} it/s   "
          f"({sum(each) / solo_rate:.2f} x solo)")
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    print(f"pause → paused snapshot      p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {p95:.0f} ms (goal p95 ≤ 200 ms; {len(latencies)} samples)")


if __name__ == "__main__":
    main()
