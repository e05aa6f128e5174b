"""GAN Playground: the web app (Hugging Face Spaces' ``app_file``).

Binds to 0.0.0.0 on Spaces (``SPACE_ID``) or when ``GRADIO_SERVER_NAME`` says so, to 127.0.0.1
otherwise. Needs no internet: analytics off, plotly.js served from the installed package.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> None:
    from playground.session import SessionManager
    from playground.ui import build_app, launch_kwargs

    manager = SessionManager().start()
    demo = build_app(manager)
    host = os.environ.get("GRADIO_SERVER_NAME") or ("0.0.0.0" if os.environ.get("SPACE_ID")
                                                    else "127.0.0.1")
    port = int(os.environ.get("GRADIO_SERVER_PORT", 7860))
    demo.queue(default_concurrency_limit=8)
    try:
        demo.launch(server_name=host, server_port=port, **launch_kwargs())
    finally:
        manager.shutdown()


if __name__ == "__main__":
    main()
