"""One worker process as the web process sees it: its queues, and the thread that reads its
replies and hands them to the sessions (and restarts the process if it dies)."""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from typing import TYPE_CHECKING, Any

from playground.live import protocol as p
from playground.live.worker import BUSY_BYTES, worker_main

if TYPE_CHECKING:
    from playground.live.session import SessionManager

RESTARTED = "the training worker restarted: your run starts again from step 0"
# A run that was building or training when its worker died (killed, out of memory) may well
# have killed it: reopened straight away it would take every run on the worker down again.
KILLED = ("⚠ the training worker stopped (out of memory, or killed) while it was building or "
          "training this run, so this run was not started again: it could stop everyone's "
          "runs again. Lower batch_size, the widths or eval_samples, or pick a preset; Reset "
          "tries this config once more from step 0.")


class WorkerHandle:
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
        self.busy = ctx.RawArray("c", BUSY_BYTES + 1)  # the session it works for (worker.py)
        self.process = ctx.Process(
            target=worker_main,
            args=(self.inbox, self.outbox, self.busy),
            name=f"playground-worker-{self.index}",
            daemon=True,
        )
        self.process.start()

    def send(self, command: p.Command) -> None:
        inbox = self.inbox
        try:
            inbox.put(command)
        except ValueError:  # closed by a restart between reading self.inbox and the put
            if self.inbox is inbox:
                raise
            self.inbox.put(command)  # the new worker's queue

    def _read(self) -> None:
        while not self.manager.stopping:
            try:
                reply = self.outbox.get(timeout=0.5)
            except queue.Empty:
                if not self.process.is_alive() and not self.manager.stopping:
                    self._restart()
                continue
            except (EOFError, OSError):
                if self.manager.stopping:
                    return
                self._restart()
                continue
            if isinstance(reply, p.Stats):
                self.replies.put(reply)
            else:
                self.manager._deliver(reply)

    def _restart(self) -> None:
        """The process died (killed, out of memory): start a new one and reopen its sessions,
        all but the one whose run it was building or training when it died (``KILLED``)."""
        suspect = self.busy.value.decode(errors="replace")
        old = (self.inbox, self.outbox)
        # The new queues first, then close the old: a page's frame request sends from another
        # thread, and a closed inbox still in place made it fail (an error in the page).
        self._start_process()
        for q in old:
            q.cancel_join_thread()
            q.close()
        for sid in list(self.sessions):
            session = self.manager._by_id.get(sid)
            if session is None:
                continue
            if sid == suspect:  # no run until the user acts (Reset, a preset, a config)
                session.open_failed, session.frames, session.notice = True, None, KILLED
            else:
                self.send(session.open_command())
                session.notice = RESTARTED

    def stats(self, timeout: float) -> dict[str, Any]:
        """The process's live-run count, RSS and pid."""
        while not self.replies.empty():
            self.replies.get_nowait()
        self.send(p.AskStats(""))
        stats = self.replies.get(timeout=timeout)
        return {"runs": stats.runs, "rss_mb": stats.rss_mb, "pid": stats.pid}

    def stop(self) -> None:
        try:
            self.send(p.Shutdown(""))
        except (OSError, ValueError):
            pass
        self.process.join(timeout=3)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=2)
        for q in (self.inbox, self.outbox):
            q.cancel_join_thread()
            q.close()
