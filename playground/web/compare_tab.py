"""The Compare tab: runs A and B side by side, trained in lockstep in one pair session.

A is a pair preset's first run, or this tab's own run; B starts as a copy of A and the user
changes only what they want (the loss, a learning rate, ...). Both share the dataset and the
seed, so what differs is only what the user changed. Wiring only: the pair lives in
``live_pair`` (in a worker), figures come from ``viz``, rules from ``controls``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import gradio as gr

from playground.engine.config import (
    MODELS,
    OPTIMIZERS,
    ConfigError,
    TrainConfig,
    check_comparable,
    parse_json,
)
from playground.engine.losses import LOSSES
from playground.live.session import (
    PlaygroundFullError,
    RunRefusedError,
    Session,
    SessionManager,
)
from playground.live.snapshot import ViewOptions
from playground.presets import load_pair, pair_names
from playground.web.admission import run_problem
from playground.web.clients import client_of
from playground.web.controls import control_changes, to_control
from playground.web.layout import Feed, plot_element, share_query, status_html
from playground.web.outcome import Outcome, Updates
from playground.web.tab_state import TabViews
from playground.web.viz import critic_range, live_figure
from playground.web.viz_common import as_json
from playground.web.viz_curves import curves_figure

# The tab's frame loop (run by plot A's script): the event compare_frame fills both plots,
# the curves and both status lines.
COMPARE_FEED = Feed("compare_frame", (), ("plot-a", "plot-b", "curves-ab", "status-a",
                                          "status-b"))
B_FIELDS = ("loss", "lr_g", "lr_d", "optimizer_g", "optimizer_d", "n_critic", "gp_lambda",
            "spectral_norm", "model")


def compare_key(session_hash: str) -> str:
    """The registry key of a tab's pair session (beside its single-run session)."""
    return f"{session_hash}:compare"


def pair_query(a: TrainConfig, b: TrainConfig, pair_name: str | None = None) -> str:
    """A link that opens this comparison: ``?pair=NAME`` for an unchanged pair preset, else
    A's own share query plus ``b=`` with what B changes, as JSON."""
    if pair_name:
        preset = load_pair(pair_name, paths=False)
        if (preset.a, preset.b) == (a, b):
            return f"?pair={pair_name}"
    changes = json.dumps(a.diff(b), separators=(",", ":"))
    return share_query(a) + "&b=" + quote(changes)


def pair_from_query(params: dict[str, str], a: TrainConfig) -> tuple[TrainConfig, TrainConfig]:
    """(A, B) from a link's ``pair=`` or ``b=``; ConfigError naming what is wrong."""
    if "pair" in params:
        preset = load_pair(params["pair"], paths=False)
        return preset.a, preset.b
    changes = parse_json(params["b"], "b")  # bad, deep or over-long-integer JSON: named
    if not isinstance(changes, dict):
        raise ConfigError("b", changes, "a JSON object of B's changes")
    b = a.with_changes(**changes)
    check_comparable(a, b, "B")
    return a, b


def pair_text(name: str) -> str:
    preset = load_pair(name, paths=False)
    return f"**{name}**: {preset.description}\n\n**What to watch for:** {preset.watch_for}"


@dataclass(frozen=True)
class CompareTab:
    """What the page's load event needs from the tab: ``start`` opens a comparison (for a
    share link) and returns its updates, which go to ``started`` (and ``info``, ``pair``)."""

    start: Callable[..., Updates]
    started: list[Any]
    info: Any
    pair: Any


def build_compare_tab(manager: SessionManager, main_session: Callable[[gr.Request], Any],
                      tab_view: TabViews) -> CompareTab:
    """The tab's components and events."""
    full = f"⚠ {PlaygroundFullError(manager.max_sessions)}"
    gr.Markdown("Two runs on the **same data with the same seed**, trained in lockstep: pick a "
                "pair, or start from the run in the *Play* tab (B begins as a copy of A), change "
                "B, press Play. The curves overlay A (solid) and B (dotted).")
    with gr.Row():
        pair = gr.Dropdown(pair_names(), value=None, label="Pair preset", elem_id="pair-preset",
                           scale=1)
        info = gr.Markdown("")
    with gr.Row():
        copy = gr.Button("A = the Play tab's run, B = a copy", elem_id="btn-compare-copy")
        play = gr.Button("▶ Play both", variant="primary", elem_id="btn-compare-play")
        pause = gr.Button("❚❚ Pause", elem_id="btn-compare-pause")
        reset = gr.Button("↺ Reset both", elem_id="btn-compare-reset")
    message = gr.Markdown("", elem_id="compare-message")
    with gr.Row():
        with gr.Column():
            status_a = gr.HTML(status_html(None, elem_id="status-a"))
            plot_a = plot_element("plot-a", height=430, feed=COMPARE_FEED)
        with gr.Column():
            status_b = gr.HTML(status_html(None, elem_id="status-b"))
            plot_b = plot_element("plot-b", height=430)
    curves = plot_element("curves-ab", height=430)
    gr.Markdown("**Change B** (applies at once; depth, width and the like start both again)")
    with gr.Row():
        b_controls = [
            gr.Dropdown(list(LOSSES), label="B: loss", elem_id="b-loss"),
            gr.Slider(-5, 0, step=0.1, label="B: G learning rate (log10)", elem_id="b-lr-g"),
            gr.Slider(-5, 0, step=0.1, label="B: D learning rate (log10)", elem_id="b-lr-d"),
            gr.Dropdown(list(OPTIMIZERS), label="B: G optimiser"),
            gr.Dropdown(list(OPTIMIZERS), label="B: D optimiser"),
            gr.Slider(1, 10, step=1, label="B: n_critic", elem_id="b-n-critic"),
            gr.Number(label="B: gradient penalty λ", elem_id="b-gp-lambda"),
            gr.Checkbox(label="B: spectral norm", elem_id="b-sn"),
            gr.Dropdown(list(MODELS), label="B: model (gan or vae)", elem_id="b-model"),
        ]
    with gr.Accordion("B's whole config (JSON), and a link to this comparison", open=False):
        b_json = gr.Code("", language="json", label="B", elem_id="b-json", interactive=True)
        apply_b = gr.Button("Apply to B", elem_id="btn-apply-b")
        link = gr.Textbox("", label="share link (opens this comparison)", elem_id="compare-link",
                          buttons=["copy"], interactive=False)
    pair_name = gr.State(None)

    def pair_session(request: gr.Request) -> Session | None:
        return manager.get(compare_key(request.session_hash))

    def b_values(b: TrainConfig) -> Updates:
        return {control: to_control(name, b) for control, name in zip(b_controls, B_FIELDS)}

    def start(a: TrainConfig, b: TrainConfig, request: gr.Request, note: str,
              name: str | None) -> Updates:
        """(Re)open the pair session with A and B; fill B's controls, the JSON and the link."""
        problem = run_problem(a) or run_problem(b)
        if problem:
            return {message: f"⚠ {problem}"}
        key = compare_key(request.session_hash)
        manager.close(key)
        try:
            page = manager.get(request.session_hash)  # the Play tab's session: a real page?
            manager.open(key, a, b, client=client_of(request),
                         claimed=page is not None and page.claimed)
        except PlaygroundFullError as exc:  # full, or no room for a run this heavy
            return {message: f"⚠ {exc}"}
        return {message: note, **b_values(b), b_json: b.to_json(),
                link: pair_query(a, b, name), pair_name: name}

    started = [message, *b_controls, b_json, link, pair_name]

    def on_pair(name: str, request: gr.Request) -> Updates:
        try:
            preset = load_pair(name, paths=False)
        except ConfigError as exc:
            return {message: f"⚠ {exc}"}
        return {**start(preset.a, preset.b, request, f"✓ {name}: press Play both", name),
                info: pair_text(name)}

    pair.select(on_pair, pair, [*started, info], api_name="compare_pair")  # see page.py: preset

    def on_copy(request: gr.Request) -> Updates:
        session = main_session(request)
        if session is None:
            return {message: full}
        a = session.config
        return start(a, a, request, "✓ A and B are copies of the Play tab's run: change B", None)

    copy.click(on_copy, None, started, api_name="compare_copy")

    def command(action: Callable[[Session], None]) -> Callable[[gr.Request], str]:
        def handler(request: gr.Request) -> str:
            session = pair_session(request)
            if session is None:
                return "pick a pair preset, or press *A = the Play tab's run*"
            action(session)
            return ""
        return handler

    for button, action, api in ((play, lambda s: s.play(), "compare_play"),
                                (pause, lambda s: s.pause(), "compare_pause"),
                                (reset, lambda s: s.reset(), "compare_reset")):
        button.click(command(action), None, message, show_progress="hidden", api_name=api)

    def apply_to_b(b: TrainConfig, request: gr.Request, name: str | None) -> Outcome:
        session = pair_session(request)
        if session is None:
            return Outcome(False, {message: "pick a pair preset first"})
        try:
            check_comparable(session.config, b, "B")
        except ConfigError as exc:
            return Outcome(False, {message: f"⚠ {exc}"})
        problem = run_problem(b)
        if problem:
            return Outcome(False, {message: f"⚠ {problem}"})
        try:
            plan = session.apply(b, "b")  # returns once the worker has built B
        except RunRefusedError as exc:
            return Outcome(False, {message: f"⚠ {exc}"})
        updates = {b_json: b.to_json(), link: pair_query(session.config, b, name)}
        if plan.changed:  # a repeated event (a dropdown's blur) must not say "no change" over
            note = f"✓ B: {plan.message}" + ("; A starts again too" if plan.rebuilt else "")
            updates[message] = note  # what the edit did
        return Outcome(True, updates)

    def on_b_control(name: str | None, request: gr.Request, *values: Any) -> Updates:
        session = pair_session(request)
        if session is None:
            return {message: "pick a pair preset first"}
        try:
            b = session.config_b.with_changes(**control_changes(B_FIELDS, values,
                                                                 session.config_b))
        except ConfigError as exc:
            return {message: f"⚠ {exc}"}
        return apply_to_b(b, request, name).updates

    for control in b_controls:
        event = control.release if isinstance(control, gr.Slider) else (
            control.blur if isinstance(control, gr.Number) else control.input)
        event(on_b_control, [pair_name, *b_controls], [message, b_json, link],
              show_progress="hidden", api_visibility="private")
    apply_controls = gr.Button("apply B", visible=False)
    apply_controls.click(on_b_control, [pair_name, *b_controls], [message, b_json, link],
                         api_name="compare_apply_b")

    def on_b_json(text: str, name: str | None, request: gr.Request) -> Updates:
        try:
            b = TrainConfig.from_json(text or "")
        except ConfigError as exc:
            return {message: f"⚠ {exc}"}
        outcome = apply_to_b(b, request, name)
        return {**outcome.updates, **b_values(b)} if outcome.ok else outcome.updates

    apply_b.click(on_b_json, [b_json, pair_name], [message, b_json, link, *b_controls],
                  api_name="compare_b_json")
    link.change(None, link, link, api_visibility="private",
                js="(q) => (q || '').startsWith('?') ? location.origin + location.pathname + q : q")

    def on_tick(request: gr.Request) -> Updates:
        session = pair_session(request)
        if session is None:
            return {status_a: gr.skip()}
        snaps = session.frame(ViewOptions(arrows=False))
        shown = tab_view(session)
        if snaps is None:  # no runs (they could not start): say why, once
            if shown.notice_is_new(session.notice):
                return {status_a: status_html(None, session.notice, "status-a", "A",
                                              problem=session.open_failed)}
            return {status_a: gr.skip()}
        a, b = snaps
        if not shown.is_new(a.seq):
            return {status_a: gr.skip()}
        return {plot_a: as_json(live_figure(a, f"A: {a.config.loss}", 430,
                                            shown.critic_scale("a", critic_range(a)))),
                plot_b: as_json(live_figure(b, f"B: {b.config.loss}", 430,
                                            shown.critic_scale("b", critic_range(b)))),
                curves: as_json(curves_figure([("A", a), ("B", b)], 430))
                if shown.curves_due(a.playing) else gr.skip(),
                status_a: status_html(a, session.notice, "status-a", "A"),
                status_b: status_html(b, "", "status-b", "B")}

    frame = gr.Button("compare frame", visible=False)  # polled by COMPARE_FEED's loop
    frame.click(on_tick, None, [plot_a, plot_b, curves, status_a, status_b],
                trigger_mode="once", concurrency_limit=None, show_progress="hidden",
                queue=False, api_name="compare_frame")
    return CompareTab(start, started, info, pair)
