"""Reading the page the way a person sees it: the counter, the plot's points, messages."""

import re
import time

# The points are painted on a canvas over the plot (live_plot.js); gpTraces holds what it painted.
FAKE_X = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const trace = (gd.gpTraces || []).find(t => t.name === 'fake (G)');
  return trace ? Array.from(trace.x.slice(0, 50)).concat(Array.from(trace.y.slice(0, 50))) : null;
}"""

TRACE_NAMES = """() => (document.querySelector('#live-plot .gp-plot')._fullData || [])
                       .map(t => t.name)"""

REAL_POINTS = """() => {
  const gd = document.querySelector('#live-plot .gp-plot');
  const t = (gd.gpTraces || []).find(t => t.name === 'real');
  return t ? Array.from(t.x).map((x, i) => [x, t.y[i]]) : null;
}"""

# The curves' modes-covered line: [points, last step] as drawn (null before the first curves).
CURVES_REACH = """() => {
  const gd = document.querySelector('#curves .gp-plot');
  const t = (gd._fullData || []).find(t => t.name === 'modes covered');
  return t && t.x.length ? [t.x.length, Math.max(...Array.from(t.x))] : null;
}"""


def iteration(page) -> int:
    text = page.inner_text("#gp-status")
    match = re.search(r"iteration ([\d,]+)", text)
    return int(match.group(1).replace(",", "")) if match else -1


def wait_until(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def choose(page, elem_id: str, option: str, tries: int = 3) -> None:
    """Pick an option in a Gradio dropdown, as a user does: click it open, click the option,
    and look that the box shows it. On a loaded machine a pick could be refused (the worker
    did not answer in time: the box goes back to the run that is there, with a message); a
    person would pick again, and so does this, at most ``tries`` times. Picks are no longer
    sent twice (``test_a_preset_pick_is_one_answer_with_its_link_and_dataset_text``), which
    was what made the worker late."""
    box = f"#{elem_id} input"
    for _ in range(tries):
        page.click(box)
        page.get_by_role("option", name=option, exact=True).click()
        time.sleep(1.0)  # let late updates land: a lost pick shows the old value after them
        if page.input_value(box) == option:
            return
    raise AssertionError(f"{elem_id} does not keep {option!r} (shows {page.input_value(box)!r})")


def message(page) -> str:
    return page.inner_text("#message")
