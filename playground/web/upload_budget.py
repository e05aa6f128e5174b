"""How many upload bytes each client, and everyone together, may put on disk (issue 17).

Gradio stores every file POSTed to ``/gradio_api/upload`` in its cache, whether or not an
event ever reads it, and keeps it until ``delete_cache`` sweeps it (hourly, for files over an
hour old: up to UPLOAD_WINDOW_S). The per-request cap (``body_limit``) bounds one request, not
a client sending one request after another: 200 MB a time, the disk fills. So uploads are
charged to their client (``web.clients``: the address, or the visitor's behind a proxy) as
the bytes stream in, and a client over ``PLAYGROUND_UPLOAD_CLIENT_BYTES`` (512 MB) or
everyone over ``PLAYGROUND_UPLOAD_BUDGET_BYTES`` (2 GB) within the window is refused until
old charges expire. A real visitor uploads a config (KB) or a checkpoint (~1 MB for the
presets); the per-client budget holds two uploads at the full per-file cap.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from playground.web.clients import client_of
from playground.web.export_disk import bytes_setting

UPLOAD_WINDOW_S = 2 * 3600.0  # what Gradio's delete_cache=(3600, 3600) keeps at most
UPLOAD_CLIENT_BYTES = 512 << 20
UPLOAD_BUDGET_BYTES = 2 << 30


class UploadLedger:
    """Bytes uploaded per client within the last ``window_s`` seconds; shared by every
    request of one app (one event loop: no lock needed, nothing awaits between check and
    charge)."""

    def __init__(self, client_bytes: int = UPLOAD_CLIENT_BYTES,
                 total_bytes: int = UPLOAD_BUDGET_BYTES, window_s: float = UPLOAD_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client_bytes, self.total_bytes, self.window_s = client_bytes, total_bytes, window_s
        self.clock = clock
        # (time, client, bytes), oldest first, and running totals: a 200 MB upload arrives in
        # thousands of chunks, each checked, so a check must not sum the whole window.
        self._log: deque[tuple[float, str, int]] = deque()
        self._by_client: dict[str, int] = {}
        self._total = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> UploadLedger:
        return cls(bytes_setting(env, "PLAYGROUND_UPLOAD_CLIENT_BYTES", UPLOAD_CLIENT_BYTES),
                   bytes_setting(env, "PLAYGROUND_UPLOAD_BUDGET_BYTES", UPLOAD_BUDGET_BYTES))

    def _expire(self) -> None:
        oldest = self.clock() - self.window_s
        while self._log and self._log[0][0] < oldest:
            _, client, size = self._log.popleft()
            self._total -= size
            self._by_client[client] -= size
            if not self._by_client[client]:
                del self._by_client[client]

    def used(self, client: str | None = None) -> int:
        """Bytes charged within the window: ``client``'s, or everyone's."""
        self._expire()
        return self._total if client is None else self._by_client.get(client, 0)

    def room(self, client: str) -> int:
        """How many more bytes ``client`` may upload now (0 or more)."""
        return max(0, min(self.client_bytes - self.used(client),
                          self.total_bytes - self.used()))

    def charge(self, client: str, size: int) -> None:
        """Add ``size`` bytes to ``client``; charges within a second of the client's last one
        join it, so the log holds about one entry per upload, not one per chunk."""
        now = self.clock()
        if self._log and self._log[-1][1] == client and now - self._log[-1][0] < 1.0:
            then, _, before = self._log.pop()
            self._log.append((then, client, before + size))
        else:
            self._log.append((now, client, size))
        self._by_client[client] = self._by_client.get(client, 0) + size
        self._total += size

    def refusal(self, client: str) -> str:
        """What a refused uploader is told: whose budget is spent, and when it frees up."""
        whose = ("this address's" if self.used(client) >= self.client_bytes
                 else "the playground's")
        limit = self.client_bytes if whose.startswith("this") else self.total_bytes
        minutes = round(self.window_s / 60)
        return (f"Upload refused: {whose} upload budget ({limit / 2**20:,.0f} MB per "
                f"{minutes} minutes) is spent; older uploads free it as they expire.")


def scope_client(scope: Mapping[str, Any], env: Mapping[str, str] | None = None) -> str:
    """The client of an ASGI ``scope``, as ``web.clients.client_of`` sees a request."""
    host = (scope.get("client") or ("",))[0] or ""
    headers = {key.decode("latin-1").lower(): value.decode("latin-1")
               for key, value in scope.get("headers") or ()}
    return client_of(SimpleNamespace(client=SimpleNamespace(host=host), headers=headers), env)
