"""Isolation: one tab cannot see or steer another's run, and the only shared mutable state is
the session registry (inside SessionManager) plus read-only caches listed here with reasons."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
import types
from pathlib import Path

import pytest

import playground
from tests.api_outputs import predict

# Module-level objects that are mutable but shared safely, and why.
ALLOWED_SHARED = {
    "playground.engine.classifier._CACHE": "the digit classifier per device, eval mode, no grads: "
                                    "read by every session, written once per device",
    "playground.engine.config_values._SHORT_REPR": "repr limits for messages, configured once "
                                                   "at import",
    "playground.engine.data.images._mnist": "lru_cache of the MNIST arrays: read-only data",
    "playground.engine.data.images._tensors": "lru_cache of MNIST as tensors per device: read-only",
    "playground.web.replay.shipped_films": "lru_cache of the films shipped with the presets: read "
                                           "once, never written, the same for every visitor",
}
IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), frozenset, range,
             types.MappingProxyType, Path, re.Pattern, types.ModuleType, types.FunctionType,
             types.BuiltinFunctionType, types.GenericAlias, type)


def _immutable(value) -> bool:
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    if isinstance(value, types.MappingProxyType):
        return all(_immutable(v) or callable(v) for v in value.values())
    if isinstance(value, IMMUTABLE) or type(value).__module__ in (
            "typing", "__future__", "_collections_abc"):  # type aliases, annotations
        return True
    params = getattr(type(value), "__dataclass_params__", None)
    return bool(params and params.frozen)


def _modules():
    for info in pkgutil.walk_packages(playground.__path__, "playground."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def test_no_module_level_mutable_state_besides_read_only_caches():
    found = set()
    for module in [playground, *_modules()]:
        for name, value in vars(module).items():
            if name.startswith("__") or _immutable(value):
                continue
            found.add(f"{module.__name__}.{name}")
    assert found == set(ALLOWED_SHARED), (
        f"new shared mutable state: {sorted(found - set(ALLOWED_SHARED))}; "
        f"gone from the allow-list: {sorted(set(ALLOWED_SHARED) - found)}")


def test_shared_tables_cannot_be_changed_by_accident():
    from playground.engine.config import _INT_RANGES
    from playground.engine.losses import LOSSES

    with pytest.raises(TypeError):
        LOSSES["evil"] = LOSSES["hinge"]
    with pytest.raises(TypeError):
        _INT_RANGES["batch_size"] = (1, 10**12)


def test_session_ids_are_unguessable():
    from playground.live.session import SessionManager

    manager = SessionManager(workers=1, max_sessions=200).start()
    manager.worker_budget = 1000.0  # 100 runs on one worker: more than admission by cost allows
    try:
        from playground.engine.config import TrainConfig

        ids = {manager.open(f"tab-{i}", TrainConfig(g_width=4, d_width=4)).id for i in range(100)}
        assert len(ids) == 100
        assert all(len(i) >= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    finally:
        manager.shutdown()


class Tab:
    """A visitor polling /frame like the page does; keeps the last status it was sent (a
    frame with nothing new skips it)."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False)
        self.status = ""

    def poll(self, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:  # the first frame of a session comes a moment after it is asked for
            status = predict(self.client, True, False, False, [], api_name="/frame")["status"]
            if isinstance(status, str) and status:
                self.status = status
            if self.status or time.monotonic() > deadline:
                return self.status
            time.sleep(0.1)

    def step(self) -> int:
        status = self.poll()
        return int(status.split('data-step="')[1].split('"')[0]) if 'data-step="' in status else -1

    def do(self, *args, api_name: str):
        return self.client.predict(*args, api_name=api_name)


def _config(client):
    """The run's config, as its checkpoint download records it."""
    from playground.engine.checkpoint import read_state

    path = predict(client, api_name="/checkpoint")["export-file"]
    return read_state(Path(path).read_bytes())[1]


@pytest.mark.timeout(180)
def test_one_tab_cannot_steer_another(app_url):
    """Two visitors through the public API: everything B does (pause, reset, new settings, a
    preset, a config upload, a comparison) changes B's run only; A trains on undisturbed."""
    a, b = Tab(app_url), Tab(app_url)
    assert a.client.session_hash != b.client.session_hash
    a.do("wgan-gp-fix", api_name="/preset")
    a.do(api_name="/play")
    deadline = time.monotonic() + 60
    while a.step() < 10:
        assert time.monotonic() < deadline
        time.sleep(0.2)

    b.do("mode-collapse", api_name="/preset")
    for api in ("/pause", "/reset", "/step"):
        b.do(api_name=api)
    b.do('{"loss": "hinge", "seed": 3}', api_name="/load_config")
    b.do("collapse-vs-wgan-gp", api_name="/compare_pair")
    b.do(api_name="/compare_play")
    b.do(api_name="/pause")

    before = a.step()
    time.sleep(1.5)
    assert a.step() > before and "playing" in a.status, a.status
    assert b.step() == 0 and "paused" in b.status, b.status
    assert _config(a.client).loss == "wgan-gp"
    assert (_config(b.client).loss, _config(b.client).seed) == ("hinge", 3)
    a.do(api_name="/pause")
    b.do(api_name="/compare_pause")
