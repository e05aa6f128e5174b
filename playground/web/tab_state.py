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

    def is_new(self, seq: int) -> bool:
        """True (and remembered) if the snapshot ``seq`` has not been sent yet."""
        if seq == self.shown_seq:
            return False
        self.shown_seq = seq
        return True

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
