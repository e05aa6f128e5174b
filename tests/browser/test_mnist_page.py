"""MNIST in the browser: pick a preset, Play, watch digits form; the cGAN's digit picker."""

import time

import pytest

from tests.browser.helpers import choose, iteration, message, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

GRID = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const t = (gd._fullData || []).find(t => t.type === 'image');
  return t ? t.source : null;
}"""
HISTOGRAM = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const t = (gd._fullData || []).find(t => t.type === 'bar');
  return t ? Array.from(t.y) : null;
}"""
ROW_LABELS = """() => (document.querySelector('#live-plot .gp-plot')._fullLayout.annotations || [])
                      .map(a => a.text)"""


def test_mnist_digits_form_and_the_class_histogram_updates(page, artifacts):
    choose(page, "preset", "mnist-dcgan")
    wait_until(lambda: "mnist-dcgan" in message(page), what="preset loaded")
    wait_until(lambda: page.evaluate(GRID) is not None, what="the digit grid")
    assert not page.is_visible("#ov-arrows")  # 2-D overlays are hidden for images
    assert not page.is_visible("#digit-picker")  # only a cGAN has digits to pick
    assert "test set" in page.inner_text("#gp-status")  # says which MNIST it trains on
    start = page.evaluate(GRID)
    assert start.startswith("data:image/png;base64,")
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 60, timeout=120, what="training on MNIST")
    time.sleep(1)
    later = page.evaluate(GRID)
    assert later != start  # the digits changed as G trained
    shares = page.evaluate(HISTOGRAM)
    assert len(shares) == 10 and abs(sum(shares) - 1) < 1e-3
    assert "classes" in page.inner_text("#gp-status")
    page.screenshot(path=artifacts / "20-mnist-dcgan-playing.png", full_page=True)
    page.click("#btn-pause")
    wait_until(lambda: "paused" in page.inner_text("#gp-status"), what="pause")
    assert not page.js_errors, page.js_errors
    assert not page.outside_requests, page.outside_requests


def test_conditional_gan_draws_the_picked_digits(page, artifacts):
    choose(page, "preset", "mnist-cgan")
    wait_until(lambda: "mnist-cgan" in message(page), what="preset loaded")
    wait_until(lambda: page.is_visible("#digit-picker"), what="the digit picker")
    wait_until(lambda: len(page.evaluate(ROW_LABELS)) == 10, what="ten rows, one per digit")
    for digit in "01245689":  # leave 3 and 7 ticked
        page.locator("#digit-picker label").filter(has_text=digit).click()
    wait_until(lambda: page.evaluate(ROW_LABELS) == ["<b>3</b>", "<b>7</b>"],
               what="rows for the picked digits only")
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 40, timeout=120, what="training")
    page.screenshot(path=artifacts / "21-mnist-cgan-picked-3-7.png", full_page=True)
    assert not page.js_errors, page.js_errors


STAGE_GRIDS = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  return (gd._fullData || []).filter(t => t.type === 'image').map(t => t.name);
}"""
CURVE_NAMES = """() => (document.querySelector('#curves .gp-plot')._fullData || [])
                      .map(t => t.name)"""


def test_a_stacked_gan_shows_both_stages_and_their_losses(page, artifacts):
    choose(page, "preset", "mnist-stacked")
    wait_until(lambda: "mnist-stacked" in message(page), what="preset loaded")
    wait_until(lambda: len(page.evaluate(STAGE_GRIDS)) == 2, what="two grids")
    assert page.evaluate(STAGE_GRIDS) == ["generated digits", "stage 1 (14x14)"]
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 30, timeout=120, what="training the stacked GAN")
    wait_until(lambda: "stage 1 D loss" in page.evaluate(CURVE_NAMES), what="stage losses")
    assert {"stage 2 D loss", "stage 1 G loss", "stage 2 G loss"} <= set(
        page.evaluate(CURVE_NAMES))
    page.click("#btn-pause")
    wait_until(lambda: "paused" in page.inner_text("#gp-status"), what="pause")
    page.screenshot(path=artifacts / "22-mnist-stacked-two-stages.png", full_page=True)
    assert not page.js_errors, page.js_errors


def test_stacked_mnist_draws_colour_digits_and_counts_modes(page, artifacts):
    choose(page, "preset", "stacked-mnist-dcgan")
    wait_until(lambda: "stacked-mnist-dcgan" in message(page), what="preset loaded")
    wait_until(lambda: page.evaluate(GRID) is not None, what="the colour grid")
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 30, timeout=120, what="training on Stacked MNIST")
    wait_until(lambda: "modes" in page.inner_text("#gp-status"), what="modes in the status")
    page.click("#btn-pause")
    wait_until(lambda: "paused" in page.inner_text("#gp-status"), what="pause")
    grid = page.evaluate(GRID)
    # The grid is an RGB PNG (colour type 2 in the IHDR chunk, byte 25 of the file).
    import base64

    png = base64.b64decode(grid.split(",", 1)[1])
    assert png[25] == 2, f"PNG colour type {png[25]}, not RGB"
    page.screenshot(path=artifacts / "23-stacked-mnist-rgb.png", full_page=True)
    assert not page.js_errors, page.js_errors
