"""Replay in the page: a fresh preset's timeline scrubs its shipped film before any training,
with the film's curves up to the shown step, "watch the film" plays it, a trained run's
timeline scrubs back through its own film while paused, and Play goes on from the live
state."""

import pytest

from playground.presets import load_preset
from playground.web.controls import DEFAULT_PRESET
from tests.browser.helpers import (
    CURVES_REACH,
    FAKE_X,
    REAL_POINTS,
    iteration,
    message,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def set_timeline(page, percent: int) -> None:
    """Type a position into the timeline's number box and press Enter, as a user can."""
    box = "#timeline input[type=number]"
    page.fill(box, str(percent))
    page.press(box, "Enter")


def test_a_fresh_preset_shows_its_film_before_training(page, artifacts):
    assert iteration(page) == 0
    before = page.evaluate(FAKE_X)
    set_timeline(page, 100)
    last = f"pre-computed film: step {load_preset(DEFAULT_PRESET).config.steps:,}"
    wait_until(lambda: last in message(page), timeout=20,
               what=f"the preset's last film frame (message: {message(page)!r})")
    late = page.evaluate(FAKE_X)
    assert late != before  # the plot shows the trained G of the film, not step 0
    assert page.evaluate(REAL_POINTS)  # with the real points on top
    steps = load_preset(DEFAULT_PRESET).config.steps
    # The curves show the film's run up to that frame, not the untrained live run.
    wait_until(lambda: (page.evaluate(CURVES_REACH) or [0, 0])[1] == steps, timeout=10,
               what=f"the film's curves to step {steps} ({page.evaluate(CURVES_REACH)})")
    page.screenshot(path=artifacts / "60-replay-preset-film.png")
    set_timeline(page, 0)
    wait_until(lambda: "(frame 1 of" in message(page), timeout=20, what="the first frame")
    assert page.evaluate(FAKE_X) != late
    first = int(message(page).split("step ")[1].split(" ")[0].replace(",", ""))
    wait_until(lambda: (page.evaluate(CURVES_REACH) or [0, 0])[1] == first, timeout=10,
               what=f"the curves cut back to step {first} ({page.evaluate(CURVES_REACH)})")
    assert iteration(page) == 0  # nothing trained
    page.click("#btn-watch-film")
    wait_until(lambda: "frame 20 of 20" in message(page), timeout=30,
               what=f"the film to play to its end (message: {message(page)!r})")
    assert page.input_value("#timeline input[type=number]") == "100"
    assert not page.js_errors, page.js_errors


def test_scrub_back_through_a_run_then_play_goes_on(page, artifacts):
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 300, timeout=60, what="300 steps of training")
    set_timeline(page, 0)  # scrubbing pauses the run
    wait_until(lambda: "this run's film: step 10 " in message(page), timeout=20,
               what=f"the run's first film frame (message: {message(page)!r})")
    # The status line that says "paused" comes from a snapshot taken after the pause: its
    # step is final (a frame in flight may still show a step or two before it).
    wait_until(lambda: "paused" in page.inner_text("#gp-status"), what="the paused status")
    paused_at = iteration(page)
    replayed = page.evaluate(FAKE_X)
    page.wait_for_timeout(1500)  # the timer keeps ticking: the replayed frame must stay
    assert page.evaluate(FAKE_X) == replayed
    assert iteration(page) == paused_at
    page.screenshot(path=artifacts / "61-replay-run-film.png")
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > paused_at + 50, timeout=60, what="training to go on")
    wait_until(lambda: page.evaluate(FAKE_X) != replayed, timeout=10, what="the live view")
    # The curves are the live run's again, up to its newest step.
    wait_until(lambda: (page.evaluate(CURVES_REACH) or [0, 0])[1] > paused_at, timeout=10,
               what=f"the live curves ({page.evaluate(CURVES_REACH)})")
    assert page.input_value("#timeline input[type=number]") == "100"
    assert not page.js_errors, page.js_errors
