"""Issue 17: a run whose worker died while building or training it (out of memory, or killed)
is not reopened straight away on the restarted worker: it could take every run there down
again. The other runs on that worker start again; the page says plainly what happened."""

from __future__ import annotations

import os
import signal
import time

from playground.engine.config import TrainConfig
from playground.live.session import SessionManager
from playground.live.workers import KILLED, RESTARTED

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=200)
SLOW = TrainConfig(g_width=256, d_width=256, g_layers=3, d_layers=3, batch_size=256,
                   eval_samples=200, seed=4)  # 1,000 manual steps keep the worker busy


def test_the_run_a_worker_died_in_is_not_reopened_and_the_others_are():
    m = SessionManager(workers=1, max_sessions=4).start()
    try:
        bystander = m.open("tab-bystander", SMALL.with_changes(seed=9))
        killer = m.open("tab-killer", SLOW)
        for s in (bystander, killer):
            s.wait_for(lambda snap: True, timeout=60)
        worker = m._workers[0]
        old_pid = worker.process.pid
        killer.step(1000)  # the worker works for this session for seconds
        deadline = time.monotonic() + 30
        while worker.busy.value.decode() != killer.id:
            assert time.monotonic() < deadline, "the worker never marked the killer's run"
            time.sleep(0.002)
        os.kill(old_pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        deadline = time.monotonic() + 30
        while bystander.notice != RESTARTED:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert worker.process.pid != old_pid
        assert killer.notice == KILLED and "not started again" in killer.notice
        assert killer.open_failed and killer.frame() is None
        assert m.worker_stats(timeout=60)[0]["runs"] == 1  # only the bystander's run
        fresh = bystander.wait_for(lambda snap: snap.step == 0, timeout=60)
        assert fresh.config.seed == 9
        killer.reset()  # the user asks for it once more: it starts from step 0
        again = killer.wait_for(lambda snap: True, timeout=60)
        assert again.step == 0 and again.config == SLOW
        assert m.worker_stats(timeout=60)[0]["runs"] == 2
    finally:
        m.shutdown()
