"""GAN Lab's "k G steps per iteration": ``g_steps`` G updates after the ``n_critic`` D updates,
validated like ``n_critic`` and applied live."""

import pytest

from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer


def optimizer_steps(optimizer) -> int:
    return int(max(float(state["step"]) for state in optimizer.state.values()))


def test_each_iteration_does_g_steps_generator_updates():
    trainer = make_trainer(TrainConfig(dataset="ring8", n_critic=2, g_steps=3, seed=1))
    trainer.step()
    trainer.step()
    assert optimizer_steps(trainer.opt_g) == 6
    assert optimizer_steps(trainer.opt_d) == 4
    assert trainer.steps_done == 2
    trainer.step(train_d=True, train_g=False)  # Step D leaves G alone
    assert optimizer_steps(trainer.opt_g) == 6


def test_one_g_step_is_the_default_and_the_same_run():
    a = make_trainer(TrainConfig(dataset="ring8", seed=4))
    b = make_trainer(TrainConfig(dataset="ring8", seed=4, g_steps=1))
    for _ in range(3):
        assert a.step().g_loss == b.step().g_loss


@pytest.mark.parametrize("bad", [0, -1, 101])
def test_g_steps_out_of_range_is_refused_with_a_clear_message(bad):
    with pytest.raises(ConfigError, match="g_steps"):
        TrainConfig(dataset="ring8", g_steps=bad).validate()


def test_g_steps_is_applied_live():
    trainer = make_trainer(TrainConfig(dataset="ring8", seed=1))
    trainer.step()
    result = trainer.apply(trainer.config.with_changes(g_steps=2))
    assert not result.rebuilt and result.changed == ("g_steps",)
    trainer.step()
    assert optimizer_steps(trainer.opt_g) == 3
