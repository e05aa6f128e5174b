"""Issue 17, finding 2, from outside: exactly the issue's 12 anonymous POSTs to
/gradio_api/run/frame (made-up session hashes, no page load) against an app with 4 slots and
the public per-address default; then a real page loads, is not told "full", and trains."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.helpers import iteration, wait_until
from tests.conftest import start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def _post_frame(url: str, session_hash: str) -> str:
    body = json.dumps({"data": [True, False, False, []], "session_hash": session_hash}).encode()
    request = urllib.request.Request(url + "gradio_api/run/frame", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()


def test_twelve_anonymous_posts_cannot_lock_a_visitor_out(browser):
    process, url = start_app({"PLAYGROUND_MAX_SESSIONS": "4", "PLAYGROUND_ANON_PER_CLIENT": "2"})
    try:
        answers = [_post_frame(url, f"made-up-{i:02d}") for i in range(12)]
        assert sum("full" not in a and "without the page" not in a for a in answers) <= 2
        context = browser.new_context(viewport={"width": 1500, "height": 1200})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#live-plot .gp-plot .main-svg", timeout=60_000)
        page.click("#btn-play")
        wait_until(lambda: iteration(page) > 20, what="the visitor's run to train")
        assert "full" not in page.inner_text("#gp-status")
        context.close()
    finally:
        stop_app(process)
