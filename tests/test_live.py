"""LiveRun and WorkerLoop in-process: play, pause, step, reset, live edits, divergence."""

import time

import numpy as np
import pytest

from playground.engine.config import TrainConfig
from playground.live import protocol as p
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.live.worker import WorkerLoop

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=300)


def test_paused_run_does_not_train():
    run = LiveRun("s", SMALL)
    assert run.advance(0.05) == 0
    assert run.trainer.steps_done == 0


def test_play_advance_pause():
    run = LiveRun("s", SMALL)
    run.play()
    taken = run.advance(0.05)
    assert taken > 0 and run.trainer.steps_done == taken
    run.pause()
    assert run.advance(0.05) == 0
    assert "paused" in run.message


def test_step_buttons_pause_and_step_exactly():
    run = LiveRun("s", SMALL)
    run.play()
    run.step(3)
    assert not run.playing and run.trainer.steps_done == 3
    run.step(1, train_d=True, train_g=False)
    assert run.trainer.steps_done == 4 and "D only" in run.message


def test_slow_motion_limits_the_rate():
    run = LiveRun("s", SMALL)
    run.set_slow_motion(True)
    run.play()
    deadline = time.perf_counter() + 0.6
    while time.perf_counter() < deadline:
        run.advance(0.02)
    assert 1 <= run.trainer.steps_done <= 4


def test_reset_returns_to_step_zero_with_the_same_start():
    run = LiveRun("s", SMALL)
    first = run.snapshot(ViewOptions()).fake.copy()
    run.step(5)
    run.reset()
    assert run.trainer.steps_done == 0
    np.testing.assert_array_equal(run.snapshot(ViewOptions()).fake, first)


def test_live_lr_edit_keeps_progress():
    run = LiveRun("s", SMALL)
    run.play()
    run.advance(0.05)
    done = run.trainer.steps_done
    result = run.apply(SMALL.with_changes(lr_g=1e-4))
    assert result.changed == ("lr_g",) and not result.rebuilt and run.playing
    assert run.message == "applied live: lr_g"
    assert run.trainer.steps_done == done
    assert run.trainer.opt_g.param_groups[0]["lr"] == 1e-4


def test_structural_edit_rebuilds_pauses_and_says_so():
    run = LiveRun("s", SMALL)
    run.play()
    run.advance(0.05)
    result = run.apply(SMALL.with_changes(g_width=8))
    assert result.rebuilt and result.changed == ("g_width",)
    assert "new networks" in run.message and "g_width" in run.message
    assert run.trainer.steps_done == 0 and not run.playing


def test_divergence_pauses_with_a_message():
    config = SMALL.with_changes(loss="wgan", clip=100.0, lr_d=10.0, lr_g=10.0,
                                optimizer_d="sgd", optimizer_g="sgd")
    run = LiveRun("s", config)
    run.play()
    for _ in range(50):
        run.advance(0.05)
        if not run.playing:
            break
    assert not run.playing and run.trainer.diverged
    assert "diverged" in run.message
    run.play()  # refuses, says what to do
    assert not run.playing and "Reset" in run.message
    snap = run.snapshot(ViewOptions())
    assert snap.diverged
    run.reset()
    run.play()
    assert run.playing


def test_snapshot_contents_and_immutability():
    run = LiveRun("s", SMALL)
    run.step(10)
    snap = run.snapshot(ViewOptions(arrows=True, manifold=True, trails=True, resolution=32))
    assert snap.step == 10 and snap.fake.shape == (300, 2)  # eval batch < FAKE_POINTS
    assert snap.surface.shape == (32, 32)
    assert snap.arrows.shape == (150, 2) and snap.manifold.shape[-1] == 2
    assert snap.history["step"][-1] == 10
    with pytest.raises(ValueError):
        snap.fake[0, 0] = 1.0
    second = run.snapshot(ViewOptions(trails=True))
    np.testing.assert_array_equal(second.prev_fake, snap.fake)


def test_history_is_thinned_not_unbounded():
    run = LiveRun("s", SMALL.with_changes(g_width=4, d_width=4, batch_size=8))
    run.step(1000)
    run.step(1000)
    run.step(1000)
    steps = run.history["step"]
    assert len(steps) <= 601
    assert steps[-1] >= 2990


class Outbox(list):
    def put(self, item):
        self.append(item)


def test_worker_loop_routes_commands_and_isolates_failures():
    outbox = Outbox()
    loop = WorkerLoop(outbox)
    loop.handle(p.OpenRun("a", SMALL))
    loop.handle(p.OpenRun("b", SMALL))
    loop.handle(p.Play("a"))
    loop.handle(p.Play("b"))
    loop.runs["b"].trainer.step = None  # a bug inside one run's Trainer
    loop.tick()
    assert loop.runs["a"].steps_done > 0
    assert not loop.runs["b"].playing and loop.runs["b"].faulted
    assert loop.runs["b"].message.startswith("error") and "Reset" in loop.runs["b"].message
    assert any(isinstance(r, p.Fault) and r.session == "b" for r in outbox)
    loop.handle(p.DrawFrame("a", ViewOptions()))
    assert isinstance(outbox[-1], p.Frame) and len(outbox[-1].snapshots) == 1
    loop.handle(p.DrawFrame("b", ViewOptions()))
    assert outbox[-1].snapshots[0].faulted  # the page learns it from a flag, not the text
    loop.handle(p.Pause("a"))
    loop.handle(p.DrawFrame("a", ViewOptions()))
    loop.handle(p.DrawFrame("a", ViewOptions()))
    assert isinstance(outbox[-1], p.Unchanged)  # nothing changed: no new frame built
    loop.handle(p.Close("a"))
    loop.handle(p.Play("a"))  # a late command for a closed session is ignored
    assert "a" not in loop.runs and isinstance(outbox[-1], p.Closed)
    loop.handle(p.Reset("b"))
    assert not loop.runs["b"].faulted  # Reset recovers


def test_worker_answers_each_command_with_its_typed_reply():
    outbox = Outbox()
    loop = WorkerLoop(outbox)
    loop.handle(p.OpenRun("a", SMALL))
    loop.handle(p.Step("a", 3))
    loop.handle(p.Apply("a", SMALL.with_changes(lr_g=5e-4)))
    applied = outbox[-1]
    assert isinstance(applied, p.Applied) and applied.side == "a"
    assert applied.result.changed == ("lr_g",) and not applied.result.rebuilt
    loop.handle(p.TakeCheckpoint("a"))
    data = outbox[-1].data
    loop.handle(p.Step("a", 2))
    loop.handle(p.Restore("a", data))
    assert loop.runs["a"].steps_done == 3
    loop.handle(p.TakeFilm("a"))
    assert isinstance(outbox[-1], p.FilmData) and len(outbox[-1].reels) == 1
    loop.handle(p.AskStats(""))
    assert isinstance(outbox[-1], p.Stats) and outbox[-1].runs == 1
    loop.handle(p.Shutdown(""))
    assert not loop.running


def test_play_pauses_once_at_the_planned_steps_then_goes_on():
    run = LiveRun("s", SMALL.with_changes(steps=30))
    run.play()
    while run.playing:
        run.advance(0.05)
    assert run.trainer.steps_done == 30 and "planned length" in run.message
    run.play()
    run.advance(0.05)
    assert run.playing and run.trainer.steps_done > 30


def test_share_query_round_trip_and_bad_values():
    from playground.engine.config import ConfigError
    from playground.web.controls import config_from_query, config_to_query

    cfg = TrainConfig(loss="wgan-gp", lr_g=3e-4, betas_g=(0.0, 0.9), spectral_norm=True,
                      dataset="custom", custom_points=((0.5, 1.0), (-1.0, 2.0)), seed=7)
    query = config_to_query(cfg)
    assert query.startswith("?") and "loss=" in query and "batch_size" not in query
    from urllib.parse import parse_qsl

    assert config_from_query(dict(parse_qsl(query[1:]))) == cfg
    assert config_to_query(TrainConfig()) == ""
    with pytest.raises(ConfigError, match="lr_g"):
        config_from_query({"lr_g": "NaN"})
    with pytest.raises(ConfigError, match="hack"):
        config_from_query({"hack": "1"})


def test_a_live_run_is_the_same_run_as_the_cli():
    from playground.cli.runner import train_run

    config = SMALL.with_changes(steps=40, log_every=10, loss="wgan-gp", n_critic=2)
    run = LiveRun("s", config)
    run.step(40)
    headless = train_run(config)
    np.testing.assert_array_equal(run.snapshot(ViewOptions()).fake, headless.samples[:1000])
    logged = [row["mode_kl"] for row in headless.history]
    live = [run.history["mode_kl"][run.history["step"].index(s)] for s in (10, 20, 30, 40)]
    assert live == logged


def test_worker_handles_commands_between_sessions_slices():
    """A Pause that arrives while session a trains is handled before b and c get their
    slices (not after the whole round): with MNIST sessions a round can take a second."""
    import queue

    outbox, inbox = Outbox(), queue.Queue()
    loop = WorkerLoop(outbox)
    for sid in "abc":
        loop.handle(p.OpenRun(sid, SMALL))
        loop.handle(p.Play(sid))
    order = []

    def between():
        order.append({sid: run.trainer.steps_done for sid, run in loop.runs.items()})
        if len(order) == 1:
            inbox.put(p.Pause("c"))
        loop.drain(inbox)

    loop.tick(between)
    assert len(order) == 2  # after a and after b; c was paused before its turn
    assert loop.runs["a"].trainer.steps_done > 0 and loop.runs["b"].trainer.steps_done > 0
    assert loop.runs["c"].trainer.steps_done == 0 and not loop.runs["c"].playing


def test_loading_a_config_builds_the_run_once(monkeypatch):
    """Issue 17: loading a config used to build the run twice (Apply, then Reset); a fresh
    Apply builds once, whether the nets change or not, and answers with the new config."""
    from playground.engine.trainer import Trainer

    outbox = Outbox()
    loop = WorkerLoop(outbox)
    loop.handle(p.OpenRun("a", SMALL))
    builds = []
    original = Trainer._build
    monkeypatch.setattr(Trainer, "_build", lambda self: (builds.append(1), original(self))[1])
    for config in (SMALL.with_changes(g_width=8), SMALL.with_changes(g_width=8, lr_g=5e-4)):
        builds.clear()
        loop.handle(p.Apply("a", config, fresh=True, ticket=7))
        assert len(builds) == 1
        assert isinstance(outbox[-1], p.Applied) and outbox[-1].config == config
        assert loop.runs["a"].steps_done == 0
