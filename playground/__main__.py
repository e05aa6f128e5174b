"""Entry point for ``python -m playground``."""

import sys

from playground.cli.main import main

sys.exit(main())
