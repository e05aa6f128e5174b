"""A worker's restart swaps its queues while page threads keep sending (every frame request
sends a DrawFrame). CI once saw the page's /frame fail while a killed worker was being
replaced: the old inbox was closed before the new one was in place."""

from types import SimpleNamespace

import pytest

from playground.live import protocol as p
from playground.live.workers import WorkerHandle


class FakeQueue:
    def __init__(self) -> None:
        self.items: list = []
        self.closed = False

    def put(self, item) -> None:
        if self.closed:
            raise ValueError("Queue is closed")  # what multiprocessing.Queue raises
        self.items.append(item)

    def cancel_join_thread(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def bare_handle() -> WorkerHandle:
    handle = WorkerHandle.__new__(WorkerHandle)  # no process: only the queue logic
    handle.inbox, handle.outbox = FakeQueue(), FakeQueue()
    handle.busy = SimpleNamespace(value=b"")
    handle.sessions = set()
    handle.manager = SimpleNamespace(_by_id={})
    return handle


def test_a_restart_puts_the_new_queues_in_place_before_closing_the_old(monkeypatch):
    handle = bare_handle()
    old_inbox = handle.inbox
    seen = []

    def start_process() -> None:
        seen.append(old_inbox.closed)  # a sender in between would hit this queue
        handle.inbox, handle.outbox = FakeQueue(), FakeQueue()

    monkeypatch.setattr(handle, "_start_process", start_process)
    handle._restart()
    assert seen == [False]
    assert old_inbox.closed and not handle.inbox.closed


def test_a_send_that_meets_a_closed_inbox_goes_to_the_new_one():
    handle = bare_handle()
    new_inbox = FakeQueue()

    class ClosingQueue(FakeQueue):  # closed, and replaced, just as the sender uses it
        def put(self, item) -> None:
            handle.inbox = new_inbox
            raise ValueError("Queue is closed")

    handle.inbox = ClosingQueue()
    handle.send(p.DrawFrame("s", None))
    assert [type(c) for c in new_inbox.items] == [p.DrawFrame]


def test_a_closed_inbox_that_was_not_replaced_still_raises():
    handle = bare_handle()
    handle.inbox.close()
    with pytest.raises(ValueError):
        handle.send(p.DrawFrame("s", None))
