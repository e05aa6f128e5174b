"""What the page remembers about a tab's session between frame requests, in one typed place.

The live view sends a frame only when the run drew a new one, and a "could not start" notice
only once; both need the last thing this tab was shown. That state belongs to the web layer, so
it lives here, keyed weakly by the Session (it goes when the session goes), not in attributes
added to Session objects.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

CURVES_EVERY_S = 1.0  # while playing, the curves redraw at most once a second (issue 14)
SHRINK = 0.05  # how far a critic's colour range narrows towards a frame's own range per frame


@dataclass
class TabView:
    shown_seq: int | None = None  # the sequence number of the last snapshot sent to the page
    shown_notice: str = ""  # the last notice sent while there was no snapshot to show
    # The control values last received. Gradio 6 sends a dropdown's pick twice; when the first
    # switched points <-> images (new controls), the second, stale copy would apply the old
    # kind's nets to the new data.
    last_controls: tuple[Any, ...] | None = None
    critic_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    # The timeline shows a film frame: (step, config) of the paused run it was shown over.
    replay: tuple[int, Any] | None = None
    curves_sent_at: float = -1e9  # time.monotonic() of the last curves sent

    def curves_due(self, playing: bool, now: float | None = None) -> bool:
        """Whether to send the curves with this frame. A redraw of the four curve panels
        costs the browser ~3x the live plot's, and a second's more history changes little:
        while playing they go at most every CURVES_EVERY_S; a paused run's at once."""
        now = time.monotonic() if now is None else now
        if playing and now - self.curves_sent_at < CURVES_EVERY_S:
            return False
        self.curves_sent_at = now
        return True

    def hold_replay(self, snap: Any) -> None:
        """The live plot shows a replayed frame over the paused run ``snap``."""
        self.replay = (snap.step, snap.config)

    def replay_holds(self, snap: Any) -> bool:
        """True while a replayed frame should stay in the live plot: the run is still paused
        at the same step with the same config. Play, a Step or a new config ends the replay
        (for good: the live view takes over)."""
        if self.replay is None:
            return False
        if snap.playing or (snap.step, snap.config) != self.replay:
            self.replay = None
            return False
        return True

    def is_new(self, seq: int) -> bool:
        """True (and remembered) if the snapshot ``seq`` has not been sent yet."""
        if seq == self.shown_seq:
            return False
        self.shown_seq = seq
        return True

    def critic_scale(self, side: str, frame: tuple[float, float] | None
                     ) -> tuple[float, float] | None:
        """A critic's colour range for ``side``, smoothed over frames: it widens at once to
        hold a new extreme (no colour saturates) and narrows slowly (SHRINK per frame), so a
        colour means nearly the same score from one frame to the next. None without a critic."""
        if frame is None:
            self.critic_ranges.pop(side, None)
            return None
        low, high = frame
        old = self.critic_ranges.get(side)
        if old is not None:
            low = min(low, old[0] + SHRINK * (low - old[0]))
            high = max(high, old[1] + SHRINK * (high - old[1]))
        self.critic_ranges[side] = (low, high)
        return low, high

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
