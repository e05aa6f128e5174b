"""A mixed load (issue 17): 8 2-D runs and 4 MNIST runs at once, each run's it/s against its
fair share of the CPU, and control latency while all of them train.

Admission is by cost (``playground/live/admission.py``): an MNIST DCGAN step costs ~9 2-D
steps, so a worker takes runs up to a weight budget, fewest runs first, and shares its core
by time (``worker.SLICE_S`` credit), not by turns. A run's fair share is an equal part of
what the workers got: with N runs whose worker processes used C CPU seconds in T seconds,
``C / T / N`` of a core, which is ``C / T / N / (its solo CPU seconds per step)`` it/s. On
a quiet 2-core machine C / T is ~2, the issue's "fair share of two cores"; on a shared one it
is what the others left, so the ratio measures how evenly the playground splits what it gets.
Printed per run: it/s (the median of ``--repeats`` windows) and that over its fair share
(goal >= 0.8), the worst and median ratio, the cores the workers got, and control latency
(Pause, and an lr_d change, until a snapshot shows it; p50 and p95). Linux only (/proc).

    python bench/mixed_load.py [--mix mode-collapse=8 mnist-dcgan=4] [--seconds 6] [--repeats 3]
    python bench/mixed_load.py --in-process 12   # one worker's 4 + 2 runs, this process's CPU
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sessions import control_latencies, percentiles_ms  # noqa: E402

from playground.live.session import SessionManager  # noqa: E402
from playground.presets import load_preset  # noqa: E402


def parse_mix(items: list[str]) -> list[tuple[str, int]]:
    """``["mode-collapse=8", "mnist-dcgan=4"]`` → [(name, count), ...]; a clear error else."""
    out = []
    for item in items:
        name, sep, count = item.partition("=")
        if not sep or not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--mix takes NAME=COUNT with COUNT >= 1, got {item!r}")
        out.append((name, int(count)))
    return out


def interleave(mix: list[tuple[str, int]]) -> list[str]:
    """The presets in the order the runs open: spread out, as visitors would arrive."""
    total = sum(n for _, n in mix)
    slots = sorted(((i + 0.5) / n, name) for name, n in mix for i in range(n))
    assert len(slots) == total
    return [name for _, name in slots]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (from /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def window(runs: list, pids: list[int], seconds: float) -> tuple[list[float], float]:
    """Play ``runs`` for ``seconds`` after a 1 s warm-up; (each run's it/s, the cores their
    workers used meanwhile), then pause them."""
    for run in runs:
        run.play()
    time.sleep(1.0)
    firsts = [run.wait_for(lambda snap: snap.playing, timeout=60) for run in runs]
    cpu0, t0 = cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    cpu1, t1, wall = cpu_seconds(pids), time.monotonic(), time.time()
    lasts = [run.wait_for(lambda snap: snap.created >= wall, timeout=60) for run in runs]
    for run in runs:
        run.pause()
    return ([(b.step - a.step) / (b.created - a.created) for a, b in zip(firsts, lasts)],
            (cpu1 - cpu0) / (t1 - t0))


def fairness(rows: list[tuple[str, float]], cpu_per_step: dict[str, float], cores: float
             ) -> list[float]:
    """Each (preset, it/s) row over its fair share: ``cores / N`` of a core spent at the
    preset's solo CPU seconds per step."""
    n = len(rows)
    return [rate / (cores / n / cpu_per_step[name]) for name, rate in rows]


def measure(mix: list[tuple[str, int]], seconds: float, repeats: int, workers: int | None
            ) -> dict:
    """Solo CPU seconds per step of each preset, then the mix: each run's median it/s, its
    worker, the median cores the workers got, and control latencies."""
    configs = {name: load_preset(name).config.with_changes(steps=10_000_000) for name, _ in mix}
    names = interleave(mix)
    manager = SessionManager(workers=workers, max_sessions=len(names) + 1).start()
    try:
        pids = [stats["pid"] for stats in manager.worker_stats(timeout=60)]
        cpu_per_step, solo = {}, {}
        for name, config in configs.items():
            run = manager.open("solo", config)
            run.wait_for(lambda snap: True, timeout=120)
            tries = [window([run], pids, seconds) for _ in range(repeats)]
            solo[name] = statistics.median(rate[0] for rate, _ in tries)
            cpu_per_step[name] = statistics.median(cores / rate[0] for rate, cores in tries)
            manager.close("solo")
        runs = [manager.open(f"r{i}", configs[name]) for i, name in enumerate(names)]
        for run in runs:
            run.wait_for(lambda snap: True, timeout=120)
        tries = [window(runs, pids, seconds) for _ in range(repeats)]
        latencies = control_latencies(runs)
        where = [run.worker.index for run in runs]
    finally:
        manager.shutdown()
    return {"workers": manager.n_workers, "budget": manager.worker_budget, "names": names,
            "solo": solo, "cpu_per_step": cpu_per_step, "where": where,
            "each": [statistics.median(column) for column in zip(*(r for r, _ in tries))],
            "cores": statistics.median(cores for _, cores in tries), "latencies": latencies}


def in_process(mix: list[tuple[str, int]], cpu_s: float) -> None:
    """One worker's half of the mix stepped by ``WorkerLoop`` in this process, each run's
    turns timed by this thread's CPU clock: the scheduler's split alone, whatever else the
    machine runs (a step's CPU cost itself varies with what shares the core)."""
    import torch

    from playground.live.run import LiveRun
    from playground.live.worker import WorkerLoop

    torch.set_num_threads(1)
    configs = {name: load_preset(name).config.with_changes(steps=10_000_000) for name, _ in mix}
    names = interleave([(name, max(1, n // 2)) for name, n in mix])
    runs = {f"r{i}": LiveRun(f"r{i}", configs[n]) for i, n in enumerate(names)}
    used = dict.fromkeys(runs, 0.0)

    def timed(key: str, advance):
        def wrapper(budget_s: float) -> int:
            start = time.thread_time()
            try:
                return advance(budget_s)
            finally:
                used[key] += time.thread_time() - start
        return wrapper

    loop = WorkerLoop([])
    loop.runs = runs
    for key, run in runs.items():
        run.play()
        run.advance = timed(key, run.advance)
    for _ in range(20):
        loop.tick()
    used.update(dict.fromkeys(runs, 0.0))
    start = time.process_time()
    while time.process_time() - start < cpu_s:
        loop.tick()
    cpu = time.process_time() - start
    shares = [used[key] / cpu * len(names) for key in runs]
    print(f"in one process, {len(names)} runs ({', '.join(names)}), {cpu:.1f} CPU s")
    for name in dict.fromkeys(names):
        mine = [r for n, r in zip(names, shares) if n == name]
        print(f"{name:<16} {statistics.median(mine):.2f} of its fair share of the CPU "
              f"(min {min(mine):.2f})")
    print(f"all runs' turns together {sum(shares) / len(names):.2f} of the CPU (the rest: "
          "the loop's own work)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", nargs="+", default=["mode-collapse=8", "mnist-dcgan=4"])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--in-process", type=float, default=0.0, metavar="CPU_S",
                        help="instead: one worker's half of the mix in this process for "
                             "CPU_S CPU seconds (the scheduler alone)")
    args = parser.parse_args()
    if args.in_process:
        in_process(parse_mix(args.mix), args.in_process)
        return
    got = measure(parse_mix(args.mix), args.seconds, args.repeats, args.workers)
    names, n, cores = got["names"], len(got["names"]), got["cores"]
    print(f"{n} runs ({', '.join(args.mix)}), {got['workers']} worker process(es) on "
          f"{os.cpu_count()} core(s), budget {got['budget']:g} units per worker; "
          f"median of {args.repeats} x {args.seconds:g} s")
    for name, per_step in got["cpu_per_step"].items():
        print(f"{name:<16} solo {got['solo'][name]:7.1f} it/s, {per_step * 1000:6.1f} ms CPU "
              f"per step")
    print(f"with all {n} training the workers got {cores:.2f} cores; fair share = "
          f"{cores:.2f}/{n} of a core each")
    ratios = fairness(list(zip(names, got["each"])), got["cpu_per_step"], cores)
    for i, (name, rate, worker, ratio) in enumerate(zip(names, got["each"], got["where"],
                                                          ratios)):
        print(f"  run {i:2d} {name:<16} worker {worker}  {rate:7.2f} it/s  "
              f"{ratio:4.2f} of its fair share")
    for name in dict.fromkeys(names):
        mine = [r for p, r in zip(names, ratios) if p == name]
        print(f"{name:<16} median {statistics.median(mine):.2f} of its fair share")
    print(f"worst run {min(ratios):.2f} of its fair share, median "
          f"{statistics.median(ratios):.2f} (goal >= 0.8)")
    pauses, lrs = got["latencies"]
    print(f"pause  → paused snapshot     {percentiles_ms(pauses)} ({len(pauses)} samples; "
          "goal p95 <= 200 ms)")
    print(f"lr_d change → in a snapshot  {percentiles_ms(lrs)} ({len(lrs)} samples)")


if __name__ == "__main__":
    main()
