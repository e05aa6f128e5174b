"""Worker process: owns some sessions' LiveRuns and steps the playing ones round-robin.

Tiny networks are Python-bound, so threads in one process fight over the GIL (measured: 8
sessions in threads got half the solo total). One worker process per core avoids that. The web
process talks to a worker only through two queues: commands in, snapshots and replies out.
"""

from __future__ import annotations

import os
import queue
import traceback
from collections.abc import Callable
from typing import Any

from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint
from playground.engine.config import TrainConfig
from playground.live.pair import LivePair
from playground.live.run import LiveRun

SLICE_S = 0.02  # training time per playing session before the next gets a turn
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

    def __init__(self, outbox: Any) -> None:
        self.runs: dict[str, LiveRun | LivePair] = {}
        self.outbox = outbox
        self.running = True

    def handle(self, command: tuple) -> None:
        kind, sid, *args = command
        if kind == "shutdown":
            self.running = False
            return
        if kind == "stats":
            self.outbox.put(("reply", sid, {"runs": len(self.runs), "rss_mb": _rss_mb(),
                                           "pid": os.getpid()}))
            return
        if kind in ("open", "open_pair"):
            try:
                configs = [TrainConfig.from_dict(c) for c in args]
                self.runs[sid] = LiveRun(sid, *configs) if kind == "open" else LivePair(
                    sid, *configs)
            except Exception as exc:  # noqa: BLE001 - e.g. MNIST went missing: say so
                self.outbox.put(("open_failed", sid, f"{type(exc).__name__}: {exc}"))
            return
        run = self.runs.get(sid)
        if run is None:
            return  # closed meanwhile: nothing to do
        if kind == "close":
            del self.runs[sid]
            self.outbox.put(("closed", sid, None))
        elif kind == "frame":
            view = args[0]
            if run.changed_since_drawn(view):
                self.outbox.put(("snapshot", sid, run.snapshot(view)))
            else:
                self.outbox.put(("same", sid, None))
        elif kind == "play":
            run.play()
        elif kind == "pause":
            run.pause()
        elif kind == "step":
            run.step(*args)
        elif kind == "reset":
            run.reset()
        elif kind == "apply":  # a pair's apply names its side: ("apply", sid, config, "b")
            run.apply(TrainConfig.from_dict(args[0]), *args[1:])
        elif kind == "slow":
            run.set_slow_motion(args[0])
        elif kind == "checkpoint":
            self.outbox.put(("checkpoint", sid, checkpoint_bytes(run.trainer)))
        elif kind == "film":
            self.outbox.put(("film", sid, run.reel()))
        elif kind == "restore":
            run.restore(load_checkpoint(args[0]))

    def safely(self, sid: str, action) -> None:
        """Run one session's work; a crash pauses that session only and tells its viewer."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a bug in one run must not kill the others
            run = self.runs.get(sid)
            if run is not None:
                run.playing = False
                run.message = f"error: {type(exc).__name__}: {exc} (paused; try Reset)"
            self.outbox.put(("error", sid, "".join(traceback.format_exception(exc))[-2000:]))

    def tick(self, between: Callable[[], None] = lambda: None) -> float:
        """Give each playing run one slice; returns how long to wait for commands next.

        ``between`` runs after each slice (the worker handles waiting commands there), so a
        Pause or a new learning rate waits for one slice, not for a round of every session: an
        MNIST step alone can take 60 ms, and a worker may hold several."""
        stepped = playing = False
        for sid, run in list(self.runs.items()):
            if run.playing and self.runs.get(sid) is run:
                playing = True
                before = run.trainer.steps_done
                self.safely(sid, lambda run=run: run.advance(SLICE_S))
                stepped = stepped or run.trainer.steps_done != before
                between()
                if not self.running:
                    break
        if stepped:
            return 0.0
        return SLOW_WAIT_S if playing else IDLE_WAIT_S

    def drain(self, inbox: Any, first: tuple | None = None) -> None:
        """Handle ``first`` and every command already waiting, without blocking."""
        command = first
        while self.running:
            if command is None:
                try:
                    command = inbox.get_nowait()
                except queue.Empty:
                    return
            sid = command[1] if len(command) > 1 else ""
            self.safely(sid, lambda command=command: self.handle(command))
            command = None


def worker_main(inbox: Any, outbox: Any) -> None:
    """Process entry point: one torch thread, then serve commands until told to stop."""
    import torch

    torch.set_num_threads(1)
    parent = os.getppid()
    loop = WorkerLoop(outbox)
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
