"""An MNIST run in the live view: digit grid, class histogram, curves, the cGAN digit picker."""

import base64
import json

import numpy as np

from playground.engine.config import TrainConfig
from playground.engine.png import decode_png_size
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.web.viz import live_figure, status_fields
from playground.web.viz_curves import curves_figure

MNIST_SMALL = TrainConfig(dataset="mnist", architecture="dcgan", g_width=8, d_width=8,
                          noise_dim=16, batch_size=16, eval_samples=500)


def _png(figure) -> bytes:
    source = next(t for t in figure["data"] if t["type"] == "image")["source"]
    assert source.startswith("data:image/png;base64,")
    return base64.b64decode(source.split(",", 1)[1])


def test_image_run_draws_a_digit_grid_that_changes_with_training():
    run = LiveRun("s", MNIST_SMALL)
    first = run.snapshot(ViewOptions())
    assert first.digit_grid is not None and first.digit_grid.dtype == np.uint8
    run.step(5)
    second = run.snapshot(ViewOptions())
    assert second.step == 5
    assert not np.array_equal(first.digit_grid, second.digit_grid)  # G learned something
    figure = live_figure(second)
    width, height = decode_png_size(_png(figure))
    assert (width, height) == (second.digit_grid.shape[1], second.digit_grid.shape[0])
    assert width == 10 * 30 + 2  # ten columns of 28 px digits with 2 px padding
    bar = next(t for t in figure["data"] if t["type"] == "bar")
    assert len(bar["y"]) == 10 and abs(sum(bar["y"]) - 1) < 1e-6  # class shares
    target = next(t for t in figure["data"] if "uniform" in t["name"])
    assert target["y"] == [0.1, 0.1]
    assert len(json.dumps(figure)) < 150_000  # a frame stays small


def test_image_run_records_class_metrics_in_its_history_and_status():
    run = LiveRun("s", MNIST_SMALL)
    run.step(40)
    snap = run.snapshot(ViewOptions())
    history = snap.history
    assert len(history["step"]) >= 2
    assert np.isfinite(history["classes_covered"]).all()
    assert np.isfinite(history["mean_confidence"]).all()
    assert np.isnan(history["modes_covered"]).all()  # no 2-D modes in an image run
    curves = curves_figure([("", snap)])
    names = {t["name"] for t in curves["data"]}
    assert {"classes covered (≥2%)", "mean confidence", "D loss"} <= names
    assert curves["layout"]["grid"]["rows"] == 4
    status = status_fields(snap)
    assert status.quality.startswith("classes ") and "/10 · confidence 0." in status.quality
    assert "test set" in status.data_note  # only the 10k test set is shared here: say so


def test_conditional_grid_shows_one_row_per_picked_digit():
    run = LiveRun("s", MNIST_SMALL.with_changes(conditional=True))
    snap = run.snapshot(ViewOptions(digits=(3, 7)))
    assert snap.grid_rows == (3, 7)
    assert snap.digit_grid.shape == (2 * 30 + 2, 10 * 30 + 2)
    labels = [a["text"] for a in live_figure(snap)["layout"]["annotations"]]
    assert labels == ["<b>3</b>", "<b>7</b>"]
    everything = run.snapshot(ViewOptions())
    assert everything.grid_rows == tuple(range(10))


def test_a_changed_digit_pick_redraws_even_when_paused():
    run = LiveRun("s", MNIST_SMALL.with_changes(conditional=True))
    run.snapshot(ViewOptions(digits=(1,)))
    assert not run.changed_since_drawn(ViewOptions(digits=(1,)))
    assert run.changed_since_drawn(ViewOptions(digits=(1, 2)))


def test_chunked_live_evaluation_equals_the_one_shot_evaluation():
    """The live view classifies its samples 50 at a time between steps (so a Pause never waits
    for a whole evaluation); with G unchanged, the chunks add up to the one-shot metrics."""
    from playground.engine.trainer import Trainer
    from playground.live.watch import IMAGE_EVAL_SAMPLES, ChunkedEvaluation

    for config in (MNIST_SMALL, MNIST_SMALL.with_changes(conditional=True)):
        trainer = Trainer(config)
        for _ in range(3):
            trainer.step()
        whole = trainer.evaluate(trainer.generate(trainer.eval_noise[:IMAGE_EVAL_SAMPLES]))
        evaluation, chunks, metrics = ChunkedEvaluation(trainer, chunk=50), 0, None
        while metrics is None:
            metrics, chunks = evaluation.advance(), chunks + 1
        assert chunks == IMAGE_EVAL_SAMPLES // 50
        assert metrics.keys() == whole.keys()
        for key, value in whole.items():
            np.testing.assert_allclose(metrics[key], value, rtol=1e-4, atol=1e-5, err_msg=key)
