import numpy as np
import pytest
import torch

from playground.engine.config import TrainConfig
from playground.engine.losses import LOSSES
from playground.engine.trainer import Trainer

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32, eval_samples=200)


def test_step_returns_finite_losses_norms_and_time():
    trainer = Trainer(SMALL)
    stats = trainer.step()
    assert stats.step == 1 and not stats.diverged
    assert np.isfinite([stats.d_loss, stats.g_loss, stats.d_grad_norm, stats.g_grad_norm]).all()
    assert stats.d_grad_norm > 0 and stats.g_grad_norm > 0
    assert stats.wall_s > 0
    assert stats.wasserstein is None


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_every_loss_trains_and_moves_both_nets(loss):
    trainer = Trainer(SMALL.with_changes(loss=loss, n_critic=2))
    g_before = [p.detach().clone() for p in trainer.generator.parameters()]
    d_before = [p.detach().clone() for p in trainer.discriminator.parameters()]
    for _ in range(3):
        stats = trainer.step()
    assert not stats.diverged
    assert any(not torch.equal(a, b) for a, b in zip(g_before, trainer.generator.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, trainer.discriminator.parameters()))
    assert (stats.wasserstein is not None) == LOSSES[loss].critic


def test_weight_clipping_bounds_the_critic():
    trainer = Trainer(SMALL.with_changes(loss="wgan", clip=0.01, lr_d=0.1))
    trainer.step()
    biggest = max(p.abs().max().item() for p in trainer.discriminator.parameters())
    assert biggest <= 0.01 + 1e-7


def test_spectral_norm_keeps_each_layer_near_unit_norm():
    trainer = Trainer(SMALL.with_changes(spectral_norm=True, loss="hinge"))
    for _ in range(20):
        trainer.step()
    trainer.discriminator.eval()
    linear = [m for m in trainer.discriminator.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == SMALL.d_layers + 1, trainer.discriminator  # hidden layers + output
    for layer in linear:
        assert torch.nn.utils.parametrize.is_parametrized(layer, "weight"), layer
        assert torch.linalg.matrix_norm(layer.weight, ord=2).item() < 1.1


def test_step_d_only_and_g_only():
    trainer = Trainer(SMALL)
    g_before = [p.detach().clone() for p in trainer.generator.parameters()]
    trainer.step(train_g=False)
    assert all(torch.equal(a, b) for a, b in zip(g_before, trainer.generator.parameters()))
    d_before = [p.detach().clone() for p in trainer.discriminator.parameters()]
    trainer.step(train_d=False)
    assert all(torch.equal(a, b) for a, b in zip(d_before, trainer.discriminator.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(g_before, trainer.generator.parameters()))


def test_same_seed_same_run_different_seed_different_run():
    def run(seed):
        trainer = Trainer(SMALL.with_changes(seed=seed))
        for _ in range(5):
            trainer.step()
        return trainer.generate()

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))


def test_training_does_not_touch_the_global_rng():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    trainer = Trainer(SMALL)
    trainer.step()
    assert torch.equal(torch.rand(3), expected)


def test_divergence_stops_instead_of_raising():
    trainer = Trainer(SMALL.with_changes(loss="wgan", clip=100.0, lr_d=10.0, lr_g=10.0,
                                          optimizer_d="sgd", optimizer_g="sgd"))
    stats = None
    for _ in range(200):
        stats = trainer.step()
        if stats.diverged:
            break
    assert stats.diverged and trainer.diverged
    frozen = [p.detach().clone() for p in trainer.generator.parameters()]
    again = trainer.step()  # further steps do nothing
    assert again.diverged and again.step == stats.step
    assert all(torch.equal(a, b) for a, b in zip(frozen, trainer.generator.parameters()))
    trainer.reset()
    assert not trainer.diverged and trainer.steps_done == 0


def test_live_edit_of_lr_keeps_the_networks():
    trainer = Trainer(SMALL)
    for _ in range(3):
        trainer.step()
    weights = [p.detach().clone() for p in trainer.generator.parameters()]
    result = trainer.apply(trainer.config.with_changes(lr_g=1e-4, loss="hinge", n_critic=3))
    assert not result.rebuilt
    assert set(result.changed) == {"lr_g", "loss", "n_critic"}
    assert trainer.opt_g.param_groups[0]["lr"] == 1e-4
    assert trainer.steps_done == 3
    assert all(torch.equal(a, b) for a, b in zip(weights, trainer.generator.parameters()))
    trainer.step()
    assert trainer.steps_done == 4


def test_live_edit_of_optimizer_keeps_nets_but_swaps_optimizer():
    trainer = Trainer(SMALL)
    trainer.step()
    result = trainer.apply(trainer.config.with_changes(optimizer_d="rmsprop"))
    assert not result.rebuilt
    assert isinstance(trainer.opt_d, torch.optim.RMSprop)
    assert trainer.steps_done == 1


@pytest.mark.parametrize("change", [{"g_width": 8}, {"d_layers": 1}, {"dataset": "grid25"}])
def test_structural_edits_rebuild_and_say_so(change):
    trainer = Trainer(SMALL)
    trainer.step()
    result = trainer.apply(trainer.config.with_changes(**change))
    assert result.rebuilt
    assert next(iter(change)) in result.message
    assert trainer.steps_done == 0


def test_evaluate_and_surface():
    trainer = Trainer(SMALL)
    metrics = trainer.evaluate()
    assert metrics["modes_total"] == 8
    assert 0 <= metrics["high_quality_frac"] <= 1
    surface = trainer.surface(resolution=20)
    assert surface.shape == (20, 20)
    manifold = Trainer(SMALL.with_changes(dataset="spiral")).evaluate()
    assert manifold["modes_total"] == 0 and manifold["modes_covered"] is None


def test_uniform_noise_is_in_the_unit_cube():
    trainer = Trainer(SMALL.with_changes(noise="uniform"))
    assert trainer.eval_noise.min() >= -1 and trainer.eval_noise.max() <= 1


@pytest.mark.parametrize("dataset", ["ring8", "grid25", "line", "spiral", "moons"])
def test_every_2d_dataset_reports_the_grid_density_measure(dataset):
    metrics = Trainer(SMALL.with_changes(dataset=dataset)).evaluate()
    assert 0 <= metrics["grid_js"] <= 1.0 + 1e-9 and metrics["grid_kl"] >= 0
    assert metrics["grid_js"] > 0.1  # an untrained G is far from the data


def test_drawn_data_reports_the_grid_density_measure():
    config = SMALL.with_changes(dataset="custom", custom_points=[[0.5, 0.5], [-1, 1]])
    metrics = Trainer(config).evaluate()
    assert metrics["grid_js"] > 0 and metrics["grid_kl"] > 0


def test_weight_average_samples_come_from_the_average_and_training_is_unchanged():
    plain = Trainer(SMALL.with_changes(seed=3))
    averaged = Trainer(SMALL.with_changes(seed=3, g_ema=0.9))
    for _ in range(20):
        plain.step()
        averaged.step()
    for p, q in zip(plain.generator.parameters(), averaged.generator.parameters(), strict=True):
        assert torch.equal(p, q)  # the average never feeds back into training
    assert not np.allclose(plain.generate(), averaged.generate())
    with torch.no_grad():
        expected = averaged.g_average.module(averaged.eval_noise).numpy()
    assert np.allclose(averaged.generate(), expected)


def test_weight_average_switched_on_live_starts_from_g_as_it_is():
    trainer = Trainer(SMALL)
    for _ in range(5):
        trainer.step()
    before = trainer.generate()
    trainer.apply(trainer.config.with_changes(g_ema=0.99))
    assert np.allclose(trainer.generate(), before)
    trainer.apply(trainer.config.with_changes(g_ema=0.0))
    assert trainer.g_average is None


def test_lr_half_life_halves_both_learning_rates():
    trainer = Trainer(SMALL.with_changes(lr_half_life=10))
    for _ in range(21):
        trainer.step()
    # The 21st step ran at 0.5 ** (20 / 10) of the configured rates.
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(SMALL.lr_g / 4)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(SMALL.lr_d / 4)


def test_a_decay_power_holds_the_rates_early_and_halves_them_at_the_half_life():
    """``lr_decay_power=2``: the rates fall as 0.5 ** ((step / half-life) ** 2), so halfway to
    the half-life they are still at 0.84 of the configured ones (power 1: 0.71), at the
    half-life they are halved, and one more half-life on they are at 1/16 (power 1: 1/4)."""
    trainer = Trainer(SMALL.with_changes(lr_half_life=10, lr_decay_power=2))
    expected = {6: 0.5 ** 0.25, 11: 0.5, 21: 0.5 ** 4}  # the n-th step runs at step n - 1's
    for steps in range(1, 22):
        trainer.step()
        if steps in expected:
            assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(
                SMALL.lr_g * expected[steps]), steps
            assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(
                SMALL.lr_d * expected[steps]), steps


def test_turning_the_half_life_off_live_restores_the_configured_rates():
    """The page's half-life control applies live: switched off mid-run, the next steps run at
    the learning rates the controls show, not at the last decayed ones."""
    trainer = Trainer(SMALL.with_changes(lr_half_life=5))
    for _ in range(11):
        trainer.step()
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(SMALL.lr_g / 4)
    trainer.apply(trainer.config.with_changes(lr_half_life=0))
    trainer.step()
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(SMALL.lr_g)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(SMALL.lr_d)


def test_pacgan_discriminator_judges_packs_and_draws_single_points():
    trainer = Trainer(SMALL.with_changes(pack=3))
    assert trainer.discriminator.inner[0].in_features == 6  # 3 points of 2 numbers
    stats = trainer.step()
    assert np.isfinite([stats.d_loss, stats.g_loss]).all()
    points = torch.randn(5, 2)
    scores = trainer.discriminator(points)  # the surface's view: each point repeated
    assert scores.shape == (5, 1)
    assert torch.allclose(scores, trainer.discriminator.inner(points.repeat(1, 3)))
    assert trainer.surface(resolution=6).shape == (6, 6)


def test_unrolled_generator_loss_differs_from_the_plain_one_and_leaves_d_alone():
    from playground.engine.fixes import functional_score, unrolled_scores

    trainer = Trainer(SMALL.with_changes(unroll_steps=2))
    trainer.step()
    before = [p.detach().clone() for p in trainer.discriminator.parameters()]
    real = trainer.sampler.sample(32, torch.Generator().manual_seed(0))
    fake = trainer.generator(torch.randn(32, 2))
    plain = trainer.discriminator(fake)
    ahead = unrolled_scores(trainer.discriminator, trainer.opt_d, trainer.loss.d_loss,
                            functional_score, [(real, fake), (real, fake)], fake)
    assert not torch.allclose(plain, ahead)  # D moved in the look-ahead
    (grad,) = torch.autograd.grad(trainer.loss.g_loss(ahead), fake, retain_graph=True)
    assert torch.isfinite(grad).all()
    for p, q in zip(before, trainer.discriminator.parameters(), strict=True):
        assert torch.equal(p, q)  # the real D is untouched
    # With no look-ahead steps the scores are D's own.
    same = unrolled_scores(trainer.discriminator, trainer.opt_d, trainer.loss.d_loss,
                           functional_score, [], fake)
    assert torch.allclose(same, plain)


def test_fixes_are_refused_for_images_with_a_reason():
    with pytest.raises(ValueError, match="pack"):
        TrainConfig(dataset="mnist", pack=2)
    with pytest.raises(ValueError, match="unroll_steps"):
        TrainConfig(dataset="mnist", unroll_steps=1)
