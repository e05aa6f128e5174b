"""The stacked (two-stage) GAN: stage 1 draws 14x14 digits, stage 2 refines them to 28x28."""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer
from playground.engine.stacked import StackedTrainer, downsample
from playground.engine.trainer import Trainer
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.web.viz import live_figure
from playground.web.viz_curves import curves_figure

ROOT = Path(__file__).resolve().parent.parent
SMALL = TrainConfig(dataset="mnist", architecture="stacked", noise_dim=8, g_width=8, d_width=8,
                    batch_size=16, eval_samples=100, lr_g=2e-4, lr_d=2e-4)


def test_stacked_is_an_image_gan_architecture():
    with pytest.raises(ConfigError, match="architecture"):
        TrainConfig(architecture="stacked")  # 2-D data
    with pytest.raises(ConfigError, match="stacked"):
        SMALL.with_changes(model="vae")
    with pytest.raises(ConfigError, match="stacked"):
        SMALL.with_changes(noise_dim=1)
    with pytest.raises(ValueError, match="make_trainer"):
        Trainer(SMALL)  # the plain Trainer would train only stage 2 end to end


def test_both_stages_train_each_against_its_own_judge():
    trainer = make_trainer(SMALL)
    assert isinstance(trainer, StackedTrainer)
    before = [p.detach().clone() for p in trainer.discriminator.coarse.parameters()]
    stats = trainer.step()
    losses = trainer.extra_losses()
    assert set(losses) == {"stage1_d_loss", "stage1_g_loss", "stage2_d_loss", "stage2_g_loss"}
    assert stats.d_loss == pytest.approx(losses["stage1_d_loss"] + losses["stage2_d_loss"],
                                         rel=1e-5)
    after = list(trainer.discriminator.coarse.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after))  # stage 1's judge learnt
    coarse, fine = trainer.stage_images(trainer.eval_noise[:4])
    assert coarse.shape == (4, 1, 14, 14) and fine.shape == (4, 1, 28, 28)
    assert downsample(torch.zeros(2, 1, 28, 28)).shape == (2, 1, 14, 14)
    np.testing.assert_allclose(trainer.generate(trainer.eval_noise[:4]), fine.numpy(),
                               atol=1e-6)  # the output is stage 2's image of the same noise


def test_a_stacked_checkpoint_continues_exactly():
    trainer = make_trainer(SMALL)
    trainer.step()
    restored = load_checkpoint(checkpoint_bytes(trainer))
    assert isinstance(restored, StackedTrainer)
    assert trainer.step().d_loss == restored.step().d_loss


def test_the_live_view_shows_both_grids_and_each_stages_losses():
    run = LiveRun("s", SMALL.with_changes(conditional=True))
    run.step(10)
    snap = run.snapshot(ViewOptions(digits=(3, 7)))
    assert snap.coarse_grid is not None and snap.digit_grid is not None
    assert snap.coarse_grid.shape[0] < snap.digit_grid.shape[0]  # 14x14 cells vs 28x28
    figure = live_figure(snap)
    names = [t["name"] for t in figure["data"] if t["type"] == "image"]
    assert names == ["generated digits", "stage 1 (14x14)"]
    assert np.isfinite(snap.history["stage2_g_loss"]).any()
    curves = {t["name"] for t in curves_figure([("", snap)])["data"]}
    assert {"stage 1 D loss", "stage 2 G loss"} <= curves


def test_the_cli_writes_each_stages_losses_to_history(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--preset", "mnist-stacked",
         "--steps", "4", "--set", "log_every=2", "--set", "g_width=8", "--set", "d_width=8",
         "--set", "eval_samples=100", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(open(out / "history.csv")))
    assert rows and float(rows[-1]["stage2_d_loss"]) > 0
