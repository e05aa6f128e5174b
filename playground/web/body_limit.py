"""An ASGI middleware that refuses request bodies over a size limit with HTTP 413.

Gradio reads a request's whole JSON body into memory before any check of ours runs, and
nothing in Gradio or uvicorn limits its size: one stranger posting a gigabyte of "drawn points"
could take the Space's memory. The page's largest real body is ~100 KB (2,000 drawn points),
so bodies are capped at a few MB, counted as they stream in (a missing or false
Content-Length does not help). File uploads have their own caps: Gradio's per-file
``max_file_size``, ``upload_bytes`` per request and each client's budget over time
(``upload_budget``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from playground.web.upload_budget import UploadLedger, scope_client

MAX_BODY_BYTES = 4 * 2**20

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Wraps an ASGI app; ``exempt`` paths (ending so) keep their own limits."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int = MAX_BODY_BYTES,
                 exempt: tuple[str, ...] = ("/upload",), upload_bytes: int | None = None,
                 ledger: UploadLedger | None = None) -> None:
        """``upload_bytes``: the cap on a whole upload request (all its files together), so
        ``curl -F files=@a -F files=@b ...`` cannot put many files of the per-file cap on
        disk at once (issue 17, finding 3); None leaves uploads to Gradio's per-file cap.
        ``ledger``: each client's upload budget over time (``upload_budget``), so one request
        after another cannot fill the disk either."""
        self.app, self.max_bytes, self.exempt = app, max_bytes, exempt
        self.upload_bytes, self.ledger = upload_bytes, ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, client = self.max_bytes, None
        if scope["path"].rstrip("/").endswith(self.exempt):
            if self.upload_bytes is None and self.ledger is None:
                await self.app(scope, receive, send)
                return
            limit = self.upload_bytes if self.upload_bytes is not None else 1 << 62
            if self.ledger is not None:
                client = scope_client(scope)
        await self._limited(scope, receive, send, limit, client)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int,
                       client: str | None) -> None:
        """Pass the request on while its body stays within ``limit`` and, for an upload by
        ``client``, within that client's room in the ledger (charged chunk by chunk, so
        parallel uploads share it)."""
        ledger = self.ledger if client is not None else None
        room = ledger.room(client) if ledger is not None else 1 << 62
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > min(limit, room):
            await self._refuse(send, limit, over_budget=int(declared) <= limit, client=client)
            return
        received, too_big, over_budget, started = 0, False, False, False

        async def counted_receive() -> Message:
            nonlocal received, too_big, over_budget
            if too_big:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                received += size
                if ledger is not None:
                    over_budget = size > ledger.room(client)
                    ledger.charge(client, size)
                if received > limit or over_budget:
                    too_big = True  # the app sees the client leave; we answer for it
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_big:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not too_big:
                raise
        if too_big and not started:
            await self._refuse(send, limit, over_budget=over_budget and received <= limit,
                               client=client)

    async def _refuse(self, send: Send, limit: int, over_budget: bool = False,
                      client: str | None = None) -> None:
        """413 for a body over its cap; 429 for an upload over its client's budget."""
        if over_budget and self.ledger is not None and client is not None:
            status, text = 429, self.ledger.refusal(client)
        else:
            why = ("one upload request, all its files together" if limit != self.max_bytes
                   else "the playground's largest real request is ~100 KB")
            status, text = 413, f"Request body too large: the maximum is {limit:,} bytes ({why})."
        body = text.encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
