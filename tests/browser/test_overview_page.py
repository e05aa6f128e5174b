"""The model overview above the plot (GAN Lab's graph): the part the last step trained is lit,
a box opens its network's controls, it carries the live numbers, and GAN Lab's k G steps."""

import pytest

from tests.browser.helpers import iteration, message, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LIT = """() => Array.from(document.querySelectorAll('#overview .gp-node.lit'))
                 .map(n => n.dataset.node).sort()"""


def lit(page) -> list[str]:
    return page.evaluate(LIT)


def test_the_overview_lights_the_phase_that_ran(page, artifacts):
    nodes = page.evaluate("() => Array.from(document.querySelectorAll('#overview .gp-node'))"
                          ".map(n => n.dataset.node)")
    assert sorted(nodes) == ["d", "fake", "g", "loss", "noise", "real"]
    assert lit(page) == []  # step 0: nothing has trained
    page.click("#btn-step-d")
    wait_until(lambda: iteration(page) == 1, what="Step D")
    wait_until(lambda: lit(page) == ["d", "fake", "loss", "real"], timeout=10,
               what=f"D's path lit (lit: {lit(page)})")
    page.screenshot(path=artifacts / "62-overview-step-d.png", clip={
        "x": 0, "y": 0, "width": 1500, "height": 450})
    page.click("#btn-step-g")
    wait_until(lambda: iteration(page) == 2, what="Step G")
    wait_until(lambda: lit(page) == ["fake", "g", "loss", "noise"], timeout=10,
               what=f"G's path lit (lit: {lit(page)})")
    page.screenshot(path=artifacts / "63-overview-step-g.png", clip={
        "x": 0, "y": 0, "width": 1500, "height": 450})
    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 20, what="training")
    assert lit(page) == ["d", "fake", "g", "loss", "noise", "real"]
    page.click("#btn-pause")
    assert not page.js_errors, page.js_errors


def test_a_box_opens_its_controls_and_g_steps_shows_in_it(page, artifacts):
    box = page.locator("#controls-d")
    assert not box.evaluate("e => e.getBoundingClientRect().top < innerHeight")
    page.click("#overview [data-node='d']")
    wait_until(lambda: box.evaluate("e => { const r = e.getBoundingClientRect();"
                                    " return r.top >= 0 && r.top < innerHeight; }"),
               timeout=5, what="D's controls scrolled into view")
    page.fill("#g-steps input[type=number]", "3")
    page.press("#g-steps input[type=number]", "Enter")
    wait_until(lambda: "g_steps" in message(page), timeout=10,
               what=f"g_steps applied (message: {message(page)!r})")
    g_box = "() => document.querySelector(\"#overview [data-node='g']\").textContent"
    wait_until(lambda: "×3" in page.evaluate(g_box), timeout=10,
               what="G's box to say ×3")
    page.screenshot(path=artifacts / "64-overview-g-steps.png")
    assert not page.js_errors, page.js_errors
