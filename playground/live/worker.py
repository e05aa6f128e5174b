"""Worker process: owns some sessions' runs and steps the playing ones round-robin.

Tiny networks are Python-bound, so threads in one process fight over the GIL (measured: 8
sessions in threads got half the solo total). One worker process per core avoids that. The web
process talks to a worker only through two queues: typed commands in, typed replies out
(``live.protocol``).
"""

from __future__ import annotations

import os
import queue
import time
import traceback
from collections.abc import Callable
from typing import Any

from playground.engine.data import without_paths
from playground.live import protocol as p
from playground.live.pair import LivePair
from playground.live.run import LiveRun

SLICE_S = 0.02  # training time per playing session before the next gets a turn
# A run's step can be longer than a slice (an MNIST DCGAN step is ~50 ms): it still takes one
# step a turn, so without a tally it would get 2.5x the CPU of a 2-D run beside it. Each run
# earns SLICE_S of credit a round and pays the time its turn took; a run in debt sits rounds
# out. Time, not CPU: a run's slice ends by the clock (``run.Pacer``), so on a busy machine a
# 2-D run gets its slice's wall time and less CPU; charged CPU, an MNIST run (charged only the
# CPU of a step that took 2.5x as long by the clock) got twice the 2-D runs' CPU beside it.
BUSY_BYTES = 63  # session ids are 22 characters
IDLE_WAIT_S = 0.05
SLOW_WAIT_S = 0.01  # only slow-motion runs playing: check back soon, but don't spin


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return 0.0


class WorkerLoop:
    """The body of a worker: command handling and scheduling, separate from the process."""

    def __init__(self, outbox: Any, busy: Any = None) -> None:
        self.runs: dict[str, p.Run] = {}
        # Which session's work is under way (a shared byte array the web process reads when
        # this process dies: the run that was building or training then is not reopened).
        self.busy = busy
        self.credit: dict[str, float] = {}  # seconds each run may still use (see SLICE_S)
        self.outbox = outbox
        self.running = True

    def handle(self, command: p.Command) -> None:
        sid = command.session
        match command:
            case p.Shutdown():
                self.running = False
            case p.AskStats():
                self.outbox.put(p.Stats(sid, len(self.runs), _rss_mb(), os.getpid()))
            case p.OpenRun() | p.OpenPair():
                self._open(command)
            case _ if sid not in self.runs:
                pass  # closed meanwhile: nothing to do
            case _:
                self._act(self.runs[sid], command)

    def _open(self, command: p.OpenRun | p.OpenPair) -> None:
        try:
            self.runs[command.session] = (
                LiveRun(command.session, command.config) if isinstance(command, p.OpenRun)
                else LivePair(command.session, command.config_a, command.config_b))
        except Exception as exc:  # noqa: BLE001 - e.g. MNIST went missing: say so
            self.outbox.put(p.OpenFailed(command.session, reason(exc), command.ticket))
            return
        if command.ticket:
            self.outbox.put(p.Opened(command.session, command.ticket))

    def _apply(self, run: p.Run, command: p.Apply) -> p.Reply:
        """Apply (and for ``fresh``, start again); a config that cannot be built leaves the
        run as it was (the Trainer builds the new run before giving up the old one)."""
        sid, side = command.session, command.side
        try:
            result = run.apply(command.config, side)
            if command.fresh and not result.rebuilt:
                run.reset()  # rebuilt runs are at step 0 already: never build twice
        except Exception as exc:  # noqa: BLE001 - the page must hear why, the run goes on
            return p.ApplyFailed(sid, side, reason(exc), command.ticket)
        return p.Applied(sid, side, result, command.config, command.ticket)

    def _restore(self, run: p.Run, command: p.Restore) -> p.Reply:
        try:
            run.restore(command.data)
        except Exception as exc:  # noqa: BLE001 - a refused checkpoint leaves the run as it was
            return p.RestoreFailed(command.session, reason(exc), command.ticket)
        return p.Restored(command.session, run.steps_done, command.ticket)

    def _act(self, run: p.Run, command: p.Command) -> None:
        sid = command.session
        match command:
            case p.Close():
                del self.runs[sid]
                self.outbox.put(p.Closed(sid))
            case p.DrawFrame(view=view):
                self.outbox.put(p.Frame(sid, run.snapshots(view))
                                if run.changed_since_drawn(view) else p.Unchanged(sid))
            case p.Play():
                run.play()
            case p.Pause():
                run.pause()
            case p.Step(count=count, train_d=train_d, train_g=train_g):
                run.step(count, train_d, train_g)
            case p.Reset():
                run.reset()
            case p.Apply():
                self.outbox.put(self._apply(run, command))
            case p.SlowMotion(on=on):
                run.set_slow_motion(on)
            case p.TakeCheckpoint():
                self.outbox.put(p.CheckpointData(sid, run.checkpoint()))
            case p.TakeFilm():
                self.outbox.put(p.FilmData(sid, run.reel()))
            case p.Restore():
                self.outbox.put(self._restore(run, command))
            case _:
                raise TypeError(f"unknown command {p.describe(command)}")

    def safely(self, sid: str, action: Callable[[], Any]) -> None:
        """Run one session's work; a crash pauses that session only and tells its viewer."""
        if self.busy is not None:
            self.busy.value = sid.encode()[:BUSY_BYTES]
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a bug in one run must not kill the others
            run = self.runs.get(sid)
            if run is not None:
                run.fault(f"error: {type(exc).__name__}: {exc} (paused; try Reset)")
            self.outbox.put(p.Fault(sid, "".join(traceback.format_exception(exc))[-2000:]))
        finally:
            if self.busy is not None:
                self.busy.value = b""

    def tick(self, between: Callable[[], None] = lambda: None) -> float:
        """Give each playing run one slice; returns how long to wait for commands next.

        ``between`` runs after each slice (the worker handles waiting commands there), so a
        Pause or a new learning rate waits for one slice, not for a round of every session: an
        MNIST step alone can take 60 ms, and a worker may hold several."""
        stepped = playing = owed = False
        for sid, run in list(self.runs.items()):
            if run.playing and self.runs.get(sid) is run:
                playing = True
                credit = min(self.credit.get(sid, 0.0) + SLICE_S, SLICE_S)
                if credit <= 0:  # it overran its slices: the others catch up first
                    self.credit[sid], owed = credit, True
                    continue
                before, started = run.steps_done, time.perf_counter()
                self.safely(sid, lambda run=run, credit=credit: run.advance(credit))
                self.credit[sid] = credit - (time.perf_counter() - started)
                stepped = stepped or run.steps_done != before
                between()
                if not self.running:
                    break
        for sid in [sid for sid in self.credit if sid not in self.runs]:
            del self.credit[sid]
        if stepped or owed:
            return 0.0
        return SLOW_WAIT_S if playing else IDLE_WAIT_S

    def drain(self, inbox: Any, first: p.Command | None = None) -> None:
        """Handle ``first`` and every command already waiting, without blocking."""
        command = first
        while self.running:
            if command is None:
                try:
                    command = inbox.get_nowait()
                except queue.Empty:
                    return
            sid = getattr(command, "session", "")
            self.safely(sid, lambda command=command: self.handle(command))
            command = None


def reason(exc: BaseException) -> str:
    """Why a run could not be built or restored, as a public page may show it (no paths)."""
    return without_paths(f"{type(exc).__name__}: {exc}")[:300]


def worker_main(inbox: Any, outbox: Any, busy: Any = None) -> None:
    """Process entry point: one torch thread, then serve commands until told to stop.
    ``busy``: a shared byte array of BUSY_BYTES + 1 (see ``WorkerLoop.busy``)."""
    import torch

    torch.set_num_threads(1)
    parent = os.getppid()
    loop = WorkerLoop(outbox, busy)
    wait = IDLE_WAIT_S
    while loop.running:
        if os.getppid() != parent:
            return  # the web process died without telling us (SIGKILL): don't train forever
        try:
            command = inbox.get(timeout=wait) if wait > 0 else inbox.get_nowait()
        except queue.Empty:
            command = None
        loop.drain(inbox, command)
        if loop.running:
            wait = loop.tick(lambda: loop.drain(inbox))
