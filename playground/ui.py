"""Gradio layout and callbacks: wiring only. Logic lives in session, controls and viz.

GAN Lab's story left to right: data and noise → generator → discriminator → loss, the live
plot in the middle, the curves on the right. Each browser tab gets its own Session.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr
import plotly

from playground.config import ACTIVATIONS, OPTIMIZERS, ConfigError, TrainConfig
from playground.controls import (
    CONTROL_FIELDS,
    config_from_controls,
    config_from_query,
    config_to_query,
    controls_from_config,
    to_control,
)
from playground.data.toy2d import DATASET_DESCRIPTIONS, DATASETS
from playground.losses import LOSSES
from playground.presets import load_preset, preset_names
from playground.session import PlaygroundFullError, Session, SessionManager
from playground.snapshot import ViewOptions
from playground.viz import curves_figure, samples_figure, status_text

DEFAULT_PRESET = "mode-collapse"
FRAME_INTERVAL_S = 0.08  # ≥ 10 fresh frames/s where the machine allows
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
LIVE_PLOT_JS = (Path(__file__).parent / "static" / "live_plot.js").read_text()
CSS = """
.gp-status {font-size: 15px; padding: 6px 10px; border-radius: 6px; background: #f4f4f6;}
.gp-status.bad {background: #fde2e1; color: #8a1c14;}
.gp-status b {font-size: 18px;}
.gp-flow {font-size: 13px; color: #555; letter-spacing: 0.02em;}
"""


def plot_element(elem_id: str, drawable: bool = False, height: int = 520) -> gr.HTML:
    """A chart that stays mounted; new values go through Plotly.react (see live_plot.js)."""
    return gr.HTML(
        value=None,
        html_template=(
            f'<div class="gp-plot" data-drawable="{int(drawable)}" '
            f'style="width:100%;min-height:{height}px"></div>'
        ),
        js_on_load=LIVE_PLOT_JS,
        head=f'<script src="/gradio_api/file={PLOTLY_JS}"></script>',
        elem_id=elem_id,
        apply_default_css=False,
        padding=False,
    )


def status_html(snap: Any, notice: str = "") -> str:
    if snap is None:
        return f'<div class="gp-status">starting… {html.escape(notice)}</div>'
    s = status_text(snap)
    bad = " bad" if s["diverged"] or s["message"].startswith("error") else ""
    state = "▶ playing" if s["playing"] else "❚❚ paused"
    return (
        f'<div class="gp-status{bad}" id="gp-status" data-step="{s["step"]}">'
        f"<b>iteration {s['step']:,}</b> · {s['iters_per_s']:.0f} it/s · {state} · "
        f"modes {s['modes']} · high-quality {s['hq']} · {s['device']}<br>"
        f"{html.escape(notice or s['message'])}</div>"
    )


def preset_text(name: str) -> str:
    preset = load_preset(name)
    text = f"**{preset.name}**: {preset.description}"
    if preset.watch_for:
        text += f"\n\n**What to watch for:** {preset.watch_for}"
    return text


def dataset_text(name: str) -> str:
    return f"*{DATASET_DESCRIPTIONS.get(name, '')}*"


def loss_text(name: str) -> str:
    loss = LOSSES.get(name)
    return f"*{loss.description}*" if loss else ""


def _network_controls(c: dict[str, Any], net: str, title: str, default: TrainConfig) -> None:
    """Depth, width, learning rate and optimiser of G (net="g") or D (net="d")."""
    gr.Markdown(f"**{title}**")
    c[f"{net}_layers"] = gr.Slider(1, 8, getattr(default, f"{net}_layers"), step=1,
                                   label="hidden layers")
    c[f"{net}_width"] = gr.Slider(2, 512, getattr(default, f"{net}_width"), step=1,
                                  label="neurons per layer")
    c[f"lr_{net}"] = gr.Slider(-5, 0, to_control(f"lr_{net}", default), step=0.1,
                               label="learning rate (log10: -3 = 0.001)", elem_id=f"lr-{net}")
    c[f"optimizer_{net}"] = gr.Dropdown(
        list(OPTIMIZERS), value=getattr(default, f"optimizer_{net}"), label="optimiser"
    )


def build_controls(default: TrainConfig) -> dict[str, Any]:
    """The knobs, in GAN Lab's left-to-right order: data/noise → G → D → loss."""
    c: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(min_width=220):
            gr.Markdown("**Data and noise**")
            c["dataset"] = gr.Dropdown(list(DATASETS), value=default.dataset, label="dataset",
                                       info="custom = your drawn points", elem_id="dataset")
            c["dataset_info"] = gr.Markdown(dataset_text(default.dataset))
            c["batch_size"] = gr.Slider(8, 2048, default.batch_size, step=8, label="batch size")
            c["noise"] = gr.Radio(["gaussian", "uniform"], value=default.noise,
                                  label="noise distribution")
            c["noise_dim"] = gr.Slider(1, 64, default.noise_dim, step=1, label="noise dimensions")
            c["seed"] = gr.Number(default.seed, precision=0, label="seed", elem_id="seed")
        with gr.Column(min_width=220):
            _network_controls(c, "g", "Generator", default)
            c["activation"] = gr.Dropdown(list(ACTIVATIONS), value=default.activation,
                                          label="activation (G and D)")
        with gr.Column(min_width=220):
            _network_controls(c, "d", "Discriminator", default)
            c["spectral_norm"] = gr.Checkbox(default.spectral_norm,
                                             label="spectral normalisation")
        with gr.Column(min_width=220):
            gr.Markdown("**Loss**")
            c["loss"] = gr.Dropdown(list(LOSSES), value=default.loss, label="loss",
                                    elem_id="loss")
            c["loss_info"] = gr.Markdown(loss_text(default.loss))
            c["n_critic"] = gr.Slider(1, 10, default.n_critic, step=1,
                                      label="D steps per G step (n_critic)")
            c["gp_lambda"] = gr.Number(default.gp_lambda, label="gradient penalty λ (wgan-gp)",
                                       elem_id="gp-lambda")
            c["clip"] = gr.Number(default.clip, label="weight clip c (wgan)")
    return c


def share_query(config: TrainConfig) -> str:
    """``?preset=NAME&...`` for the preset that needs the fewest changes to become ``config``."""
    options = []
    for name in preset_names():
        query = config_to_query(config, load_preset(name).config)
        options.append((len(query), f"?preset={name}" + ("&" + query[1:] if query else "")))
    return min(options)[1]


def build_app(manager: SessionManager) -> gr.Blocks:
    """The whole page. ``manager`` owns the sessions (and their worker processes)."""
    gr.set_static_paths([str(PLOTLY_JS.parent)])
    default = load_preset(DEFAULT_PRESET).config

    def session_for(request: gr.Request) -> Session | None:
        """This tab's session, opened on first use (API clients never fire the page load)."""
        session = manager.get(request.session_hash)
        if session is None:
            try:
                session = manager.open(request.session_hash, default)
            except PlaygroundFullError:
                return None
        return session

    full_message = f"⚠ {PlaygroundFullError(manager.max_sessions)}"

    with gr.Blocks(title="GAN Playground") as demo:
        gr.Markdown(
            "# GAN Playground\nPick a preset, press **Play**, watch a GAN learn. Purple dots are "
            "the generator's fakes, green dots real data; the background is the discriminator's "
            "opinion (green: *looks real*, purple: *looks fake*)."
        )
        with gr.Row():
            preset = gr.Dropdown(preset_names(), value=DEFAULT_PRESET, label="Preset", scale=1,
                                 elem_id="preset")
            preset_info = gr.Markdown(preset_text(DEFAULT_PRESET))
        with gr.Row():
            play = gr.Button("▶ Play", variant="primary", elem_id="btn-play", min_width=80)
            pause = gr.Button("❚❚ Pause", elem_id="btn-pause", min_width=80)
            step = gr.Button("Step", elem_id="btn-step", min_width=60)
            step_d = gr.Button("Step D", elem_id="btn-step-d", min_width=60)
            step_g = gr.Button("Step G", elem_id="btn-step-g", min_width=60)
            reset = gr.Button("↺ Reset", elem_id="btn-reset", min_width=60)
            slow = gr.Checkbox(label="slow motion", value=False, elem_id="slow-motion")
        status = gr.HTML(status_html(None), elem_id="status")
        message = gr.Markdown("", elem_id="message")
        gr.Markdown("noise z → **generator** → fake samples → **discriminator** ← real samples"
                    " → **loss**", elem_classes="gp-flow")
        with gr.Row():
            with gr.Column(scale=5, min_width=420):
                live_plot = plot_element("live-plot", drawable=True)
                with gr.Row():
                    arrows = gr.Checkbox(True, label="gradient arrows", elem_id="ov-arrows")
                    manifold = gr.Checkbox(False, label="G's manifold", elem_id="ov-manifold")
                    trails = gr.Checkbox(False, label="trails", elem_id="ov-trails")
                    draw_mode = gr.Checkbox(False, label="draw mode (click the plot)",
                                            elem_id="draw-mode", interactive=True)
                with gr.Row():
                    drawn = gr.Textbox("", label="drawn points [[x, y], …]", lines=1,
                                       elem_id="drawn-points", scale=4)
                    train_drawn = gr.Button("Train on drawn points", elem_id="btn-train-drawn",
                                            scale=1)
                    clear_drawn = gr.Button("Clear", elem_id="btn-clear-drawn", scale=0)
            with gr.Column(scale=4, min_width=320):
                curves = plot_element("curves", height=520)
        controls = build_controls(default)
        loss_info = controls.pop("loss_info")
        dataset_info = controls.pop("dataset_info")
        with gr.Accordion("Share / reproduce: config JSON", open=False):
            config_json = gr.Code(default.to_json(), language="json", label="config",
                                  elem_id="config-json", interactive=True)
            load_config = gr.Button("Load config", elem_id="btn-load-config")
            share = gr.Textbox("", label="share link (opens this config)", elem_id="share-link",
                               buttons=["copy"], interactive=False)
        timer = gr.Timer(FRAME_INTERVAL_S)

        def on_config_text(text: str) -> Any:
            """The share link: the nearest preset's name plus only what differs from it."""
            try:
                config = TrainConfig.from_json(text or "")
            except ConfigError:
                return gr.skip()  # the editor holds a draft that is not a config (yet)
            return share_query(config)

        config_json.change(on_config_text, config_json, share, api_name=False).then(
            None, share, share, api_name=False,
            js="(q) => (q || '').startsWith('?') ? location.origin + location.pathname + q : q")
        control_list = [controls[name] for name in CONTROL_FIELDS]

        # --- callbacks: thin wrappers over Session -------------------------------------

        def on_load(name: str, request: gr.Request):
            """Open this tab's session: a share link's config if the URL has one, else the
            preset's. A bad link gets a message and the preset instead."""
            params = dict(request.query_params)
            name = params.pop("preset", name)
            note = ""
            try:
                config = load_preset(name).config
                if params:
                    config = config_from_query(params, config)
                    note = "✓ config from the link loaded: press Play"
            except ConfigError as exc:
                config = load_preset(DEFAULT_PRESET).config
                note = f"⚠ this link's config is not usable: {exc}. Showing {DEFAULT_PRESET}."
            try:
                session = manager.open(request.session_hash, config)
            except PlaygroundFullError as exc:
                return [gr.skip()] * len(control_list) + [f"⚠ {exc}"] + [gr.skip()] * 4
            session.apply(config)
            known = name in preset_names()
            return [*controls_from_config(config), note, config.to_json(),
                    preset_text(name) if known else gr.skip(), name if known else gr.skip(),
                    loss_text(config.loss)]

        demo.load(on_load, [preset],
                  [*control_list, message, config_json, preset_info, preset, loss_info],
                  api_name=False)

        def on_unload(request: gr.Request) -> None:
            manager.close(request.session_hash)

        demo.unload(on_unload)

        def on_tick(show_arrows: bool, show_manifold: bool, show_trails: bool,
                    request: gr.Request):
            session = session_for(request)
            if session is None:
                return gr.skip(), gr.skip(), f'<div class="gp-status bad">{full_message}</div>'
            view = ViewOptions(arrows=bool(show_arrows), manifold=bool(show_manifold),
                               trails=bool(show_trails))
            snap = session.frame(view)
            if snap is None or getattr(session, "ui_seq", None) == snap.seq:
                return gr.skip(), gr.skip(), gr.skip()
            session.ui_seq = snap.seq
            return (samples_figure(snap), curves_figure([("", snap)]),
                    status_html(snap, session.notice))

        timer.tick(on_tick, [arrows, manifold, trails], [live_plot, curves, status],
                   trigger_mode="once", concurrency_limit=None, show_progress="hidden",
                   queue=False, api_name="frame")

        def command(action):
            def handler(request: gr.Request):
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

        def apply_config(session: Session | None, config: TrainConfig) -> Any:
            """Send the config to the run; the message says what happened (or stays put)."""
            if session is None:
                return full_message
            plan = session.apply(config)
            return f"✓ {plan.message}" if plan.changed else gr.skip()

        def on_control(request: gr.Request, *values: Any):
            *control_values, drawn_text = values
            session = session_for(request)
            base = session.config if session else TrainConfig()
            try:
                config = config_from_controls(base, control_values, drawn_text)
            except ConfigError as exc:
                return f"⚠ {exc}", gr.skip(), gr.skip()
            return apply_config(session, config), config.to_json(), loss_text(config.loss)

        for component in control_list:
            event = component.release if isinstance(component, gr.Slider) else (
                component.blur if isinstance(component, gr.Number) else component.input)
            event(on_control, [*control_list, drawn], [message, config_json, loss_info],
                  show_progress="hidden", api_name=False)
            if isinstance(component, gr.Number):
                component.submit(on_control, [*control_list, drawn],
                                 [message, config_json, loss_info], show_progress="hidden",
                                 api_name=False)
        apply_button = gr.Button("apply", visible=False)
        apply_button.click(on_control, [*control_list, drawn], [message, config_json, loss_info],
                           api_name="apply_controls")

        def load_into_session(config: TrainConfig, request: gr.Request, note: str = ""):
            session = session_for(request)
            apply_config(session, config)
            if session is not None:
                session.reset()
            return [*controls_from_config(config), note if session else full_message,
                    config.to_json(), loss_text(config.loss)]

        def on_preset(name: str, request: gr.Request):
            try:
                config = load_preset(name).config
            except ConfigError as exc:
                return [gr.skip()] * len(control_list) + [f"⚠ {exc}", gr.skip(), gr.skip(),
                                                          gr.skip()]
            return [*load_into_session(config, request, f"✓ preset {name}: press Play"),
                    preset_text(name)]

        preset.input(on_preset, preset,
                     [*control_list, message, config_json, loss_info, preset_info],
                     api_name="preset")

        def on_load_config(text: str, request: gr.Request):
            try:
                config = TrainConfig.from_json(text or "")
            except ConfigError as exc:
                return [gr.skip()] * len(control_list) + [f"⚠ {exc}", gr.skip(), gr.skip()]
            return load_into_session(config, request, "✓ config loaded: press Play")

        load_config.click(on_load_config, config_json,
                          [*control_list, message, config_json, loss_info], api_name="load_config")

        def on_train_drawn(request: gr.Request, *values: Any):
            *control_values, drawn_text = values
            session = session_for(request)
            control_values[CONTROL_FIELDS.index("dataset")] = "custom"
            try:
                config = config_from_controls(session.config if session else TrainConfig(),
                                              control_values, drawn_text)
            except ConfigError as exc:
                return [gr.skip()] * len(control_list) + [f"⚠ {exc}"] + [gr.skip()] * 3
            result = load_into_session(config, request,
                                       f"✓ training on your {len(config.custom_points)} points")
            if session is not None:
                session.play()
            return [*result, False]  # leave draw mode, so the training shows

        train_drawn.click(on_train_drawn, [*control_list, drawn],
                          [*control_list, message, config_json, loss_info, draw_mode],
                          api_name="train_drawn")
        clear_js = "() => { window.gpClearDrawn && window.gpClearDrawn(); return ''; }"
        clear_drawn.click(lambda: "", None, drawn, api_name=False, js=clear_js)
        controls["dataset"].change(dataset_text, controls["dataset"], dataset_info, api_name=False)
    return demo


def launch_kwargs() -> dict[str, Any]:
    return {"css": CSS, "theme": gr.themes.Soft()}
