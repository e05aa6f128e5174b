"""What the page remembers about a tab's session between timer ticks, in one typed place.

The live view sends a frame only when the run drew a new one, and a "could not start" notice
only once; both need the last thing this tab was shown. That state belongs to the web layer, so
it lives here, keyed weakly by the Session (it goes when the session goes), not in attributes
added to Session objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary


@dataclass
class TabView:
    shown_seq: int | None = None  # the sequence number of the last snapshot sent to the page
    shown_notice: str = ""  # the last notice sent while there was no snapshot to show
    # The control values last received. Gradio 6 sends a dropdown's pick twice; when the first
    # switched points <-> images (new controls), the second, stale copy would apply the old
    # kind's nets to the new data.
    last_controls: tuple[Any, ...] | None = None

    def is_new(self, seq: int) -> bool:
        """True (and remembered) if the snapshot ``seq`` has not been sent yet."""
        if seq == self.shown_seq:
            return False
        self.shown_seq = seq
        return True

    def controls_are_new(self, values: tuple[Any, ...]) -> bool:
        """True (and remembered) unless ``values`` repeat the last control values received."""
        values = tuple(values)
        if values == self.last_controls:
            return False
        self.last_controls = values
        return True

    def forget_controls(self) -> None:
        """The page's controls were set to a new config (a preset, a file): the same values
        sent again after this are a new request, not a repeat."""
        self.last_controls = None

    def notice_is_new(self, notice: str) -> bool:
        if notice == self.shown_notice:
            return False
        self.shown_notice = notice
        return True


class TabViews:
    """Each session's TabView, for one page (``build_app`` makes one and shares it with its
    tabs); an entry goes when its Session is gone."""

    def __init__(self) -> None:
        self._views: WeakKeyDictionary[Any, TabView] = WeakKeyDictionary()

    def __call__(self, session: Any) -> TabView:
        """The page's state for ``session`` (created on first use)."""
        view = self._views.get(session)
        if view is None:
            view = self._views[session] = TabView()
        return view
