"""Who a request comes from: the address the per-client limits count.

Behind a reverse proxy (a Hugging Face Space) every request's socket address is the proxy's,
so a per-client cap would be one cap shared by every visitor: the first stranger to open two
sessions without a page would lock out everyone else's API use. When the app is told it is
behind a proxy (``PLAYGROUND_TRUST_PROXY=1``; on by default where ``SPACE_ID`` is set, off
elsewhere, where a client could forge the header) the first ``X-Forwarded-For`` address, the
one the visitor's request came from, is the client. A header that holds no address falls
back to the socket's.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def trust_proxy(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``X-Forwarded-For`` names the client (see the module docstring); a value that
    is neither yes nor no is an error naming the variable."""
    env = os.environ if env is None else env
    raw = (env.get("PLAYGROUND_TRUST_PROXY") or "").strip().lower()
    if not raw:
        return bool(env.get("SPACE_ID"))
    if raw in TRUE | FALSE:
        return raw in TRUE
    raise ValueError(f"PLAYGROUND_TRUST_PROXY must be 1 or 0, got {raw[:20]!r}")


def forwarded_for(headers: Any) -> str:
    """The first address in ``X-Forwarded-For``, or "" if there is none that parses."""
    try:
        value = headers.get("x-forwarded-for") or headers.get("X-Forwarded-For") or ""
    except AttributeError:
        return ""
    first = str(value)[:200].split(",")[0].strip()
    if first.startswith("[") and "]" in first:  # [v6]:port
        first = first[1:first.index("]")]
    elif first.count(":") == 1:  # v4:port
        first = first.split(":")[0]
    try:
        return str(ipaddress.ip_address(first))
    except ValueError:
        return ""


def client_of(request: Any, env: Mapping[str, str] | None = None) -> str:
    """The caller's address (what the per-client cap on API-opened sessions counts)."""
    socket = str(getattr(getattr(request, "client", None), "host", "") or "")
    if trust_proxy(env):
        return forwarded_for(getattr(request, "headers", None)) or socket
    return socket
