"""plotly.js at a fixed URL, with a cache lifetime, without naming any path on the server.

Gradio's ``/gradio_api/file=<path>`` route (with ``gr.set_static_paths``) would put the
absolute path of the virtualenv in every page and serve the 4.8 MB file with no cache
lifetime, so each visit fetched it again. This ASGI middleware answers one URL that carries
plotly's version (``/gp-static/plotly-<version>.min.js``): the bytes behind a URL never change,
so browsers may keep them a year (``immutable``), and an upgrade of plotly is a new URL.
A browser that accepts gzip gets the file compressed (~1.4 MB), compressed once per process.
Every other request passes through untouched.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = f"/gp-static/plotly-{plotly.__version__}.min.js"
CACHE_CONTROL = b"public, max-age=31536000, immutable"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def script_tag() -> str:
    """The page's ``<script>`` for plotly.js (goes in a component's ``head``)."""
    return f'<script src="{PLOTLY_URL}"></script>'


class PlotlyScript:
    """Wraps an ASGI app; serves plotly.min.js at ``PLOTLY_URL`` (GET and HEAD)."""

    def __init__(self, app: Callable[..., Awaitable[None]], path: Path = PLOTLY_JS) -> None:
        self.app, self.path = app, path
        self._bodies: dict[bool, bytes] = {}  # gzip? → bytes, read on first request

    def _body(self, gzipped: bool) -> bytes:
        if gzipped not in self._bodies:
            plain = self.path.read_bytes()
            self._bodies[False] = plain
            self._bodies[True] = gzip.compress(plain, compresslevel=6, mtime=0)
        return self._bodies[gzipped]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PLOTLY_URL:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await send({"type": "http.response.start", "status": 405,
                        "headers": [(b"allow", b"GET, HEAD"), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        accept = dict(scope.get("headers") or ()).get(b"accept-encoding", b"")
        gzipped = b"gzip" in accept
        body = self._body(gzipped)
        headers = [(b"content-type", b"text/javascript; charset=utf-8"),
                   (b"content-length", str(len(body)).encode()),
                   (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept-Encoding")]
        if gzipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})
