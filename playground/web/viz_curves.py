"""The loss and metric curves beside the live plot: one panel per question (losses, coverage,
quality, density), several runs overlaid for Compare. Pure: Snapshot histories → a figure dict."""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.live.snapshot import Snapshot
from playground.web.viz_common import FAKE_COLOUR, REAL_COLOUR, typed

# (panel title, y range or None, series (history key, label, colour)...)
POINT_PANELS = (
    ("losses", None, ("d_loss", "D loss", "#d95f02"), ("g_loss", "G loss", FAKE_COLOUR)),
    ("modes", "modes", ("modes_covered", "modes covered", REAL_COLOUR)),
    ("quality", (0, None), ("high_quality_frac", "high-quality fraction", "#1f78b4"),
     ("mode_kl", "mode KL", "#999999")),
    ("density (bits)", (0, None), ("grid_js", "grid JS, 30×30", "#7570b3"),
     ("grid_kl", "grid KL(real‖fake), 30×30", "#bbbbbb")),
)
IMAGE_PANELS = (
    ("losses", None, ("d_loss", "D loss", "#d95f02"), ("g_loss", "G loss", FAKE_COLOUR)),
    ("classes · IS*", (-0.3, 10.3), ("classes_covered", "classes covered (≥2%)", REAL_COLOUR),
     ("is_classifier", "classifier IS (1-10; not Inception IS)", "#66a61e")),
    ("quality", (0, None), ("mean_confidence", "mean confidence", "#1f78b4"),
     ("class_kl", "class KL", "#999999")),
    ("FID*", (0, None), ("fid_classifier", "classifier FID (not Inception FID)", "#e7298a")),
)


STACKED_MNIST_PANELS = (  # three digits per image: 1,000 modes, counted live on few samples
    IMAGE_PANELS[0],
    ("modes (of 1,000)", (0, None), ("modes_covered", "modes covered", REAL_COLOUR)),
    ("quality", (0, None), ("mean_confidence", "mean confidence", "#1f78b4"),
     ("mode_kl", "mode KL", "#999999")),
)


def curve_panels(snap: Snapshot) -> list[tuple]:
    """The panels for this kind of run, with the critic's Wasserstein estimate where it has one."""
    panels = list(IMAGE_PANELS if snap.digit_grid is not None else POINT_PANELS)
    if snap.config.dataset == "stacked_mnist":
        panels = list(STACKED_MNIST_PANELS)
    if snap.config.model == "vae":  # its two loss terms, where a GAN has D's and G's losses
        panels[0] = ("losses", None, ("d_loss", "reconstruction", "#d95f02"),
                     ("g_loss", "KL (× beta in the loss)", FAKE_COLOUR))
    if snap.config.architecture == "stacked":  # each stage's losses, as the two grids
        panels[0] = ("stage losses", None,
                     ("stage1_d_loss", "stage 1 D loss", "#fdae6b"),
                     ("stage1_g_loss", "stage 1 G loss", "#c2a5cf"),
                     ("stage2_d_loss", "stage 2 D loss", "#d95f02"),
                     ("stage2_g_loss", "stage 2 G loss", FAKE_COLOUR))
    if snap.critic and np.isfinite(snap.history["wasserstein"]).any():
        panels[0] = panels[0] + (("wasserstein", "Wasserstein estimate", "#666666"),)
    return panels


def curves_figure(
    histories: list[tuple[str, Snapshot]], height: int = 520
) -> dict[str, Any]:
    """Losses and metrics against iterations; several runs overlay (A/B comparison)."""
    traces: list[dict[str, Any]] = []
    dashes = ["solid", "dot", "dash"]
    panels = curve_panels(histories[0][1]) if histories else list(POINT_PANELS)
    for run_index, (label, snap) in enumerate(histories):
        steps = snap.history["step"]
        for row, (_, _, *series) in enumerate(curve_panels(snap), start=1):
            for key, name, colour in series:
                traces.append({
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{label} {name}".strip(),
                    "x": typed(steps),
                    "y": typed(snap.history[key]),
                    "xaxis": "x" if row == 1 else f"x{row}",
                    "yaxis": "y" if row == 1 else f"y{row}",
                    "line": {"color": colour, "width": 1.5, "dash": dashes[run_index % 3]},
                    "hoverinfo": "x+y+name",
                })
    modes_total = max((snap.modes_total for _, snap in histories), default=0)
    rows = len(panels)
    layout: dict[str, Any] = {
        "uirevision": "curves",
        "height": height,
        "margin": {"l": 45, "r": 10, "t": 10, "b": 30},
        "legend": {"orientation": "h", "y": -0.12, "font": {"size": 10}},
        "grid": {"rows": rows, "columns": 1, "pattern": "independent",
                 "roworder": "top to bottom"},
    }
    for row, (label, y_range, *_) in enumerate(panels, start=1):
        suffix = "" if row == 1 else str(row)
        # At step 0 a single point would give an axis from -1 to 1 with its zero line drawn.
        layout[f"xaxis{suffix}"] = {"showticklabels": row == rows, "rangemode": "nonnegative",
                                    "zeroline": False}
        if row > 1:
            layout[f"xaxis{suffix}"]["matches"] = "x"
        layout[f"yaxis{suffix}"] = {"title": {"text": label, "font": {"size": 11}}}
        if y_range == "modes":
            y_range = [-0.3, modes_total + 0.3] if modes_total else None
        if y_range is not None:
            layout[f"yaxis{suffix}"]["range"] = list(y_range)
    return {"data": traces, "layout": layout}
