import numpy as np
import pytest
import torch

from playground.engine.checkpoint import load_checkpoint, save_checkpoint
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.trainer import Trainer

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=200)


@pytest.mark.parametrize("changes", [{}, {"loss": "wgan-gp", "n_critic": 2},
                                     {"loss": "hinge", "spectral_norm": True,
                                      "optimizer_g": "rmsprop"},
                                     {"g_ema": 0.9, "lr_half_life": 7},  # the average too
                                     {"pack": 2, "unroll_steps": 2},
                                     {"loss": "wgan-gp", "n_critic": 3, "gp_every": 4}])
def test_save_load_continue_equals_an_uninterrupted_run(tmp_path, changes):
    config = SMALL.with_changes(**changes)
    straight = Trainer(config)
    for _ in range(15):
        straight.step()
    interrupted = Trainer(config)
    for _ in range(5):
        interrupted.step()
    save_checkpoint(interrupted, tmp_path / "run.pt")
    resumed = load_checkpoint(tmp_path / "run.pt")
    assert resumed.steps_done == 5 and resumed.config == config
    for _ in range(10):
        resumed.step()
    np.testing.assert_array_equal(resumed.generate(), straight.generate())
    for a, b in zip(resumed.discriminator.state_dict().values(),
                    straight.discriminator.state_dict().values()):
        assert torch.equal(a, b)


def test_checkpoints_load_with_weights_only(tmp_path):
    save_checkpoint(Trainer(SMALL), tmp_path / "c.pt")
    state = torch.load(tmp_path / "c.pt", weights_only=True)
    assert state["format"] == 1 and state["config"]["g_width"] == 16


def test_bad_checkpoints_are_clear_errors(tmp_path):
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="checkpoint"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"format": 99}, tmp_path / "future.pt")
    with pytest.raises(ConfigError, match="format-1"):
        load_checkpoint(tmp_path / "future.pt")


def _moved_between_machines(trainer: Trainer, device: str, rng_bytes: int) -> bytes:
    """The trainer's checkpoint as a machine of the other kind would have written it: its
    random generators' states of that kind's size, its config naming that device."""
    import io

    from playground.engine.checkpoint import trainer_state

    state = trainer_state(trainer)
    state["config"]["device"] = device
    state["rng"] = {"data": torch.arange(rng_bytes, dtype=torch.uint8),
                    "noise": torch.arange(rng_bytes, dtype=torch.uint8)}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def test_a_checkpoint_from_a_gpu_opens_on_a_cpu_and_goes_on_reproducibly():
    """A GPU run's generators save 16-byte states a CPU generator cannot take (found on an
    H200: every checkpoint of a CUDA run was refused). It opens here with fresh streams."""
    trainer = Trainer(TrainConfig(dataset="ring8", steps=20, seed=3))
    for _ in range(5):
        trainer.step()
    data = _moved_between_machines(trainer, "cuda", 16)
    first, second = load_checkpoint(data), load_checkpoint(data)
    assert first.steps_done == 5 and first.device.type == "cpu"  # no GPU here: the CPU
    assert first.step().d_loss == second.step().d_loss  # the same fresh streams each time
    for mine, theirs in zip(trainer.generator.state_dict().values(),
                            load_checkpoint(data).generator.state_dict().values(), strict=True):
        assert torch.equal(mine, theirs)


def test_a_damaged_rng_state_is_still_refused():
    trainer = Trainer(TrainConfig(dataset="ring8", steps=20))
    trainer.step()
    with pytest.raises(ConfigError, match="RNG state"):
        load_checkpoint(_moved_between_machines(trainer, "cpu", 100))
