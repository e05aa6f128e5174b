"""Which worker a run goes to, by what it costs: admission by cost, not by count.

A session count bounds how many runs a Space holds, not how much CPU they want: an MNIST DCGAN
step costs ~9 default 2-D steps (``engine.cost``'s estimate; ``bench/mixed_load.py`` measured
69 ms against 7.8 ms of CPU for mnist-dcgan and mode-collapse). A worker shares its core by time
(``worker.SLICE_S``), so every run it holds slows the others; each run therefore weighs its
estimated step time in default-2-D-run units (``engine.cost.Cost.weight``), and a worker takes
runs up to ``PLAYGROUND_WORKER_BUDGET`` units (default 40: one step of every run it holds in
~0.25 s), the worker with the fewest runs first. A worker holding nothing takes any run the
cost check let through, so a lone heavy run is never refused for its weight alone.

The errors the page shows live here too, so ``session`` stays about sessions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from playground.engine.config import TrainConfig
from playground.engine.cost import estimate
from playground.engine.kinds import kind_of
from playground.live import protocol as p

if TYPE_CHECKING:
    from playground.live.session import Session
    from playground.live.workers import WorkerHandle

DEFAULT_WORKER_BUDGET = 40.0
TWO_D_OFFER = "mode-collapse"  # the 2-D preset the page offers when an MNIST run has no room


class RunRefusedError(RuntimeError):
    """The worker could not build or restore the run (or did not answer in time); the run,
    and the session's idea of it, are as they were. The message says why."""


class PlaygroundFullError(RuntimeError):
    """Every session slot is taken."""

    def __init__(self, cap: int) -> None:
        super().__init__(
            f"The playground is full ({cap} sessions are training right now): "
            "try again in a minute."
        )


class TooManyAnonymousError(PlaygroundFullError):
    """One client address already holds its share of sessions opened without a page."""

    def __init__(self, cap: int) -> None:
        RuntimeError.__init__(self, f"this address already holds {cap} sessions opened without "
                              "the page: open the playground's page to get one")


class NoRoomError(PlaygroundFullError, RunRefusedError):
    """No worker has CPU left for a run this heavy (an MNIST run on a busy Space); a lighter
    one may still fit, and the message offers it. Raised when opening (a full playground) and
    when switching a run (a refused change: the run is as it was)."""

    def __init__(self, config: TrainConfig, weight: float, free: float) -> None:
        what = "an MNIST" if kind_of(config.dataset).is_image else "this"
        offer = ("pick a 2-D preset (e.g. " + TWO_D_OFFER + "), which needs far less, or try "
                 "again in a minute" if weight > max(free, 1.0) and free >= 1.0
                 else "try again in a minute")
        RuntimeError.__init__(
            self, f"no room for {what} run right now: it needs the CPU of ~{weight:.0f} 2-D "
            f"runs and the training workers have ~{max(free, 0):.0f} left: {offer}")


def run_weight(config: TrainConfig, config_b: TrainConfig | None = None) -> float:
    """A run's (or a pair's) weight in default-2-D-run units."""
    return estimate(config).weight + (estimate(config_b).weight if config_b else 0.0)


def worker_budget(env: Mapping[str, str] | None = None) -> float:
    """Weight units one worker takes (``PLAYGROUND_WORKER_BUDGET``; a bad value is an error
    naming the variable)."""
    raw = ((os.environ if env is None else env).get("PLAYGROUND_WORKER_BUDGET") or "").strip()
    if not raw:
        return DEFAULT_WORKER_BUDGET
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ValueError(f"PLAYGROUND_WORKER_BUDGET must be a positive number, got {raw!r}")
    return value


def fits(load: float, runs: int, weight: float, budget: float) -> bool:
    """Whether a worker with ``runs`` runs weighing ``load`` takes one more of ``weight``."""
    return runs == 0 or load + weight <= budget + 1e-9


def least_loaded(loads: Iterable[tuple[object, float, int]], weight: float,
                 budget: float) -> object | None:
    """Of the (worker, load, runs) that take ``weight``, the one with the fewest runs, then
    the least load; None if none does. Fewest runs first: a worker splits its core evenly
    among its runs (``worker.SLICE_S`` credit), so equal counts give every run the same CPU,
    while the budget bounds the weight each worker holds."""
    fitting = [(runs, load, i, worker) for i, (worker, load, runs) in enumerate(loads)
               if fits(load, runs, weight, budget)]
    return min(fitting, key=lambda t: t[:3])[3] if fitting else None


class Placement:
    """SessionManager's placement by cost (a mixin: it reads the manager's ``_workers``,
    ``_by_id``, ``_lock`` and ``worker_budget``)."""

    _workers: list[WorkerHandle]
    _by_id: dict[str, Session]
    _lock: Any
    worker_budget: float

    def _loads(self, without: Session | None = None) -> list[tuple[WorkerHandle, float, int]]:
        """(worker, weight of its sessions, how many) for each worker, ``without`` one."""
        out = []
        for worker in self._workers:
            mine = [s for sid in list(worker.sessions)
                    if (s := self._by_id.get(sid)) is not None and s is not without]
            out.append((worker, sum(s.weight for s in mine), len(mine)))
        return out

    def _most_free(self, without: Session | None = None) -> float:
        return max(self.worker_budget - load for _, load, _ in self._loads(without))

    def place(self, session: Session, config: TrainConfig, side: p.Side,
              fresh: bool) -> WorkerHandle:
        """The worker ``session`` runs on once ``side`` becomes ``config``: its own if that
        has room, else (for a ``fresh`` run, which starts at step 0 anyway) the least loaded
        one with room. NoRoomError (nothing changes) when none has."""
        a, b = (session.config, config) if side == "b" else (config, session.config_b)
        weight = run_weight(a, b)
        with self._lock:
            loads = self._loads(without=session)
            own = [(w, load, n) for w, load, n in loads if w is session.worker]
            if least_loaded(own, weight, self.worker_budget) is not None:
                return session.worker
            target = least_loaded(loads, weight, self.worker_budget) if fresh else None
            if target is None:
                raise NoRoomError(config, weight, self._most_free(session))
            return target

    def move(self, session: Session, target: WorkerHandle) -> None:
        """Give ``session`` to ``target``: its run on the old worker closes (the caller opens
        the new one there)."""
        with self._lock:
            old = session.worker
            old.sessions.discard(session.id)
            target.sessions.add(session.id)
            session.worker = target
        old.send(p.Close(session.id))

