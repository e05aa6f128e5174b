"""The shipped MNIST classifier, the image metrics built on it, and `train-classifier`."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from playground.engine.classifier import (
    WEIGHTS,
    DigitClassifier,
    holdout_split,
    load_classifier,
    train_classifier,
)
from playground.engine.data.images import to_unit_range
from playground.engine.data.mnist import load_mnist
from playground.engine.image_metrics import (
    MAX_CLASS_KL,
    class_metrics,
    feature_stats,
    frechet_distance,
    real_feature_stats,
)


@pytest.fixture(scope="module")
def mnist():
    data = load_mnist(prefer="test")  # the shared 10k set
    return to_unit_range(data.images), torch.from_numpy(data.labels.astype(np.int64))


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


def predict(model, images):
    with torch.no_grad():
        return torch.cat([model(images[i:i + 1000]).argmax(1) for i in range(0, len(images), 1000)])


def test_to_unit_range():
    pixels = np.array([[[0, 255] + [128] * 26] * 28], dtype=np.uint8)
    images = to_unit_range(pixels)
    assert images.shape == (1, 1, 28, 28) and images.dtype == torch.float32
    assert images[0, 0, 0, 0] == -1.0 and images[0, 0, 0, 1] == 1.0


def test_shipped_weights_are_small_and_recorded():
    assert WEIGHTS.is_file() and WEIGHTS.stat().st_size < 1_000_000
    record = json.loads(WEIGHTS.with_suffix(".json").read_text())
    assert record["accuracy"] >= 0.98
    for key in ("trained_on", "tested_on", "train_images", "test_images", "epochs", "seed",
                "torch_version", "wall_s", "date"):
        assert key in record, key


def test_shipped_weights_reach_97_percent(mnist, classifier):
    images, labels = mnist
    correct = predict(classifier, images) == labels
    assert float(correct.double().mean()) >= 0.97  # the whole shared 10k set
    if len(labels) == 10_000:  # the 2,000 never trained on, when only the 10k set exists
        held_out = torch.as_tensor(holdout_split(len(labels))[1])
        assert float(correct[held_out].double().mean()) >= 0.97


def test_load_classifier_is_cached_eval_and_frozen(classifier):
    assert load_classifier() is classifier
    assert load_classifier(torch.device("cpu")) is classifier
    assert not classifier.training
    assert not any(p.requires_grad for p in classifier.parameters())


def test_corrupt_or_missing_weights_say_how_to_retrain(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a torch file")
    with pytest.raises(RuntimeError, match="python -m playground train-classifier"):
        load_classifier(weights=bad)
    with pytest.raises(RuntimeError, match="missing.*python -m playground train-classifier"):
        load_classifier(weights=tmp_path / "nothing.pt")
    wrong = tmp_path / "wrong.pt"
    torch.save({"fc.weight": torch.zeros(2, 2)}, wrong)
    with pytest.raises(RuntimeError, match="train-classifier"):
        load_classifier(weights=wrong)


def test_real_images_cover_every_class_confidently(mnist, classifier):
    images, _ = mnist
    m = class_metrics(images[:2000], classifier)
    assert m["classes_covered"] == 10
    assert m["class_kl"] < 0.05
    assert m["mean_confidence"] > 0.9
    assert len(m["class_histogram"]) == 10 and math.isclose(sum(m["class_histogram"]), 1.0)
    assert m["fid_classifier"] is None and "label_accuracy" not in m


def test_one_digit_only_is_one_class_and_maximal_kl(mnist, classifier):
    images, labels = mnist
    m = class_metrics(images[labels == 3], classifier)
    assert m["classes_covered"] == 1
    assert MAX_CLASS_KL - 0.15 < m["class_kl"] <= MAX_CLASS_KL + 1e-9
    assert math.isclose(MAX_CLASS_KL, math.log(10))


def test_fid_separates_real_from_collapsed(mnist, classifier):
    images, labels = mnist
    real_stats = real_feature_stats(images[:2000], classifier)
    same = class_metrics(images[2000:4000], classifier, real_stats)["fid_classifier"]
    collapsed = class_metrics(images[labels == 1], classifier, real_stats)["fid_classifier"]
    assert 0 <= same < collapsed / 10, (same, collapsed)
    assert frechet_distance(*real_stats, *real_stats) < 1e-6 * np.trace(real_stats[1])


def test_frechet_distance_matches_the_diagonal_closed_form():
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    var1, var2 = rng.uniform(0.1, 3, size=6), rng.uniform(0.1, 3, size=6)
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(var1) - np.sqrt(var2)) ** 2).sum()
    got = frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2))
    assert math.isclose(got, expected, rel_tol=1e-9)
    assert frechet_distance(mu1, np.diag(var1), mu1, np.diag(var1)) == pytest.approx(0, abs=1e-12)


def test_frechet_distance_is_symmetric_for_full_covariances():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(500, 5)), rng.normal(size=(500, 5)) @ rng.normal(size=(5, 5))
    sa, sb = feature_stats(a), feature_stats(b)
    assert math.isclose(frechet_distance(*sa, *sb), frechet_distance(*sb, *sa), rel_tol=1e-8)
    assert sa[0].dtype == np.float64 and sa[1].shape == (5, 5)


def test_label_accuracy_for_conditional_samples(mnist, classifier):
    images, labels = mnist
    images, labels = images[:2000], labels[:2000]
    right = class_metrics(images, classifier, requested=labels)
    assert right["label_accuracy"] >= 0.97 and right["worst_digit_accuracy"] >= 0.9
    shuffled = labels[torch.randperm(2000, generator=torch.Generator().manual_seed(0))]
    assert class_metrics(images, classifier, requested=shuffled)["label_accuracy"] < 0.2


def test_flat_images_are_accepted(mnist, classifier):
    images, _ = mnist
    flat = class_metrics(images[:300].reshape(300, 784), classifier)
    assert flat == class_metrics(images[:300], classifier)


def test_training_is_deterministic_for_a_seed():
    data = load_mnist(prefer="train")
    runs = [train_classifier(data, epochs=1, seed=3, limit=256)[0] for _ in range(2)]
    for (name, a), b in zip(runs[0].state_dict().items(), runs[1].state_dict().values()):
        assert torch.equal(a, b), name
    assert isinstance(runs[0], DigitClassifier)


def run_cli(root, *args, env=None):
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=root,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PLAYGROUND_OFFLINE": "1", **(env or {})})


def test_cli_train_classifier_writes_weights_and_record(root, tmp_path):
    out = tmp_path / "x.pt"
    result = run_cli(root, "train-classifier", "--epochs", "1", "--limit", "500",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and len(result.stdout.strip().splitlines()) == 1
    record = json.loads((tmp_path / "x.json").read_text())
    assert record["epochs"] == 1 and record["train_images"] == 500
    assert 0 <= record["accuracy"] <= 1
    assert isinstance(load_classifier(weights=out), DigitClassifier)


def test_cli_without_mnist_exits_2_with_one_line(root, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "MNIST_DIR": str(empty), "PLAYGROUND_SHIPPED_MNIST": "0"}  # MNIST nowhere
    result = run_cli(root, "train-classifier", "--epochs", "1", "--out", str(tmp_path / "x.pt"),
                     env=env)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "MNIST_DIR" in result.stderr
    assert not (tmp_path / "cache" / "gan-playground").exists()  # no download was tried
    assert not (tmp_path / "x.pt").exists()


def test_inception_score_bounds_and_known_values():
    from playground.engine.image_metrics import inception_score

    one_hot_all = np.eye(10)[np.arange(1000) % 10]  # confident and balanced: the maximum
    assert math.isclose(inception_score(one_hot_all), 10.0, rel_tol=1e-12)
    assert math.isclose(inception_score(np.eye(10)[np.zeros(50, int)]), 1.0)  # one digit only
    assert math.isclose(inception_score(np.full((20, 10), 0.1)), 1.0)  # every guess uniform
    halves = np.eye(10)[np.arange(100) % 2]  # two digits, confidently: exp(log 2)
    assert math.isclose(inception_score(halves), 2.0, rel_tol=1e-12)


def test_real_digits_score_near_ten_and_one_digit_near_one(mnist, classifier):
    images, labels = mnist
    real = class_metrics(images[:2000], classifier)["is_classifier"]
    ones = class_metrics(images[labels == 1][:500], classifier)["is_classifier"]
    print(f"classifier IS: real test digits {real:.2f}, only 1s {ones:.2f}")
    assert 9.0 < real <= 10.0 and 1.0 <= ones < 1.3
