"""Start the web app: the body of ``python app.py`` and of the ``gan-playground`` command.

Binds to 0.0.0.0 on Spaces (``SPACE_ID``) or when ``GRADIO_SERVER_NAME`` says so, to 127.0.0.1
otherwise; ``GRADIO_SERVER_PORT`` picks the port (7860). Needs no internet: analytics off,
plotly.js served from the installed package.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Mapping

from playground.engine.data.mnist import FILES, MIRROR, MnistError, fetch_training_set

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def server_host(env: Mapping[str, str]) -> str:
    """Where to listen: as told, else everywhere on Spaces, else this machine only."""
    if env.get("GRADIO_SERVER_NAME"):
        return env["GRADIO_SERVER_NAME"]
    return "0.0.0.0" if env.get("SPACE_ID") else "127.0.0.1"


def start_mnist_fetch(base_url: str = MIRROR, checksums: Mapping[str, str] = FILES
                      ) -> threading.Thread:
    """Fetch MNIST's 60k training set into the cache in a background thread, so no user
    request ever waits on the network; runs started after it lands train on it (until then,
    on the shipped 10k test set, and the page says so). One line on stderr says what happened;
    a failure (no internet, a corrupt download) leaves nothing behind and nothing retries."""

    def fetch() -> None:
        try:
            message = fetch_training_set(base_url, checksums)
        except (OSError, MnistError) as exc:
            message = f"not fetched ({exc}); runs use the MNIST that is here"
        print(f"MNIST training set: {message}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=fetch, name="mnist-fetch", daemon=True)
    thread.start()
    return thread


def settings_problem(env: Mapping[str, str]) -> str | None:
    """What is wrong with the PLAYGROUND_* budgets and switches read later (per request, per
    download), said once at start instead of as a message on every click; None if nothing."""
    from playground.live.admission import worker_budget
    from playground.web.clients import trust_proxy
    from playground.web.export_disk import client_budget, export_budget

    for check in (trust_proxy, worker_budget, export_budget, client_budget):
        try:
            check(env)
        except ValueError as exc:
            return str(exc)
    return None


def serve() -> None:
    """Start the worker processes and the Gradio server; blocks until the server stops."""
    from playground.live.session import SessionManager
    from playground.web.page import build_app, launch_kwargs

    problem = settings_problem(os.environ)
    if problem:
        sys.exit(f"gan-playground: {problem}")

    # SIGTERM (a container stopping, `timeout`, `kill`) unwinds through `finally`, which stops
    # the worker processes; they also exit by themselves if this process dies harder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    manager = SessionManager().start()
    start_mnist_fetch()
    demo = build_app(manager)
    port = int(os.environ.get("GRADIO_SERVER_PORT", 7860))
    demo.queue(default_concurrency_limit=8)
    try:
        demo.launch(server_name=server_host(os.environ), server_port=port, **launch_kwargs())
    finally:
        manager.shutdown()
