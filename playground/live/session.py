"""Sessions: one live run per browser tab, each a handle on a LiveRun inside a worker process.

The web process never touches a network: it sends commands down a worker's queue and keeps the
latest Snapshot that comes back. A registry caps the number of sessions, frees a tab's session
when the tab closes, and reaps sessions nobody has looked at for a while.
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from playground.engine.changes import ApplyResult, plan_change
from playground.engine.config import TrainConfig
from playground.live import protocol as p
from playground.live.admission import (  # noqa: F401 - the page imports the errors from here
    NoRoomError,
    Placement,
    PlaygroundFullError,
    RunRefusedError,
    TooManyAnonymousError,
    least_loaded,
    run_weight,
    worker_budget,
)
from playground.live.cpus import worker_count
from playground.live.film import FilmReel
from playground.live.snapshot import Snapshot, ViewOptions
from playground.live.workers import WorkerHandle

FRAME_RETRY_S = 1.0  # re-ask for a frame if the last request got no answer in this long
ANSWER_WAIT_S = 10.0  # how long a page handler waits for the worker to build or restore a run


class Session:
    """A browser tab's run, or (with ``config_b``) a pair of runs A and B trained in lockstep
    for the comparison view. Methods return at once; the worker acts on them in order."""

    def __init__(self, key: str, config: TrainConfig, worker: WorkerHandle,
                 config_b: TrainConfig | None = None) -> None:
        self.key = key
        self.id = secrets.token_urlsafe(16)
        self.config = config
        self.config_b = config_b
        self.pair = config_b is not None
        self.worker = worker
        self.frames: tuple[Snapshot, ...] | None = None  # the latest, one per side
        self.notice = ""  # a message from the web side (e.g. a worker restart)
        self.errors: list[str] = []
        self.applied: p.Applied | None = None  # the worker's last word on an Apply
        self.open_failed = False  # the worker could not create the run (see _receive)
        self.last_seen = time.monotonic()
        self.client = ""  # the address that opened it
        self.claimed = True  # opened by a loaded page (False: an API call, a short lease)
        self._frame_asked_at: float | None = None
        self._arrived = threading.Condition()
        self._answers: dict[type, Any] = {}  # replies to _ask, by reply type
        self._asking: type | None = None
        self._tickets = itertools.count(1)
        self._waiting: set[int] = set()  # tickets a caller waits on
        self._verdicts: dict[int, p.Reply] = {}  # their answers
        self._restoring: dict[int, TrainConfig] = {}  # a Restore's config, taken when it lands

    @property
    def weight(self) -> float:
        """What this session's run costs its worker (see ``live.admission``)."""
        return run_weight(self.config, self.config_b)

    @property
    def latest(self) -> Snapshot | tuple[Snapshot, ...] | None:
        """The latest picture: a Snapshot, or for a pair the (A, B) Snapshots."""
        if self.frames is None:
            return None
        return self.frames if self.pair else self.frames[0]

    def _send(self, command: p.Command) -> None:
        if not isinstance(command, p.DrawFrame):
            self.notice = ""  # the user has acted on it
        self.worker.send(command)

    def play(self) -> None:
        self._send(p.Play(self.id))

    def pause(self) -> None:
        self._send(p.Pause(self.id))

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None:
        self._send(p.Step(self.id, int(count), bool(train_d), bool(train_g)))

    def reset(self) -> None:
        if self.open_failed:  # there is no run to reset: try to create it again
            self._reopen()
        else:
            self._send(p.Reset(self.id))

    def _reopen(self) -> None:
        self.open_failed = False
        self.notice = ""
        self.worker.send(self.open_command())

    def set_slow_motion(self, on: bool) -> None:
        self._send(p.SlowMotion(self.id, bool(on)))

    def _ask(self, command: p.Command, answer: type, timeout: float) -> Any:
        """Send ``command`` to the worker and wait for its reply of type ``answer``."""
        self._answers.pop(answer, None)
        self._asking = answer
        self._send(command)
        deadline = time.monotonic() + timeout
        with self._arrived:
            while answer not in self._answers:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the training worker did not send the {answer.__name__} "
                                       "in time")
                self._arrived.wait(remaining)
        reply = self._answers.pop(answer)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def checkpoint(self, timeout: float = 30.0) -> bytes:
        """The run's checkpoint (nets, optimisers, RNGs, step) as bytes, from its worker."""
        return self._ask(p.TakeCheckpoint(self.id), p.CheckpointData, timeout).data

    def film(self, timeout: float = 30.0) -> FilmReel:
        """The run's film frames (side A's, for a pair) for the animated export."""
        return self._ask(p.TakeFilm(self.id), p.FilmData, timeout).reels[0]

    def restore(self, data: bytes, config: TrainConfig, timeout: float = ANSWER_WAIT_S) -> int:
        """Continue from checkpoint bytes (already checked, whose config is ``config``); the
        step it continues from, once the worker has restored it. RunRefusedError (and the run as it
        was) if the worker refuses the file or does not answer within ``timeout``."""
        self.worker.manager.place(self, config, "a", fresh=False)  # NoRoomError if none
        if self.open_failed:
            self._reopen_with(config, timeout)
        ticket = next(self._tickets)
        self._restoring[ticket] = config
        verdict = self._await(p.Restore(self.id, data, ticket), ticket, timeout)
        if isinstance(verdict, p.RestoreFailed):
            raise RunRefusedError(f"the checkpoint was not loaded ({verdict.reason})")
        return verdict.steps_done

    def _await(self, command: p.Command, ticket: int, timeout: float) -> p.Reply:
        """Send ``command`` and wait for the reply carrying ``ticket``; RunRefusedError on time-out
        (a late answer still lands in ``_receive``, which keeps ``config`` true to the run)."""
        with self._arrived:
            self._waiting.add(ticket)
        self._send(command)
        deadline = time.monotonic() + timeout
        with self._arrived:
            try:
                while ticket not in self._verdicts:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise RunRefusedError(f"the training worker did not answer within "
                                         f"{timeout:g} s (it is busy); try again")
                    self._arrived.wait(remaining)
                return self._verdicts.pop(ticket)
            finally:
                self._waiting.discard(ticket)

    def _reopen_with(self, config: TrainConfig, timeout: float) -> None:
        """Create the run that never started, with ``config``; RunRefusedError if it fails again."""
        self.config = config  # there is no old run to keep
        self.open_failed = False
        self.notice = ""
        ticket = next(self._tickets)
        command = self.open_command()
        verdict = self._await(type(command)(**{**command.__dict__, "ticket": ticket}), ticket,
                              timeout)
        if isinstance(verdict, p.OpenFailed):
            raise RunRefusedError(f"this run could not start ({verdict.reason})")

    def open_command(self) -> p.OpenRun | p.OpenPair:
        """What a worker needs to create this session's run (again, after a restart)."""
        if self.config_b is not None:
            return p.OpenPair(self.id, self.config, self.config_b)
        return p.OpenRun(self.id, self.config)

    def apply(self, config: TrainConfig, side: p.Side = "a", fresh: bool = False,
              timeout: float = ANSWER_WAIT_S) -> ApplyResult:
        """Switch the run (a pair: its side "a" or "b") to ``config`` (already validated); with
        ``fresh``, from step 0 (one build: the worker resets only runs it did not rebuild).
        Returns what the worker did, once it has done it; ``config`` changes only then.
        RunRefusedError, with the run and ``config`` as they were, if the worker cannot build it."""
        current = self.config_b if side == "b" else self.config
        plan = plan_change(current, config)
        if not plan.changed and not fresh and not self.open_failed:
            return plan
        fresh = (fresh or self.open_failed) and side == "a"  # a run that starts at step 0
        target = self.worker.manager.place(self, config, side, fresh)  # NoRoomError if none
        moved = target is not self.worker
        if moved:  # a fresh run that fits on another worker: it starts there
            self.worker.manager.move(self, target)
        if moved or (self.open_failed and side == "a"):
            self._reopen_with(config, timeout)  # the run starts (again) with these
            return plan
        ticket = next(self._tickets)
        verdict = self._await(p.Apply(self.id, config, side, fresh, ticket), ticket, timeout)
        if isinstance(verdict, p.ApplyFailed):
            raise RunRefusedError(f"the run was not changed ({verdict.reason})")
        return verdict.result

    def frame(self, view: ViewOptions | None = None) -> Snapshot | tuple[Snapshot, ...] | None:
        """The latest picture at once (see ``latest``), and a request for a fresher one (at
        most one pending)."""
        self.last_seen = time.monotonic()
        now = time.monotonic()
        asked = self._frame_asked_at
        if asked is None or now - asked > FRAME_RETRY_S:
            self._frame_asked_at = now
            self._send(p.DrawFrame(self.id, view or ViewOptions()))
        return self.latest

    def wait_for(
        self,
        condition: Callable[[Any], bool],
        timeout: float = 30.0,
        view: ViewOptions | None = None,
    ) -> Any:
        """Poll frames until ``condition(latest)`` holds (for tests and the CLI)."""
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

    def _receive(self, reply: p.Reply) -> None:
        match reply:
            case p.Frame(snapshots=snapshots):
                self.frames = snapshots
            case p.Fault(traceback=text):
                self.errors.append(text)
                if self._asking:  # the worker failed while answering: don't wait for nothing
                    last = text.strip().splitlines()[-1] if text.strip() else "error"
                    self._answers[self._asking] = RuntimeError(last)
            case p.OpenFailed(reason=reason):
                self.open_failed = True
                self.frames = None
                self.notice = (f"⚠ this run could not start ({reason}): pick a preset or load "
                               "a config")
            case p.Applied(side=side, config=config) if config is not None:
                self.applied = reply
                if side == "b":
                    self.config_b = config
                else:
                    self.config = config
            case p.Restored(ticket=ticket) if ticket in self._restoring:
                self.config = self._restoring.pop(ticket)
            case p.RestoreFailed(ticket=ticket):
                self._restoring.pop(ticket, None)
            case p.CheckpointData() | p.FilmData():
                self._answers[type(reply)] = reply
                self._asking = None
        if isinstance(reply, (p.Frame, p.Unchanged, p.Fault)):
            self._frame_asked_at = None
        with self._arrived:
            ticket = getattr(reply, "ticket", 0)
            if ticket in self._waiting:
                self._verdicts[ticket] = reply
            self._arrived.notify_all()


class SessionManager(Placement):
    """The registry of sessions, keyed by the browser's session hash, with a cap and a TTL."""

    def __init__(
        self,
        workers: int | None = None,
        max_sessions: int | None = None,
        ttl_s: float | None = None,
    ) -> None:
        env = os.environ
        self.n_workers = workers if workers is not None else worker_count(env)
        self.max_sessions = (max_sessions if max_sessions is not None
                             else int(env.get("PLAYGROUND_MAX_SESSIONS", 16)))
        self.ttl_s = ttl_s if ttl_s is not None else float(env.get("PLAYGROUND_SESSION_TTL_S",
                                                                     900))
        # Sessions opened by an API call, not a loaded page: a few per address, a short lease,
        # and the first to go when a page needs a slot (issue 17: 12 anonymous POSTs locked
        # every visitor out for 15 minutes).
        self.anon_per_client = int(env.get("PLAYGROUND_ANON_PER_CLIENT", 2))
        self.anon_ttl_s = float(env.get("PLAYGROUND_ANON_TTL_S", 60))
        self.worker_budget = worker_budget(env)  # weight units per worker (live.admission)
        self.stopping = False
        self._lock = threading.Lock()
        self._by_key: dict[str, Session] = {}
        self._by_id: dict[str, Session] = {}
        self._workers: list[WorkerHandle] = []
        self._reaper: threading.Thread | None = None

    def start(self) -> SessionManager:
        with self._lock:
            if not self._workers:
                self._workers = [WorkerHandle(i, self) for i in range(self.n_workers)]
                self._reaper = threading.Thread(
                    target=self._reap_forever, name="playground-reaper", daemon=True
                )
                self._reaper.start()
                atexit.register(self.shutdown)
        return self

    def open(self, key: str, config: TrainConfig, config_b: TrainConfig | None = None,
             client: str = "", claimed: bool = True) -> Session:
        """The tab's session, created on first use; PlaygroundFullError past the cap. With
        ``config_b`` it is a pair (A = ``config``, B = ``config_b``) for the comparison.
        ``claimed``: a loaded page asks (it may take the slot of the oldest unclaimed
        session); unclaimed ones (API calls) are capped per ``client`` address."""
        self.start()
        with self._lock:
            existing = self._by_key.get(key)
            if existing is not None:
                existing.claimed = existing.claimed or claimed
                return existing
            anonymous = [s for s in self._by_key.values() if not s.claimed]
            if not claimed and sum(s.client == client for s in anonymous) >= self.anon_per_client:
                raise TooManyAnonymousError(self.anon_per_client)
            evicted = None
            if len(self._by_key) >= self.max_sessions:
                if not claimed or not anonymous:
                    raise PlaygroundFullError(self.max_sessions)
                evicted = min(anonymous, key=lambda s: s.last_seen).key
            else:
                weight = run_weight(config, config_b)
                worker = least_loaded(self._loads(), weight, self.worker_budget)
                if worker is None:
                    raise NoRoomError(config, weight, self._most_free())
                session = Session(key, config, worker, config_b)
                session.client, session.claimed = client, claimed
                worker.sessions.add(session.id)
                self._by_key[key] = session
                self._by_id[session.id] = session
        if evicted is not None:  # a page takes the slot of the stalest API-only session
            self.close(evicted)
            return self.open(key, config, config_b, client, claimed)
        worker.send(session.open_command())
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
        session.worker.send(p.Close(session.id))
        return True

    def __len__(self) -> int:
        return len(self._by_key)

    def _deliver(self, reply: p.Reply) -> None:
        session = self._by_id.get(reply.session)
        if session is not None:
            session._receive(reply)

    def reap_idle(self, now: float | None = None) -> int:
        """Close sessions not looked at for ``ttl_s`` (tabs that vanished without unload)."""
        now = time.monotonic() if now is None else now
        stale = [k for k, s in list(self._by_key.items())
                 if now - s.last_seen > (self.ttl_s if s.claimed else self.anon_ttl_s)]
        for key in stale:
            self.close(key)
        return len(stale)

    def _reap_forever(self) -> None:
        while not self.stopping:
            time.sleep(min(30.0, self.ttl_s / 4, self.anon_ttl_s / 4))
            self.reap_idle()

    def worker_stats(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Each worker's live-run count, RSS and pid (the leak and restart tests read it)."""
        return [worker.stats(timeout) for worker in self._workers]

    def shutdown(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for worker in self._workers:
            worker.stop()
        self._workers = []
        self._by_key.clear()
        self._by_id.clear()
