"""Issue 14's bugs, each driven in headless Chromium as a person would meet it: a control touch
must not change the learning rates, the share link is there from the first moment, Enter in a
slider's number box applies it, and the Compare tab's messages belong to the side they are on.
"""

import json
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest

from playground.presets import load_preset
from tests.browser.helpers import choose, message, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def link_query(page) -> dict:
    """The share link's query, as {field: [value]} (the link *is* the config)."""
    return parse_qs(urlparse(share_link(page)).query)


def share_link(page) -> str:
    if not page.is_visible("#share-link"):
        page.get_by_text("Share / reproduce: config JSON").click()
        wait_until(lambda: page.is_visible("#share-link"), what="the share box")
    return page.input_value("#share-link textarea")


def test_share_link_is_there_on_a_fresh_page(page):
    """Bug 4: the link was empty until something changed."""
    wait_until(lambda: share_link(page).endswith("?preset=mode-collapse"), timeout=15,
               what=f"a share link on a fresh page (it is {share_link(page)!r})")
    assert share_link(page).startswith("http://127.0.0.1")


def test_a_preset_pick_is_one_answer_with_its_link_and_dataset_text(page):
    """Picks were lost on a busy machine. Two causes: Gradio 6's dropdown sends ``input`` twice
    per pick, so each preset was built twice (the second often timing out), and a pick set off
    two more server events (the share link from the config text, the dataset's text). Now
    the pick is one request whose answer carries both; only a draft typed into the editor
    asks for its link. (The other request: the replay timeline's reset.)"""
    joins = []
    page.on("request", lambda r: joins.append(r.post_data) if "queue/join" in r.url else None)
    choose(page, "preset", "grid25-wgan-gp")
    wait_until(lambda: "grid25-wgan-gp" in message(page), what="the preset's message")
    assert share_link(page).endswith("?preset=grid25-wgan-gp")
    assert "25" in page.text_content("#dataset-info")
    time.sleep(3.0)
    picks = [body for body in joins if '"data":["grid25-wgan-gp"]' in body.replace(" ", "")]
    assert len(picks) == 1 and len(joins) == 2, joins
    config_box = "#config-json .cm-content"
    draft = json.loads(load_preset("grid25-wgan-gp").config.to_json())
    page.click(config_box)
    text = json.dumps({**draft, "seed": 7}, indent=2)
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    wait_until(lambda: link_query(page).get("seed") == ["7"], timeout=15,
               what=f"the link to follow a typed draft (it is {share_link(page)!r})")


def enter_live(page, box: str, field: str, value: str) -> None:
    """Type ``value`` into ``box`` and press Enter, then wait for the share link to carry it
    and check the message says it applied live (a lever must not reset the run)."""
    page.fill(box, value)
    page.press(box, "Enter")
    wait_until(lambda: link_query(page).get(field) == [value], timeout=15,
               what=f"the link to carry {field} (it is {share_link(page)!r})")
    assert field in message(page) and "live" in message(page), message(page)


def test_the_weight_average_lever_is_a_control_that_applies_live(page):
    """Issue 12: a lever that helps is a control in the page. g_ema applies to the running G
    (the average starts from G as it is), so the message says live, not a reset."""
    choose(page, "preset", "wgan-gp-fix")
    wait_until(lambda: "wgan-gp-fix" in message(page), what="the preset's message")
    assert "moving average" in page.text_content("#controls-g")
    assert page.input_value("#g-ema input") == "0.99"  # the preset's own (round 5)
    enter_live(page, "#g-ema input", "g_ema", "0.995")


def test_the_lazy_penalty_lever_is_a_control_that_applies_live(page, artifacts):
    """Issue 12: gp_every (the penalty on one critic step in k) is a slider in the Loss
    column, explained, carried by the link and applied to the running critic without a reset."""
    choose(page, "preset", "wgan-gp-fix")
    wait_until(lambda: "wgan-gp-fix" in message(page), what="the preset's message")
    assert "less CPU" in page.text_content("#controls-loss")
    box = "#gp-every input[type=number]"
    assert page.input_value(box) == "4"  # the preset's own (round 6): one update in four
    enter_live(page, box, "gp_every", "2")
    page.locator("#controls-loss").screenshot(path=artifacts / "70-gp-every-control.png")
    assert not page.js_errors, page.js_errors


def test_the_learning_rate_half_life_is_a_control_that_applies_live(page, artifacts):
    """Issue 12: the learning-rate half-life (measured on the grid in round 14) is a box in the
    Loss column, shows the preset's value, is carried by the link and applies without a
    reset; the penalty box beside it explains its weight (round 15)."""
    choose(page, "preset", "grid25-wgan-gp")
    wait_until(lambda: "grid25-wgan-gp" in message(page), what="the preset's message")
    assert "halve every" in page.text_content("#controls-loss")
    # Round 15: the penalty box beside it says what its weight does and shows the grid's 0.3.
    assert "slope is held to 1" in page.text_content("#controls-loss")
    grid = load_preset("grid25-wgan-gp").config
    assert float(page.input_value("#gp-lambda input")) == grid.gp_lambda
    box = "#lr-half-life input"
    assert page.input_value(box) == str(grid.lr_half_life)
    # Round 18: the half-life's shape beside it shows the grid's power (2).
    assert float(page.input_value("#lr-decay-power input")) == grid.lr_decay_power
    assert "ever faster" in page.text_content("#controls-loss")
    enter_live(page, box, "lr_half_life", "1500")
    page.locator("#controls-loss").screenshot(path=artifacts / "71-lr-half-life-control.png")
    assert not page.js_errors, page.js_errors


def test_touching_the_seed_leaves_the_learning_rates_alone(page, artifacts):
    """Bug 2: seed 1 + Enter made the link ``...&seed=1&lr_g=5.01e-05`` (slider rounding).
    (The preset's own seed is now 2, so the test types 3.)"""
    page.fill("#seed input", "3")
    page.press("#seed input", "Enter")
    wait_until(lambda: "seed" in link_query(page), what="the link to follow the seed")
    query = link_query(page)
    assert query == {"preset": ["mode-collapse"], "seed": ["3"]}, query
    page.screenshot(path=artifacts / "40-seed-touched.png")
    assert not page.js_errors, page.js_errors


def test_enter_in_a_sliders_number_box_applies_it(page):
    """Bug 3: typing into a slider's number box and pressing Enter did nothing until blur."""
    assert "lr_g" not in link_query(page)  # opens the share box first: no click after typing
    box = "#lr-g input[type=number]"
    page.fill(box, "-3")
    page.press(box, "Enter")
    wait_until(lambda: link_query(page).get("lr_g") == ["0.001"], timeout=10,
               what=f"Enter to apply the learning rate (link: {share_link(page)})")
    assert "lr_g" in message(page)


def side_status(page, side: str) -> str:
    return page.inner_text(f"#status-{side}")


def side_step(page, side: str) -> int:
    match = re.search(r"iteration ([\d,]+)", side_status(page, side))
    return int(match.group(1).replace(",", "")) if match else -1


def open_pair(browser, url: str):
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(url)
    wait_until(lambda: page.is_visible("#plot-b"), timeout=60, what="the Compare tab")
    wait_until(lambda: side_step(page, "a") == 0 and side_step(page, "b") == 0,
               what="both sides' first frames")
    return context, page


def test_compare_b_edits_say_what_they_did(browser, app_url):
    """Bug 5: B's loss → hinge said "applied live: loss, lr_g" then "no change"; B's lr_g at
    step 0 said "both back to step 0" (a rebuild guessed from the step count)."""
    context, page = open_pair(browser, app_url + "?pair=collapse-vs-wgan-gp")
    compare_message = lambda: page.inner_text("#compare-message")  # noqa: E731
    choose(page, "b-loss", "hinge")
    wait_until(lambda: "B:" in compare_message(), what="B's edit applied")
    time.sleep(1.5)  # a second, stray event would arrive by now
    assert compare_message().strip() == "✓ B: applied live: loss", compare_message()
    box = "#b-lr-g input[type=number]"
    page.fill(box, "-3")
    page.press(box, "Tab")
    wait_until(lambda: "lr_g" in compare_message(), what="B's learning rate applied")
    assert compare_message().strip() == "✓ B: applied live: lr_g", compare_message()
    assert "step 0" not in side_status(page, "a")
    context.close()
    assert not page.js_errors, page.js_errors


def test_each_compare_status_says_its_own_story(browser, app_url, artifacts):
    """Bug 8: A's status showed B's message ("B: reached 1,500 steps"); and A stopped a step
    ahead of B when it reached its planned length first."""
    changes = json.dumps({"loss": "hinge"})
    context, page = open_pair(browser, app_url + f"?preset=mode-collapse&steps=40&b={changes}")
    page.click("#btn-compare-play")
    wait_until(lambda: "reached" in side_status(page, "a") + side_status(page, "b"),
               timeout=60, what="the planned length")
    wait_until(lambda: side_step(page, "a") == side_step(page, "b") == 40,
               what="both sides to stop at step 40")
    page.screenshot(path=artifacts / "41-compare-reached.png")
    for side, other in (("a", "B"), ("b", "A")):
        text = side_status(page, side)
        assert f"{other}:" not in text, (side, text)
        assert "reached 40 steps" in text, (side, text)
    context.close()


def preset_shown(page) -> tuple[str, str]:
    if not page.is_visible("#preset-info"):
        page.get_by_text("About this preset").click()  # it folds away to keep the plot high
        wait_until(lambda: page.is_visible("#preset-info"), what="the preset's text")
    return page.input_value("#preset input"), page.inner_text("#preset-info")


def test_the_preset_box_follows_the_run(page, artifacts):
    """Bug 1: after a change the dropdown and text still described the old preset; choosing
    mnist named mnist-dcgan in the message while mode-collapse's text stayed."""
    choose(page, "loss", "hinge")
    wait_until(lambda: "loss" in message(page), what="the loss change")
    wait_until(lambda: preset_shown(page)[0] == "", what=f"the dropdown to let go of "
               f"mode-collapse (it shows {preset_shown(page)})")
    name, text = preset_shown(page)
    assert "your own settings" in text.lower() and "mode-collapse" in text, text
    assert "loss" in text, text  # what differs from the nearest preset
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / "42-own-settings.png")
    choose(page, "dataset", "mnist")
    wait_until(lambda: preset_shown(page)[0] == "mnist-dcgan", timeout=60,
               what=f"the mnist preset in the box (it shows {preset_shown(page)})")
    assert "mnist-dcgan" in preset_shown(page)[1]
    assert "mode-collapse" not in preset_shown(page)[1]
    assert not page.js_errors, page.js_errors


DRAWN = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const t = (gd._fullData || []).find(t => t.name === 'your points');
  return t ? t.x.length : 0;
}"""


def test_clear_removes_the_drawn_markers(page):
    """Bug 6: Clear emptied the box but the markers stayed (the last plot's hook won)."""
    page.click("#draw-mode input")
    box = page.locator("#live-plot .nsewdrag").bounding_box()
    for fx in (0.3, 0.5, 0.7):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.4)
        page.wait_for_timeout(400)  # three separate clicks, not a double click
    wait_until(lambda: page.evaluate(DRAWN) == 3, what="three drawn markers")
    page.click("#btn-clear-drawn")
    wait_until(lambda: page.evaluate(DRAWN) == 0, timeout=10,
               what=f"Clear to remove the markers ({page.evaluate(DRAWN)} left)")
    wait_until(lambda: page.input_value("#drawn-points textarea") == "",
               what="the drawn points' box to empty")


def test_curves_at_step_0_start_at_0_without_a_stray_line(page):
    """Bug 10: at step 0 the curves' x-axis ran from -1 to 1 with a vertical line at 0."""
    axis = page.evaluate("""() => {
      const xa = document.querySelector('#curves .gp-plot')._fullLayout.xaxis;
      return [xa.range[0], xa.zeroline];
    }""")
    assert axis[0] >= 0 and axis[1] is False, axis


def test_dcgan_hides_the_controls_it_ignores(page):
    """Bug 9: a DCGAN showed depth and activation controls that did nothing but reset it."""
    for elem in ("g-layers", "d-layers", "activation"):
        assert page.is_visible(f"#{elem}"), elem  # the MLP uses them
    choose(page, "preset", "mnist-dcgan")
    wait_until(lambda: "mnist-dcgan" in message(page), timeout=60, what="the DCGAN preset")
    wait_until(lambda: not any(page.is_visible(f"#{e}") for e in ("g-layers", "d-layers",
                                                                 "activation")),
               timeout=10, what="the unused controls to go")
    assert page.is_visible("#g-width")  # a DCGAN's width is its channel count
    choose(page, "preset", "mode-collapse")
    wait_until(lambda: page.is_visible("#g-layers") and page.is_visible("#activation"),
               timeout=60, what="the MLP's controls back")


AXES = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return {x: box.left + xa.d2p(1), y: box.top + ya.d2p(1),
          range: [xa.range.slice(), ya.range.slice()]};
}"""
LAST_DRAWN = "() => (window.gpDrawn || []).slice(-1)[0] || null"


def test_draw_mode_puts_points_where_clicked_and_a_double_click_does_not_zoom(page):
    """Bug 7: points landed ~22 px off (the colour bar vanished in draw mode, the plot area
    grew), and two quick clicks zoomed the axes (Plotly's double click)."""
    before = page.evaluate(AXES)  # where (1, 1) is on the screen the user sees
    page.click("#draw-mode input")
    page.wait_for_timeout(500)
    page.mouse.click(before["x"], before["y"])
    wait_until(lambda: page.evaluate(LAST_DRAWN) is not None, what="a drawn point")
    x, y = page.evaluate(LAST_DRAWN)
    assert abs(x - 1) < 0.05 and abs(y - 1) < 0.05, (x, y)
    page.mouse.dblclick(before["x"] - 40, before["y"] + 40)
    page.wait_for_timeout(800)
    assert page.evaluate(AXES)["range"] == before["range"]  # no zoom, no autoscale
