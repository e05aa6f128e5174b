"""Hostile configs (from a share link, an upload, the API): valid, or a ConfigError naming a
field; never another exception."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.engine.config import ConfigError, TrainConfig, field_names
from playground.web.controls import config_from_query

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5),
                                                                      children, max_size=3),
    max_leaves=10,
)
keys = st.sampled_from(field_names()) | st.text(max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=6))
def test_any_dict_is_valid_or_a_named_config_error(data):
    try:
        config = TrainConfig.from_dict(data)
    except ConfigError as exc:
        assert exc.field and str(exc).startswith(f"{exc.field}=")
        return
    assert TrainConfig.from_json(config.to_json()) == config


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(field_names()), st.text(max_size=30), max_size=5))
def test_any_share_link_is_valid_or_a_named_config_error(params):
    try:
        config_from_query(params)
    except ConfigError as exc:
        assert exc.field


def test_oversized_and_deep_json_are_rejected_cleanly():
    deep = "[" * 100_000 + "]" * 100_000
    for text in (deep, json.dumps({"custom_points": [[0, 0]] * 100_000})):
        try:
            TrainConfig.from_json(text)
        except ConfigError as exc:
            assert exc.field in ("config", "custom_points")
        else:
            raise AssertionError("accepted")
