"""How many worker processes: the CPUs this process may really use, not the host's.

``os.cpu_count()`` reports the host's cores. In a container (a Hugging Face Space, Docker with
``--cpus``) the process may use far fewer: Spaces say so in ``CPU_CORES``, container runtimes
with a cgroup CPU quota, ``taskset``/cpusets with the affinity mask. One worker per core the
host has would put a dozen CPU-bound processes on two cores, each slowed and throttled. So the
count is, first found wins:

1. ``PLAYGROUND_WORKERS`` (the operator's word; a bad value is an error naming the variable),
2. ``CPU_CORES`` (set by Hugging Face Spaces),
3. the cgroup CPU quota (v2 ``cpu.max``, v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``),
   rounded down (as Go's automaxprocs does: a worker more than the quota only gets throttled),
   never above the affinity mask,
4. the affinity mask (``os.sched_getaffinity``),
5. ``os.cpu_count()``.

The functions are pure over their inputs (an environment mapping, a filesystem root, the
affinity and cpu-count readers) so tests can hand them fake cgroup trees.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path

CGROUP_ROOT = "sys/fs/cgroup"
V1_CPU_MOUNTS = ("cpu", "cpu,cpuacct", "cpuacct,cpu")


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _own_cgroup_paths(root: Path) -> tuple[str | None, str | None]:
    """This process's cgroup path in the v2 hierarchy and in v1's cpu controller, from
    ``/proc/self/cgroup`` (None where absent)."""
    text = _read(root / "proc/self/cgroup") or ""
    v2 = v1 = None
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    return v2, v1


def _candidate_dirs(mount: Path, own: str | None) -> list[Path]:
    """The mount's own directory (what a container sees as its cgroup) and, on a host, the
    process's cgroup directory with its ancestors (a limit on any ancestor applies)."""
    dirs = [mount]
    if own and own.strip("/"):
        here = mount / own.strip("/")
        while here != mount and mount in here.parents:
            dirs.append(here)
            here = here.parent
    return dirs


def _quota(quota: str, period: str) -> float | None:
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    if q <= 0 or p <= 0:  # v1 says -1 for "no limit"
        return None
    return q / p


def cgroup_cpu_limit(root: Path | str = "/") -> float | None:
    """The tightest CPU quota (in CPUs, e.g. 1.5) of this process's cgroups under ``root``, or
    None when there is none (no cgroup files, ``max``, ``-1``, unreadable)."""
    root = Path(root)
    base = root / CGROUP_ROOT
    own_v2, own_v1 = _own_cgroup_paths(root)
    limits: list[float] = []
    for folder in _candidate_dirs(base, own_v2):
        text = _read(folder / "cpu.max")
        if text:
            fields = text.split()
            if len(fields) == 2 and fields[0] != "max":
                limit = _quota(*fields)
                if limit:
                    limits.append(limit)
    for name in V1_CPU_MOUNTS:
        for folder in _candidate_dirs(base / name, own_v1):
            quota, period = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
            if quota and period:
                limit = _quota(quota, period)
                if limit:
                    limits.append(limit)
    return min(limits) if limits else None


def _affinity() -> int | None:
    try:
        return len(os.sched_getaffinity(0)) or None
    except (AttributeError, OSError):  # not on macOS or Windows
        return None


def cpu_budget(
    env: Mapping[str, str],
    root: Path | str = "/",
    affinity: Callable[[], int | None] = _affinity,
    cpu_count: Callable[[], int | None] = os.cpu_count,
) -> tuple[int, str]:
    """(number of workers, where that number came from). Raises ValueError for a
    ``PLAYGROUND_WORKERS`` that is not a positive integer."""
    raw = env.get("PLAYGROUND_WORKERS", "").strip()
    if raw:
        try:
            workers = int(raw)
        except ValueError:
            workers = 0
        if workers < 1:
            raise ValueError(f"PLAYGROUND_WORKERS must be a positive integer, got {raw!r}")
        return workers, "PLAYGROUND_WORKERS"
    return usable_cpus(env, root, affinity, cpu_count)


def usable_cpus(
    env: Mapping[str, str],
    root: Path | str = "/",
    affinity: Callable[[], int | None] = _affinity,
    cpu_count: Callable[[], int | None] = os.cpu_count,
) -> tuple[int, str]:
    """(CPUs this process may use, where that number came from): sources 2-5 of the module's
    docstring. The CLI's sweep sizes its process pool with it."""
    try:  # not ours to validate: a value we cannot read falls through to the next source
        cores = math.floor(float(env.get("CPU_CORES", "")))
    except ValueError:
        cores = 0
    if cores >= 1:
        return cores, "CPU_CORES"
    mask = affinity()
    limit = cgroup_cpu_limit(root)
    if limit is not None:
        workers = max(1, math.floor(limit))
        return (min(workers, mask) if mask else workers), "cgroup CPU quota"
    if mask:
        return mask, "CPU affinity"
    return max(1, cpu_count() or 1), "os.cpu_count()"


def worker_count(env: Mapping[str, str] | None = None, root: Path | str = "/") -> int:
    """How many worker processes to start (see the module's docstring for the order)."""
    return cpu_budget(os.environ if env is None else env, root)[0]
