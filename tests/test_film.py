"""The film of a run: bounded frames over the whole run, rendered to an animated GIF."""

import io

from PIL import Image

from playground.engine.config import TrainConfig
from playground.live.film import MAX_FRAMES, Film, render_gif
from playground.live.run import LiveRun

SMALL = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                    eval_samples=600)


def test_film_stays_bounded_and_spans_the_whole_run():
    film = Film(every=1)
    for step in range(1, 2001):
        if film.due(step):
            film.add(step, step)
    assert len(film.frames) <= MAX_FRAMES
    steps = [s for s, _ in film.frames]
    assert steps == sorted(steps) and steps[-1] >= 1900 and steps[0] <= 16
    assert len(set(b - a for a, b in zip(steps, steps[1:]))) == 1  # evenly spaced


def test_a_2d_run_renders_an_animated_gif_whose_frames_differ():
    run = LiveRun("s", SMALL)
    run.step(60)
    (reel,) = run.reel()
    assert [s for s, _ in reel.frames] == [10, 20, 30, 40, 50, 60]
    gif = Image.open(io.BytesIO(render_gif(reel)))
    assert gif.format == "GIF" and gif.n_frames == 6 and gif.size == (260, 260)
    gif.seek(0)
    first = gif.convert("RGB").tobytes()
    gif.seek(5)
    assert gif.convert("RGB").tobytes() != first  # the fakes moved


def test_the_gif_shows_the_background_as_the_live_plot_does():
    """Issue 14: the exported GIF had white frames; it now carries D's opinion behind the
    points (purple where D says fake, green where it says real)."""
    run = LiveRun("s", SMALL)
    run.step(30)
    (reel,) = run.reel()
    step, frame = reel.frames[-1]
    assert frame.surface.shape == (32, 32) and frame.surface.dtype.name == "uint8"
    gif = Image.open(io.BytesIO(render_gif(reel)))
    gif.seek(gif.n_frames - 1)
    pixels = gif.convert("RGB")
    corner = pixels.getpixel((250, 250))  # far from every point: pure background
    assert corner != (255, 255, 255), corner
    level = frame.surface[0, -1] / 255  # the bottom-right cell
    expected_greener = level > 0.5
    r, g, b = corner
    assert (g > r) == expected_greener, (corner, level)


def test_an_mnist_run_films_its_digit_grid():
    run = LiveRun("s", TrainConfig(dataset="mnist", architecture="dcgan", g_width=8, d_width=8,
                                   noise_dim=16, batch_size=16, eval_samples=200))
    run.step(20)
    (reel,) = run.reel()
    assert len(reel.frames) == 2 and isinstance(reel.frames[0][1], bytes)
    assert Image.open(io.BytesIO(render_gif(reel))).n_frames == 2


def test_no_frames_yet_is_a_clear_error():
    import pytest

    with pytest.raises(ValueError, match="press Play"):
        render_gif(LiveRun("s", SMALL).reel()[0])
