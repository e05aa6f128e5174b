"""The model overview above the live plot, GAN Lab's graph: noise → G → fakes → D ← real → loss.

One SVG, rebuilt with every frame, so it doubles as the status line: each box carries its live
numbers (G's and D's learning rates, the losses, modes covered), and the part that the last
step trained is lit: G's path after Step G, D's after Step D, both while playing (and in slow
motion, one step at a time). A click on a box scrolls to that network's controls (the page's
script follows ``data-go``, see ``layout.PAGE_JS``; the look is in ``layout.CSS``). The status
line's text sits beside it.
"""

from __future__ import annotations

import html
import math
from types import MappingProxyType
from typing import Any

from playground.web.layout import status_html

# (key, label, x, y, controls it opens) in a 600 x 96 box
NODES = (
    ("noise", "noise z", 8, 8, "controls-data"),
    ("g", "G", 128, 8, "controls-g"),
    ("fake", "fakes", 248, 8, "controls-g"),
    ("d", "D", 368, 8, "controls-d"),
    ("loss", "loss", 488, 8, "controls-loss"),
    ("real", "real data", 248, 56, "controls-data"),
)
BOX_W, BOX_H = 108, 36
EDGES = (("noise", "g", "G"), ("g", "fake", "G"), ("fake", "d", "DG"), ("real", "d", "D"),
         ("d", "loss", "DG"))
LIT_BY = MappingProxyType(
    {"noise": "G", "g": "G", "fake": "DG", "d": "D", "real": "D", "loss": "DG"})

def _number(value: Any, form: str = ".3g") -> str:
    if value is None:
        return "–"
    value = float(value)
    return format(value, form) if math.isfinite(value) else "–"


def _last(history: dict[str, Any], key: str) -> float | None:
    series = history.get(key) if history else None
    return float(series[-1]) if series is not None and len(series) else None


def node_notes(snap: Any) -> dict[str, str]:
    """The small line under each box: what that part of the model is doing now."""
    if snap is None:
        return {}
    cfg, m = snap.config, snap.metrics
    covered = (f"modes {m.get('modes_covered')}/{m.get('modes_total')}" if m.get("modes_total")
               else (f"classes {m['classes_covered']}/10" if m.get("classes_covered") is not None
                     else ""))
    return {
        "noise": f"{cfg.noise}, {cfg.noise_dim}-d",
        "g": f"lr {cfg.lr_g:.2g}" + (f" ×{cfg.g_steps}" if cfg.g_steps > 1 else ""),
        "fake": covered,
        "d": f"lr {cfg.lr_d:.2g}" + (f" ×{cfg.n_critic}" if cfg.n_critic > 1 else ""),
        "loss": f"D {_number(_last(snap.history, 'd_loss'))} · "
                f"G {_number(_last(snap.history, 'g_loss'))}",
        "real": cfg.dataset,
    }


def lit_parts(snap: Any) -> set[str]:
    """The boxes and edges the last step trained ("" keys: none at step 0)."""
    phase = getattr(snap, "phase", "") if snap is not None else ""
    if not phase:
        return set()
    nodes = {key for key, by in LIT_BY.items() if any(p in by for p in phase)}
    edges = {f"{a}-{b}" for a, b, by in EDGES if any(p in by for p in phase)}
    return nodes | edges


def overview_svg(snap: Any) -> str:
    """The graph as an inline SVG (``snap`` None: the boxes without numbers)."""
    notes, lit = node_notes(snap), lit_parts(snap)
    places = {key: (x, y) for key, _, x, y, _ in NODES}
    parts = ['<svg viewBox="0 0 600 96" role="img" aria-label="model overview">',
             '<defs><marker id="gp-head" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>']
    for a, b, _ in EDGES:
        (ax, ay), (bx, by) = places[a], places[b]
        if ay == by:  # along the top row
            x1, y1, x2, y2 = ax + BOX_W, ay + BOX_H / 2, bx - 2, by + BOX_H / 2
        else:  # real data, up into D
            x1, y1, x2, y2 = ax + BOX_W, ay + BOX_H / 2, bx + BOX_W / 2, by + BOX_H + 2
        cls = "edge lit" if f"{a}-{b}" in lit else "edge"
        path = (f"M{x1},{y1} L{x2},{y2}" if ay == by
                else f"M{x1},{y1} L{x2},{y1} L{x2},{y2}")
        parts.append(f'<path class="{cls}" data-edge="{a}-{b}" d="{path}" '
                     'marker-end="url(#gp-head)"/>')
    for key, label, x, y, go in NODES:
        if key == "loss" and snap is not None:
            label = snap.config.loss  # the box is the loss: its name says which
        kind = {"g": " g-net", "d": " d-net"}.get(key, "")
        cls = f"gp-node{kind}{' lit' if key in lit else ''}"
        note = html.escape(notes.get(key, ""))
        parts.append(
            f'<g class="{cls}" data-node="{key}" data-go="{go}" tabindex="0">'
            f'<title>{html.escape(label)}: open its controls</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text class="name" x="{x + BOX_W / 2}" y="{y + 15}" text-anchor="middle">'
            f'{html.escape(label)}</text>'
            f'<text x="{x + BOX_W / 2}" y="{y + 29}" text-anchor="middle">{note}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def overview_status(snap: Any, notice: str = "", problem: bool = False) -> str:
    """The overview graph with the status line under it (the Play tab's status element)."""
    return (f'<div class="gp-overview-row"><div id="overview">{overview_svg(snap)}</div>'
            f'{status_html(snap, notice, problem=problem)}</div>')
