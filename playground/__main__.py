"""``python -m playground`` and the ``gan-playground`` command.

No arguments start the web app (as ``python app.py`` does); ``--version`` prints the version;
anything else is the command line: ``train``, ``sweep``, ``compare``, ``presets``,
``train-classifier`` (``playground/cli/main.py``). This module sits above the layers so that
one command can reach both the web app and the CLI without either importing the other.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):  # answered before torch or gradio are imported
        from playground import __version__

        print(f"gan-playground {__version__}")
        return 0
    if not args:
        from playground.web.serve import serve

        serve()
        return 0
    from playground.cli.main import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
