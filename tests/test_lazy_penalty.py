"""The lazy gradient penalty (``gp_every``): which critic updates carry it, how strongly, and
that the default (1) is the penalty on every update, bit for bit as before the field existed."""

import numpy as np
import pytest
import torch

from playground.engine import stacked, trainer
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.losses import gradient_penalty
from playground.engine.models import make_trainer

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=200, loss="wgan-gp", gp_lambda=0.5, n_critic=3)


def _count_penalties(monkeypatch, module, config: TrainConfig, steps: int) -> list[int]:
    """Train ``steps`` steps; the number of the D update at which each penalty was taken."""
    taken: list[int] = []
    updates = [0]
    run = make_trainer(config)
    real_update = type(run)._discriminator_update

    def counting_update(self, loss, penalise=True):
        updates[0] += 1
        return real_update(self, loss, penalise)

    def counting_penalty(*args, **kwargs):
        taken.append(updates[0] - 1)
        return gradient_penalty(*args, **kwargs)

    monkeypatch.setattr(module, "gradient_penalty", counting_penalty)
    monkeypatch.setattr(type(run), "_discriminator_update", counting_update)
    for _ in range(steps):
        run.step()
    return taken


@pytest.mark.parametrize("every, expected", [(1, list(range(12))), (4, [0, 4, 8]),
                                             (5, [0, 5, 10])])
def test_the_penalty_is_taken_on_every_kth_critic_update(monkeypatch, every, expected):
    taken = _count_penalties(monkeypatch, trainer, SMALL.with_changes(gp_every=every), 4)
    assert taken == expected  # 4 steps x 3 critic updates, counted over the whole run


def test_a_lazy_penalty_weighs_k_times_as_much_when_it_is_taken(monkeypatch):
    """The D loss on a penalised update is loss + k * lambda * GP: on average over k updates
    the penalty keeps its weight lambda (StyleGAN2's lazy regularisation)."""
    monkeypatch.setattr(trainer, "gradient_penalty", lambda *a, **k: torch.tensor(1.0))
    losses = {}
    for every in (1, 4):  # two identically seeded runs: the same first batch
        run = make_trainer(SMALL.with_changes(gp_every=every, n_critic=1))
        losses[every] = run._discriminator_update(run.loss, penalise=True)[0].item()
        plain = make_trainer(SMALL.with_changes(gp_every=every, n_critic=1))
        losses[every] -= plain._discriminator_update(plain.loss, penalise=False)[0].item()
    assert losses[1] == pytest.approx(0.5, abs=1e-5)
    assert losses[4] == pytest.approx(2.0, abs=1e-5)


def test_gp_every_1_is_the_penalty_on_every_update_bit_for_bit():
    """Every preset that does not set gp_every trains exactly as it did before the field:
    compared against a run that computes the penalty the old way, with no lazy factor."""
    lazy_off = make_trainer(SMALL)
    old_way = make_trainer(SMALL)

    def old_update(self, loss, penalise=True):
        cfg = self.config
        real = self.sampler.sample(cfg.batch_size, self.data_rng)
        with torch.no_grad():
            fake = self._g(self._noise(cfg.batch_size, self.noise_rng))
        d_real, d_fake = self._score(real), self._score(fake)
        value = loss.d_loss(d_real, d_fake)
        total = value + cfg.gp_lambda * gradient_penalty(self._score, real, fake,
                                                          self.noise_rng)
        norm = self._descend_d(total, loss)
        return total.detach(), norm, (d_real.mean() - d_fake.mean()).detach()

    old_way._discriminator_update = old_update.__get__(old_way)
    for _ in range(5):
        lazy_off.step()
        old_way.step()
    np.testing.assert_array_equal(lazy_off.generate(), old_way.generate())


def test_the_stacked_gan_takes_the_lazy_penalty_too(monkeypatch):
    run = make_trainer(TrainConfig(dataset="mnist", architecture="stacked", loss="wgan-gp",
                                   noise_dim=8, g_width=8, d_width=8, batch_size=8,
                                   n_critic=2, gp_every=3, eval_samples=100))
    calls = []
    monkeypatch.setattr(stacked, "gradient_penalty",
                        lambda *a, **k: calls.append(1) or torch.tensor(0.0))
    for _ in range(3):  # D updates 0..5: penalised at 0 and 3, by both stages' judges
        run.step()
    assert len(calls) == 4


@pytest.mark.parametrize("bad", [0, -1, 17])
def test_gp_every_out_of_range_is_a_clear_error(bad):
    with pytest.raises(ConfigError, match="gp_every"):
        TrainConfig(gp_every=bad)
