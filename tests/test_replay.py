"""Replay: films thin and round-trip through a file, the shipped preset films are real runs of
their presets' configs (and small), and a film frame becomes the live plot's figure."""

import base64

import numpy as np
import pytest

from playground.engine.config import TrainConfig
from playground.live.film import FilmReel, load_reel, save_reel, thin_reel
from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.presets import load_preset
from playground.web.replay import (
    FILM_DIR,
    frame_index,
    replay_curves,
    replay_figure,
    shipped_film,
    shipped_films,
)
from playground.web.tab_state import TabView


def small_run(steps: int = 60) -> LiveRun:
    config = TrainConfig(dataset="ring8", steps=steps, seed=3)
    run = LiveRun("t", config)
    run.step(steps)
    return run


def test_a_reel_thins_and_round_trips_through_a_file(tmp_path):
    run = small_run()
    reel = run.reel()[0]
    assert [step for step, _ in reel.frames] == [10, 20, 30, 40, 50, 60]
    small = thin_reel(reel, frames=3, points=40)
    assert [step for step, _ in small.frames] == [10, 30, 60]  # first and last kept
    assert small.frames[0][1].fake.shape == (40, 2) and small.real.shape == (40, 2)
    path = tmp_path / "film.npz"
    save_reel(small, path, run.trainer.config.to_json())
    back, text = load_reel(path)
    assert TrainConfig.from_json(text) == run.trainer.config
    assert back.bounds == small.bounds
    for (step, frame), (step2, frame2) in zip(small.frames, back.frames, strict=True):
        assert step == step2
        np.testing.assert_array_equal(frame.fake, frame2.fake)
        np.testing.assert_array_equal(frame.surface, frame2.surface)


def test_a_reel_keeps_the_run_s_curves_through_a_file(tmp_path):
    run = small_run()
    reel = run.reel()[0]
    assert list(reel.history["step"][:2]) == [0, run.stride]
    small = thin_reel(reel, frames=3, points=40)
    path = tmp_path / "film.npz"
    save_reel(small, path, run.trainer.config.to_json())
    back, _ = load_reel(path)
    assert set(back.history) == set(reel.history)
    np.testing.assert_array_equal(back.history["step"], reel.history["step"])
    np.testing.assert_array_equal(back.history["modes_covered"], reel.history["modes_covered"])


def test_a_replayed_frame_shows_the_curves_up_to_its_step():
    run = small_run()
    live = run.snapshots(ViewOptions())[0]
    reel = run.reel()[0]
    for index, (step, _) in enumerate(reel.frames):
        figure = replay_curves(reel, index, live)
        losses = next(t for t in figure["data"] if t["name"] == "D loss")
        steps = np.frombuffer(base64.b64decode(losses["x"]["bdata"]),
                              losses["x"]["dtype"])
        assert steps.max() == step and steps.min() == 0, (step, steps)
    # A film without curves (an older file) leaves the curves to the live run.
    bare = FilmReel(reel.frames, reel.real, reel.bounds)
    assert replay_curves(bare, 0, live) is None


def test_a_file_that_is_not_a_film_is_refused(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a film"):
        load_reel(path)
    with pytest.raises(ValueError, match="2-D reel"):
        save_reel(FilmReel([], None, (0.0, 1.0)), tmp_path / "x.npz", "{}")


def test_frame_index_spans_the_film():
    assert [frame_index(p, 5) for p in (0, 24, 26, 100, 150, -3)] == [0, 1, 1, 4, 4, 0]


def test_shipped_films_are_small_and_match_their_presets():
    """Each shipped film is the preset's own config trained to its planned length."""
    files = sorted(FILM_DIR.glob("*.npz"))
    assert len(files) >= 10, files
    total = sum(path.stat().st_size for path in files)
    assert total < 400_000, f"{total / 1024:.0f} KB shipped"
    assert len(shipped_films()) == len(files)  # every file reads
    for path in files:
        config = load_preset(path.stem).config
        reel = shipped_film(config)
        assert reel is not None, path.stem
        steps = [step for step, _ in reel.frames]
        assert steps == sorted(steps) and len(steps) >= 10
        assert steps[-1] >= config.steps * 0.9 or path.stem == "fast-discriminator-collapse"
        # ... with the run's curves to its last frame, so a replay shows them too
        assert reel.history is not None and reel.history["step"][-1] == steps[-1], path.stem
        assert 10 <= len(reel.history["step"]) <= 200, path.stem
    assert shipped_film(TrainConfig(dataset="ring8", seed=12345)) is None


def test_a_film_frame_draws_as_the_live_plot_with_the_real_points():
    run = small_run()
    live = run.snapshots(ViewOptions())[0]
    reel = run.reel()[0]
    figure = replay_figure(reel, 0, live)
    by_name = {trace.get("name"): trace for trace in figure["data"]}
    assert {"discriminator", "fake (G)", "real"} <= set(by_name)
    assert len(by_name["real"]["x"]["bdata"]) > 0
    first, last = replay_figure(reel, 0, live), replay_figure(reel, 5, live)
    assert first["data"][1]["x"] != last["data"][1]["x"]  # different frames, different fakes


def test_a_replay_holds_until_the_run_moves_on():
    run = small_run()
    snap = run.snapshots(ViewOptions())[0]
    view = TabView()
    assert not view.replay_holds(snap)
    view.hold_replay(snap)
    assert view.replay_holds(snap)
    run.step(1)
    assert not view.replay_holds(run.snapshots(ViewOptions())[0])  # a Step ends it
    assert not view.replay_holds(snap)  # for good
