"""The Compare tab in headless Chromium: a shared link opens A and B side by side; both move
in lockstep; changing B's loss leaves A alone; the link it gives back reproduces the pair."""

import re

import pytest

from tests.browser.helpers import choose, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

FAKES = """(id) => {
  const gd = document.querySelector('#' + id + ' .gp-plot');
  const t = (gd.gpTraces || []).find(t => t.name === 'fake (G)');
  return t ? Array.from(t.x.slice(0, 30)) : null;
}"""


def side_iteration(page, side: str) -> int:
    match = re.search(r"iteration ([\d,]+)", page.inner_text(f"#status-{side}"))
    return int(match.group(1).replace(",", "")) if match else -1


def test_pair_link_opens_two_runs_that_train_in_lockstep(browser, app_url, artifacts):
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url + "?pair=collapse-vs-wgan-gp")
    wait_until(lambda: page.is_visible("#plot-a") and page.is_visible("#plot-b"),
               timeout=60, what="the Compare tab to open from the link")
    wait_until(lambda: "comparison from the link" in page.inner_text("#compare-message"),
               what="the link's message")
    wait_until(lambda: page.evaluate(FAKES, "plot-a") is not None, what="A's first frame")
    start_a, start_b = page.evaluate(FAKES, "plot-a"), page.evaluate(FAKES, "plot-b")
    assert start_a == start_b  # same seed, same networks: identical at step 0
    assert page.input_value("#pair-preset input") == "collapse-vs-wgan-gp"
    page.click("#btn-compare-play")
    wait_until(lambda: side_iteration(page, "a") > 150, timeout=120, what="A training")
    page.click("#btn-compare-pause")
    wait_until(lambda: "paused" in page.inner_text("#status-a")
               and side_iteration(page, "a") == side_iteration(page, "b"),
               what="both paused at the same step")
    moved_a, moved_b = page.evaluate(FAKES, "plot-a"), page.evaluate(FAKES, "plot-b")
    assert moved_a != start_a and moved_b != start_b and moved_a != moved_b
    assert "nonsaturating" in page.inner_text("#plot-a") and "wgan-gp" in page.inner_text(
        "#plot-b")
    page.screenshot(path=artifacts / "30-compare-collapse-vs-wgan-gp.png", full_page=True)

    choose(page, "b-loss", "hinge")
    wait_until(lambda: "B:" in page.inner_text("#compare-message"), what="B's edit applied")
    wait_until(lambda: "hinge" in page.inner_text("#plot-b"), what="B's plot to say hinge")
    assert "nonsaturating" in page.inner_text("#plot-a")  # A untouched
    page.get_by_text("B's whole config (JSON)").click()  # open the accordion, as a user does
    wait_until(lambda: page.is_visible("#compare-link"), what="the link box")
    link = page.input_value("#compare-link textarea")
    assert "b=" in link and "hinge" in link.replace("%22", '"')
    context.close()

    again = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = again.new_page()
    page.goto(link)
    wait_until(lambda: page.is_visible("#plot-b"), timeout=60, what="the Compare tab")
    page.get_by_text("B's whole config (JSON)").click()
    wait_until(lambda: '"loss": "hinge"' in page.inner_text("#b-json"),
               what="the shared comparison to reopen with B's hinge loss")
    wait_until(lambda: "hinge" in page.inner_text("#plot-b"), what="B's plot")
    page.screenshot(path=artifacts / "31-compare-from-shared-link.png", full_page=True)
    again.close()
    assert not errors, errors
