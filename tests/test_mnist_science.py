"""MNIST presets tell their story on real digits (seed 0, the shipped classifier judging):
the vanilla MLP GAN collapses onto a few digits, the same networks with WGAN-GP keep all ten,
the conditional DCGAN draws the digit it is asked for, and a VAE with the DCGAN's nets and
budget covers all ten digits, blurrier. Slow (they really train); CI runs them.
"""

import pytest

from playground.cli.sweep import run_configs
from playground.presets import load_preset

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

PRESETS = ("mnist-mlp-collapse", "mnist-wgan-gp", "mnist-cgan", "mnist-dcgan", "mnist-vae")


@pytest.fixture(scope="module")
def runs():
    results = run_configs([load_preset(name).config for name in PRESETS], processes=2)
    for name, result in zip(PRESETS, results):
        m = result.metrics
        print(f"{name}: classes {m['classes_covered']}, KL {m['class_kl']:.3f}, confidence "
              f"{m['mean_confidence']:.3f}, FID* {m['fid_classifier']:.0f}, "
              f"IS* {m['is_classifier']:.2f}, label accuracy {m.get('label_accuracy')}, "
              f"cpu {m['cpu_s']:.0f} s")
    return dict(zip(PRESETS, results))


def test_the_collapse_pair_differs_only_in_the_loss():
    a, b = load_preset("mnist-mlp-collapse").config, load_preset("mnist-wgan-gp").config
    assert a.loss == "nonsaturating" and b.loss == "wgan-gp"
    da, db = a.to_dict(), b.to_dict()
    assert {name for name in da if da[name] != db[name]} <= {"loss", "gp_lambda", "clip"}


def test_vanilla_mlp_gan_collapses_onto_a_few_clean_digits(runs):
    m = runs["mnist-mlp-collapse"].metrics
    assert m["classes_covered"] <= 7 and m["class_kl"] >= 0.5, m
    assert max(m["class_histogram"]) >= 0.35, m["class_histogram"]  # one digit dominates
    assert m["mean_confidence"] >= 0.85, m  # collapsed onto real-looking digits, not noise
    late = [row["classes_covered"] for row in runs["mnist-mlp-collapse"].history[-3:]]
    assert max(late) <= 7, late  # it stays collapsed, not a blip at the end


def test_wgan_gp_with_the_same_networks_keeps_all_ten_digits(runs):
    m = runs["mnist-wgan-gp"].metrics
    assert m["classes_covered"] == 10 and m["class_kl"] <= 0.05, m
    assert m["mean_confidence"] >= 0.9, m
    assert all(row["classes_covered"] == 10 for row in runs["mnist-wgan-gp"].history)


def test_conditional_gan_draws_the_digit_it_is_asked_for(runs):
    """Chance is 10%. Seeds 0-5 (2026-11-27, python -m playground sweep --preset mnist-cgan
    --seeds 6): right digit 0.957-0.983, the worst digit 0.835-0.945 (each digit is judged on
    its 200 of the 2,000 samples, so the worst of ten reads a few points low). The same seed
    gives other runs on other CPUs (float rounding): seed 0's worst digit is 0.925 on one of
    this project's machines, 0.895 on another, so the bars sit below the spread, not at it."""
    m = runs["mnist-cgan"].metrics
    assert m["label_accuracy"] >= 0.93 and m["worst_digit_accuracy"] >= 0.8, m  # every digit
    assert m["classes_covered"] == 10 and m["mean_confidence"] >= 0.9, m


def test_dcgan_draws_recognisable_digits_of_every_class(runs):
    m = runs["mnist-dcgan"].metrics
    assert m["classes_covered"] >= 9 and m["mean_confidence"] >= 0.8, m
    assert m["fid_classifier"] < runs["mnist-mlp-collapse"].metrics["fid_classifier"]


def test_no_mnist_preset_diverges(runs):
    assert not any(r.metrics["diverged"] for r in runs.values())


def test_a_vae_covers_every_digit_but_blurrier_than_the_gan(runs):
    """mnist-vae is mnist-dcgan with only the model changed (mnist-gan-vs-vae). Measured on
    seed 0 (python -m playground compare --preset mnist-gan-vs-vae): VAE 10/10 classes,
    confidence 0.73, classifier FID 577, IS 4.48; DCGAN 9/10, 0.86, 298, 5.59."""
    vae, gan = runs["mnist-vae"].metrics, runs["mnist-dcgan"].metrics
    assert vae["classes_covered"] == 10 and vae["class_kl"] <= 0.2, vae
    assert vae["mean_confidence"] <= gan["mean_confidence"] - 0.05, (vae, gan)
    assert vae["fid_classifier"] >= 1.3 * gan["fid_classifier"], (vae, gan)


def test_every_mnist_run_reports_the_classifier_inception_score(runs):
    for name, result in runs.items():
        m = result.metrics
        assert 1.0 <= m["is_classifier"] <= m["is_classifier_real"] <= 10.0, (name, m)
