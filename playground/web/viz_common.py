"""What every figure builder shares: the colours that mean real and fake, and typed arrays.

Arrays travel as base64 typed arrays (``{"dtype": "f4", "bdata": ...}``, which plotly.js >= 2.28
decodes natively), so a frame is tens of KB and costs a fraction of a millisecond to build.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import orjson

REAL_COLOUR = "#1a9850"  # green: real data, and "D says real"
FAKE_COLOUR = "#7b3294"  # purple: generated data, and "D says fake"
ARROW_COLOUR = "#444444"
EMPTY_COLOUR = "#d73027"  # a real mode no fake reaches
SURFACE_SCALE = ((0.0, "#d6b8dd"), (0.5, "#f7f7f7"), (1.0, "#a6dba0"))  # fake ← → real


def typed(array: np.ndarray, dtype: str = "f4") -> dict[str, Any]:
    """A plotly.js typed-array spec for ``array`` (float32 or uint8)."""
    np_type = {"f4": np.float32, "u1": np.uint8}[dtype]
    data = np.ascontiguousarray(array, dtype=np_type)
    spec: dict[str, Any] = {"dtype": dtype, "bdata": base64.b64encode(data.tobytes()).decode()}
    if data.ndim == 2:
        spec["shape"] = f"{data.shape[0]},{data.shape[1]}"
    return spec


def as_json(figure: dict[str, Any]) -> str:
    """A figure for a live plot element, as one JSON string. The page's frontend deep-copies
    every component's value on every event (Svelte's state snapshot); a figure of nested
    objects cost Chromium more to copy than to draw, a string nothing (live_plot.js parses
    it). orjson, as Gradio itself: numpy scalars pass, a NaN becomes null (JSON has none)."""
    return orjson.dumps(figure, option=orjson.OPT_SERIALIZE_NUMPY).decode()
