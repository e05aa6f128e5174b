"""Stacked MNIST (three digits as three channels, 1,000 modes): the data, the mode count, the
nets' channels, the config's refusals, the CLI's files and the live view."""

import base64
import csv
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from playground.engine.config import ConfigError, TrainConfig
from playground.engine.data import image_channels, make_sampler
from playground.engine.data.mnist import locate_mnist, read_mnist
from playground.engine.stacked_mnist_metrics import (
    BENCHMARK_SAMPLES,
    TRIPLES,
    classify_channels,
    mode_metrics_from_codes,
    triple_codes,
    triple_metrics,
)

SMALL = TrainConfig(dataset="stacked_mnist", architecture="dcgan", g_width=8, d_width=8,
                    noise_dim=16, batch_size=16, eval_samples=200)


@pytest.fixture(scope="module")
def classifier():
    from playground.engine.classifier import load_classifier

    return load_classifier(torch.device("cpu"))


def test_sampler_gives_three_channel_images_with_uniform_label_triples():
    sampler = make_sampler("stacked_mnist")
    assert sampler.channels == image_channels("stacked_mnist") == 3
    assert image_channels("mnist") == 1
    images, codes = sampler.sample_labeled(50_000, torch.Generator().manual_seed(0))
    assert images.shape == (50_000, 3, 28, 28) and images.dtype == torch.float32
    assert float(images.min()) >= -1.0 and float(images.max()) <= 1.0
    counts = torch.bincount(codes, minlength=TRIPLES).double()
    assert len(counts) == TRIPLES and int((counts > 0).sum()) == TRIPLES  # every triple drawn
    # Uniform over the test set's images, so over the triples up to MNIST's own digit shares
    # (9.0% to 11.4%): expected count n p(a) p(b) p(c). Pearson's chi-square with 999 degrees
    # of freedom has mean 999 and sd ~45; a sampler with dependent or skewed channels is far off.
    labels = read_mnist(*locate_mnist(prefer="test")).labels
    share = torch.bincount(torch.as_tensor(labels.astype(np.int64)), minlength=10).double()
    share /= share.sum()
    expected = len(codes) * (share[:, None, None] * share[None, :, None]
                             * share[None, None, :]).reshape(-1)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 1200, chi2
    # Near uniform: the rarest triple (three 5s) is half as likely as the commonest (three 1s).
    assert float(expected.min() / expected.max()) > 0.45
    # The channels are independent draws: they differ, and each digit place is near uniform.
    assert not torch.equal(images[:, 0], images[:, 1])
    for place in (codes // 100, codes // 10 % 10, codes % 10):
        shares = torch.bincount(place, minlength=10).double() / len(codes)
        assert float(shares.min()) > 0.08 and float(shares.max()) < 0.13


def test_each_channel_is_the_digit_its_label_names(classifier):
    sampler = make_sampler("stacked_mnist")
    images, codes = sampler.sample_labeled(2000, torch.Generator().manual_seed(1))
    predicted = triple_codes(classify_channels(images, classifier))
    assert float((predicted == codes).double().mean()) > 0.95  # LeNet is ~99% per digit


def test_mode_count_on_constructed_codes():
    every = mode_metrics_from_codes(torch.arange(TRIPLES))
    assert every == {"modes_total": 1000, "modes_covered": 1000, "mode_kl": 0.0}
    two = mode_metrics_from_codes(torch.tensor([7, 7, 512, 512]))
    assert two["modes_covered"] == 2
    assert math.isclose(two["mode_kl"], math.log(500))  # half the mass on each of 2 of 1,000
    with pytest.raises(ValueError, match="0-999"):
        mode_metrics_from_codes(torch.tensor([1000]))


def test_probabilities_to_triples_and_per_channel_confidence():
    probabilities = torch.zeros(4, 3, 10)
    probabilities[:, 0, 3] = 1.0  # first digit 3, sure
    probabilities[:, 1, 1] = 0.6  # second digit 1, less sure
    probabilities[:, 1, 2] = 0.4
    probabilities[:2, 2, 9] = 1.0  # third digit 9 twice, 0 twice
    probabilities[2:, 2, 0] = 1.0
    assert triple_codes(probabilities).tolist() == [319, 319, 310, 310]
    result = triple_metrics(probabilities)
    assert result["modes_covered"] == 2 and result["samples"] == 4
    assert math.isclose(result["confidence_g"], 0.6, rel_tol=1e-6) and result["confidence_r"] == 1.0
    assert math.isclose(result["mean_confidence"], (1.0 + 0.6 + 1.0) / 3, rel_tol=1e-6)


@pytest.mark.slow  # 78,000 digits through the LeNet: ~30 s of one core
def test_real_stacked_digits_cover_about_every_mode_and_one_image_covers_one(classifier):
    sampler = make_sampler("stacked_mnist")
    real = sampler.sample(BENCHMARK_SAMPLES, torch.Generator().manual_seed(2))
    metrics = triple_metrics(classify_channels(real, classifier))
    assert metrics["modes_covered"] >= 990  # 26 draws per mode: a miss is the LeNet's error
    assert metrics["mode_kl"] < 0.05 and metrics["mean_confidence"] > 0.95
    one = triple_metrics(classify_channels(real[:1].repeat(500, 1, 1, 1), classifier))
    assert one["modes_covered"] == 1
    assert math.isclose(one["mode_kl"], math.log(TRIPLES))


@pytest.mark.parametrize("architecture", ["dcgan", "mlp"])
def test_nets_draw_and_judge_three_channels(architecture):
    from playground.engine.models import make_trainer

    config = SMALL.with_changes(architecture=architecture, g_layers=1, d_layers=1)
    trainer = make_trainer(config)
    trainer.step()
    samples = trainer.generate()
    assert samples.shape == (200, 3, 28, 28)
    metrics = trainer.evaluate()
    assert 1 <= metrics["modes_covered"] <= 200 and metrics["modes_total"] == 1000


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"conditional": True}, "conditional", "unconditional GAN"),
    ({"architecture": "stacked"}, "architecture", "mlp or dcgan"),
    ({"model": "vae"}, "model", "gan for stacked_mnist"),
])
def test_config_refuses_what_stacked_mnist_cannot_train(change, field, words):
    with pytest.raises(ConfigError) as caught:
        SMALL.with_changes(**change)
    assert caught.value.field == field and words in str(caught.value)


def test_rgb_grid_encodes_as_a_colour_png():
    from PIL import Image

    from playground.engine.png import encode_png, image_grid

    images = np.full((3, 3, 28, 28), -1.0, np.float32)
    images[:, 0] = 1.0  # red channel full: pure red digits
    grid = image_grid(images, columns=2)
    assert grid.shape == (2 * 30 + 2, 2 * 30 + 2, 3)
    picture = Image.open(io.BytesIO(encode_png(grid)))
    assert picture.mode == "RGB"
    assert picture.getpixel((2, 2)) == (255, 0, 0) and picture.getpixel((0, 0)) == (96, 96, 96)


def test_a_run_writes_modes_covered_to_metrics_history_and_an_rgb_grid(tmp_path, monkeypatch):
    """The CLI's runner end to end, with the final count on 600 samples instead of 26,000
    (the full count is the slow test below)."""
    from dataclasses import replace

    from playground.cli import runner
    from playground.engine import kinds

    monkeypatch.setattr(kinds, "STACKED_MNIST",
                        replace(kinds.STACKED_MNIST, final_eval_samples=600))
    config = SMALL.with_changes(steps=4, log_every=2)
    result = runner.train_run(config)
    runner.write_run(result, tmp_path)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["samples"] == 600  # eval_samples (200) extended to the final count
    assert 1 <= metrics["modes_covered"] <= 600 and metrics["modes_total"] == 1000
    assert 0.0 <= metrics["mode_kl"] <= math.log(1000) + 1e-9
    assert all(0.1 <= metrics[f"confidence_{c}"] <= 1.0 for c in "rgb")
    with open(tmp_path / "history.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["step"]) for r in rows] == [2, 4]
    assert all(1 <= int(r["modes_covered"]) <= 200 for r in rows)  # rows: eval_samples only
    assert (tmp_path / "samples.png").read_bytes()[25] == 2  # PNG colour type 2: RGB


@pytest.mark.slow  # the benchmark's 26,000 samples through the LeNet
def test_cli_counts_modes_on_the_papers_26000_samples(root, tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--preset", "stacked-mnist-dcgan",
         "--steps", "2", "--set", "g_width=8", "--set", "d_width=8", "--set", "log_every=2",
         "--set", "batch_size=16", "--set", "eval_samples=300", "--out", str(out)],
        cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["samples"] == BENCHMARK_SAMPLES  # the papers' count, whatever eval_samples
    assert 1 <= metrics["modes_covered"] <= 1000
    assert "/1000 modes" in result.stdout


def test_sweep_table_has_the_mode_columns():
    from playground.cli.sweep import sweep_columns

    columns = sweep_columns(SMALL)
    assert {"modes_covered", "mode_kl", "confidence_r"} <= set(columns)
    assert "classes_covered" not in columns


def test_live_view_shows_an_rgb_grid_modes_and_channel_confidence():
    from playground.live.run import LiveRun
    from playground.live.snapshot import ViewOptions
    from playground.web.viz import live_figure, status_fields
    from playground.web.viz_curves import curves_figure

    run = LiveRun("s", SMALL)
    run.step(12)
    snap = run.snapshot(ViewOptions())
    assert snap.digit_grid.shape == (302, 302, 3)
    figure = live_figure(snap)
    source = next(t for t in figure["data"] if t["type"] == "image")["source"]
    assert base64.b64decode(source.split(",", 1)[1])[25] == 2  # an RGB PNG
    bar = next(t for t in figure["data"] if t["type"] == "bar")
    assert len(bar["y"]) == 3 and "/1000 modes" in bar["name"]
    assert np.isfinite(snap.history["modes_covered"]).all()
    assert status_fields(snap).quality.startswith("modes ")
    names = {t["name"] for t in curves_figure([("", snap)])["data"]}
    assert {"modes covered", "mode KL", "mean confidence"} <= names


@pytest.mark.parametrize("dataset", ["mnist", "stacked_mnist"])
def test_live_metrics_of_a_small_eval_batch_take_only_what_it_holds(dataset):
    """eval_samples may be 100: the live evaluation (500 samples) used to run past its end
    and fail with "no images to classify"."""
    from playground.live.watch import ChunkedEvaluation

    run_config = SMALL.with_changes(dataset=dataset, eval_samples=100)
    from playground.engine.models import make_trainer

    evaluation = ChunkedEvaluation(make_trainer(run_config), samples=500, chunk=60)
    metrics = None
    while metrics is None:
        metrics = evaluation.advance()
    assert evaluation.done == 100
    assert metrics["mean_confidence"] > 0


def test_the_page_switches_to_stacked_mnist_with_its_own_preset():
    from playground.web.controls import kind_defaults, kind_preset

    assert kind_preset("stacked_mnist") == "stacked-mnist-dcgan"
    config = kind_defaults("stacked_mnist")
    assert config.dataset == "stacked_mnist" and not config.conditional


def test_cost_estimate_counts_the_three_channels():
    from playground.engine.cost import per_sample

    for architecture in ("dcgan", "mlp"):
        grey = per_sample(SMALL.with_changes(dataset="mnist", architecture=architecture))
        colour = per_sample(SMALL.with_changes(architecture=architecture))
        # More work in G and D and more of G's activations (its output); D's activations
        # are its hidden layers', the same for one channel or three.
        assert colour[:3] > grey[:3] and all(c > g for c, g in zip(colour[:3], grey[:3])), (
            architecture, grey, colour)
        assert colour[3] >= grey[3]
