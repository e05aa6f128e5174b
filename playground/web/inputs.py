"""Input widgets that explain a wrong value instead of failing anonymously.

The page only sends what its widgets hold, but the API (``gradio_client``, raw HTTP) takes any
JSON. Gradio's own checks word a bad range or choice ("Value -5 is less than minimum value 8")
without saying which control, and a value of the wrong type (a dict for a slider, null for a
number) raises TypeError deep inside Gradio, which the caller sees only as "an exception".
``explain_wrong_inputs`` wraps the input classes' ``preprocess`` so both become a ``gr.Error``
naming the control.

Why patch the classes rather than subclass or wrap instances: Gradio rebuilds a session's copy
of a component from its class when a callback updates its properties (so instance wrappers get
lost), and defining a Component subclass makes Gradio write a ``.pyi`` stub next to our source
at import time. This process serves only this app, so the class-level wrap affects nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

INPUT_CLASSES = (gr.Slider, gr.Number, gr.Dropdown, gr.Radio, gr.Checkbox, gr.CheckboxGroup)


def explain_wrong_inputs() -> None:
    """Wrap each input class's ``preprocess`` once (idempotent)."""
    for cls in INPUT_CLASSES:
        if not getattr(cls.preprocess, "explains_wrong_inputs", False):
            cls.preprocess = _explained(cls.preprocess)


def _explained(preprocess: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def preprocess_or_explain(self: Any, payload: Any) -> Any:
        try:
            return preprocess(self, payload)
        except gr.Error as exc:
            raise gr.Error(f"{control_name(self)}: {exc.message}") from None
        except Exception:  # noqa: BLE001 - any wrong-typed payload gets the same message
            shown = repr(payload)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise gr.Error(f"{control_name(self)}: {shown} is not a value this control takes"
                           ) from None
    preprocess_or_explain.__doc__ = preprocess.__doc__
    preprocess_or_explain.explains_wrong_inputs = True  # type: ignore[attr-defined]
    return preprocess_or_explain


def control_name(component: Any) -> str:
    return str(component.label or component.elem_id or type(component).__name__.lower())
