"""The playground in headless Chromium, driven like a person would, with screenshots."""

import time

import pytest

from tests.browser.helpers import (
    FAKE_X,
    REAL_POINTS,
    TRACE_NAMES,
    choose,
    iteration,
    message,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_play_watch_pause_change_loss(page, artifacts):
    assert {"discriminator", "real", "fake (G)"} <= set(page.evaluate(TRACE_NAMES))
    choose(page, "preset", "wgan-gp-fix")
    wait_until(lambda: "wgan-gp-fix" in message(page), what="preset loaded")
    wait_until(lambda: iteration(page) == 0, what="reset to step 0")
    page.screenshot(path=artifacts / "01-before-play.png", full_page=True)
    before = page.evaluate(FAKE_X)
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 100, what="iterations to grow")
    first = iteration(page)
    time.sleep(2)
    assert iteration(page) > first  # still counting
    after = page.evaluate(FAKE_X)
    assert before and after and before != after  # the fake points moved
    page.screenshot(path=artifacts / "02-after-play.png", full_page=True)

    choose(page, "loss", "hinge")
    wait_until(lambda: "loss" in message(page), what="live edit message")
    assert "new networks" not in message(page)
    running = iteration(page)
    wait_until(lambda: iteration(page) > running + 50, what="training to go on after the edit")
    assert "critic" in page.inner_text("#live-plot")  # the legend says it is a critic now

    page.click("#btn-pause")
    wait_until(lambda: "paused" in page.inner_text("#gp-status"), what="pause")
    stopped = iteration(page)
    time.sleep(1.5)
    assert iteration(page) == stopped
    page.screenshot(path=artifacts / "03-paused-hinge.png", full_page=True)
    assert not page.js_errors, page.js_errors
    assert not page.outside_requests, page.outside_requests  # works offline: no CDN, fonts


def test_zoom_survives_new_frames(page):
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 20, what="training")
    box = page.locator("#live-plot .nsewdrag").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()  # drag a zoom box, as a user does
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5, steps=8)
    page.mouse.up()
    ranges = """() => { const l = document.querySelector('#live-plot .gp-plot')._fullLayout;
                        return [l.xaxis.range, l.yaxis.range]; }"""
    zoomed = page.evaluate(ranges)
    assert zoomed[0][1] - zoomed[0][0] < 3  # it did zoom in
    renders = "() => Number(document.querySelector('#live-plot .gp-plot').dataset.renders)"
    start = page.evaluate(renders)
    wait_until(lambda: page.evaluate(renders) > start + 5, what="new frames")
    assert page.evaluate(ranges) == zoomed


def test_out_of_range_number_is_named_and_ignored(page):
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 20, what="training")
    field = page.locator("#gp-lambda input")
    field.fill("-5")
    field.press("Enter")
    wait_until(lambda: "gp_lambda" in message(page), what="the field to be named")
    assert "⚠" in message(page)
    running = iteration(page)
    wait_until(lambda: iteration(page) > running + 20, what="the run to go on")


def test_draw_three_points_and_train_on_them(page, artifacts):
    page.check("#draw-mode input")
    box = page.locator("#live-plot .nsewdrag").bounding_box()
    clicks = [(0.3, 0.3), (0.7, 0.4), (0.5, 0.75)]
    for fx, fy in clicks:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    drawn = page.input_value("#drawn-points textarea")
    assert drawn.count("[") == 4, drawn  # [[..],[..],[..]]
    # An empty canvas with the points: the other traces stay (hidden) so the axes keep still.
    assert page.evaluate("""() => document.querySelector('#live-plot .gp-plot')._fullData
        .filter(t => t.visible === true && t.opacity > 0).map(t => t.name)""") == ["your points"]
    page.screenshot(path=artifacts / "04-drawn-points.png", full_page=True)
    page.click("#btn-train-drawn")
    wait_until(lambda: "3 points" in message(page), what="training on drawn points")
    wait_until(lambda: iteration(page) > 50, what="training on the drawn points")
    assert not page.is_checked("#draw-mode input")  # back to watching the training
    real = page.evaluate(REAL_POINTS)
    import json

    import numpy as np

    centres = np.array(json.loads(drawn))
    real = np.array(real)
    distances = np.linalg.norm(real[:, None] - centres[None], axis=-1).min(axis=1)
    assert np.quantile(distances, 0.95) < 0.3  # the real data is now the user's points
    time.sleep(3)
    page.screenshot(path=artifacts / "05-training-on-drawn.png", full_page=True)
    assert not page.js_errors, page.js_errors


def test_bad_input_shows_a_message_and_the_run_survives(page, artifacts):
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 20, what="training")
    load_config_text(page, '{"lr_g": NaN, "batch_size": -3}')
    wait_until(lambda: "⚠" in message(page), what="an error message")
    assert "lr_g" in message(page) and "finite" in message(page)
    running = iteration(page)
    wait_until(lambda: iteration(page) > running + 20, what="the run to go on")
    page.screenshot(path=artifacts / "06-bad-config.png", full_page=True)


def load_config_text(page, text: str) -> None:
    """Paste a config into the share panel and press Load config, as a user would."""
    page.get_by_text("Share / reproduce: config JSON").click()  # open the accordion
    page.locator("#config-json .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.click("#btn-load-config")


def test_heap_and_dom_stay_flat_while_training_for_60s(page, artifacts):
    # A long planned run, so Play does not pause at the preset's length within the minute.
    load_config_text(page, '{"steps": 1000000, "g_width": 64, "d_width": 64}')
    wait_until(lambda: "config loaded" in message(page), what="config loaded")
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 50, what="training")
    time.sleep(5)

    assert page.evaluate("() => typeof window.gc") == "function"  # --js-flags=--expose-gc

    def measure():
        page.evaluate("() => { window.gc(); window.gc(); }")  # full collections: live set only
        return page.evaluate("""() => ({heap: performance.memory.usedJSHeapSize,
                                         nodes: document.getElementsByTagName('*').length,
                                         renders: Number(document.querySelector(
                                           '#live-plot .gp-plot').dataset.renders || 0)})""")

    start = measure()
    samples = []
    for _ in range(6):  # a minute, sampled every 10 s
        time.sleep(10)
        samples.append(measure())
    end = samples[-1]
    frames = end["renders"] - start["renders"]
    heaps = [round(m["heap"] / 2**20, 1) for m in [start, *samples]]
    print(f"heap every 10 s (MB): {heaps}, DOM {start['nodes']} → {end['nodes']}, "
          f"{frames / 60:.1f} frames/s drawn")
    page.screenshot(path=artifacts / "07-after-60s.png", full_page=True)
    assert frames > 60  # it really was redrawing the whole time (fps: bench/ui_frames.py)
    # Flat: the last readings are no higher than the early ones plus slack (a leak of even
    # 20 KB per frame would add several MB per sample and grow every time).
    assert min(m["heap"] for m in samples[-2:]) < min(m["heap"] for m in samples[:2]) + 8 * 2**20
    assert end["nodes"] < start["nodes"] * 1.1 + 50


def test_share_link_opens_its_config(browser, app_url, artifacts):
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(app_url + "?preset=wgan-gp-fix&seed=3&lr_g=0.0005&g_width=48")
    page.wait_for_selector("#live-plot .gp-plot .main-svg", timeout=60_000)
    wait_until(lambda: "link" in message(page), what="the link's config to load")
    assert page.input_value("#loss input") == "wgan-gp"
    assert page.input_value("#seed input") == "3"
    page.get_by_text("Share / reproduce: config JSON").click()
    wait_until(lambda: "lr_g=0.0005" in page.input_value("#share-link textarea"),
               what="the share link to be shown")
    link = page.input_value("#share-link textarea")
    assert link.startswith(app_url + "?preset=wgan-gp-fix&") and "seed=3" in link
    assert "g_width=48" in link and "loss=" not in link  # only what differs from the preset
    # The run is wgan-gp-fix with changes, not that preset: the box says so (issue 14, bug 1).
    assert page.input_value("#preset input") == ""
    page.get_by_text("About this preset").click()
    wait_until(lambda: "wgan-gp-fix" in page.inner_text("#preset-info"), what="the preset text")
    assert "your own settings" in page.inner_text("#preset-info").lower()
    again = browser.new_page()  # the link itself reproduces the config
    again.goto(link)
    again.wait_for_selector("#live-plot .gp-plot .main-svg", timeout=60_000)
    wait_until(lambda: "link" in message(again), what="the shared link to load")
    assert again.input_value("#seed input") == "3" and again.input_value("#loss input") == "wgan-gp"
    again.close()
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 20, what="training")
    page.screenshot(path=artifacts / "08-share-link.png", full_page=True)
    bad = browser.new_page()
    bad.goto(app_url + "?lr_g=NaN")
    bad.wait_for_selector("#live-plot .gp-plot .main-svg", timeout=60_000)
    wait_until(lambda: "not usable" in message(bad), what="a message about the bad link")
    assert "lr_g" in message(bad)
    page.close()
    bad.close()
