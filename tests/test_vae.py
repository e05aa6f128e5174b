"""The VAE beside the GAN: same data, nets and controls; its own objective and pictures."""

import numpy as np
import pytest

from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer
from playground.engine.trainer import Trainer
from playground.engine.vae import VaeTrainer
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.web.viz import live_figure
from playground.web.viz_curves import curves_figure

SMALL = TrainConfig(model="vae", beta=0.01, g_width=32, d_width=32, g_layers=2, d_layers=2,
                    batch_size=64, eval_samples=300, lr_g=2e-3, lr_d=2e-3)


def test_the_model_field_is_validated_like_any_other():
    assert TrainConfig(model="VAE").model == "vae"
    with pytest.raises(ConfigError, match="model"):
        TrainConfig(model="diffusion")
    with pytest.raises(ConfigError, match="beta"):
        TrainConfig(model="vae", beta=0)
    with pytest.raises(ConfigError, match="conditional"):
        TrainConfig(model="vae", dataset="mnist", architecture="dcgan", conditional=True)


def test_a_vae_learns_to_reconstruct_and_samples_from_the_prior():
    trainer = make_trainer(SMALL)
    assert isinstance(trainer, VaeTrainer) and trainer.surface_kind == "density"
    first = trainer.step()
    for _ in range(300):
        last = trainer.step()
    assert last.d_loss < first.d_loss / 2  # the reconstruction term falls
    assert last.wasserstein is None and not last.diverged
    samples = trainer.generate()
    assert samples.shape == (300, 2) and np.isfinite(samples).all()
    assert trainer.generator_push(10)[1] is None  # no discriminator: no arrows
    density = trainer.surface(32)
    assert density.shape == (32, 32) and density.max() == pytest.approx(1.0)


def test_a_vae_checkpoint_continues_exactly():
    trainer = make_trainer(SMALL)
    for _ in range(5):
        trainer.step()
    restored = load_checkpoint(checkpoint_bytes(trainer))
    assert isinstance(restored, VaeTrainer)
    for _ in range(3):
        a, b = trainer.step(), restored.step()
        assert a.d_loss == b.d_loss and a.g_loss == b.g_loss


def test_switching_between_gan_and_vae_rebuilds_as_the_other_model():
    trainer = Trainer(SMALL.with_changes(model="gan"))
    trainer.step()
    plan = trainer.apply(SMALL)
    assert plan.rebuilt and "model" in plan.changed
    assert isinstance(trainer, VaeTrainer) and trainer.steps_done == 0
    assert trainer.judge.trainer is trainer
    assert not trainer.apply(SMALL.with_changes(beta=0.5)).rebuilt  # beta is a live edit


def test_the_live_view_shows_the_density_and_the_two_loss_terms():
    run = LiveRun("s", SMALL)
    run.step(10)
    snap = run.snapshot(ViewOptions(arrows=True))
    assert snap.surface_kind == "density" and not snap.critic and snap.arrows is None
    figure = live_figure(snap)
    heatmap = next(t for t in figure["data"] if t["type"] == "heatmap")
    assert "density" in heatmap["colorbar"]["title"]["text"]
    names = {t["name"] for t in curves_figure([("", snap)])["data"]}
    assert {"reconstruction", "KL (× beta in the loss)"} <= names


def test_an_image_vae_uses_the_dcgan_shapes():
    config = SMALL.with_changes(dataset="mnist", architecture="dcgan", noise_dim=8, g_width=8,
                                d_width=8, batch_size=16, eval_samples=100, beta=1.0)
    trainer = make_trainer(config)
    trainer.step()
    assert trainer.generate().shape == (100, 1, 28, 28)
    assert {"classes_covered", "is_classifier"} <= set(trainer.evaluate())


def test_a_gan_trainer_refuses_a_vae_config_rather_than_train_a_gan():
    with pytest.raises(ValueError, match="make_trainer"):
        Trainer(SMALL)


def test_a_vae_with_a_weight_average_samples_from_an_average_that_follows_the_decoder():
    """g_ema is shared by the ring's presets, vae-ring8 included: a VAE step once never
    updated the average, so its samples came from the untrained decoder (0 of 8 modes)."""
    config = TrainConfig(dataset="ring8", model="vae", beta=0.1, g_ema=0.9, seed=1, steps=400)
    trainer = make_trainer(config)
    start = [p.detach().clone() for p in trainer.sampling_generator.parameters()]
    for _ in range(400):
        trainer.step()
    averaged = [p.detach() for p in trainer.sampling_generator.parameters()]
    live = [p.detach() for p in trainer.generator.parameters()]
    moved = sum(float((a - s).abs().sum()) for a, s in zip(averaged, start))
    gap = sum(float((a - g).abs().sum()) for a, g in zip(averaged, live))
    assert moved > 10 * gap, (moved, gap)  # it moved with training and sits near the decoder
    assert trainer.evaluate()["modes_covered"] >= 6


def test_a_vae_follows_the_learning_rate_half_life_like_a_gan():
    """The half-life is a page control for every model: a VAE's encoder and decoder rates
    halve on the same schedule (it once ignored the field)."""
    trainer = make_trainer(SMALL.with_changes(lr_half_life=10, seed=2))
    for _ in range(21):
        trainer.step()
    assert isinstance(trainer, VaeTrainer)
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(SMALL.lr_g / 4)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(SMALL.lr_d / 4)
