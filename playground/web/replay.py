"""Replay: the timeline under the live plot scrubs back through the run's film.

Every run keeps a bounded film (``live.film``). While the run is paused, moving the timeline
shows the film's frame at that point, with the real points, in the live plot; the frame loop then
leaves the plot alone (``TabView.replay_holds``) until the run moves on: Play, a Step, a new
config. A preset that nobody has trained yet (step 0, the preset's own config) has a shipped,
pre-computed film (presets/films/NAME.npz, made by ``bench/preset_films.py``), so a visitor can
scrub, or press "watch the film", and see the whole story before training anything.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

from playground.engine.config import ConfigError, TrainConfig
from playground.live.film import FilmReel, PointsFrame, history_until, load_reel
from playground.live.snapshot import HISTORY_KEYS, Snapshot, frozen
from playground.presets import PRESET_DIR
from playground.web.outcome import Updates
from playground.web.viz import live_figure
from playground.web.viz_common import as_json
from playground.web.viz_curves import curves_figure

FILM_DIR = PRESET_DIR / "films"
WATCH_FRAME_S = 0.15  # "watch the film": seconds per frame (20 frames in 3 s)
WATCH_CURVES_EVERY = 4  # ... and the curves with every 4th frame (~1.7 redraws a second)
PAUSE_WAIT_S = 3.0


@lru_cache(maxsize=1)
def shipped_films(directory: Path = FILM_DIR) -> tuple[tuple[TrainConfig, FilmReel], ...]:
    """Every shipped film with the config it was trained from (read once; a broken file is
    skipped, the page works without it)."""
    films = []
    for path in sorted(directory.glob("*.npz")):
        try:
            reel, text = load_reel(path)
            films.append((TrainConfig.from_json(text), reel))
        except (ValueError, ConfigError):
            continue
    return tuple(films)


def shipped_film(config: TrainConfig) -> FilmReel | None:
    """The shipped film of exactly this config, if there is one."""
    return next((reel for cfg, reel in shipped_films() if cfg == config), None)


def frame_index(position: float, count: int) -> int:
    """The frame at ``position`` percent of a film of ``count`` frames (100: the last)."""
    fraction = min(max(float(position or 0.0), 0.0), 100.0) / 100.0
    return int(round(fraction * (count - 1)))


def replay_history(reel: FilmReel, step: int) -> dict[str, np.ndarray]:
    """The film's curves up to ``step``, every key the curves read (NaN where the film has
    none, as a live run records); {} for a film without curves."""
    history = history_until(reel.history, step)
    if not history:
        return {}
    rows = len(history["step"])
    return {key: frozen(history.get(key, np.full(rows, np.nan, np.float32)))
            for key in HISTORY_KEYS}


def replay_snapshot(reel: FilmReel, index: int, live: Snapshot) -> Snapshot:
    """Frame ``index`` of ``reel`` as a Snapshot the live plot and the curves can draw
    (``live`` supplies the run's config, kind of surface and session): the curves as they
    stood at that frame's step; no arrows, no trails."""
    step, frame = reel.frames[index]
    empty = frozen(np.zeros((0, 2)))
    common = dict(seq=-1, step=step, playing=False, message="replay",
                  history=replay_history(reel, step), metrics={}, iters_per_s=0.0,
                  prev_fake=None, arrows=None, manifold=None)
    if isinstance(frame, bytes):  # a PNG digit grid
        from PIL import Image

        picture = Image.open(io.BytesIO(frame))  # grey digits, or RGB for Stacked MNIST
        grid = np.asarray(picture.convert("RGB" if picture.mode == "RGB" else "L"), np.uint8)
        return replace(live, **common, digit_grid=grid, real=empty, fake=empty)
    fake = frame.fake if isinstance(frame, PointsFrame) else frame
    surface = (np.asarray(frame.surface, np.float32) / 255.0 if isinstance(frame, PointsFrame)
               else np.full((2, 2), 0.5, np.float32))
    real = reel.real if reel.real is not None else live.real
    return replace(live, **common, real=frozen(real), fake=frozen(fake),
                   surface=frozen(surface), bounds=reel.bounds, digit_grid=None)


def replay_figure(reel: FilmReel, index: int, live: Snapshot) -> dict[str, Any]:
    """The live plot's figure for frame ``index`` (a critic's frame is already scaled 0..1)."""
    snap = replay_snapshot(reel, index, live)
    return live_figure(snap, scale=(0.0, 1.0) if snap.critic else None)


def replay_curves(reel: FilmReel, index: int, live: Snapshot) -> dict[str, Any] | None:
    """The curves' figure at frame ``index``, or None for a film that carries no curves (the
    curves then keep showing the live run)."""
    snap = replay_snapshot(reel, index, live)
    return curves_figure([("", snap)]) if snap.history else None


class ReelSource:
    """Which film the timeline scrubs for a session: the shipped one while the run is a preset
    nobody has trained (step 0), else the run's own, fetched from its worker once per new
    snapshot (a paused run's film does not change, so scrubbing costs one fetch)."""

    def __init__(self) -> None:
        self._own: dict[str, tuple[int, FilmReel]] = {}  # session id → (snapshot seq, reel)

    def reel(self, session: Any, snap: Snapshot) -> tuple[FilmReel, str]:
        """The reel and a few words saying whose it is."""
        if snap.step == 0:
            shipped = shipped_film(snap.config)
            if shipped is not None:
                return shipped, "the preset's pre-computed film"
        cached = self._own.get(session.id)
        if cached is None or cached[0] != snap.seq:
            if len(self._own) > 64:  # bounded: old sessions' reels go
                self._own.clear()
            cached = self._own[session.id] = (snap.seq, session.film())
        return cached[1], "this run's film"


def paused_snapshot(session: Any) -> Snapshot | None:
    """The session's latest snapshot once it is paused (pausing it first if it plays)."""
    snap = session.latest
    if snap is None or not snap.playing:
        return snap
    session.pause()
    try:
        return session.wait_for(lambda s: not s.playing, timeout=PAUSE_WAIT_S)
    except TimeoutError:
        return None


def wire_replay(tab: Any, session_for: Callable[[Any], Any], tab_view: Any,
                full_message: str) -> None:
    """The timeline's and the "watch the film" button's events (inside ``build_app``)."""
    source = ReelSource()
    live_plot, message, timeline, curves = tab.live_plot, tab.message, tab.timeline, tab.curves

    def with_curves(updates: Updates, reel: FilmReel, index: int, snap: Snapshot) -> Updates:
        figure = replay_curves(reel, index, snap)
        return updates if figure is None else {**updates, curves: as_json(figure)}

    def start(request: gr.Request) -> tuple[Any, Snapshot, FilmReel, str] | str:
        session = session_for(request)
        if session is None:
            return full_message
        snap = paused_snapshot(session)
        if snap is None:
            return "⚠ no picture of the run yet: wait a moment and try again"
        reel, whose = source.reel(session, snap)
        if len(reel.frames) < 2:
            return "no film yet: press ▶ Play (or Step) and the timeline fills in"
        tab_view(session).hold_replay(snap)
        return session, snap, reel, whose

    def note(reel: FilmReel, index: int, whose: str, snap: Snapshot) -> str:
        step = reel.frames[index][0]
        return (f"↶ replay of {whose}: step {step:,} (frame {index + 1} of {len(reel.frames)})"
                f" · ▶ Play goes on from step {snap.step:,}")

    def on_scrub(position: float, request: gr.Request) -> Updates:
        started = start(request)
        if isinstance(started, str):
            return {message: started}
        _, snap, reel, whose = started
        index = frame_index(position, len(reel.frames))
        return with_curves({live_plot: as_json(replay_figure(reel, index, snap)),
                            message: note(reel, index, whose, snap)}, reel, index, snap)

    def on_watch(request: gr.Request) -> Iterator[Updates]:
        started = start(request)
        if isinstance(started, str):
            yield {message: started}
            return
        session, snap, reel, whose = started
        for index in range(len(reel.frames)):
            if not tab_view(session).replay_holds(session.latest or snap):
                return  # the user pressed Play or changed the run: the live view takes over
            updates = {live_plot: as_json(replay_figure(reel, index, snap)),
                       timeline: round(100 * index / (len(reel.frames) - 1)),
                       message: note(reel, index, whose, snap)}
            # The four curve panels cost the browser more to redraw than the plot (issue 14):
            # every WATCH_CURVES_EVERY-th frame, and the last.
            last = index == len(reel.frames) - 1
            yield (with_curves(updates, reel, index, snap)
                   if last or index % WATCH_CURVES_EVERY == 0 else updates)
            time.sleep(WATCH_FRAME_S)

    timeline.release(on_scrub, timeline, [live_plot, message, curves], show_progress="hidden",
                     trigger_mode="always_last", api_name="replay")
    timeline.input(on_scrub, timeline, [live_plot, message, curves], show_progress="hidden",
                   trigger_mode="always_last", api_visibility="private")
    tab.watch_film.click(on_watch, None, [live_plot, timeline, message, curves],
                         show_progress="hidden", api_name="watch_film")
    for button in (tab.play, tab.step, tab.step_d, tab.step_g, tab.reset, tab.preset):
        event = button.select if button is tab.preset else button.click  # as page.py's preset
        event(lambda: 100, None, timeline, show_progress="hidden", api_visibility="private")
