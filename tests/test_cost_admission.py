"""Issue 17: admission by cost, not by count, and a worker's CPU shared by time, not by turn."""

from __future__ import annotations

import time

from playground.live.worker import WorkerLoop


class Stepper:
    """A playing run whose steps each take ``step_s`` by the clock (an MNIST step, a 2-D step;
    on a busy machine a step's clock time is mostly other processes' CPU, so these sleep) and
    whose turn ends by the clock, as ``run.Pacer`` does."""

    def __init__(self, step_s: float) -> None:
        self.step_s, self.steps_done, self.used, self.playing = step_s, 0, 0.0, True

    def advance(self, budget_s: float) -> int:
        start = time.perf_counter()
        steps = 0
        while steps == 0 or time.perf_counter() - start < budget_s:
            time.sleep(self.step_s)
            steps += 1
        self.steps_done += steps
        self.used += time.perf_counter() - start
        return steps


def test_a_slow_stepping_run_gets_the_same_time_as_a_fast_one():
    """A 60 ms step is longer than a 20 ms slice: it used to get one step (60 ms) every round
    against the fast run's 20 ms, 3x the time. With the credit tally, charged by the clock as
    the slices are, they get the same (charged by CPU, a step that waits on a busy machine
    was nearly free and the slow run still got ~3x)."""
    loop = WorkerLoop(outbox=[])
    slow, fast = Stepper(0.06), Stepper(0.002)
    loop.runs = {"slow": slow, "fast": fast}
    while slow.used + fast.used < 1.5:
        loop.tick()
    assert 0.75 < slow.used / fast.used < 1.33, (slow.used, fast.used)


def test_workers_take_runs_up_to_their_budget_by_weight():
    """Two workers with 10 units each: two heavy runs (~6 units) fit, one per worker, a third
    is refused with a message offering a 2-D run, light runs still fit beside them, a light
    run may not grow into a heavy one where there is no room, and a fresh heavy run moves to
    a worker that has room."""
    import pytest

    from playground.engine.config import TrainConfig
    from playground.live.session import NoRoomError, SessionManager

    light = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                        eval_samples=200)
    heavy = TrainConfig(g_width=512, d_width=512, eval_samples=200)
    from playground.engine.cost import estimate

    assert 4 < estimate(heavy).weight < 9 and estimate(light).weight == 1.0
    m = SessionManager(workers=2, max_sessions=16).start()
    m.worker_budget = 10.0
    try:
        h1, h2 = m.open("h1", heavy), m.open("h2", heavy)
        assert h1.worker is not h2.worker
        with pytest.raises(NoRoomError, match="no room for this run right now"):
            m.open("h3", heavy)
        lights = [m.open(f"l{i}", light) for i in range(8)]  # 4 more units on each worker
        with pytest.raises(NoRoomError):
            m.open("l-late", light)
        lights[0].wait_for(lambda snap: True, timeout=60)
        with pytest.raises(NoRoomError):
            lights[0].apply(heavy, fresh=True)
        assert lights[0].config == light  # refused: the run is as it was
        m.close("h2")
        for s in lights[1:]:
            m.close(s.key)
        mover = lights[0]
        before = mover.worker
        mover.apply(heavy, fresh=True)  # no room beside h1: it starts on the emptied worker
        assert mover.worker is not before and mover.worker is not h1.worker
        assert mover.config == heavy
        snap = mover.wait_for(lambda snap: snap.config == heavy, timeout=60)
        assert snap.step == 0
    finally:
        m.shutdown()


def test_the_page_offers_a_2d_run_when_an_mnist_run_has_no_room():
    from playground.engine.config import TrainConfig
    from playground.live.admission import NoRoomError

    text = str(NoRoomError(TrainConfig(dataset="mnist"), 9.0, 3.0))
    assert "no room for an MNIST run" in text and "pick a 2-D preset" in text
