"""The Play tab's components: the preset bar, the live plot and curves, the controls, and the
share and export boxes, laid out so the plot is on the first screen (a 1280x800 laptop and a
390x844 phone). Layout only: ``page`` wires the events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from playground.engine.config import TrainConfig
from playground.engine.kinds import kind_of
from playground.presets import preset_names
from playground.web.controls import DEFAULT_PRESET
from playground.web.layout import Feed, build_controls, plot_element, preset_text
from playground.web.overview import overview_status

# The tab's frame loop (web/page.py registers the event "frame" with these, in this order).
PLAY_FEED = Feed("frame", ("ov-arrows", "ov-manifold", "ov-trails", "digit-picker"),
                 ("live-plot", "curves", "status"))


@dataclass(frozen=True)
class PlayTab:
    preset: Any
    play: Any
    pause: Any
    step: Any
    step_d: Any
    step_g: Any
    reset: Any
    slow: Any
    preset_info: Any
    status: Any
    message: Any
    live_plot: Any
    points_row: Any
    arrows: Any
    manifold: Any
    trails: Any
    draw_mode: Any
    draw_row: Any
    drawn: Any
    train_drawn: Any
    clear_drawn: Any
    images_row: Any
    digits: Any
    curves: Any
    controls: Any
    loss_info: Any
    dataset_info: Any
    config_json: Any
    load_config: Any
    share: Any
    export_panel: Any
    timeline: Any
    watch_film: Any


def build_play_tab(default: TrainConfig) -> PlayTab:
    """The tab's components, inside the caller's ``gr.Tab``."""
    # The plot must be on the first screen (1280x800 and a phone): the preset's
    # story folds into a box, and the buttons share a row with the preset.
    with gr.Row(elem_id="play-bar"):
        preset = gr.Dropdown(preset_names(), value=DEFAULT_PRESET, label="Preset",
                             scale=2, min_width=200, elem_id="preset")
        play = gr.Button("▶ Play", variant="primary", elem_id="btn-play", min_width=80,
                         size="sm")
        pause = gr.Button("❚❚ Pause", elem_id="btn-pause", min_width=80, size="sm")
        step = gr.Button("Step", elem_id="btn-step", min_width=60, size="sm")
        step_d = gr.Button("Step D", elem_id="btn-step-d", min_width=60, size="sm")
        step_g = gr.Button("Step G", elem_id="btn-step-g", min_width=60, size="sm")
        reset = gr.Button("↺ Reset", elem_id="btn-reset", min_width=60, size="sm")
        slow = gr.Checkbox(label="slow motion", value=False, elem_id="slow-motion",
                           min_width=100)
    with gr.Accordion("About this preset", open=False, elem_id="preset-box"):
        preset_info = gr.Markdown(preset_text(DEFAULT_PRESET), elem_id="preset-info")
    status = gr.HTML(overview_status(None), elem_id="status")
    message = gr.Markdown("", elem_id="message")
    with gr.Row():
        with gr.Column(scale=5, min_width=420):
            live_plot = plot_element("live-plot", drawable=True, feed=PLAY_FEED)
            with gr.Row(elem_id="replay-row"):
                timeline = gr.Slider(0, 100, value=100, step=1, scale=5, elem_id="timeline",
                                     label="timeline (% of the film): drag back to replay")
                watch_film = gr.Button("▷ watch the film", elem_id="btn-watch-film", scale=1,
                                       size="sm", min_width=120)
            with gr.Row(visible=not kind_of(default.dataset).is_image,
                        elem_id="points-view") as points_row:
                arrows = gr.Checkbox(True, label="gradient arrows", elem_id="ov-arrows")
                manifold = gr.Checkbox(False, label="G's manifold",
                                       elem_id="ov-manifold")
                trails = gr.Checkbox(False, label="trails", elem_id="ov-trails")
                draw_mode = gr.Checkbox(False, label="draw mode (click the plot)",
                                        elem_id="draw-mode", interactive=True)
            with gr.Row(visible=not kind_of(default.dataset).is_image,
                        elem_id="draw-row") as draw_row:
                drawn = gr.Textbox("", label="drawn points [[x, y], …]", lines=1,
                                   elem_id="drawn-points", scale=4)
                train_drawn = gr.Button("Train on drawn points", scale=1,
                                        elem_id="btn-train-drawn")
                clear_drawn = gr.Button("Clear", elem_id="btn-clear-drawn", scale=0)
            with gr.Row(visible=default.conditional,
                        elem_id="images-view") as images_row:
                digits = gr.CheckboxGroup(
                    [str(d) for d in range(10)], value=[str(d) for d in range(10)],
                    label="digits to generate (conditional GAN: one row per digit)",
                    elem_id="digit-picker")
        with gr.Column(scale=4, min_width=320):
            curves = plot_element("curves", height=520)
    controls = build_controls(default)
    loss_info = controls.pop("loss_info")
    dataset_info = controls.pop("dataset_info")
    with gr.Accordion("Share / reproduce: config JSON", open=False):
        config_json = gr.Code(default.to_json(), language="json", label="config",
                              elem_id="config-json", interactive=True)
        load_config = gr.Button("Load config", elem_id="btn-load-config")
        share = gr.Textbox("", label="share link (opens this config)",
                           elem_id="share-link", buttons=["copy"],
                           interactive=False)
    export_panel = gr.Accordion("Export / import: checkpoint, history, config file",
                                open=False)
    return PlayTab(
        preset=preset, play=play, pause=pause, step=step, step_d=step_d, step_g=step_g,
        reset=reset, slow=slow, preset_info=preset_info, status=status, message=message,
        live_plot=live_plot, points_row=points_row, arrows=arrows, manifold=manifold,
        trails=trails, draw_mode=draw_mode, draw_row=draw_row, drawn=drawn,
        train_drawn=train_drawn, clear_drawn=clear_drawn, images_row=images_row, digits=digits,
        curves=curves, controls=controls, loss_info=loss_info, dataset_info=dataset_info,
        config_json=config_json, load_config=load_config, share=share,
        export_panel=export_panel, timeline=timeline, watch_film=watch_film)
