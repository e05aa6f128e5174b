"""The page's building blocks: the live-plot element, the status line, the control panels and
the texts beside them. Pure layout and formatting; ``ui`` wires them to sessions.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from playground.engine.config import (
    ACTIVATIONS,
    ARCHITECTURES,
    G_INITS,
    MODELS,
    OPTIMIZERS,
    TrainConfig,
)
from playground.engine.data import DATASET_DESCRIPTIONS, DATASET_NAMES
from playground.engine.losses import LOSSES
from playground.presets import load_preset, preset_names
from playground.web.controls import config_to_query, to_control
from playground.web.scripts import script_tag
from playground.web.viz import status_fields

FRAME_INTERVAL_S = 0.08  # the page asks for a frame this often (≥ 10 fresh frames/s)
LIVE_PLOT_JS = (Path(__file__).parent / "static" / "live_plot.js").read_text()
CSS = """
#gp-feed {display: none !important;}
.gp-status {font-size: 15px; padding: 6px 10px; border-radius: 6px; background: #f4f4f6;}
.gp-status.bad {background: #fde2e1; color: #8a1c14;}
.gp-status b {font-size: 18px;}
.gp-flow {font-size: 13px; color: #555; letter-spacing: 0.02em;}
/* The first screen holds the plot (issue 14): a compact header, buttons in the preset's row. */
.gp-intro h2 {margin: 0 0 2px 0 !important; font-size: 22px !important;}
.gp-intro p {margin: 0 !important; font-size: 14px; line-height: 1.35;}
#play-bar {align-items: flex-end; gap: 8px;}
#play-bar button {min-height: 40px; padding: 6px 10px;}
#message:empty, #message .prose:empty {display: none;}
/* The model overview (web/overview.py) beside the status text; lit: what the last step trained */
.gp-overview-row {display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center;}
#overview {flex: 0 1 540px; min-width: 0;}
.gp-overview-row > .gp-status {flex: 1 1 320px;}
#overview svg {width: 100%; height: auto; display: block;}
#overview .gp-node {cursor: pointer;}
#overview .gp-node rect {fill: #f4f4f7; stroke: #b9b9c6; stroke-width: 1.2;}
#overview .gp-node.g-net rect {fill: #efe3f4;}
#overview .gp-node.d-net rect {fill: #e3f2e6;}
#overview .gp-node.lit rect {fill: #fff3c4; stroke: #e0a100; stroke-width: 2.4;}
#overview .gp-node:hover rect {stroke: #555;}
#overview text {font: 11px sans-serif; fill: #333; pointer-events: none;}
#overview text.name {font-weight: bold; font-size: 12px;}
#overview .edge {stroke: #999; stroke-width: 1.5; fill: none;}
#overview .edge.lit {stroke: #e0a100; stroke-width: 3;}
.gp-flash {outline: 3px solid #e0a100; outline-offset: 4px;}
@media (max-width: 640px) {
  #play-bar > .form:has(#preset) {flex: 1 1 100% !important; min-width: 100% !important;}
  .gp-intro p {display: none;}  /* the title stays; the plot's legend says the colours */
  #play-bar button {flex: 1 1 30% !important; min-width: 0 !important; font-size: 14px;
                    padding: 6px 2px;}
  #slow-motion {flex: 1 1 40% !important;}
  /* The four view options two to a line, so that no label is cut off ("gradie arrows") */
  #points-view, #points-view > .form {flex-wrap: wrap !important;}
  #points-view .block:has(input[type=checkbox]) {flex: 1 1 40% !important;
                                                 min-width: 40% !important;}
  .gp-status {font-size: 13px;}
  .gp-status b {font-size: 15px;}
}
"""

# Runs once when the page loads (``launch(js=...)``). A Gradio slider applies its number box on
# blur only; Enter there should apply it too, as it does in a Number field, so Enter blurs it.
PAGE_JS = """() => {
  document.addEventListener('keydown', (event) => {
    const box = event.target;
    const block = box instanceof HTMLInputElement && box.type === 'number'
      ? box.closest('.block') : null;
    if (event.key === 'Enter' && block && block.querySelector('input[type=range]')) box.blur();
  }, true);
  // A box of the model overview (web/overview.py) scrolls to that part's controls.
  document.addEventListener('click', (event) => {
    const node = event.target.closest && event.target.closest('#overview [data-go]');
    const target = node && document.getElementById(node.dataset.go);
    if (!target) return;
    target.scrollIntoView({behavior: 'smooth', block: 'center'});
    target.classList.add('gp-flash');
    setTimeout(() => target.classList.remove('gp-flash'), 1500);
  });
}"""


@dataclass(frozen=True)
class Feed:
    """A tab's frame loop, run by live_plot.js in its plot: it posts the values of the
    ``inputs`` elements to the event ``api`` through Gradio's HTTP API every
    FRAME_INTERVAL_S and puts the answers in the ``outputs`` elements (plots and HTML), ids
    in the event's order. Gradio's own gr.Timer went through the page's event machinery,
    which copies the state of every component on the page per event: on a 2-core machine
    that cost Chromium more than the frame (issue 14)."""

    api: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    def attributes(self) -> str:
        return (f'data-feed="{self.api}" data-feed-in="{",".join(self.inputs)}" '
                f'data-feed-out="{",".join(self.outputs)}" '
                f'data-feed-ms="{round(FRAME_INTERVAL_S * 1000)}" ')


def session_marker(session_hash: str) -> str:
    """The page's session, for the frame loop's requests (an element ``#gp-feed`` holds it)."""
    return f'<span data-session="{html.escape(session_hash)}"></span>'


def plot_element(elem_id: str, drawable: bool = False, height: int = 520,
                 feed: Feed | None = None) -> gr.HTML:
    """A chart that stays mounted; new values are drawn in place (see live_plot.js). With a
    ``feed``, its script also runs that tab's frame loop."""
    return gr.HTML(
        value=None,
        html_template=(
            f'<div class="gp-plot" data-drawable="{int(drawable)}" '
            f'{feed.attributes() if feed else ""}'
            f'style="width:100%;min-height:min({height}px, 120vw)"></div>'
        ),
        js_on_load=LIVE_PLOT_JS,
        head=script_tag(),  # plotly.js, served by scripts.PlotlyScript
        elem_id=elem_id,
        apply_default_css=False,
        padding=False,
    )


def status_html(snap: Any, notice: str = "", elem_id: str = "gp-status", label: str = "",
                problem: bool = False) -> str:
    """The status line over a plot; ``label`` names the run ("A", "B") in the comparison.
    Without a snapshot it says ``notice`` (marked as a problem when ``problem``: e.g. the run
    could not start), else "starting…"."""
    if snap is None:
        if problem:
            return f'<div class="gp-status bad" id="{elem_id}">{html.escape(notice)}</div>'
        return f'<div class="gp-status" id="{elem_id}">starting… {html.escape(notice)}</div>'
    s = status_fields(snap)
    bad = " bad" if s.problem else ""
    state = "▶ playing" if s.playing else "❚❚ paused"
    note = f"<br><i>{html.escape(s.data_note)}</i>" if s.data_note else ""
    return (
        f'<div class="gp-status{bad}" id="{elem_id}" data-step="{s.step}">'
        f"{f'<b>{label}</b> · ' if label else ''}"
        f"<b>iteration {s.step:,}</b> · {s.iters_per_s:.0f} it/s · {state} · "
        f"{s.quality} · {s.device}<br>"
        f"{html.escape(notice or s.message)}{note}</div>"
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
                                   label="hidden layers", elem_id=f"{net}-layers")
    c[f"{net}_width"] = gr.Slider(2, 512, getattr(default, f"{net}_width"), step=1,
                                  label="neurons per layer", elem_id=f"{net}-width")
    c[f"lr_{net}"] = gr.Slider(-5, 0, to_control(f"lr_{net}", default), step=0.1,
                               label="learning rate (log10: -3 = 0.001)", elem_id=f"lr-{net}")
    c[f"optimizer_{net}"] = gr.Dropdown(
        list(OPTIMIZERS), value=getattr(default, f"optimizer_{net}"), label="optimiser"
    )


def build_controls(default: TrainConfig) -> dict[str, Any]:
    """The knobs, in GAN Lab's left-to-right order: data/noise → G → D → loss."""
    c: dict[str, Any] = {}
    with gr.Row(equal_height=False):
        with gr.Column(min_width=220, elem_id="controls-data"):
            gr.Markdown("**Data and noise**")
            c["dataset"] = gr.Dropdown(list(DATASET_NAMES), value=default.dataset, label="dataset",
                                       info="custom = your drawn points", elem_id="dataset")
            c["dataset_info"] = gr.Markdown(dataset_text(default.dataset), elem_id="dataset-info")
            c["architecture"] = gr.Dropdown(
                list(ARCHITECTURES), value=default.architecture, label="architecture",
                info="dcgan: convolutional nets, for images", elem_id="architecture")
            c["conditional"] = gr.Checkbox(default.conditional, elem_id="conditional",
                                           label="conditional GAN (images: G and D see the digit)")
            c["batch_size"] = gr.Slider(8, 2048, default.batch_size, step=8, label="batch size")
            c["noise"] = gr.Radio(["gaussian", "uniform"], value=default.noise,
                                  label="noise distribution")
            c["noise_dim"] = gr.Slider(1, 64, default.noise_dim, step=1, label="noise dimensions")
            c["seed"] = gr.Number(default.seed, precision=0, label="seed", elem_id="seed")
        with gr.Column(min_width=220, elem_id="controls-g"):
            _network_controls(c, "g", "Generator", default)
            c["activation"] = gr.Dropdown(list(ACTIVATIONS), value=default.activation,
                                          label="activation (G and D)", elem_id="activation")
            c["g_init"] = gr.Radio(
                list(G_INITS), value=default.g_init, label="G's starting weights",
                elem_id="g-init", info="xavier: scaled to the activation, so a deep G's first "
                "samples spread out instead of sitting on one point: on the 25-mode grid an "
                "8-layer G found all 25 by step 3,000 on 20 of 20 seeds (README: Levers)")
            c["g_ema"] = gr.Number(
                default.g_ema, label="G weight average (EMA decay, 0 = off)", elem_id="g-ema",
                info="samples come from a moving average of G's weights, so they stop jittering "
                "with each step: 0.99 sharpens the WGAN-GP fix by ~0.03-0.05 high quality "
                "(README: Levers)")
        with gr.Column(min_width=220, elem_id="controls-d"):
            _network_controls(c, "d", "Discriminator", default)
            c["spectral_norm"] = gr.Checkbox(default.spectral_norm,
                                             label="spectral normalisation")
        with gr.Column(min_width=220, elem_id="controls-loss"):
            gr.Markdown("**Loss**")
            c["loss"] = gr.Dropdown(list(LOSSES), value=default.loss, label="loss",
                                    elem_id="loss")
            c["loss_info"] = gr.Markdown(loss_text(default.loss))
            c["n_critic"] = gr.Slider(1, 10, default.n_critic, step=1,
                                      label="D steps per G step (n_critic)")
            c["g_steps"] = gr.Slider(1, 10, default.g_steps, step=1, elem_id="g-steps",
                                     label="G steps per iteration (k)")
            c["lr_half_life"] = gr.Number(
                default.lr_half_life, precision=0, minimum=0, elem_id="lr-half-life",
                label="learning-rate half-life (steps, 0 = off)",
                info="both learning rates halve every this many steps, so late steps are "
                "smaller. The grid pair ships with 4,000 at shape 2 (below); without a "
                "half-life the grid's fix lost modes on 12 of 84 runs on two CPUs "
                "(README: Levers)")
            c["lr_decay_power"] = gr.Number(
                default.lr_decay_power, minimum=0, elem_id="lr-decay-power",
                label="half-life shape (power)",
                info="the rates are halved (step / half-life) ^ power times: 1 halves them "
                "every half-life; 2 holds them near full early, halves them at the half-life, "
                "then lowers them ever faster, for a steadier finish. The grid pair ships with 2: "
                "at a 4,000-step half-life all 62 seeds measured kept every mode, where 3,000 "
                "at power 1 lost some on 2 (README: Levers)")
            c["gp_lambda"] = gr.Number(
                default.gp_lambda, label="gradient penalty λ (wgan-gp)", elem_id="gp-lambda",
                info="how hard D's slope is held to 1: 0.1 on the ring's fix, 0.1 on the grid's, "
                "10 on MNIST. On the grid 0.1 sharpens the samples (median seed 0.960 against "
                "0.9525 at 0.3, over 62 seeds) and, with the half-life's shape 2 keeping the "
                "modes, passed 60 of 62 seeds (README: Levers)")
            c["gp_every"] = gr.Slider(
                1, 16, default.gp_every, step=1, elem_id="gp-every",
                label="penalty every k-th D step (lazy, wgan-gp)",
                info="the penalty, k times as strong, on one D step in k: the same critic for "
                "~25% less CPU at k = 4 (README: Levers)")
            c["clip"] = gr.Number(default.clip, label="weight clip c (wgan)")
            c["model"] = gr.Dropdown(list(MODELS), value=default.model, elem_id="model",
                                     label="model", info="vae: the same nets as encoder and "
                                     "decoder, for comparison")
            c["beta"] = gr.Number(default.beta, label="KL weight beta (vae)", elem_id="beta")
    return c


def nearest_preset(config: TrainConfig) -> tuple[str, dict[str, object]]:
    """The preset that needs the fewest changes to become ``config``, and those changes."""
    options = []
    for name in preset_names():
        changes = load_preset(name).config.diff(config)
        options.append((len(config_to_query(config, load_preset(name).config)), name, changes))
    _, name, changes = min(options, key=lambda option: option[:2])
    return name, changes


def share_query(config: TrainConfig) -> str:
    """``?preset=NAME&...`` for the preset that needs the fewest changes to become ``config``."""
    name, _ = nearest_preset(config)
    query = config_to_query(config, load_preset(name).config)
    return f"?preset={name}" + ("&" + query[1:] if query else "")


def preset_view(config: TrainConfig) -> tuple[str | None, str]:
    """What the preset box shows for the run's ``config``: the preset's name and text when the
    run *is* that preset, else no name and "your own settings", naming the nearest preset and
    what differs from it (a preset's text must never describe a run it does not match)."""
    name, changes = nearest_preset(config)
    if not changes:
        return name, preset_text(name)
    fields = ", ".join(f"`{key}`" for key in list(changes)[:8])
    more = f" and {len(changes) - 8} more" if len(changes) > 8 else ""
    return None, (f"**Your own settings**: the `{name}` preset with {fields}{more} changed. "
                  "Pick a preset to start from one again.")
