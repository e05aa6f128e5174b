import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from playground.engine.config import field_names


def run_cli(root, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "playground", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


FAST = ["--steps", "30", "--set", "g_width=16", "--set", "d_width=16", "--set", "log_every=10"]


def test_train_writes_every_artefact(root, tmp_path):
    out = tmp_path / "run"
    result = run_cli(root, "train", "--preset", "mode-collapse", *FAST, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # piped: no progress bar
    config = json.loads((out / "config.json").read_text())
    assert set(config) == {*field_names(), "version"}  # the whole config, stamped
    assert config["steps"] == 30 and config["g_width"] == 16
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("steps", "wall_s", "iters_per_s", "modes_total", "modes_covered",
                "high_quality_frac", "mode_kl", "grid_kl", "grid_js", "d_loss", "g_loss",
                "diverged"):
        assert key in metrics, key
    assert metrics["steps"] == 30 and metrics["modes_total"] == 8
    assert metrics["diverged"] is False
    with open(out / "history.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["step"]) for r in rows] == [10, 20, 30]
    assert {"step", "wall_s", "d_loss", "g_loss", "modes_covered", "high_quality_frac",
            "mode_kl", "grid_kl", "grid_js"} <= set(rows[0])
    assert 0 <= float(rows[-1]["grid_js"]) <= 1  # GAN Lab's 30x30 density measure, in bits
    samples, real = np.load(out / "samples.npy"), np.load(out / "real.npy")
    assert samples.shape == (2000, 2) and samples.dtype == np.float32
    assert real.shape == (2000, 2) and real.dtype == np.float32
    assert "8 modes" in result.stdout or "/8 modes" in result.stdout


def test_same_seed_identical_samples(root, tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = run_cli(root, "train", "--preset", "wgan-gp-fix", *FAST, "--seed", "7",
                         "--out", str(out))
        assert result.returncode == 0, result.stderr
        outs.append(np.load(out / "samples.npy"))
    np.testing.assert_array_equal(outs[0], outs[1])


def test_config_json_reruns_the_same_run(root, tmp_path):
    first = tmp_path / "first"
    assert run_cli(root, "train", "--preset", "mode-collapse", *FAST, "--out", str(first)
                   ).returncode == 0
    again = tmp_path / "again"
    result = run_cli(root, "train", "--preset", str(first / "config.json"), "--out", str(again))
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(np.load(first / "samples.npy"), np.load(again / "samples.npy"))


@pytest.mark.parametrize(
    "args,expected",
    [
        (["train", "--preset", "no-such-preset", "--out", "x"], "preset"),
        (["train", "--preset", "mode-collapse", "--set", "lr_g=nan", "--out", "x"], "lr_g"),
        (["train", "--preset", "mode-collapse", "--set", "batch_size=-4", "--out", "x"],
         "batch_size"),
        (["train", "--preset", "mode-collapse", "--set", "bogus=1", "--out", "x"], "bogus"),
        (["train", "--preset", "mode-collapse", "--set", "novalue", "--out", "x"], "--set"),
        (["train", "--preset", "mode-collapse", "--steps", "-3", "--out", "x"], "steps"),
        (["train", "--preset", "mode-collapse", "--steps", "ten", "--out", "x"], "--steps"),
        (["train", "--preset", "mode-collapse"], "--out"),
        (["fly"], "fly"),
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(root, tmp_path, args, expected):
    result = run_cli(root, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_corrupt_preset_file_is_a_clear_error(root, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ this is not json")
    result = run_cli(root, "train", "--preset", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "JSON" in result.stderr and "Traceback" not in result.stderr


def test_presets_lists_names_with_descriptions(root):
    result = run_cli(root, "presets")
    assert result.returncode == 0
    lines = dict(line.split(None, 1) for line in result.stdout.strip().splitlines())
    required = {"mode-collapse", "wgan-gp-fix", "wgan-clip", "hinge-sn", "grid25-collapse",
                "grid25-wgan-gp", "nonsaturating-vs-minimax", "ganlab-default"}
    assert required <= set(lines)
    assert all(len(description) > 20 for description in lines.values())


def test_sweep_writes_a_table_and_a_summary(root, tmp_path):
    out = tmp_path / "sweep"
    result = run_cli(root, "sweep", "--preset", "wgan-gp-fix", "--seeds", "3", "--steps", "20",
                     "--set", "g_width=8", "--set", "d_width=8", "--set", "log_every=10",
                     "--processes", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with open(out / "sweep.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["seed"] for r in rows] == ["0", "1", "2"]
    assert {"modes_covered", "high_quality_frac", "mode_kl", "grid_js", "wall_s"} <= set(rows[0])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 3 and "mean" in summary["modes_covered"]
    assert (out / "seed-2" / "metrics.json").is_file()
    # each seed is the same run as `train --seed`
    single = tmp_path / "single"
    assert run_cli(root, "train", "--preset", "wgan-gp-fix", "--steps", "20", "--seed", "2",
                   "--set", "g_width=8", "--set", "d_width=8", "--set", "log_every=10",
                   "--out", str(single)).returncode == 0
    np.testing.assert_array_equal(np.load(single / "samples.npy"),
                                  np.load(out / "seed-2" / "samples.npy"))


def test_sweep_bad_seed_count_is_one_line(root, tmp_path):
    result = run_cli(root, "sweep", "--preset", "wgan-gp-fix", "--seeds", "0",
                     "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "--seeds" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_compare_writes_both_runs_and_the_deltas(root, tmp_path):
    out = tmp_path / "cmp"
    result = run_cli(root, "compare", "--preset", "collapse-vs-wgan-gp", "--steps", "20",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    a = json.loads((out / "A" / "config.json").read_text())
    b = json.loads((out / "B" / "config.json").read_text())
    assert a["loss"] == "nonsaturating" and b["loss"] == "wgan-gp"
    assert a["seed"] == b["seed"] and a["dataset"] == b["dataset"]
    report = json.loads((out / "comparison.json").read_text())
    assert "loss" in report["changed"]
    for side in ("A", "B"):
        assert (out / side / "samples.npy").is_file() and (out / side / "history.csv").is_file()
        metrics = json.loads((out / side / "metrics.json").read_text())
        assert report[side.lower()] == metrics  # each side's numbers are that run's own


def test_compare_of_twin_runs_reports_zero_deltas(root, tmp_path):
    """B is A with only log_every changed (it changes what is logged, not the training): the
    two runs are the same run, so every training metric's delta is exactly 0 by construction."""
    twins = tmp_path / "twins.json"
    twins.write_text(json.dumps({"pair": {
        "a": {"preset": "wgan-gp-fix", "changes": {"g_width": 8, "d_width": 8, "log_every": 10}},
        "b": {"preset": "wgan-gp-fix", "changes": {"g_width": 8, "d_width": 8, "log_every": 7}}}}))
    out = tmp_path / "cmp"
    result = run_cli(root, "compare", "--preset", str(twins), "--steps", "20", "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "comparison.json").read_text())
    assert report["changed"] == ["log_every"]
    delta = report["delta_b_minus_a"]
    for key in ("modes_covered", "high_quality_frac", "mode_kl", "d_loss", "g_loss"):
        assert delta[key] == 0, (key, delta[key])
    np.testing.assert_array_equal(np.load(out / "A" / "samples.npy"),
                                  np.load(out / "B" / "samples.npy"))


def test_comparison_is_b_minus_a_for_numbers_only():
    """Known metrics in, known deltas out: the sign is B − A, missing or non-numeric values
    (a 2-D run has no image metrics; a diverged loss is None) get no delta."""
    from playground.cli.runner import RunResult
    from playground.cli.sweep import comparison
    from playground.engine.config import TrainConfig

    a = RunResult(TrainConfig(), {"modes_covered": 3, "high_quality_frac": 0.75, "mode_kl": 1.5,
                                  "d_loss": None, "dataset": "ring8"})
    b = RunResult(TrainConfig(loss="wgan-gp", n_critic=5),
                  {"modes_covered": 8, "high_quality_frac": 0.5, "mode_kl": 0.25,
                   "d_loss": -0.5, "dataset": "ring8"})
    report = comparison(a, b)
    assert report["delta_b_minus_a"] == {"modes_covered": 5, "high_quality_frac": -0.25,
                                         "mode_kl": -1.25}
    assert report["changed"] == ["loss", "n_critic"]
    assert report["a"] == a.metrics and report["b"] == b.metrics


def test_a_pair_must_share_dataset_and_seed(root, tmp_path):
    bad = tmp_path / "bad-pair.json"
    bad.write_text(json.dumps({"pair": {"a": {"preset": "mode-collapse"},
                                        "b": {"preset": "mode-collapse",
                                              "changes": {"dataset": "grid25"}}}}))
    result = run_cli(root, "compare", "--preset", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "b.dataset" in result.stderr
    wrong_kind = run_cli(root, "train", "--preset", "collapse-vs-wgan-gp", "--out",
                         str(tmp_path / "o"))
    assert wrong_kind.returncode == 2 and "pair" in wrong_kind.stderr


MNIST_FAST = ["--steps", "20", "--set", "g_width=8", "--set", "d_width=8", "--set",
              "log_every=10", "--set", "batch_size=16"]


@pytest.mark.parametrize("conditional", [False, True])
def test_train_mnist_writes_class_metrics_history_and_a_digit_grid(root, tmp_path, conditional):
    from playground.engine.png import decode_png_size

    out = tmp_path / "mnist"
    result = run_cli(root, "train", "--preset", "mnist-dcgan", *MNIST_FAST,
                     "--set", f"conditional={str(conditional).lower()}", "--out", str(out))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("steps", "wall_s", "iters_per_s", "classes_covered", "class_kl",
                "mean_confidence", "fid_classifier", "d_loss", "g_loss", "diverged"):
        assert metrics[key] is not None, key
    assert 0 <= metrics["classes_covered"] <= 10 and metrics["fid_classifier"] > 0
    assert 1.0 <= metrics["is_classifier"] <= 10.0  # the classifier Inception Score
    assert 9.0 < metrics["is_classifier_real"] <= 10.0  # real digits' own, for reference
    assert ("label_accuracy" in metrics) == ("worst_digit_accuracy" in metrics) == conditional
    assert "test set" in metrics["data"]  # says it trained on the 10k test set
    with open(out / "history.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["step"]) for r in rows] == [10, 20]
    assert {"classes_covered", "class_kl", "mean_confidence", "fid_classifier",
            "is_classifier"} <= set(rows[0])
    assert decode_png_size((out / "samples.png").read_bytes()) == (302, 302)  # 10x10 digits
    assert not (out / "samples.npy").exists()
    assert "/10 classes" in result.stdout


def test_missing_mnist_is_one_clear_line(root, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(__import__("os").environ, MNIST_DIR=str(empty), HOME=str(tmp_path),
               XDG_CACHE_HOME=str(tmp_path / "cache"), PLAYGROUND_OFFLINE="1",
               PLAYGROUND_SHIPPED_MNIST="0")
    result = subprocess.run([sys.executable, "-m", "playground", "train", "--preset",
                             "mnist-dcgan", "--steps", "5", "--out", str(tmp_path / "o")],
                            cwd=root, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MNIST not found" in lines[0] and "MNIST_DIR" in lines[0]
    assert "Traceback" not in result.stderr
