"""Image GANs: shapes, conditioning, MNIST batches and a few real training steps."""

import numpy as np
import pytest
import torch

from playground.engine.config import TrainConfig
from playground.engine.data.images import MnistSampler, to_unit_range
from playground.engine.nets import build_discriminator, build_generator
from playground.engine.png import decode_png_size, encode_png, image_grid
from playground.engine.trainer import Trainer

ARCHS = ["mlp", "dcgan"]


def config(**changes) -> TrainConfig:
    base = dict(dataset="mnist", noise_dim=16, g_width=16, d_width=16, g_layers=2, d_layers=2,
                batch_size=16, eval_samples=100, activation="leaky_relu")
    base.update(changes)
    return TrainConfig(**base)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("conditional", [False, True])
def test_image_nets_map_noise_to_digits_and_digits_to_one_score(arch, conditional):
    cfg = config(architecture=arch, conditional=conditional)
    g, d = build_generator(cfg), build_discriminator(cfg)
    labels = torch.arange(8) % 10
    images = g(torch.randn(8, 16), labels)
    assert images.shape == (8, 1, 28, 28)
    assert images.min() >= -1 and images.max() <= 1  # tanh: the data's range
    assert d(images, labels).shape == (8, 1)


@pytest.mark.parametrize("arch", ARCHS)
def test_conditional_nets_really_use_the_label(arch):
    cfg = config(architecture=arch, conditional=True)
    torch.manual_seed(0)
    g, d = build_generator(cfg).eval(), build_discriminator(cfg)
    with torch.no_grad():
        torch.nn.init.normal_(d.embed.weight)  # the projection starts random, not zero
    z = torch.randn(4, 16)
    threes, sevens = torch.full((4,), 3), torch.full((4,), 7)
    assert not torch.allclose(g(z, threes), g(z, sevens))
    x = g(z, threes).detach()
    assert not torch.allclose(d(x, threes), d(x, sevens))


def test_spectral_norm_wraps_the_image_critic():
    d = build_discriminator(config(architecture="dcgan", spectral_norm=True))
    assert any("parametrizations" in name for name, _ in d.named_parameters())


def test_mnist_sampler_gives_real_labelled_digits_in_unit_range():
    sampler = MnistSampler()
    gen = torch.Generator().manual_seed(0)
    images, labels = sampler.sample_labeled(64, gen)
    assert images.shape == (64, 1, 28, 28) and labels.shape == (64,)
    assert images.min() >= -1 and images.max() <= 1
    assert (images == -1).float().mean() > 0.5  # MNIST is mostly black background
    assert set(labels.tolist()) <= set(range(10)) and len(set(labels.tolist())) >= 6
    assert sampler.split == "test" and "test set" in sampler.note  # only t10k is shared here
    again, _ = sampler.sample_labeled(64, torch.Generator().manual_seed(0))
    assert torch.equal(images, again)


def test_to_unit_range_maps_pixel_values():
    out = to_unit_range(np.array([[[0, 255]]], dtype=np.uint8).repeat(28, 1).repeat(14, 2))
    assert out.shape == (1, 1, 28, 28) and out.min() == -1 and out.max() == 1


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("loss", ["nonsaturating", "wgan-gp"])
def test_trainer_steps_an_image_gan_and_is_reproducible(arch, loss):
    cfg = config(architecture=arch, loss=loss, conditional=arch == "dcgan")
    a, b = Trainer(cfg), Trainer(cfg)
    for _ in range(3):
        sa, sb = a.step(), b.step()
        assert np.isfinite([sa.d_loss, sa.g_loss]).all()
        assert (sa.d_loss, sa.g_loss) == (sb.d_loss, sb.g_loss)
    assert a.generate().shape == (100, 1, 28, 28)
    np.testing.assert_array_equal(a.generate(), b.generate())


def test_generate_does_not_depend_on_batch_company():
    """G is evaluated with batch norm's running statistics: a sample depends on its noise."""
    trainer = Trainer(config(architecture="dcgan"))
    for _ in range(3):
        trainer.step()
    full = trainer.generate()
    first = trainer.generate(trainer.eval_noise[:5])
    np.testing.assert_allclose(full[:5], first, atol=1e-5)
    assert trainer.generator.training  # and training mode is restored


def test_png_grid_round_trip_size_and_layout():
    images = -np.ones((12, 1, 28, 28), np.float32)
    images[3] = 1.0  # one white cell: row 0, column 3
    grid = image_grid(images, columns=5, pad=2)
    assert grid.shape == (3 * 30 + 2, 5 * 30 + 2)
    assert grid[2 + 14, 2 + 3 * 30 + 14] == 255 and grid[2 + 14, 2 + 14] == 0
    assert grid[0, 0] == 96  # padding is grey
    data = encode_png(grid)
    assert decode_png_size(data) == (grid.shape[1], grid.shape[0])
    import zlib

    raw = zlib.decompress(data[data.index(b"IDAT") + 4:])
    rows = np.frombuffer(raw, np.uint8).reshape(grid.shape[0], grid.shape[1] + 1)
    np.testing.assert_array_equal(rows[:, 1:], grid)


def test_switching_a_dcgan_to_wgan_gp_rebuilds_the_critic_without_batch_norm():
    trainer = Trainer(config(architecture="dcgan"))
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in trainer.discriminator.modules())
    trainer.step()
    plan = trainer.apply(trainer.config.with_changes(loss="wgan-gp"))
    assert plan.rebuilt and "loss" in plan.message
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in trainer.discriminator.modules())
    assert trainer.steps_done == 0
    # An MLP critic has no batch norm to drop: the same change applies live.
    mlp = Trainer(config(architecture="mlp"))
    assert not mlp.apply(mlp.config.with_changes(loss="wgan-gp")).rebuilt


def test_a_failed_rebuild_leaves_the_old_run_intact(monkeypatch, tmp_path):
    import playground.engine.data.images as images
    from playground.engine.data.mnist import MnistError

    trainer = Trainer(TrainConfig(g_width=8, d_width=8, eval_samples=100))
    trainer.step()
    monkeypatch.setattr(images, "MnistSampler",
                        lambda: (_ for _ in ()).throw(MnistError("MNIST not found")))
    with pytest.raises(MnistError):
        trainer.apply(config())
    assert trainer.config.dataset == "ring8" and trainer.steps_done == 1
    assert trainer.step().step == 2  # still the old, working run
