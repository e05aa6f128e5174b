"""Compare mode: runs A and B trained in lockstep in one session; B's edits leave A alone."""

import numpy as np
import pytest

from playground.engine.config import TrainConfig
from playground.live.pair import LivePair
from playground.live.snapshot import ViewOptions

A = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32, eval_samples=300,
                lr_g=1e-3, lr_d=1e-3)


def test_a_and_b_advance_in_lockstep():
    pair = LivePair("p", A, A.with_changes(loss="wgan-gp", n_critic=2))
    pair.play()
    for _ in range(200):  # a time slice buys few steps on a loaded machine: go on till 6
        pair.advance(0.03)
        steps = [run.trainer.steps_done for run in pair.runs]
        assert steps[0] == steps[1]  # after every slice, not only at the end
        if steps[0] > 5:
            break
    assert steps[0] > 5
    snap_a, snap_b = pair.snapshots(ViewOptions())
    assert snap_a.step == snap_b.step and snap_b.critic and not snap_a.critic
    pair.pause()
    assert pair.advance(0.03) == 0 and not any(run.playing for run in pair.runs)


def test_changing_b_loss_leaves_a_untouched():
    pair = LivePair("p", A, A)
    pair.step(20)
    a_before = pair.runs[0].trainer
    a_weights = [p.detach().clone() for p in a_before.generator.parameters()]
    pair.apply(A.with_changes(loss="hinge"), "b")
    assert pair.runs[0].trainer.config == A and pair.runs[1].trainer.config.loss == "hinge"
    assert all(run.trainer.steps_done == 20 for run in pair.runs)  # a live edit: no restart
    for p, q in zip(a_weights, pair.runs[0].trainer.generator.parameters()):
        assert torch_equal(p, q)
    pair.step(3)
    assert [run.trainer.steps_done for run in pair.runs] == [23, 23]


def test_a_rebuild_of_b_restarts_both_so_they_stay_in_step():
    pair = LivePair("p", A, A)
    pair.step(10)
    pair.apply(A.with_changes(g_width=24), "b")
    assert [run.trainer.steps_done for run in pair.runs] == [0, 0]
    assert "both back to step 0" in pair.runs[1].message
    assert pair.runs[0].message.startswith("back to step 0 with B")  # A says why it restarted


def test_a_live_edit_of_b_at_step_0_leaves_a_alone():
    """The bug: a pair guessed "rebuilt" from B standing at step 0, so a new learning rate for
    B before the first step said "both back to step 0" and reset A. It now acts on what B's
    apply reports."""
    pair = LivePair("p", A, A)
    a_trainer = pair.runs[0].trainer
    result = pair.apply(A.with_changes(lr_g=5e-4), "b")
    assert not result.rebuilt and result.changed == ("lr_g",)
    assert pair.runs[0].trainer is a_trainer  # A was not rebuilt or reset
    assert "back to step 0" not in pair.runs[1].message
    assert pair.runs[1].message == "applied live: lr_g"  # B's own status line says it


def test_a_pair_checkpoint_continues_both_sides_exactly():
    pair = LivePair("p", A, A.with_changes(loss="hinge"))
    pair.step(6)
    data = pair.checkpoint()
    pair.step(4)
    expected = pair.snapshots(ViewOptions())
    other = LivePair("q", A, A.with_changes(loss="hinge"))
    other.restore(data)
    assert other.steps_done == 6
    other.step(4)
    for want, got in zip(expected, other.snapshots(ViewOptions())):
        np.testing.assert_array_equal(want.fake, got.fake)
    with pytest.raises(ValueError, match="pair checkpoint"):
        other.restore(pair.runs[0].checkpoint())  # one run's checkpoint is not a pair's
    assert other.steps_done == 10  # and a refused file changed nothing


def test_a_pair_has_a_reel_per_side():
    pair = LivePair("p", A, A)
    pair.step(3)
    reels = pair.reel()
    assert len(reels) == 2 and all(reel.real is not None for reel in reels)


def test_same_config_same_seed_gives_identical_runs_side_by_side():
    pair = LivePair("p", A, A)
    pair.step(15)
    a, b = pair.snapshots(ViewOptions())
    np.testing.assert_array_equal(a.fake, b.fake)
    np.testing.assert_array_equal(a.history["d_loss"], b.history["d_loss"])


def test_a_side_reaching_its_planned_length_stops_both_at_the_same_step():
    """A steps first in each iteration; it used to stop there, leaving B a step behind."""
    pair = LivePair("p", A.with_changes(steps=7), A.with_changes(steps=7, loss="hinge"))
    pair.play()
    for _ in range(200):
        pair.advance(0.02)
        if not pair.playing:
            break
    assert [run.steps_done for run in pair.runs] == [7, 7]
    assert all(run.message.startswith("reached 7 steps") for run in pair.runs)


def test_a_diverging_side_pauses_both_and_is_named():
    pair = LivePair("p", A, A.with_changes(lr_g=10.0, lr_d=10.0, optimizer_g="sgd",
                                            optimizer_d="sgd"))
    pair.play()
    for _ in range(200):
        pair.advance(0.02)
        if not pair.playing:
            break
    assert not pair.playing
    assert pair.runs[1].trainer.diverged and not pair.runs[0].trainer.diverged
    # Each status line speaks for its own side (issue 14, bug 8): B says it diverged, A says
    # it paused with B, at the same step.
    assert pair.runs[1].message.startswith("diverged")
    assert pair.runs[0].message == f"paused with B at step {pair.runs[0].steps_done:,}"
    assert pair.runs[0].steps_done == pair.runs[1].steps_done
    pair.play()
    assert not pair.playing and "B diverged" in pair.runs[0].message


def torch_equal(p, q) -> bool:
    import torch

    return torch.equal(p, q)


def test_a_pair_session_trains_both_in_a_worker_process(manager):
    session = manager.open("tab-compare", A, A.with_changes(loss="wgan-gp"))
    assert session.pair
    a, b = session.wait_for(lambda snaps: snaps[0].step == 0, timeout=60)
    session.play()
    a, b = session.wait_for(lambda snaps: snaps[0].step > 30)
    assert a.step == b.step and b.config.loss == "wgan-gp" and a.config.loss == A.loss
    plan = session.apply(A.with_changes(lr_g=5e-4), "b")
    assert not plan.rebuilt and session.config == A
    a, b = session.wait_for(lambda snaps: snaps[1].config.lr_g == 5e-4)
    assert a.config.lr_g == A.lr_g
    session.pause()
    manager.close("tab-compare")
