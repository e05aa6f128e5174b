"""Gradio layout and callbacks: wiring only. Logic lives in session, controls and viz.

GAN Lab's story left to right: data and noise → generator → discriminator → loss, the live
plot in the middle, the curves on the right. Each browser tab gets its own Session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from playground.engine.config import ConfigError, TrainConfig
from playground.engine.kinds import kind_of
from playground.live.admission import TWO_D_OFFER, NoRoomError
from playground.live.session import (
    PlaygroundFullError,
    RunRefusedError,
    Session,
    SessionManager,
)
from playground.live.snapshot import ViewOptions
from playground.presets import load_preset
from playground.web.admission import run_problem
from playground.web.body_limit import BodyLimit
from playground.web.clients import client_of, trust_proxy
from playground.web.compare_tab import build_compare_tab, compare_key, pair_from_query, pair_text
from playground.web.controls import (
    CONTROL_FIELDS,
    DEFAULT_PRESET,
    HIDEABLE_CONTROLS,
    config_from_controls,
    config_from_query,
    controls_from_config,
    digits_view,
    kind_defaults,
    kind_preset,
    unused_controls,
)
from playground.web.exports_panel import MAX_CHECKPOINT_BYTES, build_export_panel
from playground.web.inputs import explain_wrong_inputs
from playground.web.layout import (
    CSS,
    PAGE_JS,
    dataset_text,
    loss_text,
    preset_view,
    session_marker,
    share_query,
    status_html,
)
from playground.web.outcome import Outcome, Updates
from playground.web.overview import overview_status
from playground.web.play_tab import build_play_tab
from playground.web.replay import wire_replay
from playground.web.scripts import PlotlyScript
from playground.web.tab_state import TabViews
from playground.web.upload_budget import UploadLedger
from playground.web.viz import critic_range, live_figure
from playground.web.viz_common import as_json
from playground.web.viz_curves import curves_figure


def build_app(manager: SessionManager) -> gr.Blocks:
    """The whole page. ``manager`` owns the sessions (and their worker processes)."""
    explain_wrong_inputs()
    trust_proxy()  # a bad PLAYGROUND_TRUST_PROXY stops the app here, not every request
    default = load_preset(DEFAULT_PRESET).config
    tab_view = TabViews()  # what each tab was last shown

    def session_for(request: gr.Request) -> Session | None:
        """This tab's session, opened on first use (API clients never fire the page load)."""
        session = manager.get(request.session_hash)
        if session is None:
            try:
                session = manager.open(request.session_hash, default,  # an API call: no page
                                       client=client_of(request), claimed=False)
            except PlaygroundFullError:
                return None
        return session

    full_message = f"⚠ {PlaygroundFullError(manager.max_sessions)}"

    # Gradio keeps every upload and download in its cache; on a Space that runs for months,
    # hourly sweeps of files older than an hour keep the disk from filling.
    with gr.Blocks(title="GAN Playground", delete_cache=(3600, 3600)) as demo:
        gr.Markdown(
            "## GAN Playground\nPick a preset, press **▶ Play**, watch a GAN learn: purple "
            "dots are the generator's fakes, green dots real data, the background is the "
            "discriminator's opinion (green: *looks real*, purple: *looks fake*).",
            elem_classes="gp-intro")
        with gr.Tabs(selected="play") as tabs:
            with gr.Tab("Play", id="play"):
                tab = build_play_tab(default)
            with gr.Tab("Compare A / B", id="compare"):
                compare = build_compare_tab(manager, session_for, tab_view)
        feed = gr.HTML("", elem_id="gp-feed")  # this page's session, for the frame loop
        # The tab's components by name (each bound to the field of the same name).
        preset, play, pause, step, step_d = tab.preset, tab.play, tab.pause, tab.step, tab.step_d
        step_g, reset, slow, preset_info = tab.step_g, tab.reset, tab.slow, tab.preset_info
        status, message, live_plot = tab.status, tab.message, tab.live_plot
        points_row, arrows, manifold, trails = tab.points_row, tab.arrows, tab.manifold, tab.trails
        draw_mode, draw_row, drawn = tab.draw_mode, tab.draw_row, tab.drawn
        train_drawn, clear_drawn, images_row = tab.train_drawn, tab.clear_drawn, tab.images_row
        digits, curves, controls, loss_info = tab.digits, tab.curves, tab.controls, tab.loss_info
        dataset_info, config_json, load_config = tab.dataset_info, tab.config_json, tab.load_config
        share, export_panel = tab.share, tab.export_panel

        def on_config_text(text: str) -> Any:
            """The share link: the nearest preset's name plus only what differs from it."""
            try:
                config = TrainConfig.from_json(text or "")
            except ConfigError:
                return gr.skip()  # the editor holds a draft that is not a config (yet)
            return share_query(config)

        # A run's settings bring their share link and dataset text in the same answer
        # (``showing``); only a draft typed into the editor asks for its link on its own. Each
        # listener on ``.change`` was one more event completing a few seconds after a preset
        # pick on a busy machine, and Gradio's dropdown, redrawn as each completes, dropped a
        # pick made meanwhile (issue 14: 1 in 8 picks lost under load).
        config_json.input(on_config_text, config_json, share, api_visibility="private",
                          show_progress="hidden")
        share.change(None, share, share, api_visibility="private",
                     js="(q) => (q || '').startsWith('?') ? location.origin + location.pathname "
                        "+ q : q")
        control_list = [controls[name] for name in CONTROL_FIELDS]
        view_rows = [points_row, draw_row, images_row]

        def preset_shown(config: TrainConfig) -> Updates:
            """The preset box: the run's preset, or "your own settings" (see preset_view)."""
            name, text = preset_view(config)
            return {preset: name, preset_info: text}

        def showing(config: TrainConfig) -> Updates:
            """A run's settings on the page: the controls, its JSON, the loss text, and which
            view rows apply (2-D overlays and drawing for points, the digit picker for a cGAN).
            """
            image = kind_of(config.dataset).is_image
            unused = unused_controls(config)
            values = {controls[name]: gr.update(value=value, visible=name not in unused)
                      if name in HIDEABLE_CONTROLS else value  # API clients get plain values
                      for name, value in zip(CONTROL_FIELDS, controls_from_config(config),
                                             strict=True)}
            return {**values,
                    **preset_shown(config),
                    config_json: config.to_json(), loss_info: loss_text(config.loss),
                    share: share_query(config), dataset_info: dataset_text(config.dataset),
                    points_row: gr.update(visible=not image),
                    draw_row: gr.update(visible=not image),
                    images_row: gr.update(visible=config.conditional)}

        # --- callbacks: thin wrappers over Session -------------------------------------

        def on_load(name: str, request: gr.Request) -> Updates:
            """Open this tab's session: a share link's config if the URL has one, else the
            preset's. A bad link gets a message and the preset instead."""
            params = dict(request.query_params)
            name = params.pop("preset", name)
            pair_params = {key: params.pop(key) for key in ("pair", "b") if key in params}
            note = ""
            try:
                config = load_preset(name, paths=False).config
                if params:
                    config = config_from_query(params, config)
                    note = "✓ config from the link loaded: press Play"
            except ConfigError as exc:
                config = load_preset(DEFAULT_PRESET).config
                note = f"⚠ this link's config is not usable: {exc}. Showing {DEFAULT_PRESET}."
            problem = run_problem(config)
            if problem:
                config = load_preset(DEFAULT_PRESET).config
                note = f"⚠ {problem} Showing {DEFAULT_PRESET}."
            marker = {feed: session_marker(request.session_hash)}
            try:
                try:
                    session = manager.open(request.session_hash, config,  # a loaded page
                                           client=client_of(request))
                except NoRoomError as exc:  # e.g. a link's MNIST run on a busy Space: a 2-D one
                    config, note = load_preset(TWO_D_OFFER).config, f"⚠ {exc}"
                    session = manager.open(request.session_hash, config, client=client_of(request))
            except PlaygroundFullError as exc:
                return {message: f"⚠ {exc}", **marker}
            try:
                session.apply(config)
            except RunRefusedError as exc:
                config, note = session.config, f"⚠ {exc}"  # show the run that is there
            updates = {**showing(config), message: note}
            compared, note = compare_from_link(pair_params, config, note, request)
            return {**updates, **compared, message: note, **marker}

        def compare_from_link(params: dict[str, str], a: TrainConfig, note: str,
                              request: gr.Request) -> tuple[Updates, str]:
            """A link with ``pair=`` or ``b=`` opens the Compare tab with that comparison."""
            if not params:
                return {}, note
            try:
                a, b = pair_from_query(params, a)
            except ConfigError as exc:
                return {}, f"⚠ this link's comparison is not usable: {exc}"
            name = params.get("pair")
            started = compare.start(a, b, request, "✓ comparison from the link: press Play "
                                    "both", name)
            extra = {compare.info: pair_text(name), compare.pair: name} if name else {}
            return {tabs: gr.Tabs(selected="compare"), **started, **extra}, note

        demo.load(on_load, [preset],
                  [*control_list, message, config_json, share, preset_info, preset, loss_info,
                   dataset_info, *view_rows, tabs, *compare.started, compare.info, compare.pair,
                   feed],
                  api_visibility="private")

        def on_unload(request: gr.Request) -> None:
            manager.close(request.session_hash)
            manager.close(compare_key(request.session_hash))

        demo.unload(on_unload)

        def on_tick(show_arrows: bool, show_manifold: bool, show_trails: bool,
                    picked: list[str] | None, request: gr.Request) -> Updates:
            session = session_for(request)
            if session is None:
                return {status: f'<div class="gp-status bad">{full_message}</div>'}
            view = ViewOptions(arrows=bool(show_arrows), manifold=bool(show_manifold),
                               trails=bool(show_trails), digits=digits_view(picked))
            snap = session.frame(view)
            shown = tab_view(session)
            if snap is None:  # no run (it could not start): say why, once
                if shown.notice_is_new(session.notice):
                    return {status: status_html(None, session.notice,
                                                problem=session.open_failed)}
                return {status: gr.skip()}  # nothing new (an empty dict is not one)
            if not shown.is_new(snap.seq):
                return {status: gr.skip()}  # nothing new (an empty dict is not one)
            scale = shown.critic_scale("", critic_range(snap))
            held = shown.replay_holds(snap)  # the timeline shows a replayed frame
            return {live_plot: gr.skip() if held else as_json(live_figure(snap, scale=scale)),
                    # A replay shows the film's curves too: they stay until the run moves on.
                    curves: as_json(curves_figure([("", snap)]))
                    if not held and shown.curves_due(snap.playing) else gr.skip(),
                    status: overview_status(snap, session.notice)}

        # Polled by the page's frame loop (PLAY_FEED in play_tab, run by live_plot.js) and by
        # API clients; the button only carries the event.
        frame = gr.Button("frame", visible=False)
        frame.click(on_tick, [arrows, manifold, trails, digits], [live_plot, curves, status],
                    trigger_mode="once", concurrency_limit=None, show_progress="hidden",
                    queue=False, api_name="frame")

        def command(action: Callable[[Session], None]) -> Callable[[gr.Request], str]:
            def handler(request: gr.Request) -> str:
                session = session_for(request)
                if session is None:
                    return full_message
                action(session)
                return ""
            return handler

        buttons = [(play, lambda s: s.play()), (pause, lambda s: s.pause()),
                   (step, lambda s: s.step(1)), (step_d, lambda s: s.step(1, True, False)),
                   (step_g, lambda s: s.step(1, False, True)), (reset, lambda s: s.reset())]
        for button, action in buttons:
            api = button.elem_id.removeprefix("btn-").replace("-", "_")
            button.click(command(action), None, message, show_progress="hidden", api_name=api)

        def on_slow(on: bool, request: gr.Request) -> str:
            return command(lambda s: s.set_slow_motion(on))(request)

        slow.input(on_slow, slow, message, show_progress="hidden", api_name="slow_motion")

        def apply_config(session: Session | None, config: TrainConfig) -> Outcome:
            """Send the config to the run; the outcome says what happened (or nothing did)."""
            if session is None:
                return Outcome(False, {message: full_message})
            problem = run_problem(config)
            if problem:
                return Outcome(False, {message: f"⚠ {problem}"})
            try:
                plan = session.apply(config)  # returns once the worker has built it
            except RunRefusedError as exc:
                return Outcome(False, {message: f"⚠ {exc}"})
            return Outcome(True, {message: f"✓ {plan.message}"} if plan.changed else {})

        def on_control(request: gr.Request, *values: Any) -> Updates:
            *control_values, drawn_text = values
            session = session_for(request)
            if session is not None and not tab_view(session).controls_are_new(values):
                # Gradio sends a dropdown's pick twice; the second is stale. skip(), not {}:
                # Gradio reads an empty dict as one value for 39 outputs and fails.
                return gr.skip()
            base = session.config if session else TrainConfig()
            dataset = str(control_values[CONTROL_FIELDS.index("dataset")])
            if kind_of(dataset) != kind_of(base.dataset):
                # Points and images need different nets: start from that kind's defaults.
                note = f"✓ {dataset}: settings from the {kind_preset(dataset)} preset"
                outcome = load_into_session(kind_defaults(dataset), request, note)
                if session is not None:  # the pick's repeat must not undo the switch
                    tab_view(session).controls_are_new(values)
                return outcome.updates
            try:
                config = config_from_controls(base, control_values, drawn_text)
            except ConfigError as exc:
                return {message: f"⚠ {exc}"}
            outcome = apply_config(session, config)
            shown = showing(config)
            unused = unused_controls(config)
            for name in CONTROL_FIELDS:  # leave the values as the user set them
                shown.pop(controls[name])
            for name in HIDEABLE_CONTROLS:
                shown[controls[name]] = gr.update(visible=name not in unused)
            return {**shown, **outcome.updates} if outcome.ok else outcome.updates

        control_outputs = [*control_list, message, config_json, loss_info, *view_rows, preset,
                           preset_info, share, dataset_info]
        for component in control_list:
            event = component.release if isinstance(component, gr.Slider) else (
                component.blur if isinstance(component, gr.Number) else component.input)
            event(on_control, [*control_list, drawn], control_outputs,
                  show_progress="hidden", api_visibility="private")
            if isinstance(component, gr.Number):
                component.submit(on_control, [*control_list, drawn], control_outputs,
                                 show_progress="hidden", api_visibility="private")
        apply_button = gr.Button("apply", visible=False)
        apply_button.click(on_control, [*control_list, drawn], control_outputs,
                           api_name="apply_controls")

        def load_into_session(config: TrainConfig, request: gr.Request, note: str = "",
                              checkpoint: bytes | None = None) -> Outcome:
            """Start ``config`` from step 0, or continue a checkpoint whose config it is. Not
            ok (and the page left showing the run that is still there) when it cannot."""
            problem = run_problem(config)
            if problem:
                return Outcome(False, {message: f"⚠ {problem}"})
            session = session_for(request)
            if session is None:
                return Outcome(False, {message: full_message})
            tab_view(session).forget_controls()  # the page's controls now show this config
            try:  # "✓" only once the worker has restored or built the run
                if checkpoint is not None:
                    session.restore(checkpoint, config)
                else:
                    session.apply(config, fresh=True)  # one build: new nets or a reset
            except RunRefusedError as exc:  # the page stays with the run that is there
                return Outcome(False, {message: f"⚠ {exc}"})
            return Outcome(True, {**showing(config), message: note})

        loaded_outputs = [*control_list, message, config_json, loss_info, *view_rows, preset,
                          preset_info, share, dataset_info]

        def on_preset(name: str, request: gr.Request) -> Updates:
            try:
                config = load_preset(name, paths=False).config
            except ConfigError as exc:
                return {message: f"⚠ {exc}"}
            outcome = load_into_session(config, request, f"✓ preset {name}: press Play")
            if not outcome.ok:  # e.g. no MNIST here: the box goes back to the run that is
                session = manager.get(request.session_hash)
                return {**outcome.updates, **preset_shown(session.config)} if session else (
                    outcome.updates)
            return outcome.updates

        # ``select``, not ``input``: Gradio 6's dropdown sends ``input`` twice per pick (two
        # queue/join requests in the same millisecond), so every preset was built twice.
        preset.select(on_preset, preset, loaded_outputs, api_name="preset")

        def on_load_config(text: str, request: gr.Request) -> Updates:
            try:
                config = TrainConfig.from_json(text or "")
            except ConfigError as exc:
                return {message: f"⚠ {exc}"}
            return load_into_session(config, request, "✓ config loaded: press Play").updates

        load_config.click(on_load_config, config_json, loaded_outputs, api_name="load_config")
        wire_replay(tab, session_for, tab_view, full_message)
        with export_panel:
            build_export_panel(session_for, load_into_session, loaded_outputs, message)

        def on_train_drawn(request: gr.Request, *values: Any) -> Updates:
            *control_values, drawn_text = values
            session = session_for(request)
            base = session.config if session else TrainConfig()
            if kind_of(base.dataset).is_image:  # drawn points need the 2-D nets, not MNIST's
                base = kind_defaults("custom")
                control_values = controls_from_config(base)
            control_values[CONTROL_FIELDS.index("dataset")] = "custom"
            try:
                config = config_from_controls(base, control_values, drawn_text)
            except ConfigError as exc:
                return {message: f"⚠ {exc}"}
            outcome = load_into_session(
                config, request, f"✓ training on your {len(config.custom_points)} points")
            if not outcome.ok:
                return outcome.updates
            session_for(request).play()
            return {**outcome.updates, draw_mode: False}  # leave draw mode: training shows

        train_drawn.click(on_train_drawn, [*control_list, drawn],
                          [*loaded_outputs, draw_mode],
                          api_name="train_drawn")
        clear_js = "() => { window.gpClearDrawn && window.gpClearDrawn(); return ''; }"
        clear_drawn.click(lambda: "", None, drawn, api_visibility="private", js=clear_js)
    return demo


def launch_kwargs(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``demo.launch`` settings. ``max_file_size`` makes Gradio refuse a bigger upload while
    it streams in, before it lands on disk: a stranger must not be able to fill a Space's disk
    with one file (``PLAYGROUND_MAX_UPLOAD_BYTES``, default: the checkpoint cap). BodyLimit
    does the same for every other request body (see ``body_limit``), and charges uploads to
    their client's budget over time (``upload_budget``)."""
    env = os.environ if env is None else env
    limit = int(env.get("PLAYGROUND_MAX_UPLOAD_BYTES") or MAX_CHECKPOINT_BYTES)
    return {"css": CSS, "js": PAGE_JS, "theme": gr.themes.Soft(), "max_file_size": limit,
            "app_kwargs": {"middleware": [Middleware(BodyLimit, upload_bytes=limit + 2**16,
                                                     ledger=UploadLedger.from_env(env)),
                                          Middleware(PlotlyScript)]}}
