"""The CUDA path: every kind of model trains, evaluates, checkpoints and restores on a GPU.

CI has no GPU, so these skip there; they run wherever ``torch.cuda.is_available()`` (the
project's GPU check runs them on a lent H100/H200: README "GPU"). The CPU path is what every
other test covers.
"""

from __future__ import annotations

import math

import pytest
import torch

from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint
from playground.engine.models import make_trainer
from playground.presets import load_preset

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")

PRESETS = ("wgan-gp-fix", "mode-collapse", "hinge-sn", "pacgan", "unrolled-gan", "vae-ring8",
           "mnist-dcgan", "mnist-cgan", "mnist-stacked", "mnist-vae", "mnist-wgan-gp")


@pytest.mark.parametrize("name", PRESETS)
def test_a_preset_trains_on_the_gpu_and_restores(name):
    config = load_preset(name).config.with_changes(device="cuda", eval_samples=500)
    trainer = make_trainer(config)
    assert all(p.is_cuda for p in trainer.generator.parameters())
    assert all(p.is_cuda for p in trainer.discriminator.parameters())
    for _ in range(20):
        stats = trainer.step()
    assert not trainer.diverged
    assert all(math.isfinite(v) for v in (stats.d_loss, stats.g_loss))
    metrics = trainer.evaluate()
    assert metrics, name
    restored = load_checkpoint(checkpoint_bytes(trainer))
    assert restored.steps_done == 20
    assert next(restored.generator.parameters()).is_cuda
    for mine, theirs in zip(trainer.generator.state_dict().values(),
                            restored.generator.state_dict().values(), strict=True):
        assert torch.equal(mine, theirs)
    restored.step()  # and it goes on from there
    assert restored.steps_done == 21 and not restored.diverged


def test_auto_picks_the_gpu():
    trainer = make_trainer(load_preset("wgan-gp-fix").config.with_changes(device="auto"))
    assert next(trainer.generator.parameters()).is_cuda


def _saved_for(trainer, device: str) -> bytes:
    """The trainer's checkpoint with its config naming ``device`` (where it will be opened)."""
    import io

    from playground.engine.checkpoint import trainer_state

    state = trainer_state(trainer)
    state["config"]["device"] = device
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def test_a_cpu_checkpoint_opens_on_the_gpu_and_back():
    """The generators' states differ in kind (5,056 bytes on a CPU, 16 on a GPU): a checkpoint
    moved either way opens and trains on (engine/checkpoint.restore_rng)."""
    cpu = make_trainer(load_preset("wgan-gp-fix").config.with_changes(device="cpu"))
    cpu.step()
    on_gpu = load_checkpoint(_saved_for(cpu, "cuda"))
    assert next(on_gpu.generator.parameters()).is_cuda
    on_gpu.step()
    back = load_checkpoint(_saved_for(on_gpu, "cpu"))
    assert not next(back.generator.parameters()).is_cuda and back.steps_done == 2
    back.step()
