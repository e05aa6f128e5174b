"""Hostile UI payloads: the control values, drawn point clouds and uploads the page (or anyone
calling its API) can send. Each is accepted as a valid config or turned into a message naming
the field; never an unhandled exception, a 500, a hung session or an out-of-memory.

The pure half fuzzes the functions the callbacks call (thousands of cases, fast); the live half
sends a smaller hypothesis sample through a launched app's public API and checks that the
session still trains afterwards.
"""

from __future__ import annotations

import io
import json
import math
import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.engine.checkpoint import load_checkpoint, read_state
from playground.engine.config import MAX_CUSTOM_POINTS, ConfigError, TrainConfig
from playground.presets import load_preset
from playground.web.controls import CONTROL_FIELDS, config_from_controls, controls_from_config
from tests.api_outputs import predict

BASE = load_preset("mode-collapse").config
SMALL = TrainConfig(g_width=8, d_width=8, g_layers=1, d_layers=1)

huge_ints = st.integers(4_301, 6_000).map(lambda n: 7 * 10 ** n)  # past the int-string limit
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**30, 10**30) | huge_ints
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
           | st.sampled_from(["nan", "inf", "-1", "1e308", "0x10", " ", "custom", "mnist",
                              "wgan-gp", "dcgan", "true"]))
hostile = scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.text(max_size=4), scalars,
                                                                    max_size=2)
coordinates = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**6, 10**6) | (
    st.text(max_size=4))
points = st.lists(st.lists(coordinates, min_size=0, max_size=3), max_size=40)


def drawn_texts() -> st.SearchStrategy[str]:
    """What the hidden "drawn points" box may hold: JSON point lists (good, bad, huge) or junk."""
    as_json = points.map(lambda p: json.dumps(p, allow_nan=True))
    huge = st.integers(MAX_CUSTOM_POINTS - 2, MAX_CUSTOM_POINTS + 50_000).map(
        lambda n: json.dumps([[0.5, -0.5]] * n))
    deep = st.integers(1, 50_000).map(lambda n: "[" * n + "]" * n)
    long_numbers = st.integers(4_301, 6_000).map(lambda n: f"[[{'9' * n}, 0]]")
    return as_json | huge | deep | long_numbers | st.text(max_size=60)


def controls_with_hostile_values() -> st.SearchStrategy[list]:
    """The page's control values with a few positions replaced by hostile ones."""
    good = controls_from_config(BASE)
    return st.dictionaries(st.integers(0, len(good) - 1), hostile, max_size=4).map(
        lambda swaps: [swaps.get(i, v) for i, v in enumerate(good)])


def assert_valid_or_named(make) -> TrainConfig | None:
    try:
        config = make()
    except ConfigError as exc:
        assert exc.field and str(exc).startswith(f"{exc.field}=")
        return None
    assert TrainConfig.from_json(config.to_json()) == config  # a valid, round-tripping config
    return config


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controls_with_hostile_values(), drawn_texts())
def test_any_control_values_are_valid_or_a_named_config_error(values, drawn):
    assert_valid_or_named(lambda: config_from_controls(BASE, values, drawn))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn_texts())
def test_any_drawn_point_cloud_is_valid_or_a_named_config_error(drawn):
    values = controls_from_config(BASE)
    values[CONTROL_FIELDS.index("dataset")] = "custom"
    config = assert_valid_or_named(lambda: config_from_controls(BASE, values, drawn))
    if config is not None:
        assert 1 <= len(config.custom_points) <= MAX_CUSTOM_POINTS
        assert all(math.isfinite(v) and abs(v) <= 100 for p in config.custom_points for v in p)


def checkpoint_payloads() -> st.SearchStrategy[bytes]:
    """Bytes a user might upload as a checkpoint: junk, truncations, torch files of the wrong
    shape, and pickles that try to run code (``weights_only`` refuses them)."""
    good = _real_checkpoint()

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    def saved(obj) -> bytes:
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        return buffer.getvalue()

    wrong = st.sampled_from([
        saved({"config": {"lr_g": "nan"}, "step": 3}),
        saved({"config": "not a dict"}),
        saved([1, 2, 3]),
        saved({"format": 1, "config": BASE.to_dict(), "state": {"g": {"w": torch.zeros(2)}}}),
        saved({"format": 1, "config": BASE.to_dict(), "generator": [1], "discriminator": {},
               "opt_g": {}, "opt_d": {}, "rng": {}, "steps_done": "x"}),
        saved({"format": 1, "config": SMALL.to_dict(), "generator": {"0.weight": torch.zeros(3)},
               "discriminator": None, "opt_g": [], "opt_d": 5, "rng": None, "steps_done": -1}),
        saved(Evil()),
        saved({"format": 1, "config": {1: 2, "x": 3}}),  # mixed key types (issue 17)
        saved({**torch.load(io.BytesIO(good), weights_only=True), "steps_done": 1e30}),
        saved({**torch.load(io.BytesIO(good), weights_only=True), "pad": torch.zeros(10**6)}),
    ])
    truncated = st.integers(0, len(good) - 1).map(lambda n: good[:n])
    flipped = st.tuples(st.integers(0, len(good) - 1), st.integers(1, 255)).map(
        lambda t: good[:t[0]] + bytes([good[t[0]] ^ t[1]]) + good[t[0] + 1:])
    return st.binary(max_size=200) | wrong | truncated | flipped


def _real_checkpoint() -> bytes:
    from playground.engine.checkpoint import checkpoint_bytes
    from playground.engine.trainer import Trainer

    trainer = Trainer(SMALL)
    trainer.step()
    return checkpoint_bytes(trainer)


@pytest.mark.filterwarnings("ignore::UserWarning:torch._weights_only_unpickler")  # junk bytes
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checkpoint_payloads())
def test_any_uploaded_checkpoint_is_restored_or_a_named_config_error(data):
    """What the web process checks (``read_state``) and what the worker then restores."""
    try:
        _, config = read_state(data)
        trainer = load_checkpoint(data)
    except ConfigError as exc:
        assert exc.field and str(exc).startswith(f"{exc.field}=")  # "checkpoint" or a setting
        return
    assert trainer.config == config and trainer.steps_done >= 0
    trainer.step()  # a restored run trains


# --- the live half: the same kinds of payloads through a launched app's public API ---------

GENERIC_ERROR = "has not enabled verbose error reporting"  # Gradio's word for an unhandled one
json_scalars = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
json_hostile = json_scalars | st.lists(json_scalars, max_size=3) | st.dictionaries(
    st.text(max_size=4), json_scalars, max_size=2)


def _json_controls() -> st.SearchStrategy[list]:
    good = controls_from_config(BASE)
    return st.dictionaries(st.integers(0, len(good) - 1), json_hostile, max_size=3).map(
        lambda swaps: [swaps.get(i, v) for i, v in enumerate(good)])


def _live_drawn() -> st.SearchStrategy[str]:
    as_json = st.lists(st.lists(st.floats(-1e6, 1e6) | st.text(max_size=3), max_size=3),
                       max_size=30).map(json.dumps)
    huge = st.sampled_from([json.dumps([[0.25, 1.0]] * n) for n in (2000, 2001, 60_000)])
    return as_json | huge | st.sampled_from(["", "[[0,0]]", "[" * 5000, "{oops",
                                             f"[[{'9' * 4_400}, 1]]"]) | st.text(max_size=40)


def _file(suffix: str) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.tuples(st.just(suffix), checkpoint_payloads() if suffix == ".pt" else (
        st.binary(max_size=300) | st.text(max_size=200).map(str.encode)
        | st.sampled_from([b"{}", json.dumps({"lr_g": 1e9}).encode(), b"\xff\xfe" * 50,
                           json.dumps({"custom_points": [[0, 0]] * 50_000}).encode(),
                           BASE.with_changes(seed=4).to_json().encode()])))


calls = st.one_of(
    st.tuples(st.just("/apply_controls"), _json_controls().map(lambda v: [*v, ""])),
    st.tuples(st.just("/train_drawn"), st.tuples(_json_controls(), _live_drawn()).map(
        lambda t: [*t[0], t[1]])),
    st.tuples(st.just("/load_config"), st.tuples(st.text(max_size=80) | st.sampled_from(
        ['{"batch_size": -1}', '{"g_width": 4096, "g_layers": 16}', '{"dataset": "mnist",'
         ' "batch_size": 100000}', "[" * 10_000, '{"version": 99}', '{"seed": ' + "9" * 4_400
         + "}", '{"seed": 1' + " " * 100_001 + "}"]))),
    st.tuples(st.just("/preset"), st.tuples(json_hostile)),
    st.tuples(st.just("/compare_pair"), st.tuples(json_hostile)),
    st.tuples(st.just("/compare_b_json"), st.tuples(st.text(max_size=60), json_hostile)),
    st.tuples(st.just("/restore"), _file(".pt")),
    st.tuples(st.just("/upload_config"), _file(".json")),
)


@pytest.fixture(scope="module")
def live(app_url, tmp_path_factory):
    from gradio_client import Client

    return Client(app_url, verbose=False), tmp_path_factory.mktemp("uploads")


def _send(live, api_name: str, args) -> str:
    """One API call; its text (the page's message, or the error a caller sees)."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    client, folder = live
    if api_name in ("/restore", "/upload_config"):
        suffix, data = args
        path = folder / f"upload{suffix}"
        path.write_bytes(data)
        args = [handle_file(str(path))]
    try:
        result = client.predict(*args, api_name=api_name)
    except AppError as exc:
        assert str(exc).strip() and GENERIC_ERROR not in str(exc), f"{api_name}: {exc}"
        return str(exc)
    parts = result if isinstance(result, (list, tuple)) else [result]
    text = " ".join(str(part) for part in parts if isinstance(part, str))
    assert "Traceback" not in text and "Exception" not in text, text[:300]
    return text


@pytest.mark.timeout(120)
def test_the_same_controls_sent_twice_are_applied_once_without_an_error(live):
    """The page drops a repeat of the last control values (Gradio sends a dropdown's pick
    twice). The repeat once answered ``{}``, which Gradio reads as one value for all of the
    event's outputs and turns into an anonymous error; the fuzz below met it only when two
    payloads in a row happened to read the same, and the replay (no longer a repeat) passed."""
    values = controls_from_config(BASE.with_changes(seed=BASE.seed + 7))
    first = _send(live, "/apply_controls", [*values, ""])
    assert "✓" in first
    assert _send(live, "/apply_controls", [*values, ""]) == ""  # nothing to say, no error
    values[CONTROL_FIELDS.index("lr_decay_power")] = 2.0
    assert "✓" in _send(live, "/apply_controls", [*values, ""])  # a change is still applied


@pytest.mark.timeout(600)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(calls)
def test_hostile_api_payloads_get_a_message_never_an_anonymous_error(live, call):
    api_name, args = call
    _send(live, api_name, args)
    client, _ = live
    client.predict(True, False, False, [], api_name="/frame")  # the server still answers


@pytest.mark.timeout(120)
def test_the_fuzzed_session_still_trains(live):
    """After every hostile payload above, the same tab loads a preset and trains."""
    client, _ = live
    assert "✓" in _send(live, "/preset", ["mode-collapse"])
    client.predict(api_name="/play")
    deadline = time.monotonic() + 60
    step = 0
    while step < 20:
        assert time.monotonic() < deadline, "the fuzzed session did not train"
        status = predict(client, True, False, False, [], api_name="/frame")["status"]
        if isinstance(status, str) and 'data-step="' in status:
            step = int(status.split('data-step="')[1].split('"')[0])
        time.sleep(0.2)
    client.predict(api_name="/pause")


def test_a_link_cannot_make_the_server_read_a_file(tmp_path):
    """``?preset=/some/file.json`` from a share link: the web app takes preset names only (the
    CLI still takes paths); the message lists the names, not the file's contents."""
    from playground.presets import load_pair, load_preset

    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"config": {"lr_g": 0.5, "not_a_setting": "s3cr3t"}}))
    for name in (str(secret), str(tmp_path / "secret"), "../" * 8 + str(secret)[1:-5], None, 7):
        for load in (load_preset, load_pair):
            with pytest.raises(ConfigError) as caught:
                load(name, paths=False)
            assert caught.value.field == "preset" and "s3cr3t" not in str(caught.value)
    with pytest.raises(ConfigError, match="not_a_setting"):  # the CLI does read the path
        load_preset(str(secret))
