"""Sessions: one live run per browser tab, each a handle on a LiveRun inside a worker process.

The web process never touches a network: it sends commands down a worker's queue and keeps the
latest Snapshot that comes back. A registry caps the number of sessions, frees a tab's session
when the tab closes, and reaps sessions nobody has looked at for a while.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from playground.engine.config import TrainConfig
from playground.engine.trainer import ApplyResult, plan_change
from playground.live.cpus import worker_count
from playground.live.snapshot import Snapshot, ViewOptions
from playground.live.worker import worker_main

FRAME_RETRY_S = 1.0  # re-ask for a frame if the last request got no answer in this long


class PlaygroundFullError(RuntimeError):
    """Every session slot is taken."""

    def __init__(self, cap: int) -> None:
        super().__init__(
            f"The playground is full ({cap} sessions are training right now): "
            "try again in a minute."
        )


class _Worker:
    """One worker process, its two queues and the thread that reads its answers."""

    def __init__(self, index: int, manager: SessionManager) -> None:
        self.index = index
        self.manager = manager
        self.sessions: set[str] = set()
        self.replies: queue.Queue = queue.Queue()
        self._start_process()
        self.reader = threading.Thread(
            target=self._read, name=f"playground-reader-{index}", daemon=True
        )
        self.reader.start()

    def _start_process(self) -> None:
        ctx = mp.get_context("spawn")
        self.inbox, self.outbox = ctx.Queue(), ctx.Queue()
        self.process = ctx.Process(
            target=worker_main,
            args=(self.inbox, self.outbox),
            name=f"playground-worker-{self.index}",
            daemon=True,
        )
        self.process.start()

    def send(self, *command: Any) -> None:
        self.inbox.put(command)

    def _read(self) -> None:
        while not self.manager.stopping:
            try:
                kind, sid, payload = self.outbox.get(timeout=0.5)
            except queue.Empty:
                if not self.process.is_alive() and not self.manager.stopping:
                    self._restart()
                continue
            except (EOFError, OSError):
                if self.manager.stopping:
                    return
                self._restart()
                continue
            if kind == "reply":
                self.replies.put(payload)
            else:
                self.manager._deliver(sid, kind, payload)

    def _restart(self) -> None:
        """The process died (killed, out of memory): start a new one, reopen its sessions."""
        for q in (self.inbox, self.outbox):
            q.cancel_join_thread()
            q.close()
        self._start_process()
        for sid in list(self.sessions):
            session = self.manager._by_id.get(sid)
            if session is not None:
                self.send(*session.open_command())
                session.notice = "the training worker restarted: your run starts again from step 0"

    def stop(self) -> None:
        try:
            self.send("shutdown", "")
        except (OSError, ValueError):
            pass
        self.process.join(timeout=3)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=2)
        for q in (self.inbox, self.outbox):
            q.cancel_join_thread()
            q.close()


class Session:
    """A browser tab's run, or (with ``config_b``) a pair of runs A and B trained in lockstep
    for the comparison view. Methods return at once; the worker acts on them in order."""

    def __init__(self, key: str, config: TrainConfig, worker: _Worker,
                 config_b: TrainConfig | None = None) -> None:
        self.key = key
        self.id = secrets.token_urlsafe(16)
        self.config = config
        self.config_b = config_b
        self.pair = config_b is not None
        self.worker = worker
        self.latest: Snapshot | None = None
        self.notice = ""  # a message from the web side (e.g. a worker restart)
        self.errors: list[str] = []
        self.open_failed = False  # the worker could not create the run (see _receive)
        self.last_seen = time.monotonic()
        self._frame_asked_at: float | None = None
        self._arrived = threading.Condition()
        self._answers: dict[str, Any] = {}  # replies to _ask, by kind
        self._asking: str | None = None

    def _send(self, *command: Any) -> None:
        if command[0] != "frame":
            self.notice = ""  # the user has acted on it
        self.worker.send(command[0], self.id, *command[1:])

    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None:
        self._send("step", int(count), bool(train_d), bool(train_g))

    def reset(self) -> None:
        if self.open_failed:  # there is no run to reset: try to create it again
            self._reopen()
        else:
            self._send("reset")

    def _reopen(self) -> None:
        self.open_failed = False
        self.notice = ""
        self.worker.send(*self.open_command())

    def set_slow_motion(self, on: bool) -> None:
        self._send("slow", bool(on))

    def _ask(self, kind: str, timeout: float) -> Any:
        """Send ``kind`` to the worker and wait for its answer of the same kind."""
        self._answers.pop(kind, None)
        self._asking = kind
        self._send(kind)
        deadline = time.monotonic() + timeout
        with self._arrived:
            while kind not in self._answers:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the training worker did not send the {kind} in time")
                self._arrived.wait(remaining)
        answer = self._answers.pop(kind)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def checkpoint(self, timeout: float = 30.0) -> bytes:
        """The run's checkpoint (nets, optimisers, RNGs, step) as bytes, from its worker."""
        return self._ask("checkpoint", timeout)

    def film(self, timeout: float = 30.0) -> Any:
        """The run's film frames (a FilmReel) for the animated export."""
        return self._ask("film", timeout)

    def restore(self, data: bytes, config: TrainConfig) -> None:
        """Continue from checkpoint bytes (already checked, whose config is ``config``)."""
        self.config = config
        if self.open_failed:
            self._reopen()
        self._send("restore", data)

    def open_command(self) -> tuple:
        """What a worker needs to create this session's run (again, after a restart)."""
        if self.pair:
            return ("open_pair", self.id, self.config.to_dict(), self.config_b.to_dict())
        return ("open", self.id, self.config.to_dict())

    def apply(self, config: TrainConfig, side: str = "a") -> ApplyResult:
        """Switch the run (a pair: its side "a" or "b") to ``config`` (already validated);
        says whether nets are rebuilt."""
        current = self.config_b if side == "b" else self.config
        plan = plan_change(current, config)
        if plan.changed:
            if side == "b":
                self.config_b = config
            else:
                self.config = config
            if self.open_failed:  # the run never started: start it with the new settings
                self._reopen()
            else:
                self._send("apply", config.to_dict(), *((side,) if self.pair else ()))
        return plan

    def frame(self, view: ViewOptions | None = None) -> Snapshot | None:
        """The latest snapshot at once, and a request for a fresher one (at most one pending)."""
        self.last_seen = time.monotonic()
        now = time.monotonic()
        asked = self._frame_asked_at
        if asked is None or now - asked > FRAME_RETRY_S:
            self._frame_asked_at = now
            self._send("frame", view or ViewOptions())
        return self.latest

    def wait_for(
        self,
        condition: Callable[[Snapshot], bool],
        timeout: float = 30.0,
        view: ViewOptions | None = None,
    ) -> Snapshot:
        """Poll frames until ``condition(snapshot)`` holds (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while True:
            snap = self.frame(view)
            if snap is not None and condition(snap):
                return snap
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                why = f"; {self.notice}" if self.notice else ""
                raise TimeoutError(f"no matching snapshot in {timeout} s (last: {snap}){why}")
            with self._arrived:
                self._arrived.wait(min(remaining, 0.05))

    def _receive(self, kind: str, payload: Any) -> None:
        if kind == "snapshot":
            self.latest = payload
        elif kind == "error":
            self.errors.append(payload)
            if self._asking:  # the worker failed while answering: don't wait for nothing
                last = payload.strip().splitlines()[-1] if payload.strip() else "error"
                self._answers[self._asking] = RuntimeError(last)
        elif kind == "open_failed":
            self.open_failed = True
            self.latest = None
            self.notice = (f"⚠ this run could not start ({payload}): pick a preset or load "
                           "a config")
        elif kind in ("checkpoint", "film"):
            self._answers[kind] = payload
            self._asking = None
        if kind in ("snapshot", "same", "error"):
            self._frame_asked_at = None
        with self._arrived:
            self._arrived.notify_all()


class SessionManager:
    """The registry of sessions, keyed by the browser's session hash, with a cap and a TTL."""

    def __init__(
        self,
        workers: int | None = None,
        max_sessions: int | None = None,
        ttl_s: float | None = None,
    ) -> None:
        env = os.environ
        self.n_workers = workers or worker_count(env)
        self.max_sessions = max_sessions or int(env.get("PLAYGROUND_MAX_SESSIONS", 16))
        self.ttl_s = ttl_s or float(env.get("PLAYGROUND_SESSION_TTL_S", 900))
        self.stopping = False
        self._lock = threading.Lock()
        self._by_key: dict[str, Session] = {}
        self._by_id: dict[str, Session] = {}
        self._workers: list[_Worker] = []
        self._reaper: threading.Thread | None = None

    def start(self) -> SessionManager:
        with self._lock:
            if not self._workers:
                self._workers = [_Worker(i, self) for i in range(self.n_workers)]
                self._reaper = threading.Thread(
                    target=self._reap_forever, name="playground-reaper", daemon=True
                )
                self._reaper.start()
                atexit.register(self.shutdown)
        return self

    def open(self, key: str, config: TrainConfig, config_b: TrainConfig | None = None
             ) -> Session:
        """The tab's session, created on first use; PlaygroundFullError past the cap. With
        ``config_b`` it is a pair (A = ``config``, B = ``config_b``) for the comparison."""
        self.start()
        with self._lock:
            existing = self._by_key.get(key)
            if existing is not None:
                return existing
            if len(self._by_key) >= self.max_sessions:
                raise PlaygroundFullError(self.max_sessions)
            worker = min(self._workers, key=lambda w: len(w.sessions))
            session = Session(key, config, worker, config_b)
            worker.sessions.add(session.id)
            self._by_key[key] = session
            self._by_id[session.id] = session
        worker.send(*session.open_command())
        return session

    def get(self, key: str) -> Session | None:
        return self._by_key.get(key)

    def close(self, key: str) -> bool:
        with self._lock:
            session = self._by_key.pop(key, None)
            if session is None:
                return False
            self._by_id.pop(session.id, None)
            session.worker.sessions.discard(session.id)
        session.worker.send("close", session.id)
        return True

    def __len__(self) -> int:
        return len(self._by_key)

    def _deliver(self, sid: str, kind: str, payload: Any) -> None:
        session = self._by_id.get(sid)
        if session is not None:
            session._receive(kind, payload)

    def reap_idle(self, now: float | None = None) -> int:
        """Close sessions not looked at for ``ttl_s`` (tabs that vanished without unload)."""
        now = time.monotonic() if now is None else now
        stale = [k for k, s in list(self._by_key.items()) if now - s.last_seen > self.ttl_s]
        for key in stale:
            self.close(key)
        return len(stale)

    def _reap_forever(self) -> None:
        while not self.stopping:
            time.sleep(min(30.0, self.ttl_s / 4))
            self.reap_idle()

    def worker_stats(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Each worker's live-run count, RSS and pid (leak tests, the status line)."""
        out = []
        for worker in self._workers:
            while not worker.replies.empty():
                worker.replies.get_nowait()
            worker.send("stats", "")
            out.append(worker.replies.get(timeout=timeout))
        return out

    def shutdown(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for worker in self._workers:
            worker.stop()
        self._workers = []
        self._by_key.clear()
        self._by_id.clear()
