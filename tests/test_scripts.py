"""plotly.js from a fixed URL with a cache lifetime; the page names no path on the server."""

from __future__ import annotations

import asyncio
import gzip
import sys
import threading
import urllib.request

import pytest

from playground.web.scripts import PLOTLY_JS, PLOTLY_URL, PlotlyScript
from tests.conftest import ROOT, start_app, stop_app


def call(path: str, method: str = "GET", accept: bytes = b"") -> tuple[list, bool]:
    """Run the middleware on one request; (messages sent, whether the inner app was called)."""
    sent, inner = [], []

    async def app(scope, receive, send):
        inner.append(scope["path"])

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": method,
             "headers": [(b"accept-encoding", accept)] if accept else []}
    # Its own thread: the browser tests' session-wide Playwright keeps an event loop running
    # in the main thread, and asyncio.run refuses to nest in it.
    worker = threading.Thread(target=asyncio.run, args=(PlotlyScript(app)(scope, receive, send),))
    worker.start()
    worker.join()
    return sent, bool(inner)


def test_other_paths_pass_through():
    sent, inner = call("/gradio_api/info")
    assert inner and sent == []


def test_the_script_with_a_year_of_cache_and_plotly_version_in_the_url():
    import plotly

    assert plotly.__version__ in PLOTLY_URL
    (start, body), inner = call(PLOTLY_URL)
    headers = dict(start["headers"])
    assert not inner and start["status"] == 200
    assert headers[b"cache-control"] == b"public, max-age=31536000, immutable"
    assert body["body"] == PLOTLY_JS.read_bytes()
    assert int(headers[b"content-length"]) == len(body["body"])


def test_gzip_when_the_browser_takes_it_and_head_has_no_body():
    (start, body), _ = call(PLOTLY_URL, accept=b"gzip, deflate, br")
    headers = dict(start["headers"])
    assert headers[b"content-encoding"] == b"gzip"
    assert gzip.decompress(body["body"]) == PLOTLY_JS.read_bytes()
    assert len(body["body"]) < PLOTLY_JS.stat().st_size / 2
    (start, body), _ = call(PLOTLY_URL, method="HEAD")
    assert start["status"] == 200 and body["body"] == b""
    (start, _), _ = call(PLOTLY_URL, method="POST")
    assert start["status"] == 405


@pytest.fixture(scope="module")
def app_url():
    process, url = start_app()
    yield url
    stop_app(process)


def test_the_page_names_no_server_path_and_its_script_is_cached(app_url):
    with urllib.request.urlopen(app_url, timeout=30) as response:
        page = response.read().decode()
    assert f'src="{PLOTLY_URL}"' in page or f'src=\\"{PLOTLY_URL}\\"' in page
    for secret in (str(ROOT), sys.prefix, str(PLOTLY_JS.parent), "site-packages"):
        assert secret not in page, secret
    with urllib.request.urlopen(app_url.rstrip("/") + PLOTLY_URL, timeout=30) as response:
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert response.read() == PLOTLY_JS.read_bytes()
