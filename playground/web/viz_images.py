"""An image run's live view: the digit grid (two grids for a stacked GAN) above the class
histogram; for Stacked MNIST an RGB grid above each channel's classifier confidence. Pure:
Snapshot → a figure dict, the grid sent as a PNG."""

from __future__ import annotations

from typing import Any

from playground.engine.png import png_data_uri
from playground.live.snapshot import Snapshot
from playground.web.viz_common import FAKE_COLOUR, REAL_COLOUR


def images_figure(snap: Snapshot, title: str = "", height: int = 520) -> dict[str, Any]:
    """An image run's live view: the digit grid (a PNG, from fixed noise) above the class
    histogram of the latest evaluation, next to the uniform target a healthy G matches."""
    grid = snap.digit_grid
    height_px, width_px = grid.shape[:2]  # (H, W) grey, or (H, W, 3) for Stacked MNIST
    if snap.config.dataset == "stacked_mnist":
        return _stacked_mnist_figure(snap, title, height)
    histogram = snap.metrics.get("class_histogram") or [0.0] * 10
    digits = list(range(10))
    traces: list[dict[str, Any]] = [
        {"type": "image", "name": "generated digits", "source": png_data_uri(grid),
         "xaxis": "x", "yaxis": "y", "hoverinfo": "skip"},
        {"type": "bar", "name": "generated: share per class", "x": digits,
         "y": [float(v) for v in histogram], "xaxis": "x2", "yaxis": "y2",
         "marker": {"color": FAKE_COLOUR}, "hovertemplate": "digit %{x}: %{y:.1%}"},
        {"type": "scatter", "mode": "lines", "name": "uniform target (10%)",
         "x": [-0.5, 9.5], "y": [0.1, 0.1], "xaxis": "x2", "yaxis": "y2",
         "line": {"color": REAL_COLOUR, "dash": "dash", "width": 2}, "hoverinfo": "skip"},
    ]
    left = 0.0
    if snap.coarse_grid is not None:  # a stacked GAN: stage 1's 14x14 grid left of stage 2's
        left = 0.5
        coarse = snap.coarse_grid
        traces.insert(1, {"type": "image", "name": "stage 1 (14x14)",
                          "source": png_data_uri(coarse), "xaxis": "x3", "yaxis": "y3",
                          "hoverinfo": "skip"})
    cell = (height_px - 2) / max(len(snap.grid_rows), 1)
    annotations = [
        {"x": 0, "y": 2 + cell * (i + 0.5), "xref": "x", "yref": "y", "text": f"<b>{d}</b>",
         "showarrow": False, "xanchor": "right", "font": {"size": 13}}
        for i, d in enumerate(snap.grid_rows)
    ]
    if title:
        annotations.append({"text": f"<b>{title}</b>", "xref": "paper", "yref": "paper",
                            "x": 0, "y": 1.0, "yanchor": "bottom", "showarrow": False})
    top = max(0.3, max(histogram, default=0.0) * 1.15)
    layout = {
        "uirevision": f"{snap.session_id}:{snap.config.dataset}:{title}",
        "height": height,
        "margin": {"l": 30, "r": 10, "t": 24 if title else 6, "b": 30},
        "xaxis": {"domain": [left, 1], "range": [-0.5, width_px - 0.5], "visible": False,
                  "constrain": "domain"},
        "yaxis": {"domain": [0.3, 1], "range": [height_px - 0.5, -0.5], "visible": False,
                  "scaleanchor": "x", "constrain": "domain"},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "range": [-0.5, 9.5], "dtick": 1,
                   "fixedrange": True, "zeroline": False,
                   "title": {"text": "class (by the classifier)", "font": {"size": 11}}},
        "yaxis2": {"domain": [0, 0.22], "anchor": "x2", "range": [0, top], "tickformat": ".0%",
                   "fixedrange": True},
        "legend": {"orientation": "h", "y": 0.245, "x": 0, "font": {"size": 10}},
        "showlegend": True,
        "annotations": annotations,
        "plot_bgcolor": "#ffffff",
    }
    if snap.coarse_grid is not None:
        rows_px, cols_px = snap.coarse_grid.shape
        layout["xaxis3"] = {"domain": [0, 0.48], "range": [-0.5, cols_px - 0.5],
                            "visible": False, "constrain": "domain", "anchor": "y3"}
        layout["yaxis3"] = {"domain": [0.3, 1], "range": [rows_px - 0.5, -0.5],
                            "visible": False, "scaleanchor": "x3", "constrain": "domain",
                            "anchor": "x3"}
        annotations.extend(
            {"text": text, "xref": "paper", "yref": "paper", "x": x, "y": 0.29,
             "yanchor": "top", "showarrow": False, "font": {"size": 11}}
            for text, x in (("stage 1: 14x14", 0.24), ("stage 2: 28x28 (the output)", 0.75)))
    return {"data": traces, "layout": layout}


CHANNEL_COLOURS = ("#d62728", "#2ca02c", "#1f77b4")


def _stacked_mnist_figure(snap: Snapshot, title: str, height: int) -> dict[str, Any]:
    """Stacked MNIST: the RGB grid (a digit per channel) above the classifier's mean
    confidence per channel, with the modes covered (of 1,000) in the bars' legend."""
    grid = snap.digit_grid
    height_px, width_px = grid.shape[:2]
    m = snap.metrics
    confidence = [m.get(f"confidence_{c}") for c in ("r", "g", "b")]
    modes = m.get("modes_covered")
    counted = f"{modes}/1000 modes among {m.get('samples', 0)} samples" if modes is not None \
        else "modes: not yet measured"
    traces: list[dict[str, Any]] = [
        {"type": "image", "name": "generated (R, G, B = three digits)",
         "source": png_data_uri(grid), "xaxis": "x", "yaxis": "y", "hoverinfo": "skip"},
        {"type": "bar", "name": f"confidence per channel · {counted}",
         "x": ["red digit", "green digit", "blue digit"],
         "y": [0.0 if v is None else float(v) for v in confidence], "xaxis": "x2",
         "yaxis": "y2", "marker": {"color": list(CHANNEL_COLOURS)},
         "hovertemplate": "%{x}: %{y:.2f}"},
    ]
    annotations = []
    if title:
        annotations.append({"text": f"<b>{title}</b>", "xref": "paper", "yref": "paper",
                            "x": 0, "y": 1.0, "yanchor": "bottom", "showarrow": False})
    layout = {
        "uirevision": f"{snap.session_id}:{snap.config.dataset}:{title}",
        "height": height,
        "margin": {"l": 30, "r": 10, "t": 24 if title else 6, "b": 30},
        "xaxis": {"domain": [0, 1], "range": [-0.5, width_px - 0.5], "visible": False,
                  "constrain": "domain"},
        "yaxis": {"domain": [0.3, 1], "range": [height_px - 0.5, -0.5], "visible": False,
                  "scaleanchor": "x", "constrain": "domain"},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "fixedrange": True},
        "yaxis2": {"domain": [0, 0.22], "anchor": "x2", "range": [0, 1], "fixedrange": True,
                   "title": {"text": "confidence", "font": {"size": 11}}},
        "legend": {"orientation": "h", "y": 0.245, "x": 0, "font": {"size": 10}},
        "showlegend": True,
        "annotations": annotations,
        "plot_bgcolor": "#ffffff",
    }
    return {"data": traces, "layout": layout}
