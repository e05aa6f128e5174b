"""Read a gradio_client result by component name instead of by position.

``client.predict`` returns a bare tuple in the order of the event's outputs, minus the layout
components the client skips (rows, tabs, state). Reading ``result[-3]`` silently reads the
wrong component once an output is added or reordered; these helpers name each value by its
component's ``elem_id`` (or, failing that, its label), taken from the app's own config, so a
test says ``outputs["message"]`` and fails with a clear KeyError if that output goes away.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from gradio_client import Client
from gradio_client.utils import SKIP_COMPONENTS


def output_names(client: Client, api_name: str) -> list[str]:
    """The names of ``api_name``'s returned values, in the order ``predict`` returns them.

    A component is named by its elem_id, else its label, else ``<type>#<id>``; a name shared by
    several outputs (two "hidden layers" sliders) gets ``#<id>`` appended to each."""
    config = client.config
    wanted = api_name.lstrip("/")
    matches = [d for d in config["dependencies"] if d.get("api_name") == wanted]
    if len(matches) != 1:
        raise KeyError(f"the app has {len(matches)} endpoints named {api_name!r}")
    components = {c["id"]: c for c in config["components"]}
    kept = []
    for cid in matches[0]["outputs"]:
        component = components[cid]
        # The same rule gradio_client applies when it drops values from a result.
        if component.get("skip_api", component["type"] in SKIP_COMPONENTS):
            continue
        props = component.get("props", {})
        name = props.get("elem_id") or props.get("label") or f"{component['type']}#{cid}"
        kept.append((name, cid))
    counts = Counter(name for name, _ in kept)
    return [name if counts[name] == 1 else f"{name}#{cid}" for name, cid in kept]


class Outputs(dict):
    """An endpoint's values by output name; a missing name lists the ones there are."""

    api_name = ""

    def __missing__(self, key: str) -> Any:
        raise KeyError(f"{key!r} is not an output of {self.api_name}; it has {list(self)}")


def named(client: Client, api_name: str, result: Any) -> Outputs:
    """``result`` (what ``client.predict(..., api_name=api_name)`` returned) by output name."""
    names = output_names(client, api_name)
    values = (result,) if len(names) == 1 else tuple(result)
    if len(values) != len(names):
        raise AssertionError(f"{api_name} returned {len(values)} values for outputs {names}")
    outputs = Outputs(zip(names, values))
    outputs.api_name = api_name
    return outputs


def predict(client: Client, *args: Any, api_name: str) -> Outputs:
    """``client.predict`` with the result keyed by output name (see ``named``)."""
    return named(client, api_name, client.predict(*args, api_name=api_name))
