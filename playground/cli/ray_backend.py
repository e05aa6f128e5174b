"""Sweeps on Ray: the same runs as the local process pool, as Ray tasks.

``pip install ".[cluster]"`` installs Ray (the Space does not). Without ``--address`` a local
Ray instance is started for the sweep and stopped after it; with ``--address`` (``auto``, or
``ray://host:10001``) the runs go to that cluster, whose nodes need this project's
requirements installed; the ``playground`` package itself is shipped with the job
(``py_modules``), so the cluster runs exactly this code. Each task is one run with one torch
thread and one CPU, so a seed gives the same numbers on Ray as in the local pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.cli.runner import RunResult
from playground.engine.config import ConfigError
from playground.live.cpus import usable_cpus

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("--backend", "ray", 'Ray is not installed here (pip install ".[cluster]")'
                          ) from None
    return ray


def run_on_ray(
    jobs: list[dict[str, Any]],
    address: str | None = None,
    cpus: int | None = None,
    progress: Callable[[], None] | None = None,
) -> list[RunResult]:
    """Train each config dict as a Ray task; results in the order of ``jobs``. ``cpus`` caps
    a local instance's CPUs (default: the CPUs this process may use)."""
    import os

    from playground.cli.sweep import train_one

    ray = _import_ray()
    runtime_env = {"py_modules": [str(PACKAGE_DIR)], "excludes": ["__pycache__", "*.pyc"]}
    if address:
        ray.init(address=address, runtime_env=runtime_env, logging_level=logging.WARNING,
                 log_to_driver=False)
    else:
        ray.init(num_cpus=cpus or usable_cpus(os.environ)[0], include_dashboard=False,
                 runtime_env=runtime_env, logging_level=logging.WARNING, log_to_driver=False)
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(train_one)
        refs = [task.remote(job) for job in jobs]
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            if progress:
                for _ in done:
                    progress()
        return ray.get(refs)
    finally:
        ray.shutdown()
