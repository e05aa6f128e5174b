import math

import pytest
import torch

from playground.engine.losses import LOSSES, gradient_penalty


def t(*values):
    return torch.tensor(values, dtype=torch.float32)


def test_registry_has_every_loss_the_issue_names():
    assert set(LOSSES) >= {"minimax", "nonsaturating", "wgan", "wgan-gp", "hinge", "lsgan"}
    assert LOSSES["wgan"].weight_clip and not LOSSES["wgan"].gradient_penalty
    assert LOSSES["wgan-gp"].gradient_penalty and not LOSSES["wgan-gp"].weight_clip


def test_minimax_d_loss_is_binary_cross_entropy():
    real, fake = t(0.0), t(0.0)  # D outputs 0.5 everywhere
    assert LOSSES["minimax"].d_loss(real, fake).item() == pytest.approx(2 * math.log(2))
    # A confident, correct D has a small loss; a confident, wrong one a large loss.
    assert LOSSES["minimax"].d_loss(t(10.0), t(-10.0)).item() < 1e-3
    assert LOSSES["minimax"].d_loss(t(-10.0), t(10.0)).item() > 19


def test_minimax_g_saturates_while_nonsaturating_does_not():
    fake = torch.tensor([-8.0], requires_grad=True)  # D confidently rejects the fake
    LOSSES["minimax"].g_loss(fake).backward()
    saturating_grad = fake.grad.abs().item()
    fake.grad = None
    LOSSES["nonsaturating"].g_loss(fake).backward()
    assert saturating_grad < 1e-3
    assert fake.grad.abs().item() > 0.99
    assert LOSSES["minimax"].g_loss(t(0.0)).item() == pytest.approx(-math.log(2))
    assert LOSSES["nonsaturating"].g_loss(t(0.0)).item() == pytest.approx(math.log(2))


def test_wasserstein_signs():
    loss = LOSSES["wgan-gp"]
    assert loss.d_loss(t(3.0, 5.0), t(1.0, 1.0)).item() == pytest.approx(-3.0)
    assert loss.g_loss(t(1.0, 3.0)).item() == pytest.approx(-2.0)


def test_hinge_values():
    loss = LOSSES["hinge"]
    assert loss.d_loss(t(2.0), t(-2.0)).item() == 0.0  # outside the margin: no loss
    assert loss.d_loss(t(0.0), t(0.0)).item() == pytest.approx(2.0)
    assert loss.d_loss(t(0.5), t(-0.25)).item() == pytest.approx(0.5 + 0.75)
    assert loss.g_loss(t(-1.0, 3.0)).item() == pytest.approx(-1.0)


def test_least_squares_values():
    loss = LOSSES["lsgan"]
    assert loss.d_loss(t(1.0), t(0.0)).item() == 0.0
    assert loss.d_loss(t(0.0), t(1.0)).item() == pytest.approx(1.0)
    assert loss.g_loss(t(1.0)).item() == 0.0
    assert loss.g_loss(t(0.0)).item() == pytest.approx(0.5)


def test_gradient_penalty_is_zero_for_a_unit_lipschitz_linear_critic():
    weight = torch.tensor([[0.6], [0.8]])  # ‖w‖ = 1: ‖∇D‖ = 1 everywhere

    def critic(x):
        return x @ weight

    real, fake = torch.randn(64, 2), torch.randn(64, 2)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx(0.0, abs=1e-10)


def test_gradient_penalty_grows_with_the_critic_slope():
    real, fake = torch.randn(64, 2), torch.randn(64, 2)

    def steep(x):
        return x @ torch.tensor([[3.0], [0.0]])  # ‖∇D‖ = 3 → (3 - 1)² = 4

    assert gradient_penalty(steep, real, fake).item() == pytest.approx(4.0)


def test_gradient_penalty_backpropagates_to_the_critic():
    critic = torch.nn.Linear(2, 1)
    penalty = gradient_penalty(critic, torch.randn(8, 2), torch.randn(8, 2))
    penalty.backward()
    assert critic.weight.grad is not None and critic.weight.grad.abs().sum() > 0
