"""Data kinds: what differs between points and images is decided once, by the kind."""

from pathlib import Path

import numpy as np
import pytest

from playground.engine.config import TrainConfig
from playground.engine.judges import ImageJudge, PointJudge
from playground.engine.kinds import IMAGES, POINTS, kind_of
from playground.engine.trainer import Trainer
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.live.watch import ImagesWatch, PointsWatch

ROOT = Path(__file__).resolve().parent.parent
SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=200)


@pytest.mark.parametrize("dataset", ["ring8", "grid25", "line", "spiral", "moons"])
def test_points_are_judged_by_modes_and_watched_as_points(dataset):
    config = SMALL.with_changes(dataset=dataset)
    trainer = Trainer(config)
    assert kind_of(dataset) is POINTS and isinstance(trainer.judge, PointJudge)
    metrics = trainer.evaluate()
    assert set(POINTS.metric_names(config)) <= set(metrics)
    assert isinstance(LiveRun("s", config).watch, PointsWatch)
    assert isinstance(trainer.eval_real, np.ndarray)


def test_images_are_judged_by_the_classifier_and_watched_as_a_grid():
    config = SMALL.with_changes(dataset="mnist", architecture="dcgan", noise_dim=16,
                                conditional=True)
    run = LiveRun("s", config)
    assert kind_of("mnist") is IMAGES and isinstance(run.trainer.judge, ImageJudge)
    assert isinstance(run.watch, ImagesWatch)
    assert IMAGES.metric_names(config)[-2:] == ("label_accuracy", "worst_digit_accuracy")
    assert {"classes_covered", "label_accuracy"} <= set(run.last_metrics)
    assert run.snapshot(ViewOptions()).digit_grid is not None


def test_the_trainer_has_no_classifier_code_and_live_runs_do_not_branch_on_images():
    trainer_source = (ROOT / "playground/engine/trainer.py").read_text()
    assert "classifier" not in trainer_source and "image_metrics" not in trainer_source
    for module in ("live/run.py", "live/pair.py", "live/worker.py"):
        assert "is_image" not in (ROOT / "playground" / module).read_text(), module


def test_a_rebuilt_trainer_is_judged_as_itself():
    trainer = Trainer(SMALL)
    trainer.apply(SMALL.with_changes(g_width=8))
    assert trainer.judge.trainer is trainer


def test_a_slowed_image_run_is_not_evaluated_more_often_per_step(monkeypatch):
    """The live classifier waits for IMAGE_METRICS_MIN_STEPS steps as well as the clock, so a run
    a busy worker steps at 2 it/s does not spend its turns evaluating a G that barely moved."""
    from playground.live import watch as watch_module

    config = SMALL.with_changes(dataset="mnist", architecture="dcgan", noise_dim=16)
    run = LiveRun("s", config)
    images = run.watch
    monkeypatch.setattr(watch_module.time, "perf_counter", lambda: 1e9)  # the clock is long past
    started = 0
    for _ in range(watch_module.IMAGE_METRICS_MIN_STEPS - 1):
        run.trainer.step()
        images.between_steps()
        started += images._evaluation is not None
    assert started == 0
    run.trainer.step()
    images.between_steps()
    assert images._evaluation is not None
