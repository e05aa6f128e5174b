"""Sessions across real worker processes (spawned once for this module)."""

import threading
import time

import pytest

from playground.engine.config import TrainConfig
from playground.live import protocol as p
from playground.live.session import PlaygroundFullError, SessionManager
from playground.live.snapshot import ViewOptions

SMALL = TrainConfig(g_width=32, d_width=32, g_layers=2, d_layers=2, batch_size=64,
                    eval_samples=500)


def open_beside(manager, session, key: str, config: TrainConfig):
    """A new session on ``session``'s worker process (the manager picks the least-loaded
    worker: extra sessions opened on the way there are closed again)."""
    for i in range(8):
        other = manager.open(f"{key}-{i}", config)
        if other.worker is session.worker:
            for j in range(i):
                manager.close(f"{key}-{j}")
            return other, f"{key}-{i}"
    raise AssertionError("the manager never put a session on this worker")


def test_play_pause_step_reset(manager):
    s = manager.open("tab-basic", SMALL)
    assert s.wait_for(lambda snap: snap.step == 0, timeout=60).fake.shape == (500, 2)
    s.play()
    playing = s.wait_for(lambda snap: snap.step > 50)
    assert playing.playing
    s.pause()
    paused = s.wait_for(lambda snap: not snap.playing)
    # While s stays paused its worker keeps training another session: 50 of its steps.
    other, other_key = open_beside(manager, s, "tab-basic-other", SMALL)
    other.play()
    other.wait_for(lambda snap: snap.step > 50, timeout=60)
    manager.close(other_key)
    # Commands run in order: one Step lands exactly on paused + 1 unless s trained meanwhile.
    s.step(1)
    stepped = s.wait_for(lambda snap: snap.step != paused.step)
    assert stepped.step == paused.step + 1 and not stepped.playing
    s.reset()
    assert s.wait_for(lambda snap: snap.step == 0).step == 0
    manager.close("tab-basic")


def test_live_lr_edit_mid_run(manager):
    s = manager.open("tab-lr", SMALL)
    s.play()
    before = s.wait_for(lambda snap: snap.step > 30, timeout=60).step
    plan = s.apply(s.config.with_changes(lr_g=2e-4, loss="hinge"))
    assert not plan.rebuilt and set(plan.changed) == {"lr_g", "loss"}
    after = s.wait_for(lambda snap: snap.config.lr_g == 2e-4 and snap.critic)
    assert after.step >= before and after.playing
    manager.close("tab-lr")


def test_divergence_pauses_the_session(manager):
    bad = SMALL.with_changes(loss="wgan", clip=100.0, lr_d=10.0, lr_g=10.0,
                             optimizer_d="sgd", optimizer_g="sgd")
    s = manager.open("tab-diverge", bad)
    s.play()
    snap = s.wait_for(lambda snap: snap.diverged, timeout=60)
    assert not snap.playing and "diverged" in snap.message
    manager.close("tab-diverge")


def test_frames_are_fresh_and_views_are_honoured(manager):
    s = manager.open("tab-frames", SMALL)
    s.play()
    view = ViewOptions(arrows=False, manifold=True, trails=True)
    first = s.wait_for(lambda snap: snap.manifold is not None, view=view)
    assert first.arrows is None
    later = s.wait_for(lambda snap: snap.seq > first.seq + 3, view=view)
    assert later.step > first.step
    manager.close("tab-frames")


def test_cap_gives_a_clear_message():
    small = SessionManager(workers=1, max_sessions=2).start()
    try:
        small.open("a", SMALL)
        small.open("b", SMALL)
        assert small.open("a", SMALL) is small.get("a")  # the same tab again is fine
        with pytest.raises(PlaygroundFullError, match="full.*try again in a minute"):
            small.open("c", SMALL)
        small.close("a")
        small.open("c", SMALL)
    finally:
        small.shutdown()


def test_idle_sessions_are_reaped(manager):
    s = manager.open("tab-idle", SMALL)
    s.last_seen -= 10_000
    assert manager.reap_idle() >= 1
    assert manager.get("tab-idle") is None


def test_a_hundred_sessions_leave_nothing_behind(manager):
    def churn(label):
        sessions = [manager.open(f"tab-{label}-{i}", SMALL) for i in range(20)]
        for s in sessions:
            s.play()
        sessions[-1].wait_for(lambda snap: snap.step > 5, timeout=60)
        assert threading.active_count() == baseline_threads  # no thread per session
        for i in range(20):
            manager.close(f"tab-{label}-{i}")
        # A worker handles its commands in order: its stats answer comes after the closes.
        stats = manager.worker_stats()
        assert sum(w["runs"] for w in stats) == 0
        return sum(w["rss_mb"] for w in stats)

    manager.worker_stats()  # after this every queue's feeder thread exists
    baseline_threads = threading.active_count()
    # The first round grows the allocators' pools to their working size; a leak shows as
    # growth on every round after it.
    warmed = churn("warm-up")
    rss = [churn(f"round-{r}") for r in range(4)]  # with the warm-up: 100 tabs opened, closed
    print("worker RSS after warm-up and each round (MB):", warmed, rss)
    assert len(manager) == 0
    assert sum(w["runs"] for w in manager.worker_stats()) == 0
    assert threading.active_count() <= baseline_threads, [t.name for t in threading.enumerate()]
    assert rss[-1] - warmed < 50


def test_a_failing_command_pauses_only_its_own_session(manager):
    """A fault inside a worker (here a corrupt command) pauses that session with a message;
    the other sessions, in the same worker or not, go on training."""
    a = manager.open("tab-fault-a", SMALL)
    b = manager.open("tab-fault-b", SMALL.with_changes(seed=3))
    a.play()
    b.play()
    a.wait_for(lambda snap: snap.step > 10)
    # Not a count: the run raises. (A bad Apply no longer faults: the worker answers
    # ApplyFailed and the run goes on as it was; see the next-to-last test.)
    a.worker.send(p.Step(a.id, "many"))
    broken = a.wait_for(lambda snap: snap.faulted)
    assert not broken.playing and broken.message.startswith("error") and "Reset" in broken.message
    running = b.wait_for(lambda snap: True).step
    assert b.wait_for(lambda snap: snap.step > running + 50).playing
    a.reset()
    a.play()
    assert a.wait_for(lambda snap: snap.playing and snap.step > 5).playing  # it recovers
    manager.close("tab-fault-a")
    manager.close("tab-fault-b")


def test_sessions_are_isolated(manager):
    a = manager.open("tab-iso-a", SMALL)
    b = manager.open("tab-iso-b", SMALL.with_changes(seed=5))
    assert a.id != b.id and len(a.id) >= 20
    a.play()
    a.wait_for(lambda snap: snap.step > 20)
    snap_b = b.wait_for(lambda snap: True)
    assert snap_b.step == 0 and snap_b.config.seed == 5
    manager.close("tab-iso-a")
    manager.close("tab-iso-b")


def test_a_killed_worker_is_replaced_and_its_sessions_reopened():
    import os
    import signal

    m = SessionManager(workers=1, max_sessions=4).start()
    try:
        s = m.open("tab-crash", SMALL.with_changes(seed=9))
        s.play()
        s.wait_for(lambda snap: snap.step > 10, timeout=60)
        s.pause()  # killed while idle: a run it was training then is not reopened (issue 17,
        s.wait_for(lambda snap: not snap.playing, timeout=60)  # test_killer_config.py)
        old_pid = m.worker_stats()[0]["pid"]
        while m._workers[0].busy.value:
            time.sleep(0.01)
        os.kill(old_pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while "restarted" not in s.notice:  # the reader notices within a second
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert m.worker_stats(timeout=60)[0]["pid"] != old_pid
        fresh = s.wait_for(lambda snap: snap.created > 0 and snap.step == 0, timeout=60)
        assert fresh.config.seed == 9  # the user's config survived
        s.play()
        s.wait_for(lambda snap: snap.step > 5, timeout=60)
    finally:
        m.shutdown()


def test_workers_do_not_outlive_a_killed_app(tmp_path):
    """SIGKILL the web process: its worker processes notice and exit (no orphans burning CPU)."""
    import os
    import signal
    import subprocess
    import sys

    script = tmp_path / "host.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parents[1])!r})\n"
        "from playground.live.session import SessionManager\n"
        "from playground.engine.config import TrainConfig\n"
        "if __name__ == '__main__':\n"
        "    m = SessionManager(workers=2).start()\n"
        "    s = m.open('t', TrainConfig(g_width=8, d_width=8))\n"
        "    s.play()\n"
        "    print(' '.join(str(w['pid']) for w in m.worker_stats(timeout=60)), flush=True)\n"
        "    time.sleep(600)\n"
    )
    host = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in host.stdout.readline().split()]
    assert len(pids) == 2
    os.kill(host.pid, signal.SIGKILL)
    host.wait()
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if os.path.exists(f"/proc/{p}") and
                 "Z" not in open(f"/proc/{p}/stat").read().split()[2]]
    assert not alive, f"orphaned workers still running: {alive}"


def test_app_stops_its_workers_on_sigterm():
    import os
    import signal
    import subprocess

    from tests.conftest import start_app

    process, _ = start_app()
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                              text=True).stdout.split()
    assert children  # the worker processes (and the resource tracker)
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{c}") for c in children):
        time.sleep(0.2)
    assert not [c for c in children if os.path.exists(f"/proc/{c}")]


def test_checkpoint_download_and_restore_through_the_worker(manager):
    from playground.engine.checkpoint import load_checkpoint, read_state

    s = manager.open("tab-ckpt", SMALL)
    s.step(7)
    s.wait_for(lambda snap: snap.step == 7)
    data = s.checkpoint()
    state, config = read_state(data)
    assert config == SMALL and load_checkpoint(data).steps_done == 7
    other = manager.open("tab-ckpt-2", SMALL.with_changes(seed=5))
    other.restore(data, config)
    snap = other.wait_for(lambda snap: snap.step == 7 and "checkpoint loaded" in snap.message)
    assert snap.config == SMALL
    other.step(2)
    assert other.wait_for(lambda snap: snap.step == 9).step == 9
    with pytest.raises(Exception, match="checkpoint"):
        read_state(b"not a checkpoint")
    manager.close("tab-ckpt")
    manager.close("tab-ckpt-2")


def test_a_run_that_cannot_start_says_why_and_recovers(tmp_path, monkeypatch):
    """The worker cannot build the run (MNIST vanished between the page's check and the
    worker): the session says so instead of "starting…" forever, and choosing other settings
    starts it."""
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    monkeypatch.setenv("PLAYGROUND_SHIPPED_MNIST", "0")  # MNIST missing everywhere
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from playground.presets import load_preset

    m = SessionManager(workers=1, max_sessions=2).start()
    try:
        s = m.open("tab-no-mnist", load_preset("mnist-dcgan").config)
        deadline = time.monotonic() + 60
        while "could not start" not in s.notice:
            assert time.monotonic() < deadline, "no message about the failed start"
            s.frame()
            time.sleep(0.1)
        assert "MNIST" in s.notice and s.latest is None
        s.apply(SMALL)
        s.reset()
        s.play()
        snap = s.wait_for(lambda snap: snap.step > 5, timeout=60)
        assert snap.config == SMALL and not s.notice
    finally:
        m.shutdown()


def test_a_switch_the_worker_cannot_build_leaves_session_and_worker_on_the_old_run(
        tmp_path, monkeypatch):
    """Issue 17, finding 5: the session's config (what the page shows and links) changes only
    once the worker has built or restored the run; a preset whose data vanished, or a
    checkpoint the worker refuses, raises RunRefusedError naming why, and the session, the
    worker's snapshots and its checkpoint all stay on the old run."""
    from playground.engine.checkpoint import read_state
    from playground.live.session import RunRefusedError
    from playground.presets import load_preset

    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_OFFLINE", "1")
    monkeypatch.setenv("PLAYGROUND_SHIPPED_MNIST", "0")  # as if the package's copy were gone
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    m = SessionManager(workers=1, max_sessions=2).start()
    try:
        s = m.open("tab-old-run", SMALL)
        s.step(3)
        s.wait_for(lambda snap: snap.step == 3, timeout=60)
        with pytest.raises(RunRefusedError, match="MNIST") as caught:
            s.apply(load_preset("mnist-dcgan").config, fresh=True)
        assert str(tmp_path) not in str(caught.value)  # no server path for the page
        other = SMALL.with_changes(seed=9, g_width=12)
        with pytest.raises(RunRefusedError, match="checkpoint was not loaded"):
            s.restore(b"not a checkpoint", other)
        assert s.config == SMALL
        s.step(1)
        snap = s.wait_for(lambda snap: snap.step == 4, timeout=30)
        assert snap.config == SMALL
        assert read_state(s.checkpoint())[1] == SMALL
        fresh = s.apply(SMALL.with_changes(lr_g=5e-4), fresh=True)  # from step 0, one build
        assert not fresh.rebuilt and s.config.lr_g == 5e-4
        assert s.wait_for(lambda snap: snap.step == 0 and snap.config.lr_g == 5e-4).step == 0
    finally:
        m.shutdown()
