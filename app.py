"""GAN Playground: the web app (Hugging Face Spaces' ``app_file``).

The body lives in ``playground/web/serve.py`` (shared with the ``gan-playground`` command); it
turns Gradio's analytics off before Gradio is imported.
"""

from __future__ import annotations

from playground.web.serve import serve as main
from playground.web.serve import server_host

__all__ = ["main", "server_host"]

if __name__ == "__main__":
    main()
