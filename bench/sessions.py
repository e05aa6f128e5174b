"""Many sessions at once: per-session it/s against solo, and control latency.

Runs each preset alone, then N sessions at once (default 8) on the worker processes (one per
core), the presets taken in turn (``--presets mode-collapse mnist-dcgan``: 4 of each). Prints
each session's it/s against two yardsticks: solo/N, one core's worth shared by all (goal
≥ 0.8), and the parallel ideal solo * P / N with P = min(cores, workers, N), what N sessions
could get when P worker processes train at once on P cores (a solo run uses one core only, so
solo/N undersells what two workers on two cores should give). Then how long a control takes
to show in a snapshot while all N train: Pause, and a learning-rate change (p50, p95; goal
p95 ≤ 200 ms).

    python bench/sessions.py [--sessions 8] [--presets mode-collapse] [--seconds 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.live.session import SessionManager  # noqa: E402
from playground.presets import load_preset  # noqa: E402


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


def latency(session, act, shown) -> float:
    """Seconds from ``act(session)`` until a snapshot made after it satisfies ``shown``."""
    t0, wall = time.monotonic(), time.time()
    act(session)
    session.wait_for(lambda snap: snap.created >= wall and shown(snap), timeout=30)
    return time.monotonic() - t0


def control_latencies(sessions, rounds: int = 3) -> tuple[list[float], list[float]]:
    """(pause latencies, lr-change latencies), measured while the others keep training."""
    pauses, lr_changes = [], []
    for r in range(rounds):
        for s in sessions:
            s.play()
        time.sleep(1.0)
        for s in sessions:
            lr = s.config.lr_d * (2 if r % 2 == 0 else 0.5)
            lr_changes.append(latency(s, lambda s, lr=lr: s.apply(s.config.with_changes(lr_d=lr)),
                                      lambda snap, lr=lr: snap.config.lr_d == lr))
        for s in sessions:
            pauses.append(latency(s, lambda s: s.pause(), lambda snap: not snap.playing))
    return pauses, lr_changes


def percentiles_ms(values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[-1] * 1000
    return f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {p95:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--presets", nargs="+", default=["mode-collapse"])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    configs = {name: load_preset(name).config.with_changes(steps=10_000_000)
               for name in args.presets}
    manager = SessionManager(max_sessions=args.sessions + 1).start()
    solo_rates = {}
    try:
        for name, config in configs.items():
            solo = manager.open("solo", config)
            solo.wait_for(lambda s: True, timeout=120)
            solo_rates[name] = rates([solo], args.seconds)[0]
            solo.pause()
            manager.close("solo")
        names = [args.presets[i % len(args.presets)] for i in range(args.sessions)]
        many = [manager.open(f"s{i}", configs[name]) for i, name in enumerate(names)]
        for s in many:
            s.wait_for(lambda snap: True, timeout=120)
        each = rates(many, args.seconds)
        pauses, lr_changes = control_latencies(many)
    finally:
        manager.shutdown()
    n = args.sessions
    parallel = min(os.cpu_count() or 1, manager.n_workers, n)
    print(f"{n} sessions ({', '.join(args.presets)} in turn), {manager.n_workers} worker "
          f"process(es) on {os.cpu_count()} core(s), {args.seconds:g} s per measurement")
    for name in args.presets:
        mine = [rate for p, rate in zip(names, each) if p == name]
        fair, ideal = solo_rates[name] / n, solo_rates[name] * parallel / n
        print(f"{name:<16} solo {solo_rates[name]:7.1f} it/s; with {n} sessions each "
              f"{statistics.median(mine):6.1f} it/s (min {min(mine):.1f}); "
              f"solo/{n} = {fair:.1f}, min/that = {min(mine) / fair:.2f}; "
              f"ideal solo*{parallel}/{n} = {ideal:.1f}, min/ideal = {min(mine) / ideal:.2f}")
    worst = min(rate / solo_rates[name] * n for name, rate in zip(names, each))
    print(f"worst session / (solo/{n}): {worst:.2f} (goal ≥ 0.8); "
          f"worst session / (solo*{parallel}/{n}): {worst / parallel:.2f} "
          f"(1.00 = {parallel} cores fully shared out)")
    print(f"pause  → paused snapshot     {percentiles_ms(pauses)} ({len(pauses)} samples; "
          "goal p95 ≤ 200 ms)")
    print(f"lr_d change → in a snapshot  {percentiles_ms(lr_changes)} ({len(lr_changes)} samples)")


if __name__ == "__main__":
    main()
