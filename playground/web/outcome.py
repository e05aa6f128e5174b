"""What a page handler returns: named updates, and whether the action took effect.

Handlers return ``{component: value}`` (Gradio leaves every listed output that is missing from
the dict as it is), so no handler counts positions or pads with skips; and whether something
worked is a value (``Outcome.ok``), never read back out of the message's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Updates = dict[Any, Any]  # component -> new value (or gr.update(...))


@dataclass(frozen=True)
class Outcome:
    ok: bool  # the run was started, changed or restored as asked
    updates: Updates = field(default_factory=dict)
